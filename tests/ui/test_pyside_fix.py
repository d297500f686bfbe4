"""PySide6 6.12 drops a reference to None per void call and to True per emit; importing gui makes that harmless."""
import subprocess
import sys

CODE = """
import gui  # applies the fix
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
