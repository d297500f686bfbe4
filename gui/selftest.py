"""``kjjb --selftest`` (also ``python main.py --selftest``): check an installed program without a window.

Runs core.selftest's steps (policies, rule cases, migrations, the sample batch
through a temporary SQLite store, approval, the results workbook), then the
ones that need Qt: the shipped Chinese font, award letters as PDF, and the main
window with each of its pages, all on Qt's offscreen platform. Prints one
line per step and a summary; exits 0 when everything passed, 1 otherwise.

    kjjb --selftest [--output DIR]   # DIR keeps what the check wrote
    kjjb --selftest --headless       # only the steps without Qt (a machine where Qt cannot start)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from core.selftest import CORE_STEPS, SelfTest, SelfTestError


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def check_fonts(t: SelfTest) -> str:
    from gui.printing.fonts import FONTS_DIR, register_shipped_fonts

    shipped = sorted(set(register_shipped_fonts()))
    if not shipped:
        if _frozen():
            raise SelfTestError(f"安装目录中缺少随程序提供的中文字体（{FONTS_DIR}）")
        return f"未随程序提供字体（从源码运行；{FONTS_DIR}不存在时使用系统字体）"
    licences = [p.name for p in FONTS_DIR.iterdir() if p.suffix.lower() not in (".ttf", ".ttc", ".otf")]
    if not licences:
        raise SelfTestError(f"{FONTS_DIR}中只有字体文件，缺少其许可证")
    return f"{'、'.join(shipped)}（许可证：{'、'.join(sorted(licences))}）"


def check_letters(t: SelfTest) -> str:
    from core.letters.batch import prepare_letters
    from core.letters.settings import load_letter_settings
    from gui.printing.fonts import resolve_font
    from gui.printing.output import write_pdf

    settings = load_letter_settings()
    batch = prepare_letters(t.store, t.batch_id, settings)
    if not batch.letters:
        raise SelfTestError("已审批的样例批次没有可以出具的兑现通知书")
    font = resolve_font(settings.fonts)
    path = t.folder / "自检_兑现通知书.pdf"
    pages = write_pdf(batch.letters, path, font)
    data = path.read_bytes()
    if not data.startswith(b"%PDF") or pages < len(batch.letters):
        raise SelfTestError(f"兑现通知书PDF不完整：{path}")
    embedded = re.search(rb"/FontName\s*/[A-Z]{6}\+", data) is not None
    if not embedded:
        raise SelfTestError("兑现通知书PDF中没有嵌入字体，在其他电脑上可能显示为方框")
    return (
        f"{len(batch.letters)}份兑现通知书，{pages}页PDF（{len(data) // 1024} KB，字体：{font}，"
        f"另有{len(batch.withheld)}份因含征求意见稿测算金额未出具）"
    )


def check_window(t: SelfTest) -> str:
    from PySide6.QtWidgets import QApplication

    from gui.about import AboutDialog
    from gui.context import AppContext
    from gui.mainwindow import MainWindow

    app = QApplication.instance()
    ctx = AppContext(t.store.url)
    window = MainWindow(ctx)
    try:
        window.show()
        labels = []
        for key, label, _ in window.pages:
            window.show_page(key)
            app.processEvents()
            labels.append(label)
        about = AboutDialog(window, ctx)
        rows = about.documents.rowCount()
        about.deleteLater()
        if rows != len(ctx.base_policies.documents):
            raise SelfTestError(f"“关于”中列出{rows}个政策文件，应为{len(ctx.base_policies.documents)}个")
        if window.windowIcon().isNull():
            raise SelfTestError("程序图标未能载入（resources/icons）")
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
        ctx.close()
    return f"{len(labels)}个页面：{'、'.join(labels)}；“关于”列出{rows}个政策文件"


def check_qt_chinese(t: SelfTest) -> str:
    """Qt's own buttons (确定, 取消 in message boxes) come from its Chinese translation."""
    from PySide6.QtCore import QCoreApplication

    words = [QCoreApplication.translate("QPlatformTheme", w) for w in ("OK", "Cancel")]
    if words != ["确定", "取消"]:
        raise SelfTestError(f"Qt的中文翻译（qtbase_zh_CN.qm）未能载入，标准按钮显示为“{'、'.join(words)}”")
    return f"标准按钮：{'、'.join(words)}"


