"""The window first, the data after: the store is opened and the policies read on a worker thread.

Until they are ready a page is a placeholder saying what is happening; then
the real page is built in its place (and activated if it is the one shown).
Opening the database and reading the policy files takes most of a second, so
the window appears that much sooner and never freezes while it happens.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import sys
import sysconfig
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel
from shiboken6 import isValid

from gui.operations import Operation


def placeholder(window, key: str) -> QLabel:
    """A stand-in for page ``key`` until the context is ready (the warm-up starts on the first one)."""
    holders = window.__dict__.setdefault("_placeholders", {})
    label = holders.get(key)
    if label is None:
        label = QLabel("正在打开数据库、读取政策文件…")
        label.setObjectName(f"placeholder-{key}")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: #666666; font-size: 12pt;")
        holders[key] = label
        window.stack.addWidget(label)
    if not window.__dict__.get("_warming"):
        window._warming = True
        ctx = window.ctx
        Operation(
            window,
            "打开数据库",
            lambda report, cancelled: ctx.warm_up(),
            progress=False,
            on_success=lambda _r: _ready(window),
            on_failure=lambda exc: _failed(window, exc),
        ).start()
    return label


def _alive(window) -> bool:
    """False once the window was closed and deleted while the warm-up ran."""
    return isValid(window) and isValid(window.stack)


def _ready(window) -> None:
    if not _alive(window):
        return
    window._warming = False
    holders = window.__dict__.pop("_placeholders", {})
    shown = window.stack.currentWidget()
    for key, label in holders.items():
        page = window.page(key)
        if shown is label:
            window.stack.setCurrentWidget(page)
            if hasattr(page, "activated"):
                page.activated()
        window.stack.removeWidget(label)
        label.deleteLater()
    from gui.pages.lists import announce_entitled

    announce_entitled(window)  # 应享未享 counted for the navigation entry
    warm_pages(window)


def _failed(window, exc) -> None:
    from gui.errors import clerk_message, show_failure

    if not _alive(window):
        return
    window._warming = False
    text = clerk_message(exc) or f"程序出错（{type(exc).__name__}），详见日志文件"
    for label in window.__dict__.get("_placeholders", {}).values():
        label.setText(f"无法打开数据库或读取政策文件：\n{text}")
        label.setStyleSheet("color: #c62828; font-size: 11pt;")
        label.setWordWrap(True)
    show_failure(window, "打开数据库", exc)


# ---------------------------------------------------------------- the pages' modules, a slice at a time
#
# A page's module is imported the first time the page is shown, and importing
# 申报批次's brings in some twenty modules of ours at once (38 ms of its 52 ms).
# Once the window is up and the store open, the modules every page needs are
# imported here instead, one module per timer tick: a module's own dependencies
# are found in its source (ast, nothing imported) and imported first, each in a
# tick of its own, so each tick runs one module's body and the event loop runs
# between ticks. A page shown before the warm-up finished imports what is still
# missing itself, as before.

# the screens' own modules and the store's parts: what they import when first used is warmed too
LAZY_TOO = ("gui.", "core.store.managers.")
STORE_PARTS = tuple(
    f"core.store.managers.{part}" for part in ("companies", "batches", "settings", "users", "auditlog", "letters")
)
SITE_PACKAGES = tuple({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
# files read once and kept, too big for a slice: read on the worker thread (the regions' YAML: 40 ms and more)
WORKER_CALLS = ("core.regions:regions",)
STDLIB = sysconfig.get_paths()["stdlib"]  # whose sources are not read (dependencies)
SLICE_INTERVAL_MS = 5  # between ticks: the event loop's own work comes first


def _is_type_checking(test) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _executed_imports(body, everywhere: bool):
    """The import statements a module's import runs: its top level, inside ``if``/``try``/``with`` and class
    bodies, not in functions (imported when called) nor under ``if TYPE_CHECKING``; ``everywhere`` adds those
    in functions too (a page's module: what its first showing imports)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _executed_imports(node.body, everywhere)
            yield from _executed_imports(node.orelse, everywhere)
        elif isinstance(node, ast.Try):
            for part in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _executed_imports(part, everywhere)
        elif isinstance(node, (ast.With, ast.ClassDef)):
            yield from _executed_imports(node.body, everywhere)
        elif everywhere and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _executed_imports(node.body, everywhere)


def find_spec(name: str):
    """The module spec of ``name`` found on the path, importing nothing (``importlib.util.find_spec`` imports the
    parent packages), or None."""
    spec, path = None, None
    parts = name.split(".")
    for i in range(len(parts)):
        prefix = ".".join(parts[: i + 1])
        loaded = sys.modules.get(prefix)
        if loaded is not None:
            spec, path = getattr(loaded, "__spec__", None), getattr(loaded, "__path__", None)
        else:
            try:
                spec = importlib.machinery.PathFinder.find_spec(prefix, path)
            except (ImportError, ValueError):
                return None
            if spec is None:
                return None
            path = spec.submodule_search_locations
        if path is None and i < len(parts) - 1:
            return None
    return spec


def dependencies(name: str, spec, everywhere: bool = False) -> list[str]:
    """The modules importing ``name`` imports first: its parent package and, but for the standard library, what its
    source imports. The standard library's sources are not read: parsing one (_pydecimal, datetime) took up to 40 ms of
    the GUI thread, and their fallbacks inside ``try`` (_pydecimal behind _decimal) would be imported for
    nothing; such a module is imported in one step with what it imports."""
    out = [name.rpartition(".")[0]] if "." in name else []
    origin = getattr(spec, "origin", None) or ""
    if not origin.endswith(".py") or (origin.startswith(STDLIB) and not origin.startswith(SITE_PACKAGES)):
        return out
    try:
        tree = ast.parse(Path(origin).read_bytes(), origin)
    except (OSError, SyntaxError, ValueError):
        return out
    package = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
    for node in _executed_imports(tree.body, everywhere):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                out.extend(".".join(parts[: i + 1]) for i in range(len(parts)))
            continue
        base = node.module or ""
        if node.level:
            anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            base = f"{anchor}.{base}" if base else anchor
        if not base:
            continue
        out.append(base)
        for alias in node.names:  # ``from package import submodule``
            if alias.name != "*" and find_spec(f"{base}.{alias.name}") is not None:
                out.append(f"{base}.{alias.name}")
    return out


def page_modules(window) -> list[str]:
    """The modules of the window's pages, and the store's parts the pages call on the GUI thread."""
    return [spec.split(":")[0] for _key, _label, spec in window.pages] + list(STORE_PARTS)


def installed_package(name: str) -> str | None:
    """The top-level package of ``name`` when it is an installed one (site-packages) not imported yet, else None.

    Such a package's ``__init__`` imports its submodules itself (openpyxl: 180 modules, 0.3 s), so it cannot be
    cut into slices: it is imported on a worker thread instead."""
    top = name.partition(".")[0]
    if top in sys.modules:
        return None
    spec = find_spec(top)
    where = (spec.submodule_search_locations or [spec.origin or ""]) if spec is not None else []
    return top if any(str(place).startswith(SITE_PACKAGES) for place in where) else None


def warm_steps(roots, log: list | None = None, lazy_too=lambda name: False, elsewhere: set | None = None):
    """Import ``roots`` with their dependencies, dependencies first, one step per ``next()``: reading one
    module's source for its imports, or importing one module whose dependencies are imported already (so that
    the step runs that module's body alone). ``lazy_too(name)``: also what the module's functions import.
    An installed package not imported yet is put in ``elsewhere`` (for a worker thread), and what needs it is
    left for a later pass. ``log`` gets (module, modules newly loaded, seconds) for each import (tests count the
    modules, bench/gui_warmup_bench.py shows the seconds)."""
    seen: set[str] = set()
    waiting: set[str] = set()  # needs an installed package not imported yet

    def visit(name: str, everywhere: bool):
        if name in waiting:
            return False
        if name in seen or name in sys.modules:
            return True
        package = installed_package(name)
        if package is not None:
            if elsewhere is not None:
                elsewhere.add(package)
            waiting.add(name)
            return False
        seen.add(name)
        wanted = dependencies(name, find_spec(name), everywhere or lazy_too(name))
        yield "read", name
        ready = True
        for dep in wanted:
            ready = (yield from visit(dep, False)) and ready
        if not ready:
            waiting.add(name)
            return False
        if name not in sys.modules:
            before, started = len(sys.modules), time.perf_counter()
            try:
                importlib.import_module(name)
            except ImportError:
                pass  # an optional import (inside try) the program does without
            except Exception:  # the page shows the error itself when opened
                from gui.errors import log as program_log

                program_log.exception("warming up %s", name)
            if log is not None:
                log.append((name, len(sys.modules) - before, time.perf_counter() - started))
            yield "import", name
        return True

    for root in roots:
        yield from visit(root, True)


def warm_pages(window) -> None:
    """Import the pages' modules a slice at a time, once, after the window is shown and the store is open;
    installed packages they need are imported on a worker thread, then a second pass imports what waited for
    them. :func:`finished` tells when it is done."""
    if window.__dict__.get("_warm_timer") is not None or not window.ctx.ready:
        return
    _warm_pass(window, passes_left=2)


def _warm_pass(window, passes_left: int) -> None:
    elsewhere: set[str] = set()
    steps = warm_steps(
        page_modules(window),
        window.__dict__.setdefault("warm_log", []),
        lambda name: name.startswith(LAZY_TOO),
        elsewhere,
    )
    timer = QTimer(window)
    timer.setInterval(SLICE_INTERVAL_MS)

    def tick():
        if not _alive(window):
            timer.stop()
            return
        if next(steps, None) is not None:
            return
        timer.stop()
        timer.deleteLater()
        if passes_left > 1:  # the worker thread's part, then a pass for what waited for it
            _import_elsewhere(window, sorted(elsewhere), lambda: _warm_pass(window, passes_left - 1))
        else:
            window._warm_done = True

    timer.timeout.connect(tick)
    window._warm_timer = timer
    timer.start()


def _import_elsewhere(window, packages: list[str], then) -> None:
    """Import installed packages and make the :data:`WORKER_CALLS` on a worker thread (the interpreter is handed to the window every millisecond
    meanwhile, gui/gcpolicy.py), then ``then()`` on the GUI thread."""

    def work(report, cancelled):
        for name in packages:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        for call in WORKER_CALLS:
            module, function = call.split(":")
            getattr(importlib.import_module(module), function)()
        return None

    def after(_result=None):
        if _alive(window):
            then()

    Operation(window, "准备页面", work, progress=False, on_success=after, on_failure=lambda exc: after()).start()


def finished(window) -> bool:
    """Whether :func:`warm_pages` has imported everything."""
    return bool(window.__dict__.get("_warm_done"))
