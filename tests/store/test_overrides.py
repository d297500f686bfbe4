"""Parameter overrides kept in the store, applied to calculations, and settings."""

import datetime as dt
from decimal import Decimal

import pytest
from storehelp import Recognition, batch_data, contract, hte, profile, uscc

from core.policy.policyset import Override
from core.store import InvalidData, Stale

WHEN = dt.datetime(2026, 1, 5, 10, 0)


def _rate(value, who="王管理员", reason="市科技局会议纪要〔2026〕3号调整为6%", start=dt.date(2026, 1, 1), end=None):
    return Override("hlb-12-tech-contract", "rate", Decimal(value), start, end, who, WHEN, reason)


def test_override_changes_the_calculation_and_shows_in_the_trace(store, policies):
    oid = store.add_override(_rate("0.06"), policies)
    (record,) = store.overrides()
    assert record.id == oid and record.active
    assert record.override.value == Decimal("0.06") and record.override.who == "王管理员"
    u = uscc(1)
    b, _ = store.apply_import(
        batch_data("第一批", 2026, [profile(1)], [(u, contract("HT-1", "2026-03-01", "2000000"))])
    )
    store.calculate(b, policies)
    (line,) = store.lines(b)
    assert line.amount == Decimal("120000.00")  # 2,000,000 x 6%
    (param,) = [p for p in line.trace.params if p.path == "rate"]
    assert param.value == Decimal("0.06")
    assert param.source.startswith("override:王管理员 ")
    assert param.source.endswith("市科技局会议纪要〔2026〕3号调整为6%")


def test_override_only_applies_to_events_in_its_period(store, policies):
    store.add_override(_rate("0.06", start=dt.date(2026, 7, 1)), policies)
    u = uscc(2)
    b, _ = store.apply_import(
        batch_data(
            "第一批",
            2026,
            [profile(2)],
            [(u, contract("HT-1", "2026-03-01", "2000000")), (u, contract("HT-2", "2026-08-01", "2000000"))],
        )
    )
    store.calculate(b, policies)
    assert [l.amount for l in store.lines(b)] == [Decimal("100000.00"), Decimal("120000.00")]


def test_revoking_keeps_the_record_and_a_change_after_calculation_blocks_approval(store, policies):
    u = uscc(3)
    b, _ = store.apply_import(
        batch_data("第一批", 2026, [profile(3)], [(u, contract("HT-1", "2026-03-01", "2000000"))])
    )
    oid = store.add_override(_rate("0.06"), policies)
    store.calculate(b, policies)
    store.revoke_override(oid, "赵科长")
    with pytest.raises(Stale, match="计算后参数调整有变化"):
        store.approve(b, "张三", "李四", allow_provisional=True)
    store.calculate(b, policies)
    assert [l.amount for l in store.lines(b)] == [Decimal("100000.00")]
    store.approve(b, "张三", "李四", allow_provisional=True)
    assert store.overrides() == []
    (old,) = store.overrides(include_revoked=True)
    assert (old.active, old.revoked_by) == (False, "赵科长")
    with pytest.raises(InvalidData, match="已于.*由赵科长撤销"):
        store.revoke_override(oid, "赵科长")


def test_replacing_an_override_revokes_the_old_one(store, policies):
    oid = store.add_override(_rate("0.06"), policies)
    new_id = store.replace_override(oid, _rate("0.07", reason="更正"), "王管理员", policies)
    assert [r.id for r in store.overrides()] == [new_id]
    assert store.policies_with_overrides(policies).rules["hlb-12-tech-contract"].rate.at(
        dt.date(2026, 3, 1)
    ).value == Decimal("0.07")


def test_reading_overrides_are_kept_with_their_type(store, policies):
    o = Override(
        "hlb-2025-draft",
        "reading.first_counts_out_of_region",
        False,
        dt.date(2026, 1, 1),
        None,
        "王管理员",
        WHEN,
        "按市局解释，区外证书不计",
    )
    store.add_override(o, policies)
    assert store.overrides()[0].override.value is False
    u = uscc(4)
    b, _ = store.apply_import(batch_data("第一批", 2029, [profile(4)], [(u, hte("2029-03-01"))]))
    cid = store.company_id(u)
    store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2025, 12, 1), "BJ-GR", "北京市"))
    store.calculate(b, policies)
    assert [(l.rule_id, l.amount) for l in store.lines(b)] == [("hlb-01-hte-first", Decimal("500000.00"))]


def test_bad_overrides_are_refused(store, policies):
    with pytest.raises(InvalidData, match="规则hlb-12-tech-contract没有参数“amount”"):
        store.add_override(
            Override("hlb-12-tech-contract", "amount", Decimal(1), dt.date(2026, 1, 1), None, "王", WHEN, "x"), policies
        )
    with pytest.raises(InvalidData, match="找不到要修改参数的规则：nope"):
        store.add_override(Override("nope", "rate", Decimal(1), dt.date(2026, 1, 1), None, "王", WHEN, "x"), policies)
    with pytest.raises(InvalidData, match="请填写调整人；请填写调整理由"):
        store.add_override(_rate("0.06", who=" ", reason=""), policies)
    with pytest.raises(InvalidData, match="有效期结束日2025-01-01早于开始日2026-01-01"):
        store.add_override(_rate("0.06", end=dt.date(2025, 1, 1)), policies)
    assert store.overrides(include_revoked=True) == []


def test_settings(store, policies):
    assert store.setting("calc.include_drafts") is None
    store.set_setting("calc.include_drafts", "0")
    store.set_setting("bureau.name", "呼伦贝尔市科学技术局")
    assert store.settings() == {"bureau.name": "呼伦贝尔市科学技术局", "calc.include_drafts": "0"}
    # with drafts excluded, the Hulunbuir draft pays nothing
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(5)], [(uscc(5), hte("2026-03-01"))]))
    summary = store.calculate(b, policies)
    assert summary.lines == 0
    (result,) = store.company_results(b)
    assert {e["reason"] for e in result.excluded} == {
        "《关于进一步提升科技创新能力的政策措施（征求意见稿）》为征求意见稿，按设置不予计算"
    }
