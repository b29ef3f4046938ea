"""Allocator settings for sweeps that allocate many medium-sized temporaries.

A batched sweep allocates and frees arrays of a few hundred kilobytes to a few
megabytes at every primitive. With glibc's default settings such blocks are
either mapped fresh from the kernel or trimmed back to it after each free, so
every sweep pays a page fault per 4 KiB of every temporary; on the seed
jacobian that is most of the time (about 7x). Keeping blocks up to 32 MiB in
the heap and not trimming it eagerly removes that cost, as the caching
allocators of other array frameworks do. The settings are process-wide; set
FASTGRAD_MALLOC_TUNING=0 in the environment before importing fastgrad to keep
the system's defaults.
"""

import ctypes
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest allowed value on 64-bit systems
_TRIM_THRESHOLD = 256 * 1024 * 1024

tuned = False


def tune_allocator():
    """Apply the settings once, on Linux with glibc; returns whether they are in force."""
    global tuned
    if tuned or os.environ.get("FASTGRAD_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
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
