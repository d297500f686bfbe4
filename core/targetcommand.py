"""``python main.py targets [--year Y] [--city C] [--county K] [--json]``: 目标监测 without the screen.

Every target of the policy files with its goal, the store's value and the rate
(core.targetreport; the JSON is described in docs/targets.md).
"""

from __future__ import annotations

import argparse
import sys

from core.cli import EXIT_OK, CliError, _policies, _print_json
from core.store.commands import _with_store
from core.targetreport import Filter, build, to_json, to_text


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"年度应为四位数年份（如2025），实际为“{text}”")
    return value


def _city(text: str | None, vocab) -> str | None:
    if not text:
        return None
    key = vocab.key_for_label("cities", text.strip())
    if key is None:
        known = "、".join(f"{label}（{k}）" for k, label in vocab.enums["cities"].items())
        raise CliError(f"未知盟市“{text}”（可用：{known}）")
    return key


def _county(store, text: str | None, city: str | None, vocab) -> tuple[str | None, str | None]:
    """The county as written on companies, and its city (found from the companies when --city is not given)."""
    if not text:
        return None, city
    county = text.strip()
    cities = [city] if city else list(vocab.enums["cities"])
    found = [c for c in cities if county in store.counties(c)]
    if not found:
        where = vocab.label("cities", city) if city else "数据库"
        known = "、".join(store.counties(city)) or "（无）"
        raise CliError(f"{where}中没有旗县区为“{county}”的企业（已记录的旗县区：{known}）")
    if len(found) > 1:
        names = "、".join(vocab.label("cities", c) for c in found)
        raise CliError(f"旗县区“{county}”在{names}都有企业，请用 --city 指明盟市")
    return county, found[0]


@_with_store()
def cmd_targets(args, store) -> int:
    policies = _policies(args)
    vocab = policies.vocabulary
    city = _city(args.city, vocab)
    county, city = _county(store, args.county, city, vocab)
    flt = Filter(args.year, city, county)
    entries = build(store, policies, flt)
    if args.json:
        _print_json(to_json(entries, policies, flt))
    else:
        sys.stdout.write("\n".join(to_text(entries, policies, flt)) + "\n")
    return EXIT_OK


def register(sub) -> None:
    s = sub.add_parser("targets", help="目标监测：各政策文件的目标、库内统计值和完成率")
    s.add_argument("--year", type=_year, help="只看这一年（默认：文件所列各年）")
    s.add_argument("--city", help="盟市，如 tongliao 或 通辽市（默认：全区及各盟市的目标）")
    s.add_argument("--county", help="旗县区，按企业档案中填写的名称，如 科尔沁区")
    s.add_argument("--json", action="store_true", help="以JSON输出（格式见 docs/targets.md）")
    s.set_defaults(fn=cmd_targets)
