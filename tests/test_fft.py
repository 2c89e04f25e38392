"""gradkit.numpy.fft: values equal NumPy's; derivatives in both modes to second order for
every transform and its options (n/s, axis/axes, norm), on real and complex inputs; the
VJP is the exact transpose of the JVP; NumPy's own fft functions dispatch to gradkit's."""
import zlib

import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as np
from gradkit.numeric.check import check_vjp_jvp_adjoint

F = np.fft


def _rng(key):
    """A generator seeded by the key (stable across runs, unlike hash() of a string)."""
    return onp.random.default_rng(zlib.crc32(repr(key).encode()))


def _parts(z):
    return np.stack([np.real(z), np.imag(z)])


def _inputs(key):
    rng = _rng(key)
    x = rng.standard_normal((4, 6))
    return x, x + 1j * rng.standard_normal((4, 6))


COMPLEX_1D = [{}, dict(n=8), dict(n=3, axis=0), dict(norm="ortho"), dict(norm="forward", axis=0)]
COMPLEX_ND = [{}, dict(s=(3, 8), axes=(0, 1)), dict(norm="ortho"), dict(axes=(0,)),
              dict(s=(5,), axes=(-1,), norm="forward")]
REAL_1D = [{}, dict(n=8), dict(n=5), dict(axis=0, norm="ortho"), dict(norm="forward")]
INVERSE_REAL_1D = REAL_1D + [dict(n=11), dict(n=4, axis=0)]
REAL_ND = [{}, dict(s=(3, 8), axes=(0, 1)), dict(s=(4, 7), axes=(0, 1)), dict(norm="ortho"),
           dict(axes=(1, 0), norm="forward")]

CASES = ([(name, kw) for name in ("fft", "ifft") for kw in COMPLEX_1D]
         + [(name, kw) for name in ("fft2", "ifft2", "fftn", "ifftn") for kw in COMPLEX_ND if
            not (name.endswith("2") and "axes" in kw and "s" not in kw)]
         + [("rfft", kw) for kw in REAL_1D] + [("ihfft", kw) for kw in REAL_1D]
         + [("irfft", kw) for kw in INVERSE_REAL_1D] + [("hfft", kw) for kw in INVERSE_REAL_1D]
         + [(name, kw) for name in ("rfft2", "rfftn", "irfft2", "irfftn") for kw in REAL_ND
            if not (name.endswith("2") and "axes" in kw and "s" not in kw)]
         + [("fftshift", {}), ("fftshift", dict(axes=1)), ("ifftshift", {}), ("ifftshift", dict(axes=(0,)))])
REAL_INPUT_ONLY = {"rfft", "rfft2", "rfftn", "ihfft"}  # NumPy refuses complex input to these


def _id(case):
    name, kw = case
    return name + "".join(f"-{k}={v}" for k, v in kw.items())


@pytest.mark.parametrize("name, kw", CASES, ids=[_id(c) for c in CASES])
def test_values_and_derivatives(name, kw):
    x, z = _inputs(_id((name, kw)))
    ours, theirs = getattr(F, name), getattr(onp.fft, name)
    inputs = (x,) if name in REAL_INPUT_ONLY else (x, z)
    for a in inputs:
        onp.testing.assert_allclose(ours(a, **kw), theirs(a, **kw), rtol=1e-12, atol=1e-12)
        real_out = not onp.iscomplexobj(theirs(a, **kw))
        # real outputs go straight to check_grads; complex ones of a real input as parts
        fn = (lambda a: ours(a, **kw)) if real_out or onp.iscomplexobj(a) else (lambda a: _parts(ours(a, **kw)))
        gk.check_grads(fn, modes=("fwd", "rev"), order=2)(a)


ADJOINT_CASES = [("fft", dict(n=5)), ("rfft", dict(n=9)), ("irfft", dict(n=7)), ("irfftn", dict(s=(3, 5), axes=(0, 1))),
                 ("hfft", {})]


@pytest.mark.parametrize("name, kw", ADJOINT_CASES, ids=[_id(c) for c in ADJOINT_CASES])
def test_vjp_is_the_exact_transpose(name, kw):
    x, z = _inputs(name)
    check_vjp_jvp_adjoint(lambda a: getattr(F, name)(a, **kw), x if name == "rfft" else z)


def test_parseval_gradient():
    # sum |fft(x)|^2 = n sum x^2, so its gradient is 2 n x
    x = _rng("parseval").standard_normal(8)
    g = gk.grad(lambda x: np.sum(np.abs(F.fft(x)) ** 2))(x)
    onp.testing.assert_allclose(g, 2 * 8 * x, rtol=1e-12)
    # for the half spectrum R = S F x / sqrt(n): 2 Re(J^H R) = 2 sqrt(n) Re(ifft(R zero-padded))
    g = gk.grad(lambda x: np.sum(np.abs(F.rfft(x, norm="ortho")) ** 2))(x)
    padded = onp.concatenate([onp.fft.rfft(x, norm="ortho"), onp.zeros(3)])
    onp.testing.assert_allclose(g, 2 * onp.sqrt(8) * onp.real(onp.fft.ifft(padded)), rtol=1e-12)


def test_numpy_fft_dispatches_to_gradkit():
    x = _rng("dispatch").standard_normal(6)
    g = gk.grad(lambda x: onp.sum(onp.real(onp.fft.fft(x)) + onp.fft.irfft(onp.fft.rfft(x))))(x)
    expected = gk.grad(lambda x: np.sum(np.real(F.fft(x)) + F.irfft(F.rfft(x))))(x)
    onp.testing.assert_allclose(g, expected, rtol=1e-12)


def test_vmap_over_a_batch():
    x = _rng("vmap").standard_normal((3, 8))
    onp.testing.assert_allclose(gk.vmap(F.rfft)(x), onp.fft.rfft(x), rtol=1e-12)
    onp.testing.assert_allclose(gk.vmap(lambda a: F.fft2(a))(x.reshape(3, 2, 4)),
                                onp.fft.fft2(x.reshape(3, 2, 4)), rtol=1e-12)


def test_frequencies_are_numpys():
    assert F.fftfreq is onp.fft.fftfreq and F.rfftfreq is onp.fft.rfftfreq
