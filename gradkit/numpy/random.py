"""numpy.random itself, so that `import gradkit.numpy.random as npr` works as
`import autograd.numpy.random` does (random draws carry no derivative)."""
import sys

import numpy.random as _random

sys.modules[__name__] = _random
