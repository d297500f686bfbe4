"""Work around reference-count bugs of PySide6 6.12 on Python 3.11.

Calls from Python give back a singleton without the reference they owe:
every Qt method returning ``void`` (``painter.save()``, ``obj.setObjectName(...)``
...) drops one reference to ``None``, and every ``Signal.emit(...)`` drops one
to ``True``. From Python 3.12 these objects are immortal and nothing happens;
on 3.11 their counts fall by one per call, and after a few thousand calls
(``None`` starts near 5,000, ``True`` near 1,000) Python aborts with
"none_dealloc" / "bool_dealloc". Exporting a few hundred letters, or one
background operation reporting progress a thousand times, is enough.

:func:`protect_singletons` does what 3.12 does: it gives ``None``, ``True``
and ``False`` counts so large that no run of the program can use them up. It
runs when the ``gui`` package is imported, so every front end that touches Qt
gets it.
"""
from __future__ import annotations

import sys

_MARGIN = 1 << 40


def protect_singletons() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    for obj in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt, the first field of every PyObject
        if count.value < _MARGIN:
            count.value += _MARGIN
