"""Opening a folder in the system's file manager (Explorer on Windows)."""
from __future__ import annotations

from pathlib import Path

from gui.ask import ask


def open_folder(parent, path: Path, title: str = "打开文件夹") -> bool:
    """Show ``path`` in the file manager (created first if missing); tells the clerk where it is if that fails."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        ask().error(parent, title, f"无法创建文件夹：\n{path}\n\n{exc.strerror or exc}")
        return False
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    ask().info(parent, title, f"无法自动打开文件夹，请在资源管理器中打开：\n{path}")
    return False
