"""The classification of NumPy's whole public namespace (numpy, numpy.linalg, numpy.fft):
one entry per callable, the single source of truth for gradkit.numpy's coverage.

Kinds:
- "differentiable": gradkit.numpy has it with derivative rules in both modes and a batch
  rule (its own primitive, or a composition of primitives); tests/specs.py checks it.
- "nondiff": no derivative (integer, boolean, bitwise, set membership, index or dtype
  results): it accepts traced values and returns plain NumPy results, derivative zero.
- "refused": it cannot carry a derivative (I/O, text, memory layout, np.matrix): on a
  traced value it raises an error naming the function and the reason; on plain values it
  is NumPy's own.
- "numpy": NumPy's own object, re-exported unchanged, that takes no array to
  differentiate (constructors from shapes, configuration, classes and scalar types).

tests/test_coverage.py fails when the installed NumPy has a public callable this table
does not classify; docs/coverage.md is generated from it (`python -m
gradkit.numpy.namespace_table > docs/coverage.md`).
"""
DIFF, NONDIFF, REFUSED, NUMPY = "differentiable", "nondiff", "refused", "numpy"
KINDS = (DIFF, NONDIFF, REFUSED, NUMPY)

# (kind, group: why it is in this kind, names)
GROUPS = [
    (DIFF, "arithmetic", """add subtract multiply divide true_divide negative positive reciprocal square sqrt cbrt
        power pow float_power mod remainder fmod divmod absolute abs fabs"""),
    (DIFF, "exponentials and logarithms", "exp exp2 expm1 log log2 log10 log1p logaddexp logaddexp2 ldexp frexp"),
    (DIFF, "trigonometric and hyperbolic", """sin cos tan arcsin arccos arctan arctan2 asin acos atan atan2 hypot
        sinh cosh tanh arcsinh arccosh arctanh asinh acosh atanh deg2rad rad2deg radians degrees sinc i0"""),
    (DIFF, "piecewise (derivative almost everywhere)", """maximum minimum fmax fmin clip where copysign heaviside
        modf nextafter nan_to_num select piecewise"""),
    (DIFF, "complex parts", "real imag conj conjugate angle real_if_close sort_complex"),
    (DIFF, "reductions", """sum mean prod max min amax amin var std ptp average cumsum cumprod cumulative_sum
        cumulative_prod diff ediff1d gradient trapezoid"""),
    (DIFF, "statistics", "median quantile percentile cov corrcoef histogram histogram_bin_edges"),
    (DIFF, "nan-skipping reductions", """nansum nanprod nanmean nanvar nanstd nanmax nanmin nancumsum nancumprod
        nanmedian nanquantile nanpercentile"""),
    (DIFF, "products", """dot matmul inner outer vdot tensordot einsum kron cross vecdot matvec vecmat
        matrix_transpose"""),
    (DIFF, "shape", """reshape ravel transpose permute_dims moveaxis rollaxis swapaxes expand_dims squeeze
        broadcast_to broadcast_arrays atleast_1d atleast_2d atleast_3d copy"""),
    (DIFF, "joining and splitting", """concatenate concat stack hstack vstack dstack column_stack row_stack block
        append split array_split hsplit vsplit dsplit unstack"""),
    (DIFF, "rearranging", """tile repeat flip fliplr flipud roll rot90 pad resize delete insert trim_zeros
        diag diagflat diagonal trace triu tril"""),
    (DIFF, "indexing and sorting (gathers)", """take take_along_axis choose compress extract sort partition
        unique unique_values unique_counts unique_inverse unique_all union1d setdiff1d setxor1d"""),
    (DIFF, "writes (recorded as functional updates of a traced array)",
        "put place putmask copyto put_along_axis fill_diagonal"),
    (DIFF, "functions of functions", "apply_along_axis apply_over_axes vectorize"),
    (DIFF, "signal and interpolation", "convolve correlate interp unwrap kaiser"),
    (DIFF, "polynomials", "polyval polyfit polyder polyint polyadd polysub polymul polydiv poly roots vander"),
    (DIFF, "building arrays from traced values", """array asarray asanyarray ascontiguousarray asfortranarray
        asarray_chkfinite require astype full full_like linspace logspace geomspace meshgrid bincount"""),
    (DIFF, "linear algebra", """linalg.norm linalg.vector_norm linalg.matrix_norm linalg.cond linalg.solve
        linalg.inv linalg.pinv linalg.det linalg.slogdet linalg.cholesky linalg.eigh linalg.eigvalsh linalg.eig
        linalg.eigvals linalg.svd linalg.svdvals linalg.qr linalg.lstsq linalg.matrix_power linalg.multi_dot
        linalg.tensorsolve linalg.tensorinv linalg.matmul linalg.tensordot linalg.outer linalg.cross
        linalg.vecdot linalg.diagonal linalg.trace linalg.matrix_transpose"""),
    (DIFF, "Fourier transforms", """fft.fft fft.ifft fft.fft2 fft.ifft2 fft.fftn fft.ifftn fft.rfft fft.irfft
        fft.rfft2 fft.irfft2 fft.rfftn fft.irfftn fft.hfft fft.ihfft fft.fftshift fft.ifftshift"""),

    (NONDIFF, "rounding (derivative zero almost everywhere)", "floor ceil trunc rint fix round around spacing"),
    (NONDIFF, "integer division", "floor_divide"),
    (NONDIFF, "sign and comparisons", """sign signbit equal not_equal greater greater_equal less less_equal isclose
        allclose array_equal array_equiv"""),
    (NONDIFF, "logic and tests", """logical_and logical_or logical_not logical_xor all any isnan isinf isfinite
        isneginf isposinf isnat iscomplex isreal iscomplexobj isrealobj isscalar iterable"""),
    (NONDIFF, "bitwise and integer", """bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_invert invert
        bitwise_left_shift bitwise_right_shift left_shift right_shift bitwise_count gcd lcm packbits unpackbits"""),
    (NONDIFF, "index-valued", """argmax argmin nanargmax nanargmin argsort argpartition lexsort nonzero argwhere
        flatnonzero count_nonzero searchsorted digitize ravel_multi_index unravel_index diag_indices_from
        tril_indices_from triu_indices_from"""),
    (NONDIFF, "set membership (discontinuous in the values)", "isin intersect1d"),
    (NONDIFF, "shapes and dtypes", """shape ndim size result_type can_cast promote_types broadcast_shapes
        issubdtype common_type min_scalar_type einsum_path linalg.matrix_rank"""),

    (REFUSED, "writes to a file", "save savez savez_compressed savetxt"),
    (REFUSED, "makes text (a string has no derivative)", """array2string array_repr array_str
        format_float_positional format_float_scientific base_repr binary_repr"""),
    (REFUSED, "memory layout (a traced value has none)", "isfortran may_share_memory shares_memory nested_iters"),
    (REFUSED, "np.matrix (use 2-D arrays and @)", "asmatrix bmat"),
    (REFUSED, "counts in several dimensions (use histogram, or stop_gradient)", "histogram2d histogramdd"),
    (REFUSED, "dates and times", "busday_count busday_offset is_busday datetime_as_string datetime_data"),

    (NUMPY, "constructors from shapes and scalars", """zeros ones empty eye identity arange indices tri
        diag_indices triu_indices tril_indices mask_indices ix_ fromfunction zeros_like ones_like empty_like
        hanning hamming bartlett blackman fft.fftfreq fft.rfftfreq"""),
    (NUMPY, "reads files and buffers", """load loadtxt genfromtxt fromfile fromregex fromstring frombuffer fromiter
        from_dlpack"""),
    (NUMPY, "configuration", """set_printoptions get_printoptions printoptions seterr geterr seterrcall geterrcall
        setbufsize getbufsize show_config show_runtime get_include info test typename mintypecode isdtype
        frompyfunc linalg.test fft.test"""),
    (NUMPY, "classes and scalar types", """bool bool_ broadcast busdaycalendar byte bytes_ cdouble character
        clongdouble complex128 complex256 complex64 complexfloating csingle datetime64 double dtype errstate
        finfo flatiter flexible float128 float16 float32 float64 floating generic half iinfo inexact int16 int32
        int64 int8 int_ intc integer intp long longdouble longlong matrix memmap ndarray ndenumerate ndindex
        nditer number object_ poly1d recarray record short signedinteger single str_ timedelta64 ubyte ufunc
        uint uint16 uint32 uint64 uint8 uintc uintp ulong ulonglong unsignedinteger ushort void
        linalg.LinAlgError"""),
]

