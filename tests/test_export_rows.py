"""Issue 15, exports: two identical rows of one company name their claims; a sheet without the draft's lines says so;
the 公示名单 names the bureau to object to."""

import dataclasses

from core.excel.disbursement_sheet import build_disbursement_sheet
from core.excel.export_common import left_out_note
from core.excel.publicity_list import build_publicity_list
from excel_support import batch_record, simple_line, uscc


def twin_lines():
    """One company claiming the same item (测试项目1) on rows 2 and 5 of the workbook: 100,000 each."""
    a = dataclasses.replace(simple_line(1, "100000.00", code=uscc(1)), claim_key="申报-技术合同第2行")
    b = dataclasses.replace(a, line_no=2, claim_key="申报-技术合同第5行")
    other = simple_line(3, "5000.00", code=uscc(3))
    return [a, b, other]


def items(ws, column: int):
    return [r[column] for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]


def test_identical_rows_of_one_company_name_their_claims():
    ws = build_disbursement_sheet(batch_record(), twin_lines()).active
    assert items(ws, 5) == ["测试项目1（申报-技术合同第2行）", "测试项目1（申报-技术合同第5行）", "测试项目3"]
    ws = build_publicity_list(batch_record(), twin_lines()).active
    assert items(ws, 3) == ["测试项目1（申报-技术合同第2行）", "测试项目1（申报-技术合同第5行）", "测试项目3"]


def test_a_sheet_without_the_drafts_lines_says_how_many_were_left_out():
    ws = build_disbursement_sheet(batch_record(), twin_lines(), left_out=4).active
    cells = [c for r in ws.iter_rows(values_only=True) for c in r if c]
    assert left_out_note(4) in cells
    assert left_out_note(4) == "注：本批次另有4条奖补依据征求意见稿测算，文件正式印发前不得拨付或公示，未列入本表。"
    assert left_out_note(0) == ""


def test_publicity_names_the_bureau_and_its_contact_or_leaves_room_to_write():
    filled = build_publicity_list(
        batch_record(), twin_lines(), contact_unit="呼伦贝尔市科学技术局", contact="联系人：王敏，电话：0470-8221234。"
    ).active
    cells = [c for r in filled.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert any(c.endswith("请向呼伦贝尔市科学技术局反映，联系人：王敏，电话：0470-8221234。") for c in cells)
    blank = build_publicity_list(batch_record(), twin_lines()).active
    cells = [c for r in blank.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert any(c.endswith("请向　　　　　　　　反映，联系电话：　　　　　　　　。") for c in cells)
