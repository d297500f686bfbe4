"""Reading a list file as published: xlsx through the safety checks, csv in either encoding, xls refused when it
is not one; headers found below a title; every problem named by row and column."""

import datetime as dt

import pytest
from openpyxl import Workbook

from core.excel.problems import WorkbookRefused
from core.lists.mapping import (
    find_header,
    guess_mapping,
    parse_platform_kind,
    read_entries,
)
from core.lists.read import read_list
from core.vocabulary import load_vocabulary


def _xlsx(path, rows, hide_row=None):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if hide_row:
        ws.row_dimensions[hide_row].hidden = True
    wb.save(path)
    return path


def test_title_header_and_platform_kinds(tmp_path):
    path = _xlsx(
        tmp_path / "平台.xlsx",
        [
            ["2026年自治区重点实验室认定名单"],
            [],
            ["序号", "实验室名称", "依托单位", "类别"],
            [1, "甲重点实验室", "甲公司", "自治区级重点实验室"],
            [2, "乙众创空间", "乙公司", "国家级众创空间"],
        ],
    )
    raw = read_list(path)
    header = find_header(raw.rows, "platforms")
    assert header.row == 3 and header.title == "2026年自治区重点实验室认定名单"
    mapping = guess_mapping(header, "platforms")
    assert mapping == {"seq": 1, "platform_name": 2, "company": 3, "platform_kind": 4}
    entries, problems = read_entries(
        raw, header, mapping, "platforms", load_vocabulary(), list_date=dt.date(2026, 5, 6)
    )
    assert problems == []
    assert [(e.platform_kind, e.level) for e in entries] == [("key_lab", "regional"), ("maker_space", "national")]


def test_hidden_row_and_bidi_text_are_problems(tmp_path):
    path = _xlsx(
        tmp_path / "名单.xlsx", [["序号", "企业名称"], [1, "甲公司"], [2, "\u202e司公乙"], [3, "丙公司"]], hide_row=4
    )
    raw = read_list(path)
    text = [str(p) for p in raw.problems]
    assert any("第3行" in t and "B列" in t and "方向" in t for t in text), text
    assert any("第4行" in t and "隐藏" in t for t in text), text


def test_csv_in_gb18030_and_a_false_xls(tmp_path):
    csv = tmp_path / "名单.csv"
    csv.write_bytes("序号,企业名称\n1,甲公司\n".encode("gb18030"))
    assert read_list(csv).rows[1] == (2, ["1", "甲公司"])
    fake = tmp_path / "名单.xls"
    fake.write_text("序号,企业名称\n", encoding="utf-8")
    with pytest.raises(WorkbookRefused, match="不是Excel 97-2003工作簿"):
        read_list(fake)


def test_unknown_platform_kind():
    vocab = load_vocabulary()
    assert parse_platform_kind("自治区级技术创新中心", vocab) == ("innovation_center", "regional")
    assert parse_platform_kind("什么平台", vocab) == ("", "")


def test_xls_reads_as_its_xlsx(tmp_path):
    """tests/data/高企名单样例.xls is resources/samples/高新技术企业认定名单样例.xlsx saved as Excel 97-2003 by LibreOffice."""
    from core.paths import ROOT

    xls = read_list(ROOT / "tests" / "data" / "高企名单样例.xls")
    xlsx = read_list(ROOT / "resources" / "samples" / "高新技术企业认定名单样例.xlsx")
    assert xls.problems == [] and xls.sheet == xlsx.sheet == "名单"
    assert [values[:3] for _, values in xls.rows] == [values[:3] for _, values in xlsx.rows]
