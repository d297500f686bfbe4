#!/usr/bin/env python3
"""Set up and run on a fresh machine: ``python3 dev.py start`` or ``python3 dev.py test``.

Packages for clerks (docs/install.md):
``python3 dev.py bundle [--selftest]`` builds the Linux program folder dist/kjjb (installer/build.py);
``python3 dev.py deb [--check]`` packs it as dist/kjjb_<version>_amd64.deb (installer/deb_build.py) and
with --check installs, runs and removes it (installer/deb_check.py, as root);
``python3 dev.py windows [--check]`` builds dist/kjjb-setup-<version>.exe on Linux
(installer/windows_build.py) and with --check runs it under Wine (installer/windows_check.py).

Creates ``.venv`` beside this file, installs the pinned dependencies from
pyproject.toml into it (again only when pyproject.toml changed), and on Debian
or Ubuntu installs the system libraries Qt needs and a Chinese font when they
are missing. Then starts the program, or runs the test suite.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
DEBIAN_PACKAGES = [
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libfontconfig1",
    "libdbus-1-3",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-image0",
    "fonts-wqy-microhei",
    "poppler-utils",
]


BUNDLE_PACKAGES = ["binutils"]  # PyInstaller reads and strips libraries with objdump and strip
# The Windows installer: NSIS, the launchers' compiler, the signature check of the embeddable Python.
WINDOWS_PACKAGES = ["nsis", "gcc-mingw-w64-x86-64-win32", "binutils-mingw-w64-x86-64", "osslsigncode"]
# Its check: 64-bit Wine, the Chinese locale's definition, a virtual screen for the window.
WINE_PACKAGES = ["wine", "wine64", "locales", "xvfb"]
PACKAGES_FOR = {"bundle": BUNDLE_PACKAGES, "deb": BUNDLE_PACKAGES, "windows": WINDOWS_PACKAGES}


def system_packages(extra=()) -> None:
    if not sys.platform.startswith("linux") or not shutil.which("apt-get") or not shutil.which("dpkg-query"):
        return
    missing = [
        p
        for p in DEBIAN_PACKAGES + list(extra)
        if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True).stdout.find(
            "ok installed"
        )
        < 0
    ]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if sudo is None:
        print("缺少系统库，请以管理员身份安装：apt-get install " + " ".join(missing), file=sys.stderr)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("安装系统库：" + " ".join(missing), flush=True)
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)


def venv(extras: str) -> None:
    if not PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    pip = [str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run(pip + ["-e", f".[{extras}]" if extras else "."], check=True, cwd=HERE)
    stamp.write_text(digest)


def main() -> int:
    what = sys.argv[1] if len(sys.argv) > 1 else "start"
    rest = sys.argv[2:]
    check = "--check" in rest
    rest = [a for a in rest if a != "--check"] if what in ("deb", "windows") else rest
    system_packages(PACKAGES_FOR.get(what, []) + (WINE_PACKAGES if what == "windows" and check else []))
    if what == "start":
        venv("")
        return subprocess.call([str(PY), "main.py", *rest], cwd=HERE)
    if what == "test":
        venv("test")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=HERE, env=env)
    if what == "check":  # lint and format (ruff) and types (mypy over core/), as CI runs them
        venv("test")
        for step in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]):
            code = subprocess.call([str(PY), "-m", *step], cwd=HERE)
            if code:
                return code
        return 0
    if what == "bundle":
        venv("build")
        return subprocess.call([str(PY), str(HERE / "installer" / "build.py"), *rest], cwd=HERE)
    if what in ("deb", "windows"):
        venv("")
        code = subprocess.call([str(PY), str(HERE / "installer" / f"{what}_build.py"), *rest], cwd=HERE)
        if code or not check:
            return code
        return subprocess.call([str(PY), str(HERE / "installer" / f"{what}_check.py")], cwd=HERE)
    print(
        "用法：python3 dev.py start | test | check | bundle [--selftest] | deb [--check] | windows [--check]",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
