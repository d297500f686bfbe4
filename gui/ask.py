"""Every question to the user goes through ASK, so tests can answer it.

A modal dialog nobody answers hangs a test suite; tests install a
:class:`ScriptedAsker` with the answers they expect to be asked for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from gui.screenfit import keep_inside


class Asker:
    """The real dialogs."""

    def confirm(self, parent, title: str, text: str, detail: str = "", ok: str = "确定") -> bool:
        box = keep_inside(QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent))
        yes = box.addButton(ok, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        if detail:
            box.setDetailedText(detail)
        box.exec()
        return box.clickedButton() is yes

    def info(self, parent, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def error(self, parent, title: str, text: str, detail: str = "") -> None:
        box = keep_inside(QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent))
        if detail:
            box.setDetailedText(detail)
        copy = box.addButton("复制详情", QMessageBox.ButtonRole.ActionRole)
        box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is copy:
            QApplication.clipboard().setText(f"{text}\n\n{detail}".strip())

    def alarm(self, parent, title: str, text: str) -> None:
        """A tamper alarm: not an ordinary error, so it looks like none (red, critical) and says what to do."""
        box = keep_inside(QMessageBox(QMessageBox.Icon.Critical, title, "", parent=parent))
        box.setObjectName("tamper-alarm")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            "<p style='color:#b00020; font-size:13pt'><b>数据库中的数据在本程序之外被改动过</b></p>"
            "<p>本次操作已被拒绝，数据库未作任何修改，此事已记入审计日志。</p>"
            "<p><b>请不要继续操作，立即通知管理员。</b></p>"
        )
        box.setInformativeText(text)
        copy = box.addButton("复制详情", QMessageBox.ButtonRole.ActionRole)
        box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is copy:
            QApplication.clipboard().setText(text)

    def open_file(self, parent, title: str, filter: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, "", filter)
        return path or None

    def save_file(self, parent, title: str, default: str, filter: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, default, filter)
        return path or None

    def text(self, parent, title: str, label: str, default: str = "") -> str | None:
        from PySide6.QtWidgets import QInputDialog

        value, ok = QInputDialog.getText(parent, title, label, text=default)
        return value if ok else None

    def directory(self, parent, title: str) -> str | None:
        path = QFileDialog.getExistingDirectory(parent, title)
        return path or None

    def printer(self, parent, title: str, printer) -> bool:
        """The system print dialog for ``printer`` (a QPrinter it configures); True when the clerk prints."""
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(title)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, False)  # what is asked for prints whole
        return dialog.exec() == QPrintDialog.DialogCode.Accepted

    def choose(self, parent, title: str, text: str, options: list[str]) -> int | None:
        """One of ``options`` (its index), or None when cancelled."""
        box = keep_inside(QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent))
        buttons = [box.addButton(o, QMessageBox.ButtonRole.AcceptRole) for o in options]
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        return next((i for i, b in enumerate(buttons) if b is clicked), None)

    def saved(self, parent, title: str, text: str, path) -> str | None:
        """A file was written: say so, with 打开文件 and 打开所在文件夹 ("file", "folder" or None: closed)."""
        from pathlib import Path

        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        box = keep_inside(QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent))
        open_file = box.addButton("打开文件", QMessageBox.ButtonRole.ActionRole)
        open_folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
        box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        path = Path(path)
        if box.clickedButton() is open_file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            return "file"
        if box.clickedButton() is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
            return "folder"
        return None

    def login(self, parent, store, name: str = "", cancel: str = "取消"):
        """The login dialog (切换用户, 注销): the user now logged in to ``store``, or None when cancelled."""
        from gui.login import LoginDialog

        dialog = LoginDialog(store, parent, name=name, cancel=cancel)
        return dialog.user if dialog.exec() == LoginDialog.DialogCode.Accepted else None

    def new_user(self, parent, store, name: str, roles) -> tuple[str, str] | None:
        """The 添加用户 form, filled in with ``name`` and ``roles``: (name, password) of the user added, or None."""
        from gui.users import UserFormDialog

        form = UserFormDialog(store, UserFormDialog.NEW, name, roles, parent)
        if form.exec() != UserFormDialog.DialogCode.Accepted:
            return None
        return form.name_edit.text().strip(), form.password_edit.text()


class ScriptedAsker(Asker):
    """For tests: answers from a queue; records every question; fails on an unexpected one."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked: list[tuple[str, str, str]] = []

    def _next(self, kind: str, title: str, text: str):
        self.asked.append((kind, title, text))
        if not self.answers:
            raise AssertionError(f"unexpected {kind} question: {title}: {text}")
        return self.answers.pop(0)

    def confirm(self, parent, title, text, detail="", ok="确定"):
        return bool(self._next("confirm", title, text))

    def info(self, parent, title, text):
        self.asked.append(("info", title, text))

    def error(self, parent, title, text, detail=""):
        self.asked.append(("error", title, text))

    def alarm(self, parent, title, text):
        self.asked.append(("alarm", title, text))

    def open_file(self, parent, title, filter):
        return self._next("open_file", title, filter)

    def save_file(self, parent, title, default, filter):
        return self._next("save_file", title, default)

    def text(self, parent, title, label, default=""):
        return self._next("text", title, label)

    def directory(self, parent, title):
        return self._next("directory", title, "")

    def choose(self, parent, title, text, options):
        """An answer is the index of the option chosen (None cancels); the options are recorded with the text."""
        return self._next("choose", title, text + "\n" + "\n".join(options))

    def saved(self, parent, title, text, path):
        """Recorded, not asked: the clerk may close it without choosing."""
        self.asked.append(("saved", title, text))
        return None

    def login(self, parent, store, name="", cancel="取消"):
        """An answer (name, password) logs in through the store (LoginFailed propagates); None cancels."""
        answer = self._next("login", "登录", name)
        return store.login(*answer) if answer is not None else None

    def new_user(self, parent, store, name, roles):
        """An answer (name, password) adds that user with ``roles`` through the store; None cancels."""
        answer = self._next("new_user", "添加用户", name)
        if answer is None:
            return None
        store.add_user(answer[0], answer[1], roles)
        return answer

    def printer(self, parent, title, printer):
        """An answer that is a path prints to that PDF file instead of a printer; False cancels."""
        answer = self._next("printer", title, "")
        if isinstance(answer, (str, bytes)) or hasattr(answer, "__fspath__"):
            from PySide6.QtPrintSupport import QPrinter

            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(answer))
            return True
        return bool(answer)


ASK: Asker = Asker()


def set_asker(asker: Asker) -> Asker:
    """Install ``asker`` (tests); returns the previous one."""
    global ASK
    previous, ASK = ASK, asker
    return previous


def ask() -> Asker:
    return ASK
