"""Headless store commands: batches, calc, approve, paid, backup, db.

    python main.py batches [--json]
    python main.py calc BATCH
    python main.py approve BATCH [--preparer 张三 --reviewer 李四] [--allow-provisional]
    python main.py paid BATCH
    python main.py delete BATCH                  # a draft
    python main.py adjust BATCH --reason 原因 [--company USCC ...]
    python main.py backup list | create | restore FILE
    python main.py db upgrade | status

``--db URL`` (before the command) picks another database. Once the database
has users, commands that change data need ``--user NAME`` (core.identity.acting).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from typing import TYPE_CHECKING

from core.identity import acting as identity
from core.cli import EXIT_FAIL, EXIT_OK, CliError, _policies
from core.money import ZERO, fmt_yuan

if TYPE_CHECKING:  # the store (and SQLAlchemy) is loaded by the command that runs, not by ``--help``
    from core.store.store import Store


def _batch_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"批次编号应为正整数，实际为“{text}”")
    return value


def _with_store(check_schema: bool = True, login: bool = True):
    """Run ``fn(args, store)`` on the database of ``--db``; store and database errors become one Chinese line.

    Commands that repair or replace the database (``db``, ``backup``) open it
    without the schema check, so they work on a database this version cannot use;
    ``login=False`` leaves logging in ``--user`` to the command (``backup``: the
    current file may be damaged).
    """

    def wrap(fn):
        @functools.wraps(fn)
        def run(args):
            from sqlalchemy.exc import OperationalError, SQLAlchemyError

            from core.store.db import display_url, resolve_url
            from core.store.errors import StoreError
            from core.store.store import Store, open_store

            store = None
            try:
                if check_schema:
                    store = open_store(args.db)
                else:
                    store = Store(resolve_url(args.db))
                    if login:
                        identity.attach(store)
                return fn(args, store)
            except StoreError as exc:
                raise CliError(str(exc), exc.exit_code) from None
            except OperationalError as exc:
                where = store.display_url if store else display_url(resolve_url(args.db))
                raise CliError(f"无法访问数据库{where}：{exc.orig or exc}", EXIT_FAIL) from None
            except SQLAlchemyError as exc:
                raise CliError(f"数据库操作失败：{exc.__class__.__name__}：{exc}", EXIT_FAIL) from None
            finally:
                if store is not None:
                    store.close()

        return run

    return wrap


# ---------------------------------------------------------------- batches


@_with_store()
def cmd_batches(args, store: Store) -> int:
    from core.vocabulary import BATCH_STATUS_LABELS

    records = store.batches.all()
    totals = store.batches.totals()
    if args.json:
        out = []
        for b in records:
            companies, lines, total = totals.get(b.id, (0, 0, ZERO))
            out.append(
                {
                    "id": b.id,
                    "name": b.name,
                    "award_year": b.award_year,
                    "status": b.status,
                    "companies": companies,
                    "lines": lines,
                    "total": str(total),
                    "preparer": b.preparer,
                    "reviewer": b.reviewer,
                    "approved_at": b.approved_at.isoformat() if b.approved_at else None,
                    "paid_at": b.paid_at.isoformat() if b.paid_at else None,
                }
            )
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if not records:
        print(f"数据库{store.display_url}中还没有批次")
        return EXIT_OK
    for b in records:
        companies, lines, total = totals.get(b.id, (0, 0, ZERO))
        print(
            f"{b.id:>4}  {b.name}  {b.award_year}年度  {BATCH_STATUS_LABELS[b.status]}  "
            f"{companies}家单位  {lines}条明细  合计{fmt_yuan(total)}元"
        )
    print(f"共{len(records)}个批次")
    return EXIT_OK


@_with_store()
def cmd_calc(args, store: Store) -> int:
    policies = _policies(args)
    summary = store.batches.calculate(args.batch, policies)
    b = store.batches.get(args.batch)
    print(
        f"批次{b.id}“{b.name}”计算完成：{summary.companies}家单位，{summary.lines}条奖补明细，"
        f"合计{fmt_yuan(summary.total)}元"
    )
    if summary.provisional_lines:
        print(f"注意：{summary.provisional_lines}条依据征求意见稿测算，文件正式印发前不得拨付")
    if summary.companies_with_errors:
        print(f"有{summary.companies_with_errors}家单位的结果有错误，须处理后重新计算才能审批：")
        for r in store.batches.company_results(args.batch):
            for error in r.errors:
                print(f"  {r.company_name}（{r.uscc}）：{error}")
    return EXIT_OK


@_with_store()
def cmd_approve(args, store: Store) -> int:
    store.batches.approve(args.batch, args.preparer, args.reviewer, allow_provisional=args.allow_provisional)
    b = store.batches.get(args.batch)
    companies, lines, total = store.batches.totals(b.id).get(b.id, (0, 0, ZERO))
    print(
        f"批次{b.id}“{b.name}”已审批（经办人{b.preparer}，审核人{b.reviewer}）：{lines}条奖补明细、"
        f"合计{fmt_yuan(total)}元已记入台账"
    )
    return EXIT_OK


@_with_store()
def cmd_delete(args, store: Store) -> int:
    b = store.batches.get(args.batch)
    store.batches.delete_draft(args.batch)
    print(f"已删除草稿批次{b.id}“{b.name}”")
    return EXIT_OK


@_with_store()
def cmd_adjust(args, store: Store) -> int:
    company_ids = None
    if args.company:
        company_ids = []
        for uscc in args.company:
            cid = store.companies.id_of(uscc.strip().upper())
            if cid is None:
                raise CliError(f"找不到统一社会信用代码为{uscc}的单位")
            company_ids.append(cid)
    batch_id = store.batches.create_adjustment(args.batch, None, args.reason, company_ids)
    b = store.batches.get(batch_id)
    print(batch_id)
    print(
        f"已创建调整批次{b.id}“{b.name}”（调整批次{b.adjusts_batch_id}）：请计算后审批，"
        f"其明细为与原批次已兑现金额的差额"
    )
    return EXIT_OK


@_with_store()
def cmd_paid(args, store: Store) -> int:
    store.batches.mark_paid(args.batch)
    b = store.batches.get(args.batch)
    print(f"批次{b.id}“{b.name}”已标记为已拨付（{b.paid_at:%Y-%m-%d %H:%M}）")
    return EXIT_OK


# ---------------------------------------------------------------- backups and schema


@_with_store(check_schema=False, login=False)
def cmd_backup(args, store: Store) -> int:
    if args.action == "create":
        print(f"已备份到 {store.backups.create()}")
        return EXIT_OK
    if args.action == "restore":
        if not args.file:
            raise CliError("请指定要恢复的备份文件：backup restore 文件名（可用 backup list 查看）")
        safety = store.backups.restore(args.file, _restore_credentials(store))
        kept = "损坏的数据库文件已移至" if safety.name.endswith(".damaged") else "恢复前的数据已另存为"
        print(f"已从备份 {args.file} 恢复数据库；{kept} {safety}")
        return EXIT_OK
    items = store.backups.all()
    if not items:
        print("还没有备份")
        return EXIT_OK
    for item in items:
        print(f"{item.path.name}  {item.created:%Y-%m-%d %H:%M:%S}  {item.reason_label}  {item.size / 1024:,.0f} KB")
    print(f"共{len(items)}个备份，位于 {items[0].path.parent}")
    return EXIT_OK


def _restore_credentials(store: Store) -> tuple[str, str] | None:
    """Log ``--user`` in to the current database if it can be (None then); otherwise (a damaged file, or a
    user only the backup knows) the name and password for the backup's own users to decide."""
    from core.store.errors import StoreError

    name = identity.acting_name()
    if name is None:
        return None
    try:
        identity.attach(store)
    except StoreError:
        pass
    if store.user is not None:
        return None
    try:
        return name, identity.acting_password()
    except identity.CredentialsError as exc:
        raise CliError(str(exc)) from None


