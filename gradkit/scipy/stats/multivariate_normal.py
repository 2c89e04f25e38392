"""autograd's module form of the distribution: `import gradkit.scipy.stats.multivariate_normal as multivariate_normal`."""
from . import multivariate_normal as _distribution  # the class in the package, which this module stands for

globals().update({k: getattr(_distribution, k) for k in dir(_distribution) if not k.startswith("_")})
