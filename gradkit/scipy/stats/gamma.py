"""autograd's module form of the distribution: `import gradkit.scipy.stats.gamma as gamma`."""
from . import gamma as _distribution  # the class in the package, which this module stands for

globals().update({k: getattr(_distribution, k) for k in dir(_distribution) if not k.startswith("_")})
