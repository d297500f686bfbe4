"""PySide6 6.12 drops a reference to None on every void call; importing gui makes that harmless."""
import subprocess
import sys

CODE = """
import gui  # applies the fix
from PySide6.QtCore import QObject
o = QObject()
for i in range(200_000):  # far more void calls than None has references without the fix
    o.setObjectName("x")
print("ok")
"""


def test_many_void_calls_do_not_abort_python():
    r = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
