"""Headless commands for official lists (免申即享) and 应享未享; see docs/lists.md.

python main.py list import LIST.xlsx --kind high_tech [--date 2025-12-01]
python main.py list match LIST [--row N (--company USCC | --none | --create [--uscc X] [--city C])]
python main.py list claims LIST [--batch B | --year Y [--name N]]
python main.py list consent BATCH --company USCC --answer 已确认账户|放弃|待确认 [--date D] [--note T]
python main.py list consent-export BATCH -o 确认表.xlsx  /  list consent-import 确认表.xlsx
python main.py entitled --year Y [--span N] [--json] [-o 应享未享.xlsx]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from core.cli import EXIT_BAD_INPUT, EXIT_OK, CliError, _policies, _print_json
from core.lists import kinds

if TYPE_CHECKING:
    from core.excel.problems import WorkbookError
    from core.lists.importing import Prepared
    from core.lists.records import EntryRecord
    from core.store.store import Store

MAX_PRINTED = 50


def _date(text: str) -> dt.date:
    from core.vocabulary import FieldError, parse_date

    try:
        return parse_date(text, "日期")
    except FieldError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _kind(text: str) -> str:
    key = kinds.kind_of(text)
    if key is None:
        raise argparse.ArgumentTypeError(f"名单类别应为 {'、'.join(kinds.KIND_LABELS)}")
    return key


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("list", help="免申即享：导入官方名单、匹配单位、生成申报事项、意愿确认（docs/lists.md）")
    sub = p.add_subparsers(dest="list_command", required=True)

    s = sub.add_parser("import", help="导入一份官方名单（.xlsx/.xls/.csv），按统一社会信用代码和名称自动匹配单位")
    s.add_argument("file")
    s.add_argument(
        "--kind",
        required=True,
        type=_kind,
        help="high_tech（高企认定/备案）、tech_sme（科小入库）、platforms（平台载体）",
    )
    s.add_argument("--date", type=_date, help="名单的认定（入库）日期，名单中没有日期列时必填")
    s.add_argument("--platform-kind", default="", help="平台名单：整份名单的认定类别（如 重点实验室 或 key_lab）")
    s.add_argument("--level", default="", help="平台名单：整份名单的级别（国家级/自治区级/市级）")
    s.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="字段=表头",
        help="指定某字段取自哪一列，如 --map company=依托单位；字段：" + "、".join(kinds.FIELDS),
    )
    s.add_argument("--title", help="名单名称（默认取表头上方的标题）")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_import)

    s = sub.add_parser("show", help="列出名单（不带编号）或一份名单的各行及匹配情况")
    s.add_argument("list", type=int, nargs="?")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_show)

    s = sub.add_parser("match", help="再次自动匹配；列出待确认的相近名称；或确认某一行")
    s.add_argument("list", type=int)
    s.add_argument("--row", type=int, help="名单中的行号（工作表行号）")
    s.add_argument("--company", help="确认该行为此统一社会信用代码的单位")
    s.add_argument("--none", action="store_true", help="撤销该行的匹配")
    s.add_argument("--create", action="store_true", help="由该行新建单位")
    s.add_argument("--uscc", default="", help="新建单位的统一社会信用代码（名单中没有时）")
    s.add_argument("--city", default="", help="新建单位的盟市（默认按所在地区）")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_match)

    s = sub.add_parser("claims", help="为已匹配的各行生成申报事项（新建草稿批次或加入草稿批次）并计算")
    s.add_argument("list", type=int)
    s.add_argument("--batch", type=int, help="加入此草稿批次（默认新建）")
    s.add_argument("--year", type=int, help="新批次的兑现年度（默认今年）")
    s.add_argument("--name", help="新批次的名称")
    s.add_argument("--no-calc", action="store_true", help="只生成，不计算")
    s.set_defaults(fn=cmd_claims)

    s = sub.add_parser("consent", help="记录单位的意愿确认（待确认/已确认账户/放弃）")
    s.add_argument("batch", type=int)
    s.add_argument("--company", required=True, help="统一社会信用代码")
    s.add_argument("--answer", required=True, help="已确认账户、放弃 或 待确认")
    s.add_argument("--date", type=_date)
    s.add_argument("--note", default="")
    s.set_defaults(fn=cmd_consent)

    s = sub.add_parser("consent-export", help="导出批次的意愿确认表")
    s.add_argument("batch", type=int)
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(fn=cmd_consent_export)

    s = sub.add_parser("consent-import", help="导入单位交回的意愿确认表（全部或全不）")
    s.add_argument("file")
    s.set_defaults(fn=cmd_consent_import)

    s = subparsers.add_parser("entitled", help="应享未享：库中单位按认定、入库记录应享而未兑现的奖补")
    s.add_argument("--year", type=int, required=True, help="兑现年度")
    s.add_argument("--span", type=int, default=None, help="看最近几年的认定和入库（含兑现年度，默认3）")
    s.add_argument("--json", action="store_true")
    s.add_argument("-o", "--output", help="另存为工作簿，如 应享未享.xlsx")
    s.set_defaults(fn=cmd_entitled)


def _store(args: argparse.Namespace) -> Store:
    from core.store import open_store

    return open_store(getattr(args, "db", None))


def _problems(exc: WorkbookError, path: str) -> int:
    from core.excel.problems import WorkbookRefused

    if isinstance(exc, WorkbookRefused):
        print(f"无法导入“{path}”：{exc.reason}", file=sys.stderr)
    else:
        print(f"“{path}”有{len(exc.problems)}处问题，没有导入任何数据：", file=sys.stderr)
        for p in exc.problems[:MAX_PRINTED]:
            print(f"  {p}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _mapping(args: argparse.Namespace, prepared: Prepared) -> dict | None:
    if not args.map:
        return None
    from core.excel.layout import normalize_header

    mapping = dict(prepared.mapping)
    by_text = {normalize_header(t): c for c, t in prepared.header.texts.items()}
    for item in args.map:
        name, _, header = item.partition("=")
        if name not in kinds.FIELDS:
            raise CliError(f"未知字段“{name}”（可用：{'、'.join(kinds.FIELDS)}）")
        col = by_text.get(normalize_header(header))
        if col is None:
            raise CliError(f"名单表头中没有“{header}”（表头：{'、'.join(prepared.header.texts.values())}）")
        mapping[name] = col
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    from core.excel.problems import WorkbookError
    from core.lists import importing, records
    from core.lists.mapping import parse_level, parse_platform_kind

    store = _store(args)
    level = parse_level(args.level)[0] if args.level else ""
    pkind = ""
    if args.platform_kind:
        pkind, found = parse_platform_kind(args.platform_kind, store.vocabulary)
        if not pkind and args.platform_kind in store.vocabulary.enums["recognition_kinds"]:
            pkind = args.platform_kind
        if not pkind:
            raise CliError(f"未知平台类别“{args.platform_kind}”")
        level = level or found
    try:
        p = importing.prepare(store, args.file, args.kind, list_date=args.date, platform_kind=pkind, level=level)
        if (mapping := _mapping(args, p)) is not None:
            importing.remap(store, p, mapping)
        list_id, created = importing.import_list(store, p, args.title)
    except WorkbookError as exc:
        return _problems(exc, args.file)
    rows = records.entries(store, list_id)
    matched = sum(1 for e in rows if e.company_id is not None)
    if args.json:
        _print_json(
            {
                "list": list_id,
                "created": created,
                "rows": len(rows),
                "matched": matched,
                "unmatched": [{"row": e.row_no, "company": e.company_name} for e in rows if e.company_id is None],
            }
        )
        return EXIT_OK
    what = "已导入" if created else "该名单此前已导入"
    print(
        f"{what}名单{list_id}：共{len(rows)}行，已匹配{matched}家单位，未匹配{len(rows) - matched}行"
        f"（python main.py list match {list_id} 查看相近名称）"
    )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from core.lists import records

    store = _store(args)
    if args.list is None:
        imported = records.lists(store)
        if args.json:
            _print_json(
                [
                    {
                        "id": r.id,
                        "kind": r.kind,
                        "title": r.title,
                        "rows": r.rows,
                        "matched": r.matched,
                        "claimed": r.claimed,
                    }
                    for r in imported
                ]
            )
            return EXIT_OK
        for r in imported:
            print(f"{r.id:>4}  {r.kind_label:<8} {r.title}  共{r.rows}行，已匹配{r.matched}，已生成事项{r.claimed}")
        if not imported:
            print("尚未导入任何名单")
        return EXIT_OK
    rows = records.entries(store, args.list)
    if args.json:
        _print_json([_entry_json(e) for e in rows])
        return EXIT_OK
    for e in rows:
        print(_entry_text(e))
    return EXIT_OK


def _entry_json(e: EntryRecord) -> dict:
    return {
        "row": e.row_no,
        "company": e.company_name,
        "uscc": e.uscc,
        "number": e.number,
        "date": e.date.isoformat() if e.date else None,
        "matched_uscc": e.company_uscc or None,
        "matched_name": e.stored_name or None,
        "match": e.match,
        "batch": e.batch_id,
        "claim": e.claim_key or None,
        "consent": e.consent or None,
    }


def _entry_text(e: EntryRecord) -> str:
    to = f" → {e.stored_name}（{e.company_uscc}）" if e.company_id else ""
    claim = f"；批次{e.batch_id}事项{e.claim_key}（{e.consent_label}）" if e.claim_key else ""
    return f"第{e.row_no}行 {e.company_name}：{e.match_label}{to}{claim}"


def cmd_match(args: argparse.Namespace) -> int:
    from core.lists import matches, records

    store = _store(args)
    by_row = {e.row_no: e for e in records.entries(store, args.list)}
    if args.row is not None:
        e = by_row.get(args.row)
        if e is None:
            raise CliError(f"名单{args.list}中没有第{args.row}行")
        if args.create:
            created = matches.create_company(
                store,
                e.id,
                uscc=args.uscc.strip().upper(),
                city=store.vocabulary.key_for_label("cities", args.city) or args.city,
            )
            print(f"已由第{e.row_no}行新建单位（编号{created}）并匹配")
        elif args.none:
            matches.confirm_match(store, e.id, None)
            print(f"已撤销第{e.row_no}行的匹配")
        elif args.company:
            cid = store.companies.id_of(args.company.strip().upper())
            if cid is None:
                raise CliError(f"库中没有统一社会信用代码为{args.company}的单位")
            score = next(
                (p.score for p in matches.proposals(store, args.list).get(e.id, []) if p.company_id == cid), None
            )
            matches.confirm_match(store, e.id, cid, score)
            print(f"已确认第{e.row_no}行匹配单位{args.company}")
        else:
            raise CliError("--row 须与 --company、--none 或 --create 之一同用")
        return EXIT_OK
    counts = matches.match_again(store, args.list)
    proposals = matches.proposals(store, args.list)
    rows = records.entries(store, args.list)
    if args.json:
        _print_json(
            {
                "automatic": counts,
                "rows": [
                    {
                        **_entry_json(e),
                        "proposals": [
                            {"uscc": p.uscc, "name": p.name, "score": p.score, "reason": p.reason}
                            for p in proposals.get(e.id, [])
                        ],
                    }
                    for e in rows
                ],
            }
        )
        return EXIT_OK
    for e in rows:
        print(_entry_text(e))
        for p in proposals.get(e.id, []):
            print(
                f"      相近：{p.name}（{p.uscc}）相似度{p.score}：{p.reason}"
                f"  → list match {args.list} --row {e.row_no} --company {p.uscc}"
            )
    return EXIT_OK


def cmd_claims(args: argparse.Namespace) -> int:
    from core.lists import batchclaims

    store = _store(args)
    batch_id, added, skipped = batchclaims.make_claims(
        store, args.list, batch_id=args.batch, award_year=args.year, batch_name=args.name
    )
    for why in skipped[:MAX_PRINTED]:
        print(f"  未生成：{why}")
    print(f"批次{batch_id}：由名单{args.list}生成申报事项{added}项")
    if added and not args.no_calc:
        summary = store.batches.calculate(batch_id, _policies(args))
        print(
            f"已计算：{summary.companies}家单位，{summary.lines}条明细，合计{summary.total:,.2f}元"
            f"（各单位意愿确认前不列入资金拨付明细表）"
        )
    return EXIT_OK


def _answer(text: str) -> str:
    from core.lists.consent import ANSWERS
    from core.lists.records import CONSENT_LABELS

    t = text.strip()
    if t in CONSENT_LABELS:
        return t
    state = ANSWERS.get(t)
    if state is None:
        raise CliError("--answer 应为 已确认账户、放弃 或 待确认")
    return state


def cmd_consent(args: argparse.Namespace) -> int:
    from core.lists import answers, records

    store = _store(args)
    cid = store.companies.id_of(args.company.strip().upper())
    if cid is None:
        raise CliError(f"库中没有统一社会信用代码为{args.company}的单位")
    state = _answer(args.answer)
    answers.set_consent(store, args.batch, cid, state, on=args.date, note=args.note)
    print(f"已记录：批次{args.batch}单位{args.company}{records.CONSENT_LABELS[state]}")
    if state == records.DECLINED and store.batches.get(args.batch).status == "draft":
        print(f"该单位由名单生成的事项已移出草稿批次，请重新计算：python main.py calc {args.batch}")
    return EXIT_OK


def cmd_consent_export(args: argparse.Namespace) -> int:
    from core.lists.consent import write_consent_sheet

    path, rows = write_consent_sheet(_store(args), args.batch, args.output)
    print(f"已导出意愿确认表（{rows}家单位）：{path}")
    return EXIT_OK


def cmd_consent_import(args: argparse.Namespace) -> int:
    from core.excel.problems import WorkbookError
    from core.lists.consent import read_consent_sheet

    try:
        batch_id, n = read_consent_sheet(_store(args), args.file)
    except WorkbookError as exc:
        return _problems(exc, args.file)
    print(f"已导入批次{batch_id}的意愿确认：{n}家单位")
    return EXIT_OK


def cmd_entitled(args: argparse.Namespace) -> int:
    from core.lists.entitled import DEFAULT_SPAN, entitled
    from core.lists.report import write_entitled_workbook

    store = _store(args)
    items = entitled(store, _policies(args), args.year, span=args.span or DEFAULT_SPAN)
    if args.output:
        write_entitled_workbook(items, args.year, args.output, lambda k: store.vocabulary.label("cities", k))
    if args.json:
        _print_json([i.to_json() for i in items])
        return EXIT_OK
    for i in items:
        mark = "（测算）" if i.provisional else ""
        print(f"{i.company_name}（{i.uscc}）  {i.summary}{mark}  {i.amount:,.2f}元  {i.basis}\n      {i.why}")
    total = sum(i.amount for i in items)
    print(
        f"{args.year}年度应享未享：{len({i.uscc for i in items})}家单位、{len(items)}项，合计{total:,.2f}元"
        + (f"；已写入 {args.output}" if args.output else "")
    )
    return EXIT_OK