TABLE = {}  # public name ("sin", "linalg.svd", "fft.rfft") -> (kind, group)
for _kind, _group, _names in GROUPS:
    for _name in _names.split():
        if _name in TABLE:
            raise ValueError(f"namespace_table: {_name} is classified twice")
        TABLE[_name] = (_kind, _group)


def names(kind):
    """The names of one kind in the table ("differentiable", "nondiff", "refused" or "numpy"),
    sorted.

    >>> from gradkit.numpy import namespace_table
    >>> "median" in namespace_table.names("differentiable"), "argmax" in namespace_table.names("nondiff")
    (True, True)
    """
    return sorted(n for n, (k, _) in TABLE.items() if k == kind)


def numpy_public_callables():
    """Every public callable of the installed numpy, numpy.linalg and numpy.fft.

    >>> from gradkit.numpy import namespace_table
    >>> "linalg.solve" in namespace_table.numpy_public_callables()
    True
    """
    import numpy
    found = []
    for prefix, module in (("", numpy), ("linalg.", numpy.linalg), ("fft.", numpy.fft)):
        for name in dir(module):
            if not name.startswith("_") and callable(getattr(module, name)):
                found.append(prefix + name)
    return sorted(found)


def markdown():
    """docs/coverage.md: the counts and the full table.

    >>> from gradkit.numpy import namespace_table
    >>> namespace_table.markdown().splitlines()[0]
    "# Coverage of NumPy's namespace"
    """
    import numpy
    present = set(numpy_public_callables())
    rows = {k: [(n, g) for n, (kk, g) in TABLE.items() if kk == k and n in present] for k in KINDS}
    titles = {DIFF: "Differentiable", NONDIFF: "Not differentiable (plain results, zero derivative)",
              REFUSED: "Refused on traced values (with the reason)", NUMPY: "NumPy's own (no array to differentiate)"}
    lines = ["# Coverage of NumPy's namespace", "",
             f"Generated from `gradkit/numpy/namespace_table.py` for NumPy {numpy.__version__} (do not edit by hand: "
             "`python -m gradkit.numpy.namespace_table > docs/coverage.md`). Every public callable of `numpy`, "
             "`numpy.linalg` and `numpy.fft` is classified; a test fails when NumPy has one the table lacks.", "",
             "| kind | count |", "|---|---|"]
    lines += [f"| {titles[k]} | {len(rows[k])} |" for k in KINDS]
    lines += [f"| total | {sum(len(r) for r in rows.values())} |", "",
              "The table is data in code; ask it about a name:", "", "```python",
              "from gradkit.numpy.namespace_table import TABLE", "",
              'assert TABLE["median"] == ("differentiable", "statistics")',
              'assert TABLE["argmax"][0] == "nondiff"     # plain integer results, zero derivative',
              'assert TABLE["save"][0] == "refused"       # an error naming numpy.save on a traced value',
              "```", ""]
    for k in KINDS:
        lines += [f"## {titles[k]}", "", "| group | functions |", "|---|---|"]
        by_group = {}
        for n, g in rows[k]:
            by_group.setdefault(g, []).append(n)
        lines += [f"| {g} | {' '.join(f'`{n}`' for n in sorted(ns))} |" for g, ns in by_group.items()]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
