"""Package the Linux bundle as a .deb for 统信UOS / 麒麟 (and Debian, Ubuntu): ``python3 dev.py deb``.

    python installer/deb_build.py

Takes dist/kjjb (``python3 dev.py bundle``, which must be built from these
sources) and writes dist/kjjb_<version>_amd64.deb:

    /opt/kjjb/                              the bundle
    /usr/bin/kjjb                           starts /opt/kjjb/kjjb (the window; with a command, headless)
    /usr/share/applications/kjjb.desktop    the menu entry, with the Chinese name and the icon
    /usr/share/icons/hicolor/256x256/apps/kjjb.png
    /usr/share/doc/kjjb/copyright

Depends is worked out from the bundle: every shared library a program or
library in it needs and does not carry itself, mapped to the Debian package
that holds it on this machine (dpkg -S), libc6 at least at the newest GLIBC
symbol version used, and a Chinese font for the window. The data stays in
each user's home (~/.local/share/kjjb, core/paths.py): the package has no
maintainer scripts, and removing it leaves the data.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from installer.build import BuildError, version  # noqa: E402
from installer.bundle import source_digest  # noqa: E402

DIST = ROOT / "dist"
BUNDLE = DIST / "kjjb"
WORK = ROOT / "build" / "deb"
PACKAGE = "kjjb"
# The window needs a Chinese font for its own text (letters use the font the bundle carries).
FONT_DEPENDS = "fonts-wqy-microhei | fonts-noto-cjk | fonts-wqy-zenhei | fonts-arphic-ukai"
# Libraries the window loads at run time without linking to them (Qt's xcb plugin opens these by name).
RUNTIME_DEPENDS = ["libxkbcommon-x11-0", "libxcb-cursor0"]

DESKTOP = """[Desktop Entry]
Type=Application
Version=1.0
Name={name}
Name[zh_CN]={name}
GenericName=科技奖补测算
Comment=科技创新奖补的测算、审批、拨付与兑现通知书
Exec=/usr/bin/kjjb
Icon=kjjb
Terminal=false
Categories=Office;Finance;
Keywords=奖补;科技;兑现;拨付;
StartupWMClass=kjjb
"""

WRAPPER = """#!/bin/sh
# 科技创新奖补计算器: the window, or with a command the headless program (kjjb --help).
exec /opt/kjjb/kjjb "$@"
"""

COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: kjjb ({name})

Files: opt/kjjb/*
Comment: The program with the Python runtime and the libraries it is built on (Qt via PySide6 under
 the LGPL-3, SQLAlchemy, Alembic, openpyxl, PyYAML, psycopg2), and the font WenQuanYi Micro Hei,
 whose licences are in /opt/kjjb/_internal/resources/fonts.
"""


def elf_files(folder: Path) -> list[Path]:
    out = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(path)
    return sorted(out)


def dynamic_info(path: Path) -> tuple[list[str], set[str]]:
    """(NEEDED libraries, GLIBC_x.y versions referenced) of one ELF file, read with objdump."""
    text = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, errors="replace").stdout
    needed = re.findall(r"^\s+NEEDED\s+(\S+)", text, re.MULTILINE)
    glibc = set(re.findall(r"\bGLIBC_(\d+\.\d+(?:\.\d+)?)\b", text))
    return needed, glibc


def library_paths() -> dict[str, str]:
    """soname -> path of the system's x86-64 libraries (ldconfig -p)."""
    text = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    out = {}
    for m in re.finditer(r"^\s+(\S+) \(([^)]*)\) => (\S+)$", text, re.MULTILINE):
        if "x86-64" in m.group(2):
            out.setdefault(m.group(1), m.group(3))
    return out


def package_of(path: str) -> str:
    for candidate in (path, os.path.realpath(path)):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    raise BuildError(f"找不到提供 {path} 的软件包")


def version_key(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split("."))


