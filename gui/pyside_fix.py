"""Work around a reference-count bug of PySide6 6.12 on Python 3.11.

Every call from Python of a Qt method that returns ``void`` (``painter.save()``,
``palette.setColor(...)``, ``obj.setObjectName(...)`` ...) gives back ``None``
without the reference it owes. From Python 3.12 ``None`` is immortal and
nothing happens; on 3.11 its count falls by one per call, and after a few
thousand calls (it starts near 5,000) Python aborts with "none_dealloc:
deallocating None". Exporting a few hundred letters is enough to get there.

:func:`protect_none` does what 3.12 does: it gives ``None`` a count so large
that no run of the program can use it up. It is called when the ``gui``
package is imported, so every front end that touches Qt gets it.
"""
from __future__ import annotations

import sys

_MARGIN = 1 << 40


def protect_none() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    count = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt, the first field of every PyObject
    if count.value < _MARGIN:
        count.value += _MARGIN
