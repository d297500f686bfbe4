"""What goes into the bundle and what stays out (read by installer/kjjb.spec and installer/build.py).

The program uses QtCore, QtGui, QtWidgets and QtPrintSupport (QtCharts and
QtSvg are allowed for screens that draw charts or SVG icons). Everything else
PySide6-Addons installs - WebEngine, QML/Quick, 3D, Multimedia and the rest -
is kept out, and so are the test and development tools.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path, PurePath

QT_USED = (
    "QtCore",
    "QtGui",
    "QtWidgets",
    "QtPrintSupport",
    "QtCharts",
    "QtSvg",
    "QtSvgWidgets",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtDBus",
)

QT_UNUSED = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtAxContainer",
    "QtBluetooth",
    "QtCanvasPainter",
    "QtConcurrent",
    "QtDataVisualization",
    "QtDesigner",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNetwork",
    "QtNetworkAuth",
    "QtNfc",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtQml",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtTest",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
    "QtXml",
)

EXCLUDED_MODULES = [f"PySide6.{m}" for m in QT_UNUSED] + [
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "lib2to3",
    "pydoc_data",
    "ensurepip",
    "venv",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "pip",
    "setuptools",
    "pkg_resources",
    "wheel",
    "PyInstaller",
    "IPython",
    "numpy",
    "PIL",
    "matplotlib",
    "tests",
    "bench",
    "scripts",
]

# Qt libraries (by the name after "Qt6"/"Qt") the bundle must not carry even when a plugin drags them in.
_UNUSED_LIBS = re.compile(
    r"(^|[\\/])(lib)?Qt6?(3D\w*|Bluetooth|CanvasPainter|Concurrent|DataVisualization\w*|Designer\w*|Graphs\w*|"
    r"Help|HttpServer|Labs\w*|Location|Lottie\w*|Multimedia\w*|FFmpeg\w*|NetworkAuth|Nfc|Pdf\w*|"
    r"Positioning\w*|Qml\w*|Quick\w*|RemoteObjects|Scxml\w*|Sensors\w*|SerialBus|SerialPort|ShaderTools|"
    r"SpatialAudio|Sql|StateMachine\w*|Test|TextToSpeech|UiTools|VirtualKeyboard\w*|WebChannel\w*|"
    r"WebEngine\w*|WebSockets|WebView\w*|Xml)\b[^\\/]*$",
    re.IGNORECASE,
)
# Plugin folders the program has no use for (it needs platforms, styles, imageformats, printsupport ...).
_UNUSED_PLUGINS = (
    "assetimporters",
    "canbus",
    "designer",
    "egldeviceintegrations",
    "generic",
    "geometryloaders",
    "geoservices",
    "multimedia",
    "networkinformation",
    "position",
    "qmllint",
    "qmltooling",
    "renderers",
    "renderplugins",
    "sceneparsers",
    "scxmldatamodel",
    "sensors",
    "sqldrivers",
    "texttospeech",
    "tls",
    "vectorimageformats",
    "wayland-decoration-client",
    "wayland-graphics-integration-client",
    "wayland-graphics-integration-server",
    "wayland-shell-integration",
    "webview",
)
# Single plugins of the folders kept: screens the program never runs on (it needs windows/xcb/cocoa and
# offscreen for the self-test), the GTK theme (it drags in GTK), image formats it never reads.
_UNUSED_PLUGIN_FILES = re.compile(
    r"(^|[\\/])(lib)?q(direct2d|eglfs|linuxfb|minimalegl|vkkhrdisplay|vnc|wayland[\w-]*|gtk3|pdf|tiff|webp|icns|tga|wbmp)"
    r"\.(so|dll|dylib)$",
    re.IGNORECASE,
)
# Libraries only those plugins use.
_UNUSED_SUPPORT = re.compile(r"(^|[\\/])(lib)?Qt6(EglFS\w*|EglFsKms\w*|Wayland\w*|WlShell\w*)\b[^\\/]*$", re.IGNORECASE)
# Python's codecs for Japanese, Korean and traditional Chinese text (the program reads UTF-8 and GBK).
_UNUSED_CODECS = re.compile(r"(^|[\\/])_codecs_(jp|kr|tw|hk|iso2022)\.", re.IGNORECASE)

# Of Qt's own translations only Simplified Chinese (the standard dialogs' buttons).
_TRANSLATION = re.compile(r"(^|[\\/])translations[\\/](?P<name>[^\\/]+)\.qm$", re.IGNORECASE)
KEEP_TRANSLATIONS = ("qtbase_zh_CN",)


def _parts(dest: str) -> tuple[str, ...]:
    return tuple(p.lower() for p in PurePath(dest.replace("\\", "/")).parts)


def keep_binary(dest: str) -> bool:
    """Whether a binary (by its path inside the bundle) belongs in the bundle."""
    parts = _parts(dest)
    if "plugins" in parts:
        i = parts.index("plugins")
        if i + 1 < len(parts) and parts[i + 1] in _UNUSED_PLUGINS:
            return False
        if _UNUSED_PLUGIN_FILES.search(dest):
            return False
    return not (_UNUSED_LIBS.search(dest) or _UNUSED_SUPPORT.search(dest) or _UNUSED_CODECS.search(dest))


def keep_data(dest: str) -> bool:
    """Whether a data file (by its path inside the bundle) belongs in the bundle."""
    m = _TRANSLATION.search(dest)
    if m:
        return m["name"] in KEEP_TRANSLATIONS
    parts = _parts(dest)
    if "__pycache__" in parts or "qml" in parts:
        return False
    return keep_binary(dest)


def select_binaries(binaries, imports) -> tuple[list, list]:
    """(kept, left out) of PyInstaller's binaries TOC: what keep_binary refuses, and every library
    that only the refused ones need (the GTK theme plugin, say, brings GTK, Cairo and Pango).

    ``imports(src)`` gives the resolved paths a binary links against.
    """

    def closure(sources) -> set:
        seen, todo = set(), list(sources)
        while todo:
            src = todo.pop()
            if src in seen:
                continue
            seen.add(src)
            todo.extend(p for _, p in imports(src) if p and p not in seen)
        return seen

    refused = [e for e in binaries if not keep_binary(e[0])]
    kept = [e for e in binaries if keep_binary(e[0])]
    only_theirs = closure(e[1] for e in refused if e[2] != "SYMLINK")
    roots = [e[1] for e in kept if e[2] != "SYMLINK" and e[1] not in only_theirs]
    needed = closure(roots)
    orphans = only_theirs - needed
    left_out = refused + [e for e in kept if e[1] in orphans]
    kept = [e for e in kept if e[1] not in orphans]
    dests = {e[0] for e in kept}
    dangling = [e for e in kept if e[2] == "SYMLINK" and e[1] not in dests]  # links to what was left out
    return [e for e in kept if e not in dangling], left_out + dangling


# ---------------------------------------------------------------- the built bundle
SOURCE_PARTS = ("main.py", "core", "gui", "resources", "installer/kjjb.spec", "installer/bundle.py")


def exe_name(stem: str) -> str:
    return stem + (".exe" if sys.platform == "win32" else "")


def console_program() -> str:
    """The program to run headless commands and --selftest with (see kjjb.spec)."""
    return "kjjb-console" if sys.platform == "win32" else "kjjb"


def contents_dir(bundle: Path) -> Path:
    """Where PyInstaller 6 puts everything but the programs (sys._MEIPASS)."""
    return bundle / "_internal"


def expected_files(bundle: Path, root: Path) -> list[Path]:
    """Files the bundle must have: both programs, every shipped resource and migration, the font, the icon."""
    inside = contents_dir(bundle)
    out = [bundle / exe_name("kjjb"), bundle / exe_name(console_program())]
    for folder in (
        "resources/policies",
        "resources/templates",
        "resources/samples",
        "resources/icons",
        "resources/scenarios",
        "core/store/migrations/versions",
    ):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out.append(inside / path.relative_to(root))
    out.append(inside / "resources" / "fonts" / "wqy-microhei.ttc")
    return out


def bundle_size(bundle: Path) -> tuple[int, int]:
    """(bytes, files) of the bundle folder."""
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def source_digest(root: Path) -> str:
    """A digest of everything that goes into the bundle from the source tree (to spot a stale bundle)."""
    h = hashlib.sha256()
    for part in SOURCE_PARTS:
        base = root / part
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            if "__pycache__" in path.parts or path.suffix == ".pyc" or "fonts" in path.relative_to(root).parts:
                continue
            h.update(path.relative_to(root).as_posix().encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()
