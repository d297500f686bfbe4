"""The Chinese font letters are set in: the first installed family of the bureau's list.

Fonts shipped in ``resources/fonts`` (the installer may put one there) are
registered first, so a PC without any Chinese font still prints Chinese
instead of boxes.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from core.letters.errors import LetterError
from core.paths import RESOURCES

FONTS_DIR = RESOURCES / "fonts"
_registered = False


class FontMissing(LetterError):
    """No installed font can write Chinese."""


def register_shipped_fonts() -> list[str]:
    """Register the fonts in resources/fonts once; returns the families they add."""
    global _registered
    added: list[str] = []
    if _registered:
        return added
    _registered = True
    if FONTS_DIR.is_dir():
        for path in sorted(FONTS_DIR.iterdir()):
            if path.suffix.lower() in (".ttf", ".ttc", ".otf"):
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id >= 0:
                    added += QFontDatabase.applicationFontFamilies(font_id)
    return added


def _writes_chinese(family: str) -> bool:
    return QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def resolve_font(families) -> str:
    """The first of ``families`` that is installed and writes Chinese, else any font that does.

    Call on the GUI thread (the font database is filled there).
    """
    register_shipped_fonts()
    installed = set(QFontDatabase.families())
    for name in families:
        if name in installed and _writes_chinese(name):
            return name
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    for name in chinese:
        if not QFontDatabase.isPrivateFamily(name):
            return name
    raise FontMissing(
        "找不到可以显示中文的字体，兑现通知书中的汉字会印成方框。请安装中文字体（如微软雅黑、宋体、"
        "文泉驿微米黑），或在“兑现通知书设置”的字体中填写已安装的中文字体名称。"
        f"已尝试：{'、'.join(families)}"
    )
