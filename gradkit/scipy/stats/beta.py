"""autograd's module form of the distribution: `import gradkit.scipy.stats.beta as beta`."""
from . import beta as _distribution  # the class in the package, which this module stands for

globals().update({k: getattr(_distribution, k) for k in dir(_distribution) if not k.startswith("_")})
