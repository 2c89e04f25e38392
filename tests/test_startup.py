"""Start-up: `import gradkit, gradkit.numpy` loads the engine and the NumPy namespace only;
the lab, SciPy, matplotlib, graphs, optimisers and the allocator helper load on first use."""
import subprocess
import sys

DEFERRED = ["gradkit.lab", "gradkit.graph", "gradkit.scipy", "gradkit.numeric", "gradkit.optim", "gradkit.problems",
            "gradkit.memory", "gradkit.core.jit", "scipy", "matplotlib", "rich", "ctypes.util", "subprocess"]


def _loaded(code):
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def test_import_loads_nothing_the_first_call_does_not_need():
    loaded = _loaded("import gradkit, gradkit.numpy as np\ngradkit.grad(lambda x: np.sum(np.sin(x)))(np.ones(3))")
    early = [m for m in DEFERRED if m in loaded or any(n.startswith(m + ".") for n in loaded)]
    assert not early, f"imported at start-up: {early}"


def test_deferred_modules_load_on_use():
    loaded = _loaded("import gradkit\ngradkit.memory.keep_freed_memory\ngradkit.graph.record\ngradkit.check_grads\n"
                     "gradkit.jit(lambda x: x + 1)(1.0)")
    assert {"gradkit.memory", "gradkit.graph", "gradkit.numeric.check", "gradkit.core.jit"} <= loaded
