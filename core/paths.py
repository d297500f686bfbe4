"""Where the program's shipped files and the user's data live."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller one-folder bundle
    return Path(bundle) if bundle else Path(__file__).resolve().parent.parent


ROOT = _root()
RESOURCES = ROOT / "resources"
POLICIES = RESOURCES / "policies"


def user_data_dir() -> Path:
    """The per-user folder for the database, backups, logs and settings.

    ``KJJB_DATA_DIR`` overrides it (tests and portable installs).
    """
    override = os.environ.get("KJJB_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "kjjb"
