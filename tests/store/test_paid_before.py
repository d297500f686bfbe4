"""Said per claim before and after import: what was awarded before for its subject, from the engine's 'earlier'.

Hulunbuir（十二）"按技术交易额5%给予补贴，单个技术合同最高补贴50万元": worked by hand below.
"""

import datetime as dt
from decimal import Decimal

from storehelp import batch_data, contract, profile, uscc

from core.earlier import earlier_short, earlier_text
from core.model import Recognition

RULE = "hlb-12-tech-contract"


def _approved_2026(store, policies) -> int:
    """Batch of 2026: HT-1 4,000,000 × 5% = 200,000; HT-2 10,000,000 × 5% = 500,000 (the cap per contract)."""
    data = batch_data(
        "2026年批次",
        2026,
        [profile(1), profile(2), profile(3)],
        claims=[
            (uscc(1), contract("HT-1", "2026-01-10", "4000000")),
            (uscc(2), contract("HT-2", "2026-02-01", "10000000")),
        ],
    )
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, policies)
    assert sorted(l.amount for l in store.lines(batch_id)) == [Decimal("200000.00"), Decimal("500000.00")]
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    return batch_id


def _workbook_2027():
    """HT-1's supplementary agreement 2,000,000: (4,000,000 + 2,000,000) × 5% = 300,000, less 200,000 paid = 100,000.
    HT-2 again with 1,000,000 more: 11,000,000 × 5% = 550,000, capped 500,000, all paid: refused.
    Company 3 has no history: nothing to say. Company 4 is new to the store."""
    return batch_data(
        "2027年批次",
        2027,
        [profile(1), profile(2), profile(3), profile(4)],
        claims=[
            (uscc(1), {**contract("HT-1", "2027-03-01", "2000000"), "id": "申报-技术合同第2行"}),
            (uscc(2), {**contract("HT-2", "2027-03-05", "1000000"), "id": "申报-技术合同第3行"}),
            (uscc(3), {**contract("HT-3", "2027-03-09", "1000000"), "id": "申报-技术合同第4行"}),
            (uscc(4), {**contract("HT-1", "2027-03-09", "1000000"), "id": "申报-技术合同第5行"}),
        ],
        recognitions=[(uscc(1), Recognition("key_lab", "regional", dt.date(2021, 6, 1), "ZD-1"))],
    )


def test_the_import_lists_claims_whose_subject_was_paid_before(store, policies):
    first = _approved_2026(store, policies)
    found = store.paid_before(_workbook_2027(), policies)
    assert [(f.uscc, f.claim_ids, f.rule_id, f.amount) for f in found] == [
        (uscc(1), ("申报-技术合同第2行",), RULE, Decimal("100000.00")),
        (uscc(2), ("申报-技术合同第3行",), RULE, None),
    ]
    topped, refused = found
    assert topped.subject_text == "技术合同HT-1" and topped.company_name == "呼伦贝尔测试1号科技有限公司"
    assert topped.earlier["entries"] == [{"year": 2026, "batch_id": first, "amount": "200000.00", "rule_id": RULE}]
    assert topped.earlier["paid"] == "200000.00" and topped.earlier["deducted"] == "200000.00"
    assert topped.basis.endswith("（十二）") and topped.summary.startswith("技术交易补贴")
    assert earlier_text(topped.earlier).startswith(f"该事项此前已兑现：批次{first}（2026年）200,000.00元；")
    assert earlier_short(topped.earlier) == f"200,000.00元（批次{first}，2026年）"
    assert "同一事项只支持一次" in refused.reason and f"批次{first}" in refused.reason
    assert refused.earlier["paid"] == "500000.00"
    # nothing is written: the store has still one batch
    assert [b.id for b in store.batches()] == [first]


def test_nothing_is_listed_without_earlier_awards(store, policies):
    assert store.paid_before(_workbook_2027(), policies) == []


