"""Named exceptions. Every message states the problem and the fix."""


class GradkitError(Exception):
    """Base class of gradkit's own errors: catch it to handle any of them.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> try:
    ...     gk.vjp(np.sin, np.zeros(2))[1](np.ones(3))
    ... except GradkitError as error:
    ...     print(type(error).__name__)
    ShapeError
    """


class NonDifferentiableError(GradkitError):
    """A value that cannot carry a derivative was asked to (integer input, float() of a traced value...).

    >>> import gradkit as gk
    >>> try:
    ...     gk.grad(lambda x: float(x))(1.0)
    ... except NonDifferentiableError as error:
    ...     print(str(error).split(") was")[0])
    a traced value (Tracer(level=..., shape=(), dtype=float64)
    """


class MissingRuleError(GradkitError, NotImplementedError):
    """A primitive was differentiated in a mode for which it has no rule.

    >>> import gradkit as gk
    >>> from gradkit.core import Primitive
    >>> double = Primitive("double", lambda x: 2 * x)
    >>> try:
    ...     gk.grad(double)(1.0)
    ... except MissingRuleError as error:
    ...     print(str(error).split(".")[0])
    gradkit primitive 'double' has no reverse-mode rule for argument 0
    """


class UnsupportedFunctionError(GradkitError, TypeError):
    """A NumPy function without a gradkit derivative rule was called on a traced value.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> try:
    ...     gk.grad(lambda x: np.savetxt("never-written.txt", x))(np.ones(2))
    ... except UnsupportedFunctionError as error:
    ...     print(str(error).split(";")[0])
    numpy.savetxt was called on a traced value
    """


class ShapeError(GradkitError, ValueError):
    """Cotangents, tangents or pytrees whose shape or structure does not match.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> out, back = gk.vjp(np.sin, np.zeros(2))
    >>> try:
    ...     back(np.ones(3))
    ... except ShapeError as error:
    ...     print(error)
    cotangent of shape (3,) given for an output of shape (2,); pass one of the output's shape.
    """


class ConcretizationError(GradkitError):
    """A traced value was needed as a plain one (Python control flow, an index, a shape)
    where its value is not this call's own: recorded by jit, or a batch under vmap.

    >>> import gradkit as gk
    >>> try:
    ...     gk.jit(lambda x: x if x > 0 else -x)(1.0)
    ... except ConcretizationError as error:
    ...     print(str(error).split(" inside")[0])
    Python control flow (bool of a traced array) depends on the value of a traced array
    """


class EscapedTracerError(GradkitError):
    """A traced value was used after the transformation that traced it had returned: it
    escaped its function (through a global, a list, an attribute or a closure), and what is
    computed from it could no longer be differentiated.

    >>> import gradkit as gk
    >>> kept = []
    >>> _ = gk.grad(lambda x: kept.append(x) or x * x)(1.0)
    >>> try:
    ...     kept[0] * 2.0
    ... except EscapedTracerError as error:
    ...     print(str(error).split(":")[0])
    a traced value was used after reverse-mode differentiation (gradkit.grad, vjp, value_and_grad...) had returned
    """
