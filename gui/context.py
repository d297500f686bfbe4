"""What every screen shares: settings, the policies (with overrides) and the store, opened lazily."""
from __future__ import annotations

import threading

from PySide6.QtCore import QSettings

from core.paths import user_data_dir


class AppContext:
    def __init__(self, db_url: str | None = None):
        self.db_url = db_url
        data = user_data_dir()
        data.mkdir(parents=True, exist_ok=True)
        self.settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
        self._base_policies = None
        self._policies = None
        self._store = None
        # Screens open the store and load the policies on worker threads (the window shows first): once.
        self._lock = threading.RLock()
        self.listeners: list = []  # called (on the GUI thread) after policies_changed()
        self.data_listeners: list = []  # called (on the GUI thread) after data_changed()

    @property
    def base_policies(self):
        """The policy files as shipped, without administrator overrides."""
        with self._lock:
            if self._base_policies is None:
                from core.engine import load_policies

                self._base_policies = load_policies()
            return self._base_policies

    @property
    def policies(self):
        """The policies in force: the files plus the administrator's overrides from the store."""
        with self._lock:
            if self._policies is None:
                store = self.store
                base = self.base_policies
                self._policies = store.policies_with_overrides(base) if store is not None and hasattr(
                    store, "policies_with_overrides") else base
            return self._policies

    @property
    def ready(self) -> bool:
        """The store is open and the policy files are read (screens can be built without waiting; the
        policies in force are then a quick read of the overrides, also after policies_changed())."""
        return self._store is not None and self._base_policies is not None

    def warm_up(self) -> None:
        """Open the store and read the policies (called on a worker thread as the window shows)."""
        self.policies  # noqa: B018 - the property opens the store and reads the files

    def policies_changed(self) -> None:
        """The overrides changed: the policies in force are read again, and every screen is told."""
        with self._lock:
            self._policies = None
        for listener in list(self.listeners):
            listener()

    def data_changed(self) -> None:
        """Companies or batches changed (import, calculation, approval, edits): screens showing them refresh."""
        for listener in list(self.data_listeners):
            listener()

    @property
    def store(self):
        """The store, or None while the store package is not part of the program."""
        with self._lock:
            if self._store is None:
                try:
                    from core.store import open_store
                except ModuleNotFoundError:
                    return None
                self._store = open_store(self.db_url)
            return self._store

    def db_ready(self) -> bool:
        """Whether the store is open already (the status bar does not open it just to show the user)."""
        return self._store is not None

    def close(self) -> None:
        if self._store is not None and hasattr(self._store, "close"):
            self._store.close()
            self._store = None
