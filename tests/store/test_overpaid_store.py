"""The overpaid-as-new warning (core.engine.overpaid) through the store: import, calculate, approve, then a later batch.

呼伦贝尔（三） hlb-03-platform “对新认定的国家级、自治区级重点实验室……分别给予100万元、50万元” (the draft, in force from
2026-01-01; reading newly_per_platform). Batch 1 of 2026 claims 寒地作物重点实验室 (自治区级) recognized 2026-03-01:
new, 500,000, approved. Batch 2 of 2026 claims the same lab recognized 2025-07-01, before the draft took effect: it
pays nothing, and batch 1's 500,000 was paid on a record that was not the lab's first recognition. Batch 2's company
result says so before approval; the amounts stay as they are.
"""

from decimal import Decimal

from storehelp import batch_data, lines_by_rule, profile, uscc

D = Decimal
LAB = "呼伦贝尔寒地作物重点实验室"


def _lab(date: str, n: str) -> dict:
    return {"type": "recognition", "kind": "key_lab", "level": "regional", "date": date, "name": LAB, "id": n}


def _import_calc(store, policies, data) -> int:
    batch_id, created = store.apply_import(data)
    assert created
    store.calculate(batch_id, policies)
    return batch_id


def test_hlb_3_a_later_batch_with_an_earlier_recognition_warns_before_approval(store, policies):
    u = uscc(11)
    b1 = _import_calc(
        store, policies, batch_data("2026年第一批", 2026, [profile(11)], [(u, _lab("2026-03-01", "lab1"))])
    )
    assert lines_by_rule(store.lines(b1), "hlb-03-platform") == [D("500000.00")]  # （三）“……50万元”
    (first,) = store.company_results(b1)
    assert not [w for w in first.warnings if "可能多付" in w]
    store.approve(b1, "张三", "李四", allow_provisional=True)

    b2 = _import_calc(
        store, policies, batch_data("2026年第二批", 2026, [profile(11)], [(u, _lab("2025-07-01", "lab0"))])
    )
    assert lines_by_rule(store.lines(b2), "hlb-03-platform") == []
    (result,) = store.company_results(b2)
    assert result.total == D("0")
    (warning,) = [w for w in result.warnings if "可能多付" in w]
    assert warning.startswith(
        f"本批次事项lab0申报的自治区级重点实验室“{LAB}”认定日期（2025-07-01）早于此前按新认定拨付的记录"
    )
    assert f"批次{b1}：" in warning and "依据2026-03-01的认定记录，2026年拨付500,000.00元" in warning
