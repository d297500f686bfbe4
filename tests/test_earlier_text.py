"""What was awarded before, in the words every screen and command uses (core.earlier)."""

from decimal import Decimal

from core.earlier import deducted, earlier_short, earlier_text, outcome

TWO = {
    "subject": "contract:ht-1",
    "subject_text": "技术合同HT-1",
    "paid": "700000.00",
    "entries": [
        {"year": 2024, "batch_id": None, "amount": "200000.00", "rule_id": "hlb-12-tech-contract"},
        {"year": 2025, "batch_id": 3, "amount": "500000.00", "rule_id": "hlb-12-tech-contract"},
    ],
    "claims": [{"award_year": 2025, "claim_id": "申报-技术合同第2行"}],
    "worth": "500000.00",
    "deducted": "700000.00",
}


def test_each_payment_by_batch_and_year_and_the_total():
    assert earlier_text(TWO) == (
        "该事项此前已兑现：历史奖补录入（2024年）200,000.00元、批次3（2025年）500,000.00元，"
        "合计700,000.00元；已在2025年审批的批次中申报（申报-技术合同第2行），按本条计应得500,000.00元"
    )
    assert earlier_short(TWO) == "700,000.00元（历史奖补录入等2笔）"
    assert deducted(TWO) == Decimal("700000.00")


def test_earlier_claims_alone_and_nothing():
    only = {**TWO, "entries": [], "paid": "0.00", "deducted": "500000.00"}
    assert earlier_text(only) == "该事项已在2025年审批的批次中申报（申报-技术合同第2行），按本条计应得500,000.00元"
    assert earlier_short(only) == "2025年已审批申报，计500,000.00元"
    assert earlier_text(None) == earlier_short(None) == "" and deducted(None) == 0


def test_what_is_paid_now():
    assert outcome(Decimal("100000.00")) == "扣除后本次应兑现100,000.00元" and outcome(None) == "本次不再支持"
