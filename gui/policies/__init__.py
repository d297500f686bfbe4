"""The 政策 screen's dialogs: parameter overrides."""
