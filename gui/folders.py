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


FOLDER_KEY = "folders/last_saved"


def save_path(settings, name: str) -> str:
    """``name`` in the folder the clerk last saved to (the documents folder the first time)."""
    from PySide6.QtCore import QStandardPaths

    folder = str(settings.value(FOLDER_KEY, "") or "")
    if not folder or not Path(folder).is_dir():
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return str(Path(folder) / name)


def remember_folder(settings, path) -> None:
    """The next save dialog opens where ``path`` was saved."""
    settings.setValue(FOLDER_KEY, str(Path(path).parent))


def app_settings():
    """The program's settings file (as gui.context.AppContext opens it), for dialogs opened without a context."""
    from PySide6.QtCore import QSettings

    from core.paths import user_data_dir

    return QSettings(str(user_data_dir() / "settings.ini"), QSettings.Format.IniFormat)