@_with_store(check_schema=False)
def cmd_db(args, store: Store) -> int:
    from core.store import migrate

    current = store.schema.revision()
    head = migrate.head_revision()
    if args.action == "status":
        state = "最新" if current == head else ("空数据库" if current is None else f"需升级到{head}")
        print(f"数据库：{store.display_url}\n结构版本：{current or '无'}（{state}）")
        return EXIT_OK
    if current == head:
        print(f"数据库结构已是最新版本（{head}），无需升级")
        return EXIT_OK
    if current is not None and current >= "0004":
        store.require("upgrade_schema")
    if not store.is_sqlite and current is not None:
        print("提示：升级服务器数据库前，请确认管理员已备份该数据库", file=sys.stderr)
    saved = store.schema.upgrade()
    print(f"数据库结构已从{current or '空'}升级到{head}" + (f"；升级前的备份：{saved}" if saved else ""))
    return EXIT_OK


def register(sub) -> None:
    s = sub.add_parser("batches", help="列出全部申报批次")
    s.add_argument("--json", action="store_true", help="以JSON输出")
    s.set_defaults(fn=cmd_batches)

    s = sub.add_parser("calc", help="计算（或重新计算）草稿批次")
    s.add_argument("batch", metavar="BATCH", type=_batch_id, help="批次编号")
    s.set_defaults(fn=cmd_calc)

    s = sub.add_parser("approve", help="审批批次：奖补记入台账，认定与入库记入历史")
    s.add_argument("batch", metavar="BATCH", type=_batch_id, help="批次编号")
    s.add_argument("--preparer", help="经办人（设置用户后为导入、计算该批次的用户，可不填）")
    s.add_argument("--reviewer", help="审核人（不能与经办人相同；设置用户后为 --user 登录的审核人）")
    s.add_argument("--allow-provisional", action="store_true", help="允许审批依据征求意见稿测算的金额")
    s.set_defaults(fn=cmd_approve)

    s = sub.add_parser("delete", help="删除草稿批次")
    s.add_argument("batch", metavar="BATCH", type=_batch_id, help="批次编号")
    s.set_defaults(fn=cmd_delete)

    s = sub.add_parser("adjust", help="为已审批批次创建调整批次（更正不改原批次，差额由调整批次审批后记入台账）")
    s.add_argument("batch", metavar="BATCH", type=_batch_id, help="原批次编号")
    s.add_argument("--reason", required=True, help="调整原因")
    s.add_argument("--company", action="append", metavar="USCC", help="只调整这些单位（可重复；默认全部）")
    s.set_defaults(fn=cmd_adjust)

    s = sub.add_parser("paid", help="将已审批批次标记为已拨付")
    s.add_argument("batch", metavar="BATCH", type=_batch_id, help="批次编号")
    s.set_defaults(fn=cmd_paid)

    s = sub.add_parser("backup", help="数据库备份：list 列出，create 立即备份，restore 从备份恢复")
    s.add_argument("action", choices=("list", "create", "restore"))
    s.add_argument("file", nargs="?", help="restore 时的备份文件名或路径")
    s.set_defaults(fn=cmd_backup)

    s = sub.add_parser("db", help="数据库结构：upgrade 升级到本程序的版本，status 查看")
    s.add_argument("action", choices=("upgrade", "status"))
    s.set_defaults(fn=cmd_db)
