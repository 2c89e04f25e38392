"""Reusing freed memory instead of asking the operating system for fresh pages.

Reverse mode allocates a tape of intermediates on every gradient and frees it at the end.
glibc's allocator hands large blocks (from 128 KiB, adaptively more) back to the operating
system when they are freed, so the next gradient gets fresh pages, and every fresh page
costs a fault and zeroing by the kernel: on virtual machines 2-3 microseconds per 4 KiB,
which can cost more than the arithmetic (an eager 200 x 200 Hessian: 2.8 ms, 1.2 ms once
freed memory is kept). `keep_freed_memory()` asks the allocator to keep freed memory for
reuse. It changes the whole process (every library's allocations), so gradkit never does
it on its own: call it once at start-up where throughput matters more than returning memory
to the system.

    import gradkit
    gradkit.memory.keep_freed_memory()     # True where it took effect (Linux, glibc)
"""
import ctypes
import ctypes.util

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_MAX = 32 << 20  # glibc refuses larger values on 64-bit systems


def keep_freed_memory(keep_bytes=1 << 30):
    """Keep up to `keep_bytes` of freed memory in the process for reuse, and serve blocks
    up to 32 MiB from that reusable pool instead of fresh pages. Returns True where it took
    effect (Linux with glibc), False elsewhere (nothing changes there).

    >>> keep_freed_memory(keep_bytes=64 << 20) in (True, False)   # True on Linux with glibc
    True
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # glibc only: musl and others have no such knobs
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
                and mallopt(_M_TRIM_THRESHOLD, min(keep_bytes, 2 ** 31 - 1)))
