"""``python main.py forecast --from 2027 --years 5 [--level city] [--city C] [--assume NAME=VALUE] [-o 表.xlsx] [--json]``."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from core.cli import EXIT_OK, CliError, _policies, _print_json
from core.money import fmt_yuan
from core.store.commands import _with_store
from core.targetcommand import _city, _year

if TYPE_CHECKING:
    from core.forecast.expected import Assumptions
    from core.store.store import Store


def _assumptions(items: list[str] | None, base: Assumptions) -> Assumptions:
    values = {}
    for item in items or ():
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or name not in base.LABELS:
            raise CliError(f"--assume 应写作 名称=值，名称为：{'、'.join(base.LABELS)}（实际为“{item}”）")
        try:
            value = Decimal(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
        except InvalidOperation:
            raise CliError(f"--assume {name} 的值应为数值（实际为“{text}”）") from None
        values[name] = int(value) if base.LABELS[name][1] == "count" else value
    return base.changed(**values) if values else base


@_with_store()
def cmd_forecast(args: argparse.Namespace, store: Store) -> int:
    from core.forecast import expected as exp
    from core.forecast.budget import COMMITTED, EXPECTED, forecast, forecast_report
    from core.scenario.tables import write_workbook

    policies = _policies(args)
    city = _city(args.city, policies.vocabulary)
    if not 1 <= args.years <= 10:
        raise CliError("--years 应为1到10")
    assumptions = None
    if args.assume:
        _, histories = exp.load_population(store, city)
        assumptions = _assumptions(args.assume, exp.default_assumptions(histories, args.first))
    f = forecast(store, policies, args.first, args.years, level=args.level, city=city, assumptions=assumptions)
    written = []
    if args.output:
        report = forecast_report(f)
        written.append(write_workbook(report, args.output))
        if not args.no_pdf:
            from core.scenario.commands import write_pdf_beside

            written.append(write_pdf_beside(report, args.output))
    if args.json:
        data = f.to_json()
        data["files"] = [str(p) for p in written]
        _print_json(data)
        return EXIT_OK
    out = [f"{f.place}预算测算（{f.first_year}—{f.first_year + f.years - 1}年）："]
    for year, v in f.by_year().items():
        out.append(
            f"  {year}年：已承诺{fmt_yuan(v[COMMITTED])}元，预计{fmt_yuan(v[EXPECTED])}元，"
            f"合计{fmt_yuan(v[COMMITTED] + v[EXPECTED])}元"
        )
    out.append(
        "测算假设：" + "；".join(f"{label}{value}（{basis}）" for _, label, value, _, basis in f.assumptions.rows())
    )
    out += [f"已写入 {p}" for p in written]
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("forecast", help="预算测算：已审批批次的以后年度支出和按历史推算的预计支出")
    s.add_argument("--from", dest="first", type=_year, required=True, help="第一个测算年度，如 2027")
    s.add_argument("--years", type=int, default=5, help="测算年数（默认5）")
    s.add_argument(
        "--level", choices=("region", "city", "county"), help="只看一级财政：region 自治区、city 盟市、county 旗县区"
    )
    s.add_argument("--city", help="只看该盟市的企业")
    s.add_argument(
        "--assume",
        action="append",
        metavar="名称=值",
        help="修改测算假设，如 hte_renewal_rate=0.8（可多次使用；名称见 docs/forecast.md）",
    )
    s.add_argument("-o", "--output", help="预算测算表.xlsx（同时写出同名PDF）")
    s.add_argument("--no-pdf", action="store_true", help="不写PDF")
    s.add_argument("--json", action="store_true", help="以JSON输出")
    s.set_defaults(fn=cmd_forecast)
    register_effect(sub)


@_with_store()
def cmd_effect(args: argparse.Namespace, store: Store) -> int:
    from core.forecast.effect import (
        CAVEAT,
        FUNDED,
        GROUP_LABELS,
        OTHERS,
        effect,
        effect_report,
    )
    from core.scenario.tables import show, write_workbook

    policies = _policies(args)
    city = _city(args.city, policies.vocabulary)
    e = effect(store, policies, city)
    written = []
    if args.output:
        report = effect_report(e)
        written.append(write_workbook(report, args.output))
        if not args.no_pdf:
            from core.scenario.commands import write_pdf_beside

            written.append(write_pdf_beside(report, args.output))
    if args.json:
        data = e.to_json()
        data["files"] = [str(p) for p in written]
        _print_json(data)
        return EXIT_OK
    out = [f"{e.place}政策效益（获得奖补的企业{e.funded}家，其他企业{e.others}家）："]
    for y in e.years:
        for g in (FUNDED, OTHERS):
            r = e.rows[(g, y)]
            out.append(
                f"  {y}年 {GROUP_LABELS[g]}：{r.companies}家有研发记录，研发费用{fmt_yuan(r.expense)}元，"
                f"增长{show(r.growth, 'rate')}，强度{show(r.intensity, 'rate')}"
            )
    for m, s, y, a, t, r, _ in e.targets:
        out.append(f"  {s}{m} {y}年：库内{a}家" + (f"，目标{int(t)}家，完成{show(r, 'rate')}" if t is not None else ""))
    out.append(CAVEAT)
    out += [f"已写入 {p}" for p in written]
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_OK


def register_effect(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("effect", help="政策效益：获得奖补的企业与其他企业的研发投入对比，高企和科技型中小企业数与目标")
    s.add_argument("--city", help="只看该盟市的企业")
    s.add_argument("-o", "--output", help="政策效益.xlsx（同时写出同名PDF）")
    s.add_argument("--no-pdf", action="store_true", help="不写PDF")
    s.add_argument("--json", action="store_true", help="以JSON输出")
    s.set_defaults(fn=cmd_effect)
