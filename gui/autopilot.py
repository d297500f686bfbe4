"""Walks the program's start-up without a person, for the bundle's tests and the start-up benchmark.

``KJJB_AUTOPILOT=FILE.json`` names a JSON object:

    {"first_run": {"issuer": "...", "code": "...", "clerk": "...", "demo": true} | "later" | null,
     "first_admin": {"name": "...", "password": "..."} | "skip",
     "report": "REPORT.json"}

When the first-run dialog appears its fields are typed in and 开始使用 (or,
for ``"later"``, 下次再说) is pressed, exactly as a clerk would; with
``null`` the dialog is not expected. Once start-up is done the program writes
what the clerk would see to ``report`` and quits. Times are ``time.time()``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def answer_first_admin(dialog) -> None:
    """When the database has no users the 创建管理员 dialog comes first: create the
    administrator from ``"first_admin": {"name": ..., "password": ...}``, or press
    暂不设置 (the default), as a clerk would."""
    import os

    config = json.loads(Path(os.environ["KJJB_AUTOPILOT"]).read_text(encoding="utf-8"))
    answers = config.get("first_admin")

    def press():
        if isinstance(answers, dict):
            dialog.name_edit.setText(answers.get("name", ""))
            dialog.password_edit.setText(answers.get("password", ""))
            dialog.confirm_edit.setText(answers.get("password", ""))
            dialog.ok_button.click()
            if dialog.isVisible():
                dialog.skip_button.click()
        else:
            dialog.skip_button.click()

    QTimer.singleShot(0, press)


def attach(startup, config_path: str) -> None:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    window = startup.window
    report = {"window_shown_at": None, "first_run_dialog": False, "problems": []}

    def shown():
        report["window_shown_at"] = time.time()

    QTimer.singleShot(0, shown)  # the first turn of the event loop: the window is on screen

    def answer(dialog):
        report["first_run_dialog"] = True
        report["dialog_prefill"] = {
            "issuer": dialog.issuer.text(),
            "code": dialog.code.text(),
            "clerk": dialog.clerk.text(),
            "demo_offered": dialog.demo.isVisible(),
        }
        answers = config.get("first_run")
        if not isinstance(answers, dict):
            if answers is None:
                report["problems"].append("first-run dialog shown but not expected")
            dialog.later.click()
            return
        dialog.issuer.setText(answers.get("issuer", ""))
        dialog.code.setText(answers.get("code", ""))
        dialog.clerk.setText(answers.get("clerk", ""))
        dialog.demo.setChecked(bool(answers.get("demo")))
        dialog.ok.click()
        if dialog.error.text():  # a refused answer leaves the dialog open: note it and give up
            report["problems"].append(dialog.error.text())
            dialog.later.click()

    startup.asking.connect(answer)

    def finished():
        report.update(
            finished_at=time.time(),
            title=window.windowTitle(),
            status=window.status.text(),
            notices=list(startup.notices),
            pages=[p[1] for p in window.pages],
            current_page=window.ctx.settings.value("window/page"),
            demo_batch=startup.demo_batch,
            icon=not window.windowIcon().isNull(),
        )
        Path(config["report"]).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        window.close()
        QApplication.instance().quit()

    startup.finished.connect(finished)
