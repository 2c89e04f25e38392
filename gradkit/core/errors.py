"""Named exceptions. Every message states the problem and the fix."""


class GradkitError(Exception):
    """Base class of gradkit's own errors."""


class NonDifferentiableError(GradkitError):
    """A value that cannot carry a derivative was asked to (integer input, float() of a traced value...)."""


class MissingRuleError(GradkitError, NotImplementedError):
    """A primitive was differentiated in a mode for which it has no rule."""


class UnsupportedFunctionError(GradkitError, TypeError):
    """A NumPy function without a gradkit derivative rule was called on a traced value."""


class ShapeError(GradkitError, ValueError):
    """Cotangents, tangents or pytrees whose shape or structure does not match."""


class ConcretizationError(GradkitError):
    """A traced value was needed as a plain one (Python control flow, an index, a shape)
    where its value is not this call's own: recorded by jit, or a batch under vmap."""
