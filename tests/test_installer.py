"""The installer's pieces that run anywhere: what the bundle keeps, the version defines, the self-check."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.selftest import SelfTest, SelfTestError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from installer import build, bundle  # noqa: E402


@pytest.mark.parametrize(
    "dest, kept",
    [
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6PrintSupport.so.6", True),
        ("PySide6/Qt/lib/libQt6Charts.so.6", True),
        ("PySide6/Qt/lib/libQt6Svg.so.6", True),
        ("PySide6\\Qt6Widgets.dll", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
        ("PySide6/Qt/plugins/imageformats/libqico.so", True),
        ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", False),
        ("PySide6\\Qt6WebEngineCore.dll", False),
        ("PySide6/Qt/lib/libQt6Qml.so.6", False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/lib/libQt63DCore.so.6", False),
        ("PySide6/Qt/lib/libQt6Multimedia.so.6", False),
        ("PySide6\\Qt6Pdf.dll", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so", False),
        ("python3.11/lib-dynload/_codecs_jp.cpython-311-x86_64-linux-gnu.so", False),
        ("python3.11/lib-dynload/_codecs_cn.cpython-311-x86_64-linux-gnu.so", True),
    ],
)
def test_the_bundle_keeps_the_qt_the_program_uses_and_nothing_else(dest, kept):
    assert bundle.keep_binary(dest) is kept


def test_only_simplified_chinese_qt_translations_are_shipped():
    assert bundle.keep_data("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert not bundle.keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert not bundle.keep_data("PySide6\\translations\\qtwebengine_zh_CN.qm")
    assert bundle.keep_data("resources/policies/hlb-2025-draft.yaml")
    assert "PySide6.QtWebEngineCore" in bundle.EXCLUDED_MODULES and "pytest" in bundle.EXCLUDED_MODULES


def test_libraries_only_a_left_out_plugin_needs_are_left_out_too():
    graph = {
        "/qt/plugins/platformthemes/libqgtk3.so": ["/usr/lib/libgtk-3.so", "/qt/lib/libQt6Gui.so"],
        "/usr/lib/libgtk-3.so": ["/usr/lib/libcairo.so", "/usr/lib/libglib.so"],
        "/qt/lib/libQt6Gui.so": ["/usr/lib/libglib.so"],
        "/qt/QtGui.abi3.so": ["/qt/lib/libQt6Gui.so"],
    }
    toc = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/qt/plugins/platformthemes/libqgtk3.so", "BINARY"),
        ("libgtk-3.so", "/usr/lib/libgtk-3.so", "BINARY"),
        ("libcairo.so", "/usr/lib/libcairo.so", "BINARY"),
        ("libglib.so", "/usr/lib/libglib.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so", "/qt/lib/libQt6Gui.so", "BINARY"),
        ("libQt6Gui.so", "PySide6/Qt/lib/libQt6Gui.so", "SYMLINK"),
        ("libgtk-link.so", "libgtk-3.so", "SYMLINK"),
        ("PySide6/QtGui.abi3.so", "/qt/QtGui.abi3.so", "EXTENSION"),
    ]
    kept, left_out = bundle.select_binaries(toc, lambda src: [(Path(p).name, p) for p in graph.get(src, [])])
    assert [e[0] for e in kept] == [
        "libglib.so",
        "PySide6/Qt/lib/libQt6Gui.so",
        "libQt6Gui.so",
        "PySide6/QtGui.abi3.so",
    ]
    assert {e[0] for e in left_out} == {
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "libgtk-3.so",
        "libcairo.so",
        "libgtk-link.so",
    }


def test_windows_version_numbers_have_four_parts():
    assert build.numeric_version("0.1.0") == (0, 1, 0, 0)
    assert build.numeric_version("1.2.3rc4") == (1, 2, 3, 0)
    assert build.numeric_version("2.0.1.7.9") == (2, 0, 1, 7)


def test_the_build_refuses_a_font_without_its_licence(tmp_path):
    font = tmp_path / "wqy-microhei.ttc"
    font.write_bytes(b"font")
    with pytest.raises(build.BuildError, match="许可证"):
        build.find_font(str(font))
    (tmp_path / "copyright").write_text("Apache-2.0 or GPL-3+ with Font exception", encoding="utf-8")
    assert build.find_font(str(font)) == (font, [tmp_path / "copyright"])
    with pytest.raises(build.BuildError, match="找不到字体文件"):
        build.find_font(str(tmp_path / "missing.ttc"))


def test_the_bundle_digest_follows_the_sources(tmp_path):
    for part in ("core", "gui", "resources/fonts", "installer"):
        (tmp_path / part).mkdir(parents=True)
    (tmp_path / "main.py").write_text("print()", encoding="utf-8")
    (tmp_path / "core" / "a.py").write_text("x = 1", encoding="utf-8")
    before = bundle.source_digest(tmp_path)
    (tmp_path / "resources" / "fonts" / "big.ttc").write_bytes(b"font")  # staged at build time, not a source
    assert bundle.source_digest(tmp_path) == before
    (tmp_path / "core" / "a.py").write_text("x = 2", encoding="utf-8")
    assert bundle.source_digest(tmp_path) != before


def test_the_self_check_stops_at_the_first_failure_and_says_why(tmp_path):
    lines = []
    ran = []

    def ok(t):
        ran.append("ok")
        return "好"

    def broken(t):
        raise SelfTestError("缺少文件")

    def crash(t):
        return {}["x"]

    t = SelfTest(tmp_path, lines.append)
    assert t.run((("一", ok), ("二", broken), ("三", ok))) is False
    assert ran == ["ok"] and [o.ok for o in t.outcomes] == [True, False]
    assert re.fullmatch(r"\[通过\] 一：好（\d+\.\d\d秒）", lines[0])
    assert lines[1].startswith("[失败] 二：缺少文件（") and "SelfTestError" in t.outcomes[1].trace
    t = SelfTest(tmp_path, lines.append)
    assert t.run((("三", crash),)) is False
    assert t.outcomes[0].detail == "KeyError：'x'"


def test_python_main_py_selftest_passes(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KJJB_", "QT_"))}
    env["KJJB_DATA_DIR"] = str(tmp_path / "never")
    result = subprocess.run(
        [sys.executable, "main.py", "--selftest", "--output", str(tmp_path / "out")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("自检通过：") and all(l.startswith("[通过]") for l in lines[1:-1])
    names = [l.split("：")[0][5:] for l in lines[1:-1]]
    assert names == [
        "政策文件",
        "规则案例",
        "数据库升级",
        "数据库",
        "样例批次导入与计算",
        "审批",
        "测算结果工作簿",
        "Qt界面文字",
        "随程序提供的中文字体",
        "兑现通知书PDF",
        "主窗口",
    ]
    assert (tmp_path / "out" / "自检_兑现通知书.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "out" / "自检_测算结果.xlsx").exists()
    assert not (tmp_path / "never").exists()  # the clerk's data folder is never touched


def test_the_icon_holds_every_size_windows_asks_for():
    import struct

    data = (ROOT / "resources" / "icons" / "kjjb.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = {struct.unpack_from("<B", data, 6 + 16 * i)[0] or 256 for i in range(count)}
    assert {16, 24, 32, 48, 256} <= sizes
    assert (ROOT / "resources" / "icons" / "kjjb.png").read_bytes().startswith(b"\x89PNG")
