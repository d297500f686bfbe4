"""Build the one-folder bundle of the program for this OS: ``python3 dev.py bundle`` runs this with the venv's python.

    python installer/build.py [--font FILE] [--selftest] [--clean]

1. stages the Chinese font (WenQuanYi Micro Hei) and its licence for resources/fonts;
2. runs PyInstaller on installer/kjjb.spec into dist/kjjb;
3. checks that the shipped files are there, writes dist/kjjb/build-info.json
   and prints the bundle's size; with --selftest runs ``kjjb --selftest`` (``kjjb-console`` on Windows).

installer/deb_build.py packs dist/kjjb as a .deb. The Windows installer is
built without PyInstaller: installer/windows_build.py.

The font is taken from --font, else installer/fonts/ (put wqy-microhei.ttc and
its copyright file there on Windows), else the system's fonts-wqy-microhei
package (Debian, Ubuntu). Without it the build stops: letters printed on a PC
without a Chinese font would show boxes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from installer.bundle import bundle_size, console_program, exe_name, expected_files, source_digest  # noqa: E402

DIST = ROOT / "dist"
BUNDLE = DIST / "kjjb"
WORK = ROOT / "build"
STAGED_FONTS = WORK / "fonts"
FONT_NAME = "wqy-microhei.ttc"
SYSTEM_FONTS = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), Path("/usr/share/doc/fonts-wqy-microhei/copyright")),
    (Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"), Path("/usr/share/licenses/wqy-microhei-fonts")),
)
# The Debian copyright file names these licences by their path on a Debian system; ship their texts beside it.
COMMON_LICENSES = (Path("/usr/share/common-licenses/Apache-2.0"), Path("/usr/share/common-licenses/GPL-3"))
LICENSE_NAME = re.compile(r"(copyright|licen[cs]e|copying|apache|gpl)", re.IGNORECASE)


class BuildError(Exception):
    pass


def _licences_beside(font: Path) -> list[Path]:
    return sorted(p for p in font.parent.iterdir() if p.is_file() and p != font and LICENSE_NAME.search(p.name))


def find_font(explicit: str | None) -> tuple[Path, list[Path]]:
    """The font file and its licence files."""
    if explicit:
        font = Path(explicit)
        if not font.is_file():
            raise BuildError(f"找不到字体文件：{font}")
        licences = _licences_beside(font)
        if not licences:
            raise BuildError(f"{font.parent}中没有字体的许可证文件（copyright/LICENSE），不能随程序分发")
        return font, licences
    local = HERE / "fonts" / FONT_NAME
    if local.is_file():
        licences = _licences_beside(local)
        if not licences:
            raise BuildError(
                f"{local.parent}中没有字体的许可证文件（如 Debian 软件包 fonts-wqy-microhei 的 copyright）"
            )
        return local, licences
    for font, licence in SYSTEM_FONTS:
        if font.is_file():
            if licence.is_dir():
                licences = sorted(p for p in licence.iterdir() if p.is_file())
            else:
                licences = [licence] if licence.is_file() else []
            if not licences:
                raise BuildError(f"找到字体{font}，但找不到它的许可证文件{licence}")
            return font, licences + [p for p in COMMON_LICENSES if p.is_file()]
    raise BuildError(
        "找不到要随程序提供的中文字体 WenQuanYi Micro Hei（文泉驿微米黑）。\n"
        "  Debian/Ubuntu：apt-get install fonts-wqy-microhei\n"
        f"  Windows：把 {FONT_NAME} 和它的 copyright 文件放进 {HERE / 'fonts'}，或用 --font 指定字体文件"
    )


def stage_fonts(font: Path, licences: list[Path]) -> Path:
    shutil.rmtree(STAGED_FONTS, ignore_errors=True)
    STAGED_FONTS.mkdir(parents=True)
    shutil.copy2(font, STAGED_FONTS / font.name)
    for licence in licences:
        name = licence.name
        if name == "copyright":
            name = f"{font.stem}-copyright.txt"
        elif Path(name).suffix.lower() not in (".txt", ".md", ".html"):
            name += ".txt"
        shutil.copy2(licence, STAGED_FONTS / name)
    return STAGED_FONTS


def version() -> tuple[str, str]:
    from core.version import APP_NAME, __version__

    return APP_NAME, __version__


def numeric_version(text: str) -> tuple[int, int, int, int]:
    """``0.1.0`` -> (0, 1, 0, 0): Windows' four numbers (a suffix such as ``rc1`` is left out)."""
    m = re.match(r"\d+(\.\d+){0,3}", text.strip())
    numbers = [int(n) for n in m.group(0).split(".")] if m else []
    return tuple((numbers + [0, 0, 0, 0])[:4])


