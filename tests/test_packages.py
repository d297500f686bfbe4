"""The clerk's packages: the Windows installer's pieces (installer/windows_build.py, installer/pe.py,
installer/windows/*) and the .deb's (installer/deb_build.py). The whole packages are built and run by
.ci/run (installer/windows_check.py under Wine, installer/deb_check.py by apt); these tests hold the rules
they are built by. Those needing mingw-w64 or makensis skip where the tools are missing."""

import importlib.metadata
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from core.version import APP_NAME, __version__

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from installer import batch_check, deb_build, pe, windows_build  # noqa: E402
from installer.build import BuildError  # noqa: E402
from installer.windows_check import version_string  # noqa: E402

NSI = ROOT / "installer" / "windows" / "kjjb.nsi"
needs_mingw = pytest.mark.skipif(not shutil.which("x86_64-w64-mingw32-gcc"), reason="no mingw-w64")
needs_makensis = pytest.mark.skipif(not shutil.which("makensis"), reason="no makensis (Debian: nsis)")


# ---------------------------------------------------------------- what the Windows install keeps
@pytest.mark.parametrize(
    "rel, left_out",
    [
        ("PySide6/Qt6Core.dll", False),
        ("PySide6/QtWidgets.pyd", False),
        ("PySide6/plugins/platforms/qwindows.dll", False),
        ("PySide6/plugins/platforms/qoffscreen.dll", False),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", False),
        ("PySide6/translations/qtbase_zh_CN.qm", False),
        ("openpyxl/reader/excel.py", False),
        ("sqlalchemy/dialects/postgresql/psycopg2.py", False),
        ("PySide6/designer.exe", True),  # Qt's tools
        ("PySide6/QtCore.pyi", True),  # type stubs
        ("PySide6/include/QtCore/qglobal.h", True),
        ("PySide6/opengl32sw.dll", True),  # the program draws with QPainter, never OpenGL
        ("PySide6/plugins/platforms/qdirect2d.dll", True),
        ("PySide6/translations/qtwebengine_locales/de.pak", True),
        ("PySide6/translations/qtbase_de.qm", True),
        ("PySide6/Qt6WebEngineCore.dll", True),
        ("PySide6/qml/QtQuick/qmldir", True),
        ("shiboken6/shiboken6.abi3.lib", True),
    ],
)
def test_the_windows_install_leaves_out_what_the_program_never_loads(rel, left_out):
    assert windows_build.unused(rel) is left_out


def _fake_stage(tmp_path, graph: dict[str, list[str]]) -> Path:
    for rel in graph:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"MZ")
    return tmp_path


def test_only_dlls_some_module_loads_are_installed(tmp_path, monkeypatch):
    graph = {
        "kjjb.exe": ["KERNEL32.dll", "USER32.dll"],
        "python/python311.dll": ["VCRUNTIME140.dll", "api-ms-win-crt-runtime-l1-1-0.dll"],
        "python/vcruntime140.dll": ["KERNEL32.dll"],
        "lib/PySide6/QtCore.pyd": ["Qt6Core.dll", "python3.dll", "VCRUNTIME140.dll"],
        "lib/PySide6/Qt6Core.dll": ["icuuc.dll", "MSVCP140.dll"],
        "lib/PySide6/msvcp140.dll": [],
        "lib/PySide6/vcruntime140.dll": [],
        "lib/PySide6/plugins/platforms/qwindows.dll": ["Qt6Gui.dll"],
        "lib/PySide6/Qt6Gui.dll": ["Qt6Core.dll"],
        "lib/PySide6/avcodec-61.dll": ["avutil-59.dll"],  # only the multimedia module loads these
        "lib/PySide6/avutil-59.dll": [],
        "python/python3.dll": [],
    }
    stage = _fake_stage(tmp_path, graph)
    monkeypatch.setattr(windows_build.pe, "imports", lambda path: graph[path.relative_to(stage).as_posix()])
    dropped = windows_build.drop_unneeded_dlls(stage)
    assert dropped == ["lib/PySide6/avcodec-61.dll", "lib/PySide6/avutil-59.dll"]
    assert not (stage / "lib/PySide6/avutil-59.dll").exists() and (stage / "lib/PySide6/Qt6Gui.dll").exists()
    assert (stage / "python/vcruntime140.dll").exists() and (stage / "lib/PySide6/vcruntime140.dll").exists()


