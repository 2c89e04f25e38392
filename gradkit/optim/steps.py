"""Step-size rules for x_{k+1} = x_k - alpha_k g_k.

A rule is called once per iteration as rule(k, x, fx, g, value) and returns
(alpha, f at the new point or None): `fx` is f(x) or None if the method has not computed
it, `value` a counted evaluation of f for rules that need one (Armijo). Returning the new
point's value lets a line search hand it to the next iteration instead of paying again.
"""
import numpy as _np

__all__ = ["Constant", "InverseL", "Diminishing", "Armijo", "as_step"]


class Constant:
    """alpha_k = alpha.

    >>> Constant(0.1)(0, None, None, None, None)
    (0.1, None)
    """

    def __init__(self, alpha):
        if not 0 < alpha < float("inf"):
            raise ValueError(f"a step size must be positive and finite, got {alpha}.")
        self.alpha = float(alpha)

    def __call__(self, k, x, fx, g, value):
        return self.alpha, None

    def __repr__(self):
        return f"Constant({self.alpha:g})"


class InverseL(Constant):
    """alpha = 1 / (scale L): the classical safe step for an L-smooth f (scale = 1). A
    gradient estimate G with E||G||^2 = c ||grad f||^2 needs scale = c (c = n for the
    two-point spherical estimator in R^n, lecture L8's 1/(nL)).

    >>> InverseL(4.0, scale=2)(0, None, None, None, None)
    (0.125, None)
    """

    def __init__(self, L, scale=1.0):
        if L is None or not L > 0:
            raise ValueError("step '1/L' needs the smoothness constant: pass L=... (or a problem that knows it), "
                             "or choose step='armijo'.")
        super().__init__(1.0 / (scale * L))
        self.L, self.scale = float(L), float(scale)

    def __repr__(self):
        return f"InverseL(L={self.L:g}, scale={self.scale:g})"


class Diminishing:
    """alpha_k = alpha0 / (k + 1)^power (sum alpha_k = inf, as the convergence theory of
    noisy gradients asks for power in (1/2, 1]).

    >>> Diminishing(1.0, power=1.0)(3, None, None, None, None)
    (0.25, None)
    """

    def __init__(self, alpha0=1.0, power=0.5):
        self.alpha0, self.power = float(alpha0), float(power)

    def __call__(self, k, x, fx, g, value):
        return self.alpha0 / (k + 1) ** self.power, None

    def __repr__(self):
        return f"Diminishing({self.alpha0:g}, power={self.power:g})"


class Armijo:
    """Backtracking line search: the first alpha in grow * alpha_prev, shrink * that, ...
    with f(x - alpha g) <= f(x) - c alpha ||g||^2 (sufficient decrease). c = 1/2 (the
    condition of accelerated methods' backtracking) keeps steps below the inverse local
    curvature; with c = 1e-4 GD with growing steps zigzags and Nesterov diverges (measured).

    Starting from twice the last accepted step (not from alpha0 each time) lets the step
    track the local curvature at about two evaluations per iteration. Near x*, where the
    decrease is smaller than the rounding of f, a step no longer than the last accepted one
    is kept, so the search does not collapse to zero steps.

    For a gradient estimate G (zero-order), <grad f, G> is about ||G||^2 / s where s is the
    estimator's second moment (s = n for one spherical direction in R^n, exactly), so the
    test uses c / s; `scale` sets s, by default the gradient source's (see `Oracle`). After
    max_backtracks shrinks without decrease the step is 0 (g was no descent direction).

    >>> import numpy
    >>> rule = Armijo(alpha0=1.0)
    >>> x = numpy.array([2.0]); g = 2 * x
    >>> rule(0, x, 4.0, g, lambda y: float(y @ y))   # f = x^2: alpha = 1/2 lands on the minimum
    (0.5, 0.0)
    """

    needs_value = True  # f(x) at the current point, which minimize pays for once

    def __init__(self, alpha0=1.0, c=0.5, shrink=0.5, grow=2.0, max_backtracks=60, scale=None):
        if not (0 < c < 1 and 0 < shrink < 1 and grow >= 1 and 0 < alpha0 < float("inf")):
            raise ValueError(f"Armijo needs 0 < c < 1, 0 < shrink < 1, grow >= 1 and a positive finite alpha0; got "
                             f"c={c}, shrink={shrink}, grow={grow}, alpha0={alpha0}.")
        self.alpha0, self.c, self.shrink, self.grow, self.max_backtracks = alpha0, c, shrink, grow, max_backtracks
        self.scale = scale
        self._prev, self._scale = None, 1.0 if scale is None else float(scale)

    def reset(self, second_moment=1.0):
        """Forget the last accepted step, and take the gradient source's second moment as the
        scale unless one was given (minimize calls this at the start of a run). Returns None.

        >>> import numpy
        >>> rule, f, x = Armijo(alpha0=1.0), lambda y: float(y @ y), numpy.array([2.0])
        >>> rule(0, x, 4.0, 2 * x, f)[0], rule(1, x, 4.0, 2 * x, f)[0]   # the second starts from 2 * 0.5
        (0.5, 0.5)
        >>> rule.reset()                     # a new run starts from alpha0 again
        """
        self._prev = None
        self._scale = float(second_moment) if self.scale is None else float(self.scale)

    def __call__(self, k, x, fx, g, value):
        if fx is None:
            fx = value(x)
        prev = self._prev
        alpha = self.alpha0 if prev is None else prev * self.grow
        gg = float(_np.vdot(g, g))
        noise = 1e-10 * abs(fx)  # differences of f this small may be rounding (f's terms can exceed f)
        for _ in range(self.max_backtracks):
            f_new = value(x - alpha * g)
            required = self.c * alpha * gg / self._scale
            if required > noise:
                if f_new <= fx - required:
                    break
            # near x* the decrease drowns in the rounding of f: trust only a step that worked before
            elif prev is not None and alpha <= prev and f_new <= fx + noise:
                break
            alpha *= self.shrink
        else:  # no decrease found (g is not a descent direction, e.g. a poor estimate): do not move
            self._prev = alpha
            return 0.0, fx
        self._prev = alpha
        return alpha, f_new

    def __repr__(self):
        return f"Armijo(alpha0={self.alpha0:g}, c={self.c:g}, shrink={self.shrink:g})"


def as_step(step, L=None, scale=1.0):
    """A step rule from a number (constant), "1/L", "armijo", "diminishing", or a rule.

    "1/L" divides by `scale` too (see InverseL); None means "1/L" if L is known, else Armijo.

    >>> as_step(0.5), as_step(None, L=2.0), as_step(None)
    (Constant(0.5), InverseL(L=2, scale=1), Armijo(alpha0=1, c=0.5, shrink=0.5))
    """
    if step is None:
        step = "1/L" if L is not None else "armijo"
    if isinstance(step, str):
        name = step.lower().replace(" ", "")
        if name == "1/l":
            return InverseL(L, scale)
        if name == "armijo":
            return Armijo()
        if name == "diminishing":
            return Diminishing(1.0 / (scale * L) if L else 1.0)
        raise ValueError(f"unknown step {step!r}; use a number, '1/L', 'armijo', 'diminishing' or a rule "
                         f"such as Armijo(alpha0=0.1).")
    if isinstance(step, (int, float, _np.floating)):
        return Constant(step)
    if callable(step):
        return step
    raise TypeError(f"step must be a number, a string or a step rule, got {type(step).__name__}.")
