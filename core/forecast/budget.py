"""预算测算: committed and expected outlays by year, fiscal level and document clause."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from core.forecast import commitments as com
from core.forecast import expected as exp
from core.forecast.levels import LEVEL_LABELS, LEVELS
from core.money import ZERO
from core.policy.policyset import PolicySet
from core.scenario.tables import COUNT, MONEY, RATE, TEXT, Report, Sheet, Table

if TYPE_CHECKING:
    from core.store.store import Store

Item = tuple[str, str, int, str, str, str, Decimal]  # group, kind, year, level, document, clause, amount

COMMITTED, EXPECTED = "committed", "expected"
GROUP_LABELS = {COMMITTED: "已承诺（已审批批次）", EXPECTED: "预计（按历史记录推算）"}


@dataclass
class Forecast:
    first_year: int
    years: int
    assumptions: exp.Assumptions
    commitments: list
    expected: list
    level: str | None = None
    place: str = "全区"
    notes: list = field(default_factory=list)

    @property
    def year_list(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.years))

    def items(self) -> Iterator[Item]:
        """(group, kind, year, level, document, clause, amount) of every commitment and expected line."""
        for c in self.commitments:
            yield COMMITTED, c.kind, c.year, c.level, c.document, c.clause, c.amount
        for e in self.expected:
            yield EXPECTED, e.kind, e.year, e.level, e.document, e.clause, e.amount

    def _per_year(self, key: Callable[[Item], object]) -> dict:
        table: dict = {}
        for item in self.items():
            k = key(item)
            row = table.setdefault(k, {y: ZERO for y in self.year_list})
            row[item[2]] += item[6]
        return table

    def by_year(self) -> dict:
        """{year: {"committed": Decimal, "expected": Decimal}}."""
        out = {y: {COMMITTED: ZERO, EXPECTED: ZERO} for y in self.year_list}
        for group, _, year, *_, amount in self.items():
            out[year][group] += amount
        return out

    def by_level(self) -> dict:
        """{(level, group): {year: Decimal}} in level order."""
        table = self._per_year(lambda i: (i[3], i[0]))
        order = list(LEVEL_LABELS)
        return dict(sorted(table.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])))

    def by_kind(self) -> dict:
        return dict(sorted(self._per_year(lambda i: (i[0], i[1])).items()))

    def by_clause(self) -> dict:
        """{(level, document, clause): {year: Decimal}}."""
        order = list(LEVEL_LABELS)
        return dict(
            sorted(
                self._per_year(lambda i: (i[3], i[4], i[5])).items(),
                key=lambda kv: (order.index(kv[0][0]), kv[0][1], kv[0][2]),
            )
        )

    def to_json(self) -> dict:
        def years(row: dict[int, Decimal]) -> dict[str, str]:
            return {str(y): str(a) for y, a in row.items()}

        from core.forecast.commitments import KIND_LABELS as CK

        return {
            "from": self.first_year,
            "years": self.years,
            "level": self.level,
            "place": self.place,
            "by_year": {str(y): {g: str(a) for g, a in v.items()} for y, v in self.by_year().items()},
            "by_level": [
                {"level": lv, "level_label": LEVEL_LABELS[lv], "group": g, "years": years(row)}
                for (lv, g), row in self.by_level().items()
            ],
            "by_kind": [
                {"group": g, "kind": k, "label": {**CK, **exp.KIND_LABELS}[k], "years": years(row)}
                for (g, k), row in self.by_kind().items()
            ],
            "by_clause": [
                {"level": lv, "document": d, "clause": c, "years": years(row)}
                for (lv, d, c), row in self.by_clause().items()
            ],
            "assumptions": self.assumptions.to_json(),
            "notes": self.notes,
        }


def forecast(
    store: Store,
    policies: PolicySet,
    first_year: int,
    years: int = 5,
    *,
    level: str | None = None,
    city: str | None = None,
    assumptions: exp.Assumptions | None = None,
    report: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Forecast:
    """Committed and expected outlays for ``years`` years from ``first_year`` (of one fiscal ``level``, one city)."""
    from core.scenario.run import baseline_policies

    if level is not None and level not in LEVELS:
        raise ValueError(f"未知的财政层级：{level}（可用：{'、'.join(LEVELS)}）")
    ps, include_drafts = baseline_policies(store, policies)
    if report:
        report(0, 0, "正在读取已审批批次")
    committed = com.commitments(store, ps, first_year, years, city)
    companies, histories = exp.load_population(store, city, cancelled)
    if assumptions is None:
        assumptions = exp.default_assumptions(histories, first_year)
    failed: list = []
    expected = exp.project(
        ps,
        companies,
        histories,
        assumptions,
        first_year,
        years,
        include_drafts=include_drafts,
        report=report,
        cancelled=cancelled,
        failed=failed,
    )
    if level is not None:
        committed = [c for c in committed if c.level == level]
        expected = [e for e in expected if e.level == level]
    place = policies.vocabulary.label("cities", city) if city else "全区"
    drafts = sorted({e.document for e in expected if e.provisional})
    notes = [
        "已承诺：已审批批次中尚未拨付的奖补，以及多年度支持在以后年度的应付额（已有该年度批次的以该批次为准）。",
        (
            "预计：按库内历史记录和下列假设推算，由计算引擎按现行政策文件（含已保存的参数调整）逐户计算后按假设的比例折算；"
            "只含高企再次认定、科技型中小企业连续入库和研发投入后补助三类，其他事项无法从历史推算，未列入。"
        ),
        "财政层级按发文机关：自治区文件由自治区财政、盟市文件由盟市财政承担；文件规定分级分担的，需另行拆分。",
    ]
    if failed:
        names = "、".join(sorted({n for n, _, _ in failed})[:5])
        notes.append(
            f"{len({n for n, _, _ in failed})}家企业无法测算，未计入预计金额（如{names}），请将此情况告知维护人员。"
        )
    if drafts:
        notes.append(f"预计金额含依据征求意见稿测算的部分（{'、'.join(drafts)}），文件正式印发前仅供参考。")
    return Forecast(first_year, years, assumptions, committed, expected, level, place, notes)


def forecast_report(f: Forecast) -> Report:
    from core.forecast.commitments import KIND_LABELS as CK

    level = f"，{LEVEL_LABELS[f.level]}财政" if f.level else ""
    report = Report(
        f"{f.place}科技奖补预算测算表（{f.first_year}—{f.first_year + f.years - 1}年）",
        f"测算范围：{f.place}库内企业{level}",
    )
    ys = f.year_list
    year_heads = [(f"{y}年（元）", 16, MONEY) for y in ys] + [("合计（元）", 18, MONEY)]

    def amounts(row: dict[int, Decimal]) -> list[Decimal]:
        values = [row.get(y, ZERO) for y in ys]
        return values + [sum(values, ZERO)]

    by_year = f.by_year()
    summary_rows = [[GROUP_LABELS[g], *amounts({y: by_year[y][g] for y in ys})] for g in (COMMITTED, EXPECTED)]
    total = ["合计", *amounts({y: by_year[y][COMMITTED] + by_year[y][EXPECTED] for y in ys})]
    level_rows = [[LEVEL_LABELS[lv], GROUP_LABELS[g], *amounts(row)] for (lv, g), row in f.by_level().items()]
    kind_rows = [[GROUP_LABELS[g], {**CK, **exp.KIND_LABELS}[k], *amounts(row)] for (g, k), row in f.by_kind().items()]
    report.sheets.append(
        Sheet(
            "汇总",
            report.title,
            [
                Table([("类别", 28, TEXT), *year_heads], summary_rows, "按年度", total=total),
                Table([("财政层级", 14, TEXT), ("类别", 28, TEXT), *year_heads], level_rows, "按财政层级"),
                Table([("类别", 28, TEXT), ("事项", 36, TEXT), *year_heads], kind_rows, "按事项"),
            ],
            f.notes,
        )
    )
    clause_rows = [[LEVEL_LABELS[lv], d, c, *amounts(row)] for (lv, d, c), row in f.by_clause().items()]
    report.sheets.append(
        Sheet(
            "按文件条款",
            f"{report.title}：按文件条款",
            [Table([("财政层级", 12, TEXT), ("文件", 44, TEXT), ("条款", 10, TEXT), *year_heads], clause_rows)],
        )
    )
    report.sheets.append(
        Sheet(
            "已承诺明细",
            f"{report.title}：已承诺明细",
            [
                Table(
                    [
                        ("年度", 8, COUNT),
                        ("类别", 28, TEXT),
                        ("财政层级", 10, TEXT),
                        ("批次", 24, TEXT),
                        ("企业", 32, TEXT),
                        ("文件", 40, TEXT),
                        ("条款", 8, TEXT),
                        ("事项", 30, TEXT),
                        ("金额（元）", 16, MONEY),
                    ],
                    [
                        [
                            c.year,
                            CK[c.kind],
                            LEVEL_LABELS[c.level],
                            f"{c.batch_id} {c.batch_name}",
                            c.company,
                            c.document,
                            c.clause,
                            c.summary,
                            c.amount,
                        ]
                        for c in sorted(f.commitments, key=lambda c: (c.year, c.batch_id))
                    ],
                )
            ],
        )
    )
    report.sheets.append(
        Sheet(
            "预计明细",
            f"{report.title}：预计明细",
            [
                Table(
                    [
                        ("年度", 8, COUNT),
                        ("类别", 30, TEXT),
                        ("财政层级", 10, TEXT),
                        ("企业", 32, TEXT),
                        ("文件", 40, TEXT),
                        ("条款", 8, TEXT),
                        ("事项", 30, TEXT),
                        ("发生时应得（元）", 16, MONEY),
                        ("比例", 10, RATE),
                        ("预计（元）", 16, MONEY),
                    ],
                    [
                        [
                            e.year,
                            exp.KIND_LABELS[e.kind],
                            LEVEL_LABELS[e.level],
                            e.company,
                            e.document,
                            e.clause,
                            e.summary,
                            e.full,
                            e.weight,
                            e.amount,
                        ]
                        for e in sorted(f.expected, key=lambda e: (e.year, e.kind, e.company))
                    ],
                )
            ],
        )
    )
    report.sheets.append(
        Sheet(
            "测算假设",
            f"{report.title}：测算假设",
            [
                Table(
                    [("假设", 40, TEXT), ("取值", 14, TEXT), ("依据", 60, TEXT)],
                    [[label, _show(value, unit), basis] for _, label, value, unit, basis in f.assumptions.rows()],
                )
            ],
            ["假设可在“政策沙盘—预算测算”页修改后重新测算；命令行用 --assume 名称=值。"],
        )
    )
    return report


def _show(value: object, unit: str) -> str:
    if unit == "rate" and isinstance(value, (Decimal, int, float, str)):
        return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"
    return str(value)