def test_a_dll_neither_the_install_nor_windows_has_stops_the_build(tmp_path, monkeypatch):
    graph = {"lib/PySide6/QtCore.pyd": ["Qt6Core.dll", "KERNEL32.dll"]}
    stage = _fake_stage(tmp_path, graph)
    monkeypatch.setattr(windows_build.pe, "imports", lambda path: graph[path.relative_to(stage).as_posix()])
    with pytest.raises(BuildError, match=r"lib/PySide6/QtCore.pyd 需要 Qt6Core.dll"):
        windows_build.drop_unneeded_dlls(stage)


def test_windows_own_dlls_are_not_installed():
    for name in ("KERNEL32.dll", "api-ms-win-crt-runtime-l1-1-0.dll", "icuuc.dll", "WINSPOOL.DRV", "UxTheme.dll"):
        assert pe.is_system_dll(name), name
    for name in ("Qt6Core.dll", "MSVCP140.dll", "VCRUNTIME140.dll", "python311.dll", "libpq.dll"):
        assert not pe.is_system_dll(name), name


def test_the_windows_wheels_are_the_versions_the_tests_ran_on():
    pinned = windows_build.requirements()
    assert f"SQLAlchemy=={importlib.metadata.version('SQLAlchemy')}" in pinned
    assert f"PySide6-Essentials=={importlib.metadata.version('PySide6-Essentials')}" in pinned
    assert f"openpyxl=={importlib.metadata.version('openpyxl')}" in pinned
    assert all("==" in r for r in pinned), pinned


def test_the_embedded_python_finds_the_standard_library_the_dependencies_and_the_program(tmp_path):
    (tmp_path / "python311._pth").write_text(
        "python311.zip\n.\n\n# Uncomment to run site.main() automatically\n#import site\n"
    )
    windows_build.write_pth(tmp_path)
    assert (tmp_path / "python311._pth").read_text(encoding="utf-8").splitlines() == [
        "python311.zip",
        ".",
        "..\\lib",
        "..\\app",
    ]  # no "import site": nothing outside the install


# ---------------------------------------------------------------- the embeddable Python's signatures
def _signed_folder(tmp_path, names):
    for name in names:
        (tmp_path / name).write_bytes(b"MZ")
    (tmp_path / "python311.zip").write_bytes(b"PK")  # not a signed kind of file: not asked about
    return tmp_path


def test_every_program_file_of_the_embedded_python_must_be_signed_by_its_maker(tmp_path, monkeypatch):
    signatures = {
        "python.exe": ("Python Software Foundation", True, True),
        "python311.dll": ("Python Software Foundation", True, True),
        "python.cat": ("Python Software Foundation", True, True),
        # Microsoft's root is not among Debian's CA certificates: intact is what can be checked
        "vcruntime140.dll": ("Microsoft Corporation", False, True),
    }
    folder = _signed_folder(tmp_path, signatures)
    monkeypatch.setattr(windows_build, "signature", lambda path: (*signatures[path.name], "report"))
    lines = windows_build.verify_embedded_python(folder)
    assert lines[0] == "Python Software Foundation：3个文件"
    assert lines[1].startswith("Microsoft Corporation：1个文件（文件与签名相符；其根证书不在 Debian 的 CA 证书中")


# osslsigncode 2.9's report on python.exe of CPython 3.11.9 (trimmed): the leaf comes first, the
# timestamp's and the chain's "Signer #0" later.
REPORT = """Message digest algorithm  : SHA256
Current message digest    : 03A6DEA94B64BA8F41B4296225B622C1FB1008E5FE20ACD318AA78070F2BB96A 
Calculated message digest : 03A6DEA94B64BA8F41B4296225B622C1FB1008E5FE20ACD318AA78070F2BB96A 

Signer's certificate:
\t------------------
\tSigner #0:
\t\tSubject: /C=US/ST=Oregon/L=Beaverton/O=Python Software Foundation/CN=Python Software Foundation
\t\tIssuer : /C=US/O=DigiCert, Inc./CN=DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1

Timestamp verified using:
\t------------------
\tSigner #0:
\t\tSubject: /C=US/O=DigiCert, Inc./CN=DigiCert Timestamp 2023
Signature verification: ok
"""