def write_version_resource() -> Path:
    """The Windows version resource of kjjb.exe (shown in the file's properties)."""
    name, ver = version()
    nums = numeric_version(ver)
    path = WORK / "version-info.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    strings = {
        "CompanyName": "科技创新奖补计算器",
        "FileDescription": name,
        "FileVersion": ver,
        "InternalName": "kjjb",
        "OriginalFilename": "kjjb.exe",
        "ProductName": name,
        "ProductVersion": ver,
    }
    items = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    path.write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={nums}, prodvers={nums}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
          {items}])]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
""",
        encoding="utf-8",
    )
    return path


def run_pyinstaller(fonts: Path, version_file: Path, clean: bool) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise BuildError(
            "未安装 PyInstaller：请用 python3 dev.py bundle（会安装到 .venv），或 pip install 'pyinstaller>=6.5,<7'"
        ) from None
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(HERE / "kjjb.spec"),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK / "pyinstaller"),
    ]
    if clean:
        cmd.append("--clean")
    cmd += ["--", "--fonts", str(fonts), "--version-file", str(version_file)]
    print("运行 PyInstaller：" + " ".join(cmd[2:]), flush=True)
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode:
        raise BuildError(f"PyInstaller 失败（退出码{result.returncode}）")


def check_bundle() -> dict:
    missing = [str(p) for p in expected_files(BUNDLE, ROOT) if not p.exists()]
    if missing:
        raise BuildError("打包结果缺少文件：\n  " + "\n  ".join(missing))
    name, ver = version()
    size, files = bundle_size(BUNDLE)
    info = {
        "name": name,
        "version": ver,
        "platform": f"{platform.system()}-{platform.machine()}",
        "python": platform.python_version(),
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "source_digest": source_digest(ROOT),
        "size_bytes": size,
        "files": files,
    }
    (BUNDLE / "build-info.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return info


def largest(n: int = 12) -> list[tuple[int, str]]:
    sizes = [
        (p.stat().st_size, str(p.relative_to(BUNDLE))) for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink()
    ]
    return sorted(sizes, reverse=True)[:n]


def selftest() -> int:
    exe = BUNDLE / exe_name(console_program())
    print(f"运行自检：{exe} --selftest", flush=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(exe), "--selftest"], env=env).returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="生成本机系统的程序文件夹（dist/kjjb），供 .deb 软件包使用")
    parser.add_argument("--font", help="随程序提供的中文字体文件（同一目录下须有其许可证文件）")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="生成后运行自检（kjjb --selftest；Windows 上为 kjjb-console --selftest）",
    )
    parser.add_argument("--clean", action="store_true", help="清除 PyInstaller 缓存后重新分析")
    parser.add_argument("--verbose", action="store_true", help="列出最大的文件")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        font, licences = find_font(args.font)
        fonts = stage_fonts(font, licences)
        print(f"字体：{font}（许可证：{'、'.join(p.name for p in licences)}）")
        run_pyinstaller(fonts, write_version_resource(), args.clean)
        info = check_bundle()
    except BuildError as exc:
        print(f"打包失败：{exc}", file=sys.stderr)
        return 1
    print(
        f"已生成 {BUNDLE}：{info['files']}个文件，{info['size_bytes'] / 2**20:.1f} MiB"
        f"（用时{time.perf_counter() - started:.0f}秒）"
    )
    if args.verbose:
        for size, name in largest():
            print(f"  {size / 2**20:7.1f} MiB  {name}")
    if args.selftest:
        return selftest()
    return 0


if __name__ == "__main__":
    sys.exit(main())
