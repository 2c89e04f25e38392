"""Forward mode: values carry their tangents from the inputs to the outputs (lecture L11)."""
from .trace import Tracer, as_traced, new_level, rebuild


class JVPTrace:
    """A forward-mode trace; a tracer's node is its tangent, pushed along with the value by
    each primitive's JVP rule (lecture L11). gradkit.jvp runs fun on a new JVPTrace. By hand:

    >>> import gradkit.numpy as np
    >>> trace = JVPTrace()
    >>> x = trace.new_input(2.0, 1.0)
    >>> y = x * x
    >>> y.value, y.node
    (np.float64(4.0), np.float64(4.0))
    """

    __slots__ = ("level",)
    concrete_refusal = None  # its values are the call's own (see trace.concrete)
    batch_axes = 0

    def __init__(self):
        self.level = new_level()

    def new_input(self, value, tangent):
        """A tracer of this trace for an input value with its tangent."""
        return Tracer(as_traced(value), self, tangent)

    def process(self, prim, args, params):
        """Evaluate prim below this level and push the tangents through its JVP rule."""
        if not prim.differentiable:  # evaluated below this level, never recorded
            return prim(*[a.value if type(a) is Tracer and a._trace is self else a for a in args], **params)
        vals = list(args)
        tangents = [None] * len(args)
        nested = False  # do tracers of lower levels remain among the arguments?
        for i, a in enumerate(args):
            if type(a) is Tracer:
                if a._trace is self:
                    tangents[i] = a.node
                    a = vals[i] = a.value
                if type(a) is Tracer:
                    nested = True
        ans = prim(*vals, **params) if nested else prim.impl(*vals, **params)
        t = prim.jvp(tangents, ans, vals, params)
        if prim.multiple_results:
            if t is None:
                return ans
            return rebuild(ans, [a if d is None else Tracer(a, self, d) for a, d in zip(ans, t)])
        return ans if t is None else Tracer(ans, self, t)