GUI_STEPS = (
    ("Qt界面文字", check_qt_chinese),
    ("随程序提供的中文字体", check_fonts),
    ("兑现通知书PDF", check_letters),
    ("主窗口", check_window),
)


def _quiet_offscreen_warnings():
    """The offscreen platform warns about window hints it cannot honour; that is no news in a self-test.

    Returns the handler that was installed before (to put back)."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if "propagateSizeHints" not in message and sys.stderr is not None:
            sys.stderr.write(message + "\n")

    return qInstallMessageHandler(handler)


def _output(real_data_dir: Path):
    """Where the report goes: the console, or for the windowed program on Windows (no console) a file."""
    if sys.stdout is not None:
        if hasattr(sys.stdout, "reconfigure"):  # a pipe in a non-Chinese code page must not end the check
            sys.stdout.reconfigure(errors="replace")
        return sys.stdout, None
    path = real_data_dir / "logs" / "selftest.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8"), path


def _run_with_qt(folder: Path, write):
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from gui.app import _qt_translations, app_icon

    previous_handler = _quiet_offscreen_warnings()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    _qt_translations(app)
    selftest = SelfTest(folder, write)
    try:
        ok = selftest.run(CORE_STEPS + GUI_STEPS)
    finally:
        selftest.close()
        qInstallMessageHandler(previous_handler)
    return ok, selftest


def _run_headless(folder: Path, write):
    """core's steps only, for a machine where Qt cannot start; says plainly what was left unchecked."""
    selftest = SelfTest(folder, write)
    try:
        ok = selftest.run(CORE_STEPS)
    finally:
        selftest.close()
    if ok:
        for name, _ in GUI_STEPS:
            write(f"[跳过] {name}：需要 Qt，按 --headless 未检查")
    return ok, selftest


def main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kjjb --selftest", description="检查安装的程序是否完整可用")
    parser.add_argument("--output", help="保留自检生成的文件的目录（默认用临时目录，结束后删除）")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="只检查不需要 Qt 的部分（Qt 无法启动的环境，如 Wine）；界面部分跳过并注明",
    )
    opts = parser.parse_args(args)

    from core.paths import ROOT, user_data_dir
    from core.version import APP_NAME, __version__

    real_data_dir = user_data_dir()
    stream, report_file = _output(real_data_dir)

    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    if opts.output:
        folder = Path(opts.output).resolve()
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="kjjb-selftest-"))
    os.environ["KJJB_DATA_DIR"] = str(folder / "data")  # never the clerk's own data folder
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # letters and the window are drawn without a screen
    started = time.perf_counter()
    write(f"{APP_NAME} {__version__} 自检（程序目录：{ROOT}；临时目录：{folder}）")
    if opts.headless:
        ok, selftest = _run_headless(folder, write)
    else:
        ok, selftest = _run_with_qt(folder, write)
    if not opts.output:
        shutil.rmtree(folder, ignore_errors=True)
    seconds = time.perf_counter() - started
    if ok and opts.headless:
        write(
            f"自检通过（仅无界面部分）：{len(selftest.outcomes)}项检查全部通过，用时{seconds:.1f}秒；"
            f"{'、'.join(name for name, _ in GUI_STEPS)}未检查"
        )
    elif ok:
        write(f"自检通过：{len(selftest.outcomes)}项检查全部通过，用时{seconds:.1f}秒")
    else:
        failed = selftest.outcomes[-1]
        write(f"自检失败：{failed.name}——{failed.detail}")
        (sys.stderr.write(failed.trace) if sys.stderr is not None else stream.write(failed.trace))
    if report_file is not None:
        stream.close()
    return 0 if ok else 1