def test_the_signer_is_read_from_the_signing_certificate_not_the_timestamps():
    assert windows_build.read_report(REPORT, True) == ("Python Software Foundation", True, True)
    changed = REPORT.replace("Calculated message digest : 03A6", "Calculated message digest : 13A6")
    assert windows_build.read_report(changed, False) == ("Python Software Foundation", False, False)
    assert windows_build.read_report("Signature verification: ok\n", True) == ("", True, True)  # a catalog


@pytest.mark.parametrize(
    "name, signed, problem",
    [
        ("python311.dll", ("Python Software Foundation", False, True), "python311.dll：签名无效"),  # chain or timestamp
        ("python311.dll", ("Python Software Foundation", True, False), "python311.dll：签名无效"),  # file changed
        ("vcruntime140.dll", ("Microsoft Corporation", False, False), "vcruntime140.dll：签名无效"),
        ("_ctypes.pyd", ("", False, False), "_ctypes.pyd：签名者“无”不可信"),
        ("python.exe", ("Someone Else Ltd", True, True), "签名者“Someone Else Ltd”不可信"),
        ("python.cat", ("Microsoft Corporation", True, True), "python.cat：签名者“Microsoft Corporation”不可信"),
    ],
)
def test_an_unsigned_or_changed_file_stops_the_build(tmp_path, monkeypatch, name, signed, problem):
    folder = _signed_folder(tmp_path, [name])
    monkeypatch.setattr(windows_build, "signature", lambda path: (*signed, "report"))
    with pytest.raises(BuildError, match=problem):
        windows_build.verify_embedded_python(folder)


# ---------------------------------------------------------------- the NSIS script
def test_the_installer_never_removes_the_clerks_data():
    text = NSI.read_text(encoding="utf-8-sig")
    removals = [
        line.strip()
        for line in text.splitlines()
        if line.strip().startswith(("RMDir", "Delete ", "DeleteRegKey", "DeleteRegValue"))
    ]
    assert removals, "the uninstaller removes what it installed"
    for line in removals:
        target = line.split(None, 2)[-1] if line.startswith("RMDir /r") else line.split(None, 1)[1]
        assert target.startswith(('"$INSTDIR\\', '"$INSTDIR"', '"$SMPROGRAMS\\', '"$DESKTOP\\', "SHCTX")), line
        assert "LOCALAPPDATA" not in line.upper() and 'kjjb"' not in line
    assert 'RMDir "$INSTDIR"' in text and 'RMDir /r "$INSTDIR"' not in text  # the folder only when empty


def test_the_installer_is_64_bit_chinese_per_user_by_default_and_keeps_its_identity():
    text = NSI.read_text(encoding="utf-8-sig")
    assert NSI.read_bytes().startswith(b"\xef\xbb\xbf")  # makensis reads UTF-8 with a BOM as UTF-8
    for line in (
        "Unicode true",
        "Target amd64-unicode",
        '!insertmacro MUI_LANGUAGE "SimpChinese"',
        "!define MULTIUSER_INSTALLMODE_DEFAULT_CURRENTUSER",
        "!define MULTIUSER_INSTALLMODE_COMMANDLINE",
        '!define APPKEY "kjjb"',
        'VIProductVersion "${VERSION4}"',
        'File /r "${STAGE}/*"',
        "!insertmacro REMOVE_PROGRAM_FILES",
    ):
        assert line in text, line
    # an upgrade finds the earlier install's folder and mode
    assert '!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${SETTINGSKEY}"' in text
    assert '!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${SETTINGSKEY}"' in text