def test_results_keep_what_was_deducted_and_why_a_line_was_refused(store, policies):
    first = _approved_2026(store, policies)
    batch_id, _ = store.apply_import(_workbook_2027())
    store.calculate(batch_id, policies)
    lines = {l.uscc: l for l in store.lines(batch_id)}
    assert lines[uscc(1)].amount == Decimal("100000.00")
    assert lines[uscc(1)].earlier["entries"][0]["batch_id"] == first
    assert lines[uscc(1)].claim_key == "申报-技术合同第2行" and lines[uscc(1)].subject == "contract:ht-1"
    assert lines[uscc(1)].claim_keys == ("申报-技术合同第2行",)
    assert lines[uscc(3)].earlier is None and lines[uscc(4)].earlier is None  # company 4's HT-1 is its own
    results = {r.uscc: r for r in store.company_results(batch_id)}
    (refused,) = [e for e in results[uscc(2)].excluded if e["rule_id"] == RULE]
    assert refused["earlier"]["paid"] == "500000.00" and refused["summary"].startswith("技术交易补贴")
    assert refused["sentence"].startswith("对获得自治区技术交易后补助的合同")


def test_a_line_adding_up_two_claims_of_one_contract_names_both(store, policies):
    """HT-9 and its supplement in one batch: (3,000,000 + 1,000,000) × 5% = 200,000 on one line."""
    data = batch_data(
        "合并",
        2026,
        [profile(1)],
        claims=[
            (uscc(1), {**contract("HT-9", "2026-03-01", "3000000"), "id": "第2行"}),
            (uscc(1), {**contract("HT-9", "2026-06-01", "1000000"), "id": "第3行"}),
        ],
    )
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, policies)
    (line,) = store.lines(batch_id)
    assert line.amount == Decimal("200000.00") and line.claim_keys == ("第2行", "第3行") and line.earlier is None


def test_the_import_command_says_what_is_counted_together_and_what_was_paid_before(
    store, policies, hlb_dir, db_url, tmp_path, capsys
):
    from excel_support import put, save, template

    from core.cli import main
    from core.excel.layout import claim_sheet_name

    first = _approved_2026(store, policies)
    wb = template(2027)
    put(
        wb["企业信息"],
        {"统一社会信用代码": uscc(1), "企业名称": "呼伦贝尔测试1号科技有限公司", "所属盟市": "呼伦贝尔市"},
    )
    sheet = claim_sheet_name("技术合同（技术交易后补助）")
    for number, day, amount in (
        ("HT-1", "2027-03-01", 2000000),
        ("HT-9", "2027-03-02", 3000000),
        ("HT-9", "2027-06-01", 1000000),
    ):
        put(
            wb[sheet],
            {
                "统一社会信用代码": uscc(1),
                "合同登记编号": number,
                "合同登记日期": day,
                "技术交易额（元）": amount,
                "已获自治区技术交易后补助": "是",
            },
        )
    path = save(wb, tmp_path / "2027年申报.xlsx")
    assert main(["--db", db_url, "--policies", str(hlb_dir), "import", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    batch = int(out[0])
    assert out[1] == f"已导入新批次{batch}“2027年度 2027年申报”：1家企业，3项申报事项"
    assert out[2:4] == [
        "同一事项的多行申报将合并计算（1处）：",
        f"  {sheet}第3、4行：同一合同（技术合同HT-9）的2项申报合并计算：技术交易额相加后按条款计算补贴和上限，不重复支持",
    ]
    assert out[4] == "以下1项申报的事项此前已兑现过，计算时扣除已兑现部分："
    assert out[5].startswith(f"  呼伦贝尔测试1号科技有限公司（{sheet}第2行）技术交易补贴")
    assert f"：该事项此前已兑现：批次{first}（2026年）200,000.00元；" in out[5]
    assert out[5].endswith("；扣除后本次应兑现100,000.00元") and len(out) == 6
