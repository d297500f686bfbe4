"""Checked policy files (and the shipped vocabulary and regions) kept between runs, so that a command does not parse
and check them again.

Every headless command is a process of its own (``python main.py calc 1``), and reading the policy files and the
vocabulary (libyaml, then every check of core.policy.loader) took 0.04-0.05 s of each command's start, plus 0.015 s
to load the YAML parser. What they yield is pickled into the data folder (``cache/<name>.pickle``) and read back
in 3 ms while it is current:

- the key is the SHA-256 of the files' contents and names (and the folder they were read from), the program's
  version and the Python version: an edited, added or removed policy file is parsed and checked again;
- the program's own modules loaded when the cache was written are listed in it with their size and modification
  time, and a cache is refused once any of them changed (a new version of the loader reads the same files
  differently); in a frozen build, which has no module files, the program file itself;
- it is read with an unpickler that builds nothing but the program's policy and vocabulary classes, dates and
  decimals: a file planted in the data folder cannot make the program call anything else (``os.system`` ...).

Anything wrong with a cache (missing, stale, damaged, refused) means parsing the files as if there were none, and
writing it anew; a cache that cannot be written (a read-only data folder) is only not written.
``rm -r <data folder>/cache`` is always safe.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FOLDER = "cache"
MAGIC = b"KJJB-PARSED-1\n"
# What a cache may hold besides the program's own classes of these modules.
OWN_MODULES = ("core.policy.", "core.vocabulary", "core.regions", "core.engine.", "core.model", "core.calculators")
VALUE_TYPES = {("datetime", "date"), ("datetime", "datetime"), ("decimal", "Decimal")}


class _Refused(Exception):
    """A cache that is not to be used (stale, damaged or holding what a policy set never holds)."""


def cached(name: str, sources: Iterable[Path], build: Callable[[], T], *, folder: Path | None = None) -> T:
    """``build()``, or what it returned before for the same ``sources`` (files) read by the same program.

    ``build``'s exceptions (a policy file with a mistake) propagate and nothing is cached.
    """
    if folder is None:
        from core.paths import user_data_dir

        folder = user_data_dir() / FOLDER
    path = folder / f"{name}.pickle"
    key = source_key(sources)
    try:
        return _read(path, key)
    except (OSError, _Refused):
        pass
    value = build()
    try:
        _write(path, key, value)
    except Exception:  # a read-only folder, a full disk, or something in the value pickle cannot hold
        pass
    return value


def source_key(sources: Iterable[Path]) -> bytes:
    """The hex SHA-256 of what the cached value was made from: the files' names and contents, and which program."""
    from core.version import __version__

    h = hashlib.sha256(f"{__version__}\n{sys.version}\n".encode())
    for path in sources:
        h.update(f"{Path(path).resolve()}\n".encode())
        try:
            data = Path(path).read_bytes()
        except OSError:
            data = b"\x00missing"
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest().encode()


def code_stamps() -> list[tuple[str, int, int]]:
    """(file, size, modification time) of every module of the program loaded in this process; in a frozen build
    (no module files), of the program itself."""
    if getattr(sys, "frozen", False):
        st = os.stat(sys.executable)
        return [(sys.executable, st.st_size, st.st_mtime_ns)]
    out = []
    for module_name, module in list(sys.modules.items()):
        if not (module_name == "core" or module_name.startswith("core.")):
            continue
        file = getattr(module, "__file__", None)
        if not file:
            continue
        try:
            st = os.stat(file)
        except OSError:
            continue
        out.append((file, st.st_size, st.st_mtime_ns))
    return sorted(out)


def _current(stamps: list) -> bool:
    for file, size, mtime in stamps:
        try:
            st = os.stat(file)
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return True


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in VALUE_TYPES and not module.startswith(OWN_MODULES):
            raise _Refused(f"{module}.{name}")
        found = super().find_class(module, name)
        if not isinstance(found, type):  # a class, never a function to call
            raise _Refused(f"{module}.{name}")
        return found


def _read(path: Path, key: bytes):
    with open(path, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC or f.readline().rstrip(b"\n") != key:
            raise _Refused("stale")
        try:
            stamps = json.loads(f.readline())
            if not isinstance(stamps, list) or not _current(stamps):
                raise _Refused("program changed")
            return _Unpickler(io.BytesIO(f.read())).load()
        except _Refused:
            raise
        except Exception as exc:  # a damaged file: whatever unpickling it raised
            raise _Refused(repr(exc)) from None


def _write(path: Path, key: bytes, value: object) -> None:
    import tempfile

    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stamps = json.dumps(code_stamps()).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + key + b"\n" + stamps + b"\n" + data)
        os.replace(tmp, path)  # another process reading it sees the old file or the new one, never half of one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