@needs_makensis
def test_the_nsis_script_builds_an_installer_with_its_version(tmp_path, monkeypatch):
    stage = tmp_path / "stage"
    for rel in ("kjjb.exe", "kjjb-console.exe", "python/python311.dll", "app/main.py"):
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        (stage / rel).write_bytes(b"x")
    monkeypatch.setattr(windows_build, "DIST", tmp_path / "dist")
    setup = windows_build.make_installer(stage)
    assert setup.name == f"kjjb-setup-{__version__}.exe" and setup.read_bytes()[:2] == b"MZ"
    assert version_string(setup, "ProductVersion") == __version__
    assert version_string(setup, "ProductName") == APP_NAME
    assert pe.imports(setup)  # a PE file whose import table reads


# ---------------------------------------------------------------- the launchers
def _subsystem(path: Path) -> int:
    data = path.read_bytes()
    header = struct.unpack_from("<I", data, 0x3C)[0]
    return struct.unpack_from("<H", data, header + 24 + 68)[0]


@needs_mingw
def test_the_launchers_carry_the_icon_and_version_and_load_python_at_run_time(tmp_path, monkeypatch):
    stage = tmp_path / "stage"
    (stage / "python").mkdir(parents=True)
    (stage / "python" / "python311.dll").write_bytes(b"MZ")
    monkeypatch.setattr(windows_build, "WORK", tmp_path / "work")
    windows_build.build_launchers(stage)
    window, console = stage / "kjjb.exe", stage / "kjjb-console.exe"
    assert _subsystem(window) == 2 and _subsystem(console) == 3  # GUI and console subsystems
    for exe in (window, console):
        assert version_string(exe, "ProductVersion") == __version__
        assert version_string(exe, "OriginalFilename") == exe.name
        assert "python311.dll" not in [n.lower() for n in pe.imports(exe)]  # LoadLibrary, beside itself
        assert {n.lower() for n in pe.imports(exe)} <= {"kernel32.dll", "msvcrt.dll", "shell32.dll", "user32.dll"}
    assert version_string(console, "FileDescription") == f"{APP_NAME}（命令行）"
    assert b'<requestedExecutionLevel level="asInvoker"' in window.read_bytes()  # no UAC prompt to start it


@needs_mingw
def test_the_icu_stand_in_exports_what_qt6core_imports(tmp_path):
    dll = tmp_path / "icuuc.dll"
    subprocess.run(
        ["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", dll, ROOT / "installer/windows/icuuc_stub.c"], check=True
    )
    exports = subprocess.run(["x86_64-w64-mingw32-objdump", "-p", dll], capture_output=True, text=True).stdout
    for name in (
        "ucnv_open",
        "ucnv_close",
        "ucnv_toUnicode",
        "ucnv_fromUnicode",
        "ucnv_countAvailable",
        "UCNV_FROM_U_CALLBACK_SUBSTITUTE",
        "UCNV_TO_U_CALLBACK_SUBSTITUTE",
        "ucnv_cbToUWriteUChars",
    ):
        assert f"] {name}\n" in exports, name