def depends(bundle: Path) -> tuple[list[str], str, list[str]]:
    """(Depends entries, the newest GLIBC version used, the system libraries needed)."""
    shipped = {p.name for p in bundle.rglob("*")}
    needed, glibc = set(), set()
    for path in elf_files(bundle):
        libs, versions = dynamic_info(path)
        needed.update(libs)
        glibc |= versions
    system = sorted(lib for lib in needed if lib not in shipped)
    paths = library_paths()
    packages = set()
    for lib in system:
        if lib not in paths:
            raise BuildError(f"本机没有程序需要的系统库 {lib}")
        packages.add(package_of(paths[lib]))
    newest = max(glibc, key=version_key) if glibc else "2.17"
    packages.discard("libc6")
    entries = [f"libc6 (>= {newest})", *sorted(packages | set(RUNTIME_DEPENDS)), FONT_DEPENDS]
    return entries, newest, system


def deb_name() -> str:
    return f"{PACKAGE}_{version()[1]}_amd64.deb"


def check_bundle_current() -> None:
    info = BUNDLE / "build-info.json"
    if not info.is_file():
        raise BuildError(f"没有 {BUNDLE}：请先运行 python3 dev.py bundle")
    if json.loads(info.read_text(encoding="utf-8"))["source_digest"] != source_digest(ROOT):
        raise BuildError(f"{BUNDLE} 不是用当前源码生成的：请重新运行 python3 dev.py bundle")


def control(entries: list[str], installed_kb: int) -> str:
    name, ver = version()
    return (
        f"Package: {PACKAGE}\nVersion: {ver}\nArchitecture: amd64\nSection: misc\nPriority: optional\n"
        f"Maintainer: {name} <kjjb@localhost>\nInstalled-Size: {installed_kb}\n"
        f"Depends: {', '.join(entries)}\n"
        f"Description: {name}\n"
        " Science-and-technology award calculator for Inner Mongolian bureaus: works out, approves,\n"
        " pays and documents the awards of the region's and cities' policies (offline; SQLite in\n"
        " ~/.local/share/kjjb, or a shared PostgreSQL server with --db).\n"
    )


def build() -> dict:
    check_bundle_current()
    for tool in ("dpkg-deb", "objdump"):
        if not shutil.which(tool):
            raise BuildError(f"缺少 {tool}（Debian：apt-get install dpkg binutils）")
    name, ver = version()
    root = WORK / "root"
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(BUNDLE, root / "opt" / PACKAGE, symlinks=True)
    (root / "opt" / PACKAGE / "build-info.json").unlink(missing_ok=True)
    wrapper = root / "usr" / "bin" / "kjjb"
    wrapper.parent.mkdir(parents=True)
    wrapper.write_text(WRAPPER, encoding="utf-8")
    wrapper.chmod(0o755)
    desktop = root / "usr" / "share" / "applications" / "kjjb.desktop"
    desktop.parent.mkdir(parents=True)
    desktop.write_text(DESKTOP.format(name=name), encoding="utf-8")
    icon = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "kjjb.png"
    icon.parent.mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / "kjjb.png", icon)
    doc = root / "usr" / "share" / "doc" / PACKAGE / "copyright"
    doc.parent.mkdir(parents=True)
    doc.write_text(COPYRIGHT.format(name=name), encoding="utf-8")
    for path in root.rglob("*"):  # no write bits for group and others, whatever the umask was
        if not path.is_symlink():
            path.chmod((path.stat().st_mode & 0o755) | (0o755 if path.is_dir() else 0o644))
    entries, glibc, system = depends(root / "opt" / PACKAGE)
    installed_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control(entries, installed_kb), encoding="utf-8")
    DIST.mkdir(exist_ok=True)
    out = DIST / deb_name()
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "-z3", "--build", str(root), str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return {"deb": out, "bytes": out.stat().st_size, "depends": entries, "glibc": glibc, "system_libraries": system}


def main(argv=None) -> int:
    import time

    started = time.perf_counter()
    try:
        info = build()
    except (BuildError, subprocess.CalledProcessError) as exc:
        print(f"生成 .deb 失败：{exc}", file=sys.stderr)
        return 1
    print(
        f"已生成 dist/{info['deb'].name}：{info['bytes'] / 2**20:.1f} MiB（用时{time.perf_counter() - started:.0f}秒）"
    )
    print(f"  依赖：{', '.join(info['depends'])}")
    print(f"  需要 glibc {info['glibc']} 或更新（目标系统的 glibc 更旧时，须在同样旧的系统上生成：见 docs/install.md）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
