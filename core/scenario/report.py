"""The 测算报告: a Comparison as a Report (core.scenario.tables) for the workbook and the PDF."""

from __future__ import annotations

from collections.abc import Iterable

from core.scenario.compare import Comparison, Row
from core.scenario.tables import COUNT, MONEY, TEXT, Report, Sheet, Table


def comparison_report(cmp: Comparison) -> Report:
    report = Report(f"{cmp.title}测算报告", f"测算范围：{cmp.population}；测算文件：{'、'.join(cmp.base)}")
    report.sheets.append(_summary(cmp))
    for key, (title, rows) in cmp.breakdowns.items():
        report.sheets.append(_breakdown(cmp, title, rows, key))
    report.sheets.append(_changes(cmp))
    report.sheets.append(_parameters(cmp))
    if cmp.errors:
        report.sheets.append(
            Sheet(
                "无法计算的企业",
                "无法计算的企业（未计入以上金额）",
                [Table([("企业名称", 36, TEXT), ("原因", 90, TEXT)], [[n, m] for n, m in cmp.errors])],
            )
        )
    return report


def _amount_headers(cmp: Comparison) -> list:
    heads = [(f"{name}（元）", 18, MONEY) for name in cmp.columns]
    heads += [(f"{name}较{cmp.columns[0]}增减（元）", 20, MONEY) for name in cmp.columns[1:]]
    return heads


def _summary(cmp: Comparison) -> Sheet:
    base = cmp.totals[0]
    rows = [
        [name, total, (total - base) if i else None, cmp.companies_paid[i]]
        for i, (name, total) in enumerate(zip(cmp.columns, cmp.totals))
    ]
    totals = Table(
        [
            ("方案", 30, TEXT),
            ("测算总额（元）", 20, MONEY),
            ("较现行增减（元）", 20, MONEY),
            ("获得奖补的企业（家）", 18, COUNT),
        ],
        rows,
        "测算总额",
    )
    moved = Table(
        [
            ("方案", 30, TEXT),
            ("增加的企业（家）", 18, COUNT),
            ("合计增加（元）", 20, MONEY),
            ("减少的企业（家）", 18, COUNT),
            ("合计减少（元）", 20, MONEY),
        ],
        [[name, up[0], up[1], down[0], down[1]] for name, up, down in zip(cmp.columns[1:], cmp.gainers, cmp.losers)],
        "增减企业",
    )
    notes = [f"测算企业{cmp.companies}家；测算年度{cmp.award_year}年。", *cmp.notes]
    if cmp.errors:
        notes.append(f"{len(cmp.errors)}家企业无法计算，未计入以上金额，见“无法计算的企业”表。")
    return Sheet("汇总", f"{cmp.title}：汇总", [totals, moved], notes)


def _breakdown(cmp: Comparison, title: str, rows: Iterable[Row], key: str) -> Sheet:
    label = {"clause": "文件及条款", "city": "盟市", "county": "旗县区", "size": "企业规模", "industry": "行业"}[key]
    heads = [
        (label, 48 if key == "clause" else 24, TEXT),
        *_amount_headers(cmp),
        ("获得奖补的企业（家，现行）", 16, COUNT),
    ]
    table_rows = [[r.label, *r.amounts, *r.diffs(), r.companies[0] if r.companies else 0] for r in rows]
    total = ["合计", *cmp.totals, *[t - cmp.totals[0] for t in cmp.totals[1:]], None]
    notes = []
    if key == "clause":
        notes.append("一家企业同一条款有多项奖补的，分别计入；企业数按获得该条款奖补的企业计。")
    return Sheet(title, f"{cmp.title}：{title}", [Table(heads, table_rows, total=total)], notes)


def _changes(cmp: Comparison) -> Sheet:
    heads = [
        ("统一社会信用代码", 22, TEXT),
        ("企业名称", 34, TEXT),
        ("盟市", 12, TEXT),
        ("旗县区", 12, TEXT),
        ("规模", 10, TEXT),
        *_amount_headers(cmp),
    ]
    rows = [[c.uscc, c.name, c.city, c.county, c.size, *c.amounts, *c.diffs()] for c in cmp.changes]
    return Sheet(
        "增减企业",
        f"{cmp.title}：奖补金额有增减的企业（按变化幅度从大到小）",
        [Table(heads, rows)],
        [] if rows else ["各方案下没有企业的奖补金额发生变化。"],
    )


def _parameters(cmp: Comparison) -> Sheet:
    heads = [
        ("方案", 20, TEXT),
        ("文件", 40, TEXT),
        ("条款", 8, TEXT),
        ("调整事项", 30, TEXT),
        ("原值", 12, TEXT),
        ("测算值", 12, TEXT),
        ("原文", 40, TEXT),
        ("条款原文", 60, TEXT),
        ("说明", 30, TEXT),
    ]
    rows = [
        [
            r["scenario"],
            r["document"],
            r["clause"],
            r["what"],
            r["was"],
            r["becomes"],
            r["cite"],
            r["sentence"],
            r["reason"],
        ]
        for r in cmp.change_rows
    ]
    return Sheet(
        "参数调整",
        f"{cmp.title}：方案调整的参数及所涉条款",
        [Table(heads, rows)],
        ["金额以元计，比例以小数计（0.05即5%）。方案只用于测算，不改变已保存的参数调整、批次和兑现通知书。"],
    )
