"""An allocator setting for programs that allocate many medium-sized arrays, off unless
asked for.

With glibc's default settings, arrays above its mmap threshold (128 KiB until a
larger block has been freed, when the threshold follows it) are mapped fresh from
the kernel or trimmed back to it after each free, so each new one pays a page fault
per 4 KiB. Keeping blocks up to 32 MiB in the heap and not trimming it eagerly
removes that cost, as the caching allocators of other array frameworks do.

The setting is process-wide, so fastgrad leaves it to the user: FASTGRAD_MALLOC_TUNING=1
in the environment before importing fastgrad applies it on import, and
`fastgrad.tune_allocator(True)` applies it later. It was on by default while the seed
jacobian's sweep held the function's value beside the tape's intermediate and the
result, enough for glibc to trim and fault them back on every call (9.2-9.8x the
hand-written derivative without the setting, 2.5x with it). A forward jacobian now frees
the value it does not return before sweeping (Linearization.free_output_values), and the
nine benchmark scenarios run as fast without the setting as with it (README, "Memory").
Linux with glibc only; elsewhere it does nothing.
Imports: nothing from fastgrad.
"""

import ctypes
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest allowed value on 64-bit systems
_TRIM_THRESHOLD = 256 * 1024 * 1024

tuned = False


def tune_allocator(apply=None):
    """Apply the settings once, on Linux with glibc; returns whether they are in force.
    `apply` None (the call at import) applies them only if FASTGRAD_MALLOC_TUNING=1."""
    global tuned
    if apply is None:
        apply = os.environ.get("FASTGRAD_MALLOC_TUNING", "0") == "1"
    if tuned or not apply or not sys.platform.startswith("linux"):
        return tuned
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    tuned = bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
    return tuned

