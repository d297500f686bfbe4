"""The installed PySide6 must keep its references to None and True.

PySide6 6.12.0 on Python 3.11 dropped one reference to None per void call and
one to True per Signal.emit, and Python aborted after a few thousand calls
(exporting a few hundred letters was enough). pyproject.toml pins below 6.12;
this test fails if a release with that bug is installed again.
"""

import subprocess
import sys

CODE = """
from PySide6.QtCore import QObject, Signal

class Source(QObject):
    changed = Signal(int)

o = Source()
o.changed.connect(lambda n: None)
for i in range(200_000):  # far more calls than None and True have references without the fix
    o.setObjectName("x")
    o.changed.emit(i)
print("ok")
"""


def test_many_void_calls_and_emits_do_not_abort_python():
    r = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