# ---------------------------------------------------------------- the .deb
def test_the_deb_depends_on_the_libraries_the_bundle_does_not_carry(tmp_path, monkeypatch):
    bundle = tmp_path / "kjjb"
    for rel in ("kjjb", "_internal/libpython3.11.so.1.0", "_internal/libQt6Gui.so.6"):
        (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
        (bundle / rel).write_bytes(b"\x7fELF")
    needed = {
        "kjjb": (["libpython3.11.so.1.0", "libc.so.6"], {"2.17", "2.34"}),
        "libpython3.11.so.1.0": (["libc.so.6", "libm.so.6"], {"2.29"}),
        "libQt6Gui.so.6": (["libEGL.so.1", "libGL.so.1", "libQt6Core.so.6"], {"2.4"}),
    }
    monkeypatch.setattr(deb_build, "dynamic_info", lambda path: needed[path.name])
    monkeypatch.setattr(
        deb_build,
        "library_paths",
        lambda: {
            "libc.so.6": "/lib/x86_64-linux-gnu/libc.so.6",
            "libm.so.6": "/lib/x86_64-linux-gnu/libm.so.6",
            "libEGL.so.1": "/usr/lib/x86_64-linux-gnu/libEGL.so.1",
            "libGL.so.1": "/usr/lib/x86_64-linux-gnu/libGL.so.1",
            "libQt6Core.so.6": "/usr/lib/x86_64-linux-gnu/libQt6Core.so.6",
        },
    )
    packages = {
        "libc.so.6": "libc6",
        "libm.so.6": "libc6",
        "libEGL.so.1": "libegl1",
        "libGL.so.1": "libgl1",
        "libQt6Core.so.6": "libqt6core6",
    }
    monkeypatch.setattr(deb_build, "package_of", lambda path: packages[Path(path).name])
    entries, glibc, system = deb_build.depends(bundle)
    assert glibc == "2.34"  # 2.34 > 2.29 > 2.17 > 2.4, as versions, not as text
    assert entries[0] == "libc6 (>= 2.34)" and entries[-1] == deb_build.FONT_DEPENDS
    assert entries[1:-1] == ["libegl1", "libgl1", "libqt6core6", "libxcb-cursor0", "libxkbcommon-x11-0"]
    assert system == ["libEGL.so.1", "libGL.so.1", "libQt6Core.so.6", "libc.so.6", "libm.so.6"]
    assert "fonts-wqy-microhei" in deb_build.FONT_DEPENDS and "fonts-noto-cjk" in deb_build.FONT_DEPENDS


def test_the_deb_menu_entry_has_the_chinese_name_and_the_icon():
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(deb_build.DESKTOP.format(name=APP_NAME))
    entry = parser["Desktop Entry"]
    assert entry["Name[zh_CN]"] == APP_NAME and entry["Icon"] == "kjjb" and entry["Exec"] == "/usr/bin/kjjb"
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    control = deb_build.control(["libc6 (>= 2.36)", "libgl1"], 1234)
    assert f"Version: {__version__}\n" in control and "Architecture: amd64\n" in control
    assert "Depends: libc6 (>= 2.36), libgl1\n" in control and "Installed-Size: 1234\n" in control
    assert deb_build.deb_name() == f"kjjb_{__version__}_amd64.deb"
    assert deb_build.WRAPPER.startswith("#!/bin/sh\n") and 'exec /opt/kjjb/kjjb "$@"' in deb_build.WRAPPER


# ---------------------------------------------------------------- the installed program's batch and self-check
def test_a_batch_that_differs_from_the_source_trees_fails_the_check():
    want = {
        "batch": "1",
        "batches": [{"status": "approved", "companies": 30, "lines": 54, "total": "115460500.07"}],
        "sheets": {"测算结果.xlsx": {"汇总": 10}},
    }
    assert batch_check.compare(want, want, "x").startswith("批次1：30家企业，54条明细，合计115460500.07元")
    other = {**want, "batches": [{**want["batches"][0], "total": "115460500.06"}]}
    with pytest.raises(batch_check.BatchFailed, match="与源码的"):
        batch_check.compare(other, want, "Windows 上")
    with pytest.raises(batch_check.BatchFailed, match="导出的工作表"):
        batch_check.compare({**want, "sheets": {"测算结果.xlsx": {"汇总": 9}}}, want, "Windows 上")


def test_the_headless_self_check_needs_no_qt_and_says_what_it_skipped(tmp_path):
    blocker = tmp_path / "noqt" / "PySide6"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('Qt cannot start here')\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KJJB_", "QT_"))}
    env.update(PYTHONPATH=str(blocker.parent), KJJB_DATA_DIR=str(tmp_path / "never"))
    result = subprocess.run(
        [sys.executable, "main.py", "--selftest", "--headless"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [l[:4] for l in lines[1:-1]] == ["[通过]"] * 7 + ["[跳过]"] * 4
    assert lines[-5] == "[跳过] Qt界面文字：需要 Qt，按 --headless 未检查"
    assert lines[-1].startswith("自检通过（仅无界面部分）：7项检查全部通过")
    assert lines[-1].endswith("Qt界面文字、随程序提供的中文字体、兑现通知书PDF、主窗口未检查")
    assert not (tmp_path / "never").exists()
