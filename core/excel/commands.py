"""Headless commands for batch workbooks: template, import, import-limit, export, disbursement, publicity.

Each command is a thin wrapper: parse arguments, open the store, call one
function of core.excel, print one line. The store is imported only when a
command needs it (``core.store.open_store``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from core.cli import EXIT_BAD_INPUT, EXIT_OK, CliError, _policies

MAX_PRINTED_PROBLEMS = 50


def register(subparsers) -> None:
    s = subparsers.add_parser("template", help="生成申报模板（Excel）")
    s.add_argument("-o", "--output", required=True, help="保存为，如 申报模板.xlsx")
    s.add_argument("--year", type=int, help="预先填入的兑现年度")
    s.add_argument("--name", default="", help="预先填入的批次名称")
    s.set_defaults(fn=cmd_template)

    s = subparsers.add_parser("import", help="检查并导入填好的申报工作簿，输出新批次编号")
    s.add_argument("file", help="申报工作簿（.xlsx）")
    s.add_argument("--year", type=int, help="兑现年度（默认取工作簿“批次信息”表）")
    s.add_argument("--name", help="批次名称（默认取工作簿“批次信息”表）")
    s.add_argument(
        "--accept-payee-changes",
        action="store_true",
        help="确认导入会改变已有单位的名称、开户行或账号（先不加此项运行，核实列出的变更后再加）",
    )
    s.set_defaults(fn=cmd_import)

    s = subparsers.add_parser("import-limit", help="查看或设置每个工作表导入的行数上限（默认20000行）")
    s.add_argument("rows", nargs="?", type=int, help="新的上限（1000至200000行；设置须管理员）")
    s.set_defaults(fn=cmd_import_limit)

    s = subparsers.add_parser("export", help="导出批次的奖补测算结果（含计算过程）")
    s.add_argument("batch", type=int, help="批次编号")
    s.add_argument("-o", "--output", required=True, help="保存为，如 结果.xlsx")
    s.set_defaults(fn=cmd_export)

    s = subparsers.add_parser("disbursement", help="生成资金拨付明细表")
    s.add_argument("batch", type=int, help="批次编号")
    s.add_argument("-o", "--output", required=True, help="保存为，如 拨付明细表.xlsx")
    s.add_argument("--budget-subject", help="预算科目，如“2060499 其他技术研究与开发支出”")
    s.add_argument(
        "--include-provisional", action="store_true", help="包含依据征求意见稿测算的明细（测算稿，不得据此拨付）"
    )
    s.set_defaults(fn=cmd_disbursement)

    s = subparsers.add_parser("publicity", help="生成公示名单（不含银行账户）")
    s.add_argument("batch", type=int, help="批次编号")
    s.add_argument("-o", "--output", required=True, help="保存为，如 公示名单.xlsx")
    s.add_argument("--include-provisional", action="store_true", help="包含依据征求意见稿测算的明细（测算稿）")
    s.set_defaults(fn=cmd_publicity)


def _store(args):
    try:
        from core.store import open_store
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("core.store"):
            raise CliError("数据库模块尚未安装，无法执行此命令") from None
        raise
    return open_store(getattr(args, "db", None))


def _write(fn, *a, **kw) -> Path:
    from core.excel.files import ExportError

    try:
        return fn(*a, **kw)
    except ExportError as exc:
        raise CliError(str(exc)) from None


def cmd_template(args) -> int:
    from core.excel.template import write_template

    path = _write(write_template, args.output, award_year=args.year, batch_name=args.name)
    print(f"已生成申报模板：{path}")
    return EXIT_OK


def cmd_import(args) -> int:
    from core.excel.package import import_limits
    from core.excel.problems import WorkbookError, WorkbookRefused
    from core.excel.reader import read_workbook

    path = Path(args.file)
    store = _store(args)
    try:
        data = read_workbook(
            path, args.year, args.name, known_uscc=store.known_uscc, limits=import_limits(store.setting)
        )
    except WorkbookError as exc:
        from core.excel.errorbook import error_workbook_path, write_error_workbook  # openpyxl: only to refuse
        from core.excel.files import ExportError

        problems = exc.problems
        if isinstance(exc, WorkbookRefused):
            print(f"无法导入“{path.name}”：{exc.reason}", file=sys.stderr)
        else:
            print(f"“{path.name}”有{len(problems)}处问题，没有导入任何数据：", file=sys.stderr)
            for p in problems[:MAX_PRINTED_PROBLEMS]:
                print(f"  {p}", file=sys.stderr)
            if len(problems) > MAX_PRINTED_PROBLEMS:
                print(f"  ……其余{len(problems) - MAX_PRINTED_PROBLEMS}处见错误清单", file=sys.stderr)
        out = error_workbook_path(path)
        try:  # a refused file has no cell to mark: the list alone, without opening the file again
            write_error_workbook(problems, out, source=None if isinstance(exc, WorkbookRefused) else path)
            print(f"已生成错误清单：{out}", file=sys.stderr)
        except ExportError as err:
            print(f"错误清单未能保存：{err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    changes = store.payee_changes(data)
    if changes:
        print(f"该工作簿将改变{len({c.uscc for c in changes})}家已有单位的收款信息（拨付对象）：", file=sys.stderr)
        for c in changes[:MAX_PRINTED_PROBLEMS]:
            print(f"  {c}", file=sys.stderr)
        if not args.accept_payee_changes:
            print(
                "未导入任何数据。请与申报单位核实以上变更，确认无误后加 --accept-payee-changes 重新导入",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
    batch_id, created = store.apply_import(data, accept_payee_changes=args.accept_payee_changes)
    print(batch_id)
    what = "已导入新批次" if created else "该工作簿此前已导入，批次"
    print(f"{what}{batch_id}“{data.batch_name}”：{len(data.companies)}家企业，{len(data.claims)}项申报事项")
    if created:
        summary = store.import_summary(batch_id)
        # A company this import created has nothing awarded before: when it created them all, nobody has.
        fresh = summary.get("companies_new", 0) == summary.get("members", -1)
        _print_import_notes(data, [] if fresh else store.paid_before(data, _policies(args)))
    return EXIT_OK


def _print_import_notes(data, found) -> None:
    """Rows counted together as one subject, and claims whose subject was awarded before (engine's 'earlier')."""
    from core.earlier import paid_before_text

    if data.notes:
        print(f"同一事项的多行申报将合并计算（{len(data.notes)}处）：")
        for note in data.notes:
            print(f"  {note}")
    if found:
        print(f"以下{len(found)}项申报的事项此前已兑现过，计算时扣除已兑现部分：")
        for p in found:
            print(f"  {paid_before_text(p)}")


def cmd_import_limit(args) -> int:
    from core.excel.package import DEFAULT_LIMITS, ROWS_RANGE, ROWS_SETTING, import_limits

    store = _store(args)
    if args.rows is None:
        rows = import_limits(store.setting).rows
        note = "（默认）" if rows == DEFAULT_LIMITS.rows else ""
        print(f"每个工作表导入的行数上限：{rows:,}行{note}")
        return EXIT_OK
    low, high = ROWS_RANGE
    if not low <= args.rows <= high:
        raise CliError(f"行数上限应在{low:,}至{high:,}之间，实际为{args.rows:,}")
    store.set_setting(ROWS_SETTING, str(args.rows))
    print(f"已将每个工作表导入的行数上限设为{args.rows:,}行")
    return EXIT_OK


def _paper(store, batch_id: int, doing: str, write, *a, with_warnings: bool = False, **kw) -> tuple[Path, int]:
    """(the file, its lines): ``write(batch, lines, *a, **kw)`` with the batch's lines as the paper read hands
    them over, each chunk checked against its seals first (Tampered: a tamper alarm, and no file).
    ``with_warnings``: ``warnings=`` the members' warnings too, read alike on the same snapshot (the results
    workbook's 企业提示)."""
    batch = _batch_record(store, batch_id)
    count = 0

    def counted(lines):
        nonlocal count
        for line in lines:
            count += 1
            yield line

    if with_warnings:
        with store.batches.paper_results(batch.id, doing) as (lines, warnings):
            path = _write(write, batch, counted(lines), *a, warnings=warnings, **kw)
        return path, count
    with store.batches.paper_lines(batch.id, doing) as lines:
        path = _write(write, batch, counted(lines), *a, **kw)
    return path, count


def _batch_record(store, batch_id: int):
    try:
        batch = store.batch(batch_id)
    except (KeyError, LookupError):
        batch = None
    if batch is None:
        raise CliError(f"找不到批次{batch_id}")
    return batch


def cmd_export(args) -> int:
    from core.excel.results_workbook import write_results_workbook

    path, count = _paper(
        _store(args), args.batch, "导出测算结果", write_results_workbook, args.output, with_warnings=True
    )
    print(f"已导出批次{args.batch}的测算结果（{count}条明细）：{path}")
    return EXIT_OK


def cmd_disbursement(args) -> int:
    from core.excel.disbursement_sheet import write_disbursement_sheet
    from core.lists.answers import withheld  # not core.lists.service: that loads the list import's modules too

    store = _store(args)
    held = withheld(store, _batch_record(store, args.batch).id)
    path, _ = _paper(
        store,
        args.batch,
        "生成资金拨付明细表",
        write_disbursement_sheet,
        args.output,
        budget_subject=args.budget_subject,
        include_provisional=args.include_provisional,
        withheld=held,
    )
    print(f"已生成资金拨付明细表：{path}")
    return EXIT_OK


def cmd_publicity(args) -> int:
    from core.excel.publicity_list import write_publicity_list

    path, _ = _paper(
        _store(args),
        args.batch,
        "生成公示名单",
        write_publicity_list,
        args.output,
        include_provisional=args.include_provisional,
    )
    print(f"已生成公示名单：{path}")
    return EXIT_OK
