"""The experiments, one module per group of claims, registered in lecture order."""
from . import calculus  # noqa: F401  L1-L3
from . import why_gradients  # noqa: F401  L4
from . import mds  # noqa: F401  L5
from . import zero_order  # noqa: F401  L6-L8
from . import finite_diff  # noqa: F401  L9-L10
from . import sweeps  # noqa: F401  L11-L12
from . import jacobians  # noqa: F401  L13
from . import network  # noqa: F401  L14
from . import linalg  # noqa: F401  L15-L16
from . import second_order  # noqa: F401  L17-L18
from . import checkpointing  # noqa: F401  L19
from . import closing  # noqa: F401  L20
