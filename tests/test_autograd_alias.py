"""autograd programs run unedited on gradkit (gradkit.autograd_alias, `gradkit autograd`): each
program below, written against autograd's modules, runs once on autograd itself and once on
gradkit, and the results agree."""
import subprocess
import sys
import textwrap

import numpy as onp
import pytest

from gradkit import autograd_alias

PROGRAMS = {
    "regression with adam and flatten": """
        import autograd.numpy as np
        import autograd.numpy.random as npr
        from autograd import grad
        from autograd.misc import flatten
        from autograd.misc.optimizers import adam

        rs = npr.RandomState(0)
        X = rs.randn(40, 3)
        y = np.tanh(X @ np.array([1.0, -2.0, 0.5]))
        params = {"w": 0.1 * rs.randn(3), "b": 0.0}

        def loss(params, step):
            return np.mean((np.tanh(X @ params["w"] + params["b"]) - y) ** 2)

        trained = adam(grad(loss), params, step_size=0.05, num_iters=60)
        result = flatten(trained)[0]
    """,
    "mixture likelihood with scipy": """
        import autograd.numpy as np
        import autograd.scipy.stats.norm as norm
        from autograd import value_and_grad, hessian
        from autograd.scipy.special import logsumexp

        data = np.array([-1.2, 0.3, 0.8, 2.5, 3.1])

        def neg_loglik(theta):
            means, log_scales, logits = theta[:2], theta[2:4], theta[4:]
            weights = logits - logsumexp(logits)
            logp = norm.logpdf(data[:, None], means, np.exp(log_scales)) + weights
            return -np.sum(logsumexp(logp, axis=1))

        theta = np.array([-1.0, 2.0, 0.1, -0.2, 0.3, -0.3])
        value, g = value_and_grad(neg_loglik)(theta)
        result = np.concatenate([[value], g, hessian(neg_loglik)(theta).ravel()])
    """,
    "a primitive of one's own": """
        import autograd.numpy as np
        from autograd import grad, jacobian, elementwise_grad
        from autograd.extend import primitive, defvjp
        from autograd.test_util import check_grads

        @primitive
        def softplus(x):
            return np.log1p(np.exp(x))
        defvjp(softplus, lambda ans, x: lambda g: g / (1.0 + np.exp(-x)))

        x = np.linspace(-2.0, 2.0, 5)
        check_grads(softplus, modes=["rev"], order=1)(x)
        result = np.concatenate([elementwise_grad(softplus)(x),
                                 jacobian(lambda v: softplus(v) * v[::-1])(x).ravel(),
                                 [grad(lambda a, b: np.sum(softplus(a * b)), argnum=1)(x, 0.5)]])
    """,
}


def _run(source):
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    return onp.asarray(namespace["result"], dtype=float)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_autograd_programs_give_autograds_results_on_gradkit(name):
    theirs = _run(PROGRAMS[name])
    autograd_alias.install()
    try:
        import autograd
        assert autograd.__name__ == "gradkit"
        ours = _run(PROGRAMS[name])
    finally:
        autograd_alias.uninstall()
    onp.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_the_command_runs_a_script_unedited(tmp_path):
    script = tmp_path / "fit.py"
    script.write_text(textwrap.dedent("""
        import sys
        import autograd
        import autograd.numpy as np
        from autograd import grad
        print(autograd.__name__, sys.argv[1], grad(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0])))
    """))
    out = subprocess.run([sys.executable, "-m", "gradkit", "autograd", str(script), "hello"],
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["gradkit", "hello", "[", "3.", "12.]"]


def test_an_autograd_internal_says_it_has_no_counterpart():
    autograd_alias.install()
    try:
        with pytest.raises(ModuleNotFoundError, match="no counterpart of autograd.tracer"):
            import autograd.tracer  # noqa: F401
    finally:
        autograd_alias.uninstall()
