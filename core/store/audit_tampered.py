"""A protected row found not as the program last left it (tampered), and the refusal that names it to the clerk.

core.store.audit finds such rows before a change writes over them; core.store.verify finds them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.store.errors import Tampered
from core.store.models import AuditRow
from core.store.seals import RowState, changed_columns, column_labels, describe


@dataclass(frozen=True)
class TamperedRow:
    """A protected row that is not as the program last left it."""

    table: str
    key: str
    problem: str  # changed | inserted | deleted
    text: str  # the row as a clerk can find it, and what is wrong (Chinese)
    columns: tuple[str, ...] | None = None  # the columns changed (None: not known)
    sealed_seq: int | None = None

    def as_json(self) -> dict:
        out: dict[str, object] = {"table": self.table, "key": self.key, "problem": self.problem}
        if self.columns is not None:
            out["columns"] = list(self.columns)
        if self.sealed_seq is not None:
            out["sealed_by"] = self.sealed_seq
        return out


def _entry_label(s: Session, seq: int) -> str:
    row = s.execute(select(AuditRow.at, AuditRow.who, AuditRow.action).where(AuditRow.seq == seq)).one_or_none()
    if row is None:
        return f"第{seq}条审计记录"
    return f"第{seq}条审计记录（{row.at.replace('T', ' ')}，{row.who or '（无用户）'}，{row.action}）"


def tampered_row(s: Session, state: RowState) -> TamperedRow:
    """What is wrong with a row that does not match its last seal, in the words of a refusal."""
    where = f"数据表{state.table}中的{describe(state.table, state.key, state.row)}"
    if state.sealed_seq is None:
        return TamperedRow(
            state.table, state.key, "inserted", f"{where}没有任何审计记录，不是本程序写入的（被直接插入）"
        )
    entry = _entry_label(s, state.sealed_seq)
    if state.sealed_digest is None:
        return TamperedRow(
            state.table,
            state.key,
            "inserted",
            f"{where}已由{entry}删除，却又出现在数据库中（被直接插入）",
            sealed_seq=state.sealed_seq,
        )
    columns = changed_columns(state.table, state.fingerprint, state.sealed_fingerprint)
    what = f"，被改动的列：{column_labels(columns)}" if columns else ""
    return TamperedRow(
        state.table,
        state.key,
        "changed",
        f"{where}与{entry}封存的内容不符（被直接改动）{what}",
        tuple(columns) if columns is not None else None,
        state.sealed_seq,
    )


def deleted_row(s: Session, table_name: str, key: str, seq: int) -> TamperedRow:
    """A row created under the key of a row the log says still exists: that row was deleted behind its back."""
    return TamperedRow(
        table_name,
        key,
        "deleted",
        f"数据表{table_name}中的{describe(table_name, key)}在{_entry_label(s, seq)}之后被直接删除",
        sealed_seq=seq,
    )


MAX_NAMED = 3  # tampered rows named in a refusal's message (all are recorded)


def refusal(rows: list[TamperedRow], doing: str) -> Tampered:
    what = f"“{doing}”" if doing else "本次修改"
    named = "；".join(r.text for r in rows[:MAX_NAMED]) + (f"；……共{len(rows)}行" if len(rows) > MAX_NAMED else "")
    return Tampered(
        f"【数据篡改警报】{what}已被拒绝，数据库未作任何修改。{named}。"
        f"这些数据在本程序之外被改动过，程序不会在其上继续写入，以免改动被当作正常数据封存。"
        f"请立即通知管理员：运行 python main.py audit verify 查看全部改动，核实后从改动前的备份恢复",
        rows,
        doing,
    )
