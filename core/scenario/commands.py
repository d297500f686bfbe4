"""``python main.py scenario run SCENARIO.yaml [--batch B | --year Y [--city C] [--county K]] [-o 报告.xlsx] [--json]``.

Prints the totals (or the comparison as JSON); with ``-o`` writes the 测算报告
workbook and, beside it, the same report as a PDF (``--no-pdf`` leaves it out).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli import EXIT_OK, CliError, _policies, _print_json
from core.money import fmt_yuan
from core.store.commands import _with_store
from core.targetcommand import _city, _county, _year

if TYPE_CHECKING:
    from core.scenario.tables import Report
    from core.store.store import Store


@_with_store()
def cmd_scenario_run(args: argparse.Namespace, store: Store) -> int:
    from core.scenario.report import comparison_report
    from core.scenario.run import run_scenario
    from core.scenario.spec import ScenarioError, load_scenario_file
    from core.scenario.tables import write_workbook

    policies = _policies(args)
    if args.batch is None and args.year is None:
        raise CliError("请用 --batch 指定批次，或用 --year 指定测算年度（按库内全部企业的历史记录测算）")
    if args.batch is not None and (args.city or args.county):
        raise CliError("--city、--county 只能与 --year 一起使用（批次按其全部企业测算）")
    city = _city(args.city, policies.vocabulary)
    county, city = _county(store, args.county, city, policies.vocabulary)
    try:
        spec = load_scenario_file(args.scenario)
        cmp = run_scenario(store, policies, spec, batch=args.batch, year=args.year, city=city, county=county)
    except ScenarioError as exc:
        raise CliError(str(exc)) from None
    written = []
    if args.output:
        report = comparison_report(cmp)
        written.append(write_workbook(report, args.output))
        if not args.no_pdf:
            written.append(write_pdf_beside(report, args.output))
    if args.json:
        data = cmp.to_json()
        data["files"] = [str(p) for p in written]
        _print_json(data)
        return EXIT_OK
    out = [f"{cmp.title}（{cmp.population}，{cmp.companies}家企业）"]
    for i, (name, total) in enumerate(zip(cmp.columns, cmp.totals)):
        diff = f"，较{cmp.columns[0]}{_signed(total - cmp.totals[0])}元" if i else ""
        out.append(f"  {name}：{fmt_yuan(total)}元，{cmp.companies_paid[i]}家企业{diff}")
    for name, up, down in zip(cmp.columns[1:], cmp.gainers, cmp.losers):
        out.append(f"  {name}：{up[0]}家增加{fmt_yuan(up[1])}元，{down[0]}家减少{fmt_yuan(-down[1])}元")
    if cmp.errors:
        out.append(f"  {len(cmp.errors)}家企业无法计算，未计入")
    out += [f"已写入 {p}" for p in written]
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_OK


def _signed(value: Decimal) -> str:
    return ("+" if value >= 0 else "−") + fmt_yuan(abs(value))


def write_pdf_beside(report: Report, xlsx_path: str | Path) -> Path:
    """The report as a PDF named like the workbook; painted by gui.reportpdf (loaded here: core imports no Qt)."""
    import importlib

    path = Path(xlsx_path).with_suffix(".pdf")
    importlib.import_module("gui.reportpdf").write_pdf_headless(report, path)
    return path


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("scenario", help="政策沙盘：按测算方案文件测算政策调整的影响（不改变任何数据）")
    inner = s.add_subparsers(dest="scenario_command", required=True)
    r = inner.add_parser("run", help="运行测算方案，与现行政策并列比较")
    r.add_argument("scenario", help="测算方案文件 SCENARIO.yaml（格式见 docs/scenarios.md）")
    r.add_argument("--batch", type=int, help="按该批次的申报测算")
    r.add_argument("--year", type=_year, help="按库内全部企业的历史记录测算该年度")
    r.add_argument("--city", help="只测算该盟市的企业（与 --year 一起使用）")
    r.add_argument("--county", help="只测算该旗县区的企业（与 --year 一起使用）")
    r.add_argument("-o", "--output", help="测算报告.xlsx（同时写出同名PDF）")
    r.add_argument("--no-pdf", action="store_true", help="不写PDF")
    r.add_argument("--json", action="store_true", help="以JSON输出")
    r.set_defaults(fn=cmd_scenario_run)
