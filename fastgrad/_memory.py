"""An allocator setting for programs that allocate many medium-sized arrays, on by default.

With glibc's default settings, arrays above its mmap threshold (128 KiB until a
larger block has been freed, when the threshold follows it) are mapped fresh from
the kernel or trimmed back to it after each free, so each new one pays a page fault
per 4 KiB. Keeping blocks up to 32 MiB in the heap and not trimming it eagerly
removes that cost, as the caching allocators of other array frameworks do.

The setting is process-wide. It is applied on import because a jacobian's sweep holds
more arrays of the output's size at once than the hand-written derivative does (the
tape keeps each intermediate), enough for glibc to trim and fault them back on every
call: the seed jacobian called in a loop is 9.2-9.8x the hand-written derivative
called in a loop without the setting and 2.5x with it (README, "Memory"). Set
FASTGRAD_MALLOC_TUNING=0 in the environment before importing fastgrad to leave the
allocator alone; `fastgrad.tune_allocator(True)` applies it later. Linux with glibc
only; elsewhere it does nothing.
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
    `apply` None (the call at import) applies them unless FASTGRAD_MALLOC_TUNING=0."""
    global tuned
    if apply is None:
        apply = os.environ.get("FASTGRAD_MALLOC_TUNING", "1") != "0"
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

