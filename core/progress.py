"""Progress reporting and cancellation for long core work, without Qt.

Long functions take ``report(done, total, text="")`` and ``cancelled() -> bool``;
when cancelled they raise :class:`Cancelled` before writing anything.
"""


class Cancelled(Exception):
    """The user cancelled; nothing was changed. The program's one Cancelled (core.store.errors re-exports it)."""

    def __init__(self, message: str = "已取消，未作任何修改"):
        super().__init__(message)


def no_report(done: int, total: int, text: str = "") -> None:
    return None


def never() -> bool:
    return False
