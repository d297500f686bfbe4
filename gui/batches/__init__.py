"""The 申报批次 screen's dialogs: import wizard, approval."""
