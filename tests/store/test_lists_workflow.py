"""免申即享 end to end, headless: each sample list goes import → match → claims → calculation → 意愿确认 → disbursement.

Amounts are worked out by hand from the clauses (award year 2026, all five documents):
- 呼伦贝尔 draft （一）: 连续3年认定的国家科技型中小企业 10万元; 首次获批国家高企 50万元; 再次获批 15万元 (draft: 测算);
- 包头 （六）: 连续两次入库 5万元; 认定为国家高新技术企业 30万元;
- 科技兴蒙 （四）: 首次获批国家高新技术企业的区内企业 一次性奖励30万元.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from listhelp import (
    BEIJIANG,
    DONGHE,
    HIGH_TECH_DATE,
    HIGH_TECH_LIST,
    JIUYUAN,
    KUNLUN,
    LVYUAN,
    QINGSHAN,
    TECH_SME_DATE,
    TECH_SME_LIST,
    YUMI,
    add_sample_companies,
)
from openpyxl import load_workbook

from core.cli import main
from core.engine import load_policies
from core.excel.disbursement_sheet import build_disbursement_sheet
from core.excel.problems import WorkbookError
from core.lists import service
from core.lists.consent import read_consent_sheet, write_consent_sheet
from core.uscc import check_character

D = Decimal


@pytest.fixture(scope="module")
def all_policies():
    return load_policies()


def _amounts(store, batch_id):
    out = {}
    for l in store.lines(batch_id):
        out.setdefault(l.uscc, {})[l.rule_id] = l.amount
    return out


def _disbursed(store, batch_id):
    """{uscc: amount} on the disbursement sheet (测算 lines included, as an internal check copy)."""
    wb = build_disbursement_sheet(
        store.batch(batch_id),
        store.lines(batch_id),
        include_provisional=True,
        withheld=service.withheld(store, batch_id),
    )
    ws = wb["资金拨付明细表"]
    head = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    cols = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    out = {}
    for r in range(head + 1, ws.max_row + 1):
        uscc = ws.cell(r, cols["统一社会信用代码"]).value
        if uscc and len(str(uscc)) == 18:
            out[uscc] = out.get(uscc, D(0)) + D(str(ws.cell(r, cols["金额（元）"]).value))
    return out


def test_tech_sme_list_with_codes_from_import_to_disbursement(store, all_policies, tmp_path):
    ids = add_sample_companies(store)
    p = service.prepare(store, TECH_SME_LIST, "tech_sme", list_date=TECH_SME_DATE)
    assert p.problems == [] and len(p.entries) == 7
    assert {e.region for e in p.entries} == {"呼伦贝尔市", "包头市"}  # from the 一、二、 headings
    list_id, created = service.import_list(store, p)
    assert created and service.import_list(store, p) == (list_id, False)  # the same file again changes nothing
    rows = {e.row_no: e for e in service.entries(store, list_id)}
    assert all(rows[r].match == "uscc" for r in (4, 5, 6, 7, 9, 10))
    new = rows[11]  # 包头市北方测控仪器有限公司: not in the store, created from its row (包头市 from the heading)
    assert new.company_id is None
    cid = service.create_company(store, new.id)
    assert store.company_rows([cid])[0].city == "baotou"

    batch_id, added, skipped = service.make_claims(store, list_id, award_year=2026)
    assert added == 7 and skipped == []
    store.calculate(batch_id, all_policies)
    amounts = _amounts(store, batch_id)
    assert amounts == {
        BEIJIANG: {"hlb-01-tech-sme-3y": D("100000.00")},  # 2024, 2025, 2026: 连续3年 10万元
        LVYUAN: {"hlb-01-tech-sme-3y": D("100000.00")},
        JIUYUAN: {"bt-06-tech-sme-twice": D("50000.00")},  # 2025, 2026: 连续两次入库 5万元
        DONGHE: {"bt-06-tech-sme-twice": D("50000.00")},
    }  # 岭南 (2023, 2025, 2026) and 陈巴 (2025, 2026) are not 3 years in a row; the new company has one year

    # 意愿确认: the 确认表 goes out, comes back with two answers; 绿源 declines by phone
    out = tmp_path / "确认表.xlsx"
    path, n = write_consent_sheet(store, batch_id, out)
    assert n == 4  # 岭南, 陈巴 and the new company get nothing: there is nothing for them to confirm
    wb = load_workbook(path)
    ws = wb.active
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 2).value in (BEIJIANG, JIUYUAN):
            ws.cell(r, 8).value = "已确认账户"
            ws.cell(r, 9).value = "2026-07-10"
    wb.save(out)
    assert read_consent_sheet(store, out) == (batch_id, 2)
    service.set_consent(store, batch_id, ids[LVYUAN], service.DECLINED, on=dt.date(2026, 7, 11), note="电话告知放弃")
    # a company that declines while the batch is a draft leaves it; calculated again, the batch pays without it
    assert LVYUAN not in {r.uscc for r in store.company_results(batch_id)}
    store.calculate(batch_id, all_policies)
    answers = {e.company_uscc: (e.consent, e.consent_on) for e in service.entries(store, list_id) if e.company_id}
    assert answers[BEIJIANG] == ("confirmed", dt.date(2026, 7, 10))
    assert answers[LVYUAN] == ("declined", dt.date(2026, 7, 11))
    assert answers[DONGHE][0] == "pending"

    store.approve(batch_id, preparer="张三", reviewer="李四", allow_provisional=True)
    # only confirmed companies are on the disbursement sheet: 东河 has not answered
    assert _disbursed(store, batch_id) == {BEIJIANG: D("100000.00"), JIUYUAN: D("50000.00")}
    # a late answer after approval puts it on the sheet
    service.set_consent(store, batch_id, ids[DONGHE], service.CONFIRMED)
    assert _disbursed(store, batch_id)[DONGHE] == D("50000.00")

    # nothing is paid twice: the same list again makes no claim; the same facts from another copy pay nothing
    assert service.make_claims(store, list_id, award_year=2026)[1] == 0
    csv = tmp_path / "名单副本.csv"
    csv.write_text(
        "序号,企业名称,统一社会信用代码\n1,呼伦贝尔北疆乳业科技有限公司,91150702MAAKD60002\n"
        "2,包头市九原储能技术有限公司,91150207MA37DA00FH\n",
        encoding="utf-8-sig",
    )
    again, _ = service.import_list(store, service.prepare(store, csv, "tech_sme", list_date=TECH_SME_DATE))
    second, added, _ = service.make_claims(store, again, award_year=2026)
    store.calculate(second, all_policies)
    assert added == 2 and store.lines(second) == []
    reasons = [x["reason"] for r in store.company_results(second) for x in r.excluded]
    assert any("只享受一次" in why or "不再重复支持" in why for why in reasons), reasons
    assert store.verify_audit().ok


def test_high_tech_list_with_names_only(store, all_policies):
    ids = add_sample_companies(store)
    p = service.prepare(store, HIGH_TECH_LIST, "high_tech", list_date=HIGH_TECH_DATE)
    assert p.problems == [] and p.mapping == {"seq": 1, "company": 2, "number": 3}
    list_id, _ = service.import_list(store, p)
    rows = {e.row_no: e for e in service.entries(store, list_id)}
    assert {r: e.match for r, e in rows.items()} == {3: "name", 4: "name", 5: "", 6: "name", 7: "", 8: "name", 9: ""}
    proposals = service.proposals(store, list_id)
    # 内蒙古包头青山氢能科技有限公司 is proposed, not matched; the branch (row 7) is not even proposed
    assert [x.company_id for x in proposals[rows[5].id]] == [ids[QINGSHAN]]
    assert proposals[rows[7].id] == [] and proposals[rows[9].id] == []
    service.confirm_match(store, rows[5].id, ids[QINGSHAN], proposals[rows[5].id][0].score)
    with pytest.raises(Exception, match="统一社会信用代码"):
        service.create_company(store, rows[9].id)  # a names-only list: the clerk must give the code
    code = "91150502MA0LNT002"
    code += check_character(code)

    batch_id, added, skipped = service.make_claims(store, list_id, award_year=2026)
    assert added == 5 and len(skipped) == 2
    store.calculate(batch_id, all_policies)
    assert _amounts(store, batch_id) == {
        BEIJIANG: {
            "hlb-01-hte-first": D("500000.00"),  # 呼伦贝尔（一）首次获批 50万元 (测算)
            "nmg20-04-hte-first": D("300000.00"),
        },  # 科技兴蒙（四）首次获批 30万元
        LVYUAN: {"hlb-01-hte-repeat": D("150000.00")},  # 2023 已认定: 再次获批 15万元, not first
        QINGSHAN: {"bt-06-hte": D("300000.00"), "nmg20-04-hte-first": D("300000.00")},  # 包头（六）30万元
        KUNLUN: {"bt-06-hte": D("300000.00"), "nmg20-04-hte-first": D("300000.00")},
        YUMI: {"nmg20-04-hte-first": D("300000.00")},
    }
    claim = {l.uscc: l for l in store.lines(batch_id)}[KUNLUN]
    assert claim.claim_key == f"名单{list_id}第6行"  # marked as coming from the list
    # created later with its code and city, the company joins the same draft batch
    cid = service.create_company(store, rows[9].id, uscc=code, city="tongliao")
    assert service.make_claims(store, list_id, batch_id=batch_id)[1] == 1
    store.calculate(batch_id, all_policies)
    assert _amounts(store, batch_id)[code] == {"nmg20-04-hte-first": D("300000.00")}
    assert cid in {r.company_id for r in store.company_results(batch_id)}
    # nobody has confirmed yet: nothing goes onto the disbursement sheet
    with pytest.raises(Exception, match="没有奖补明细"):
        _disbursed(store, batch_id)


def test_list_problems_name_row_and_column_and_nothing_is_written(store, tmp_path):
    bad = tmp_path / "名单.csv"
    bad.write_text(
        "高企名单\n序号,企业名称,统一社会信用代码,认定日期\n1,甲公司,91150702MAAKD60003,2026-11-18\n"
        "2,乙公司,,2026年\n3,甲公司,91150702MAAKD60002,2026-11-18\n",
        encoding="gb18030",
    )
    p = service.prepare(store, bad, "high_tech")
    text = [str(x) for x in p.problems]
    assert any("第3行" in t and "C列" in t and "校验位" in t for t in text), text
    assert any("第4行" in t and "D列" in t and "认定日期" in t for t in text), text
    with pytest.raises(WorkbookError):
        service.import_list(store, p)
    assert service.lists(store) == []


def test_mapping_is_remembered_per_kind(store, tmp_path):
    f = tmp_path / "平台.csv"
    f.write_text(
        "序号,依托单位名称,平台全称,批准文号,批准时间\n1,甲公司,甲重点实验室,内科发〔2026〕1号,2026-05-06\n",
        encoding="utf-8",
    )
    p = service.prepare(store, f, "platforms", platform_kind="key_lab", level="regional")
    assert "platform_name" not in p.mapping  # 平台全称 is not a usual header
    service.remap(store, p, {**p.mapping, "platform_name": 3, "number": 4, "date": 5})
    assert p.problems == [] and p.entries[0].platform_name == "甲重点实验室"
    service.import_list(store, p)
    f2 = tmp_path / "平台2.csv"
    f2.write_text(
        "序号,依托单位名称,平台全称,批准文号,批准时间\n1,乙公司,乙重点实验室,内科发〔2026〕2号,2026-05-07\n",
        encoding="utf-8",
    )
    p2 = service.prepare(store, f2, "platforms", platform_kind="key_lab", level="regional")
    assert p2.mapping["platform_name"] == 3 and p2.entries[0].date == dt.date(2026, 5, 7)


def test_headless_commands(store, db_url, all_policies, capsys, tmp_path):
    add_sample_companies(store)

    def run(*args):
        code = main(["--db", db_url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = run("list", "import", str(HIGH_TECH_LIST), "--kind", "high_tech", "--date", "2026-11-18")
    assert code == 0, err
    assert "共7行，已匹配4家单位，未匹配3行" in out
    code, out, _ = run("list", "match", "1")
    assert "内蒙古包头青山氢能科技有限公司" in out and f"--row 5 --company {QINGSHAN}" in out
    assert run("list", "match", "1", "--row", "5", "--company", QINGSHAN)[0] == 0
    code, out, err = run("list", "claims", "1", "--year", "2026")
    assert code == 0, err
    assert "生成申报事项5项" in out and "合计2,450,000.00元" in out  # 80+15+60+60+30 万元, as worked out above
    sheet = tmp_path / "确认表.xlsx"
    assert run("list", "consent-export", "1", "-o", str(sheet))[0] == 0
    assert run("list", "consent", "1", "--company", KUNLUN, "--answer", "已确认账户")[0] == 0
    out_file = tmp_path / "拨付.xlsx"
    code, out, err = run("disbursement", "1", "-o", str(out_file), "--include-provisional")
    assert code == 0, err
    ws = load_workbook(out_file).active
    usccs = {ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in range(1, ws.max_column + 1)}
    assert KUNLUN in usccs and BEIJIANG not in usccs
    code, out, _ = run("entitled", "--year", "2026", "--json")
    assert code == 0
    # the 高企 awards are in hand (the draft batch); 九原 and 东河 were registered 2024 and 2025 and never paid
    # 包头（六）连续两次入库 5万元
    found = sorted((i["uscc"], i["rule"], i["amount"]) for i in json.loads(out))
    assert found == [(DONGHE, "bt-06-tech-sme-twice", "50000.00"), (JIUYUAN, "bt-06-tech-sme-twice", "50000.00")]
