"""Draw the program's icon, a red seal with 奖, into resources/icons (kjjb.png and the Windows kjjb.ico).

    python scripts/make_icon.py [--font FILE]

Needs a Chinese font (WenQuanYi Micro Hei from fonts-wqy-microhei is found
by itself). The .ico holds every size Windows asks for (256 as PNG, the smaller ones as bitmaps).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
RED = "#c0272d"
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc")


def _family(font_file: str | None) -> str:
    from PySide6.QtGui import QFontDatabase

    for path in [font_file] if font_file else list(FONT_FILES):
        if path and Path(path).exists():
            font_id = QFontDatabase.addApplicationFont(path)
            if font_id >= 0:
                return QFontDatabase.applicationFontFamilies(font_id)[0]
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not chinese:
        sys.exit("找不到中文字体：请安装 fonts-wqy-microhei，或用 --font 指定字体文件")
    return chinese[0]


def draw(size: int, family: str):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = size * 0.04
    outer = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(RED))
    p.drawRoundedRect(outer, size * 0.16, size * 0.16)
    if size >= 32:  # the seal's inner border; at small sizes it would only blur the character
        pen = QPen(QColor("white"))
        pen.setWidthF(max(1.0, size * 0.035))
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        inset = size * 0.12
        p.drawRoundedRect(
            outer.adjusted(inset - margin, inset - margin, margin - inset, margin - inset), size * 0.09, size * 0.09
        )
    font = QFont(family)
    font.setPixelSize(round(size * (0.62 if size >= 32 else 0.8)))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(outer, Qt.AlignmentFlag.AlignCenter, "奖")
    p.end()
    return image


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def dib_bytes(image) -> bytes:
    """An icon image in the classic form: BITMAPINFOHEADER, 32-bit BGRA rows bottom-up, then the AND mask."""
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_ARGB32)  # BGRA in memory on little-endian machines
    w, h = img.width(), img.height()
    header = struct.pack("<IiiHHIIiiII", 40, w, 2 * h, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = [bytes(img.constScanLine(y))[: 4 * w] for y in range(h)]
    mask_row = b"\0" * (((w + 31) // 32) * 4)  # all opaque: the alpha channel says what shows
    return header + b"".join(reversed(rows)) + mask_row * h


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file of the given encoded images (PNG for 256, classic bitmaps below, as Windows expects)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in sorted(images.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return header + entries + blobs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", help="中文字体文件（.ttf/.ttc/.otf）")
    parser.add_argument("-o", "--output", default=str(OUT), help="输出目录")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts need it)
    family = _family(args.font)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size, family) for size in ICO_SIZES}
    (out / "kjjb.ico").write_bytes(
        ico_bytes({size: png_bytes(img) if size >= 256 else dib_bytes(img) for size, img in images.items()})
    )
    (out / "kjjb.png").write_bytes(png_bytes(images[256]))
    print(f"已生成 {out / 'kjjb.ico'} 和 {out / 'kjjb.png'}（字体：{family}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
