"""What every screen shares: settings, the policies (with overrides) and the store, opened lazily."""

from __future__ import annotations

import threading

from PySide6.QtCore import QSettings

from core.paths import user_data_dir
from core.store.changes import Changes

EVERYTHING = Changes(database=True)  # what an unknown change is taken to have touched: every screen refreshes


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
        self._subscribers: list = []  # (fn, owner): fn(changes) is called on the GUI thread by changed()

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
                self._policies = store.policies_with_overrides(base)
            return self._policies

    @property
    def ready(self) -> bool:
        """The store is open and the policy files are read (screens can be built without waiting; the
        policies in force are then a quick read of the overrides, also after policies_changed())."""
        return self._store is not None and self._base_policies is not None

    def warm_up(self) -> None:
        """Open the store and read the policies (called on a worker thread as the window shows)."""
        self.policies  # noqa: B018 - the property opens the store and reads the files

    def subscribe(self, fn, owner=None) -> None:
        """Call ``fn(changes)`` after every change (Anki's operation_did_execute); ``owner`` is the screen, so
        that a change it made itself (``changed(..., initiator=owner)``) is not reported back to it."""
        self._subscribers.append((fn, owner))

    def unsubscribe(self, fn) -> None:
        self._subscribers = [(f, o) for f, o in self._subscribers if f != fn]

    def changed(self, changes: Changes, initiator=None) -> None:
        """A change to the store committed (GUI thread): the policies in force are read again if it touched
        them, and each subscriber but the initiator is told, to refresh what it shows of it."""
        if not changes:
            return
        if changes.policies:
            with self._lock:
                self._policies = None
        for fn, owner in list(self._subscribers):
            if initiator is None or owner is not initiator:
                fn(changes)

    def data_changed(self) -> None:
        """Something changed, what is not known (a restore, another user logged in): every screen refreshes."""
        self.changed(EVERYTHING)

    def policies_changed(self) -> None:
        """The overrides changed, which is not known: as :meth:`data_changed` (the calculations follow them)."""
        self.changed(EVERYTHING)

    @property
    def store(self):
        """The store, opened on first use (a screen asks for it on a worker thread as the window shows)."""
        with self._lock:
            if self._store is None:
                from core.store import open_store

                self._store = open_store(self.db_url)
            return self._store

    def db_ready(self) -> bool:
        """Whether the store is open already (the status bar does not open it just to show the user)."""
        return self._store is not None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
