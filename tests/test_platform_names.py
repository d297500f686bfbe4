"""A platform record where the platform's identity decides money names the platform, at every input that is not the
store (core.platform_names): the workbook's 申报-认定、获批 and 历史-认定记录 sheets and an official platform list.

Hand-worked on 包头市《二十五条政策措施》（包党发〔2021〕24号）（八） “获批建设国家重点实验室……每年分别给予1000万元资金
支持，连续支持5年” (bt-08-national-key-lab): a lab approved in 2026 is paid 10,000,000 for 2026 when named, and
refused at input, naming sheet, row, column and reason, when not. The store's own inputs (the company history
editor, hand-typed ledger entries) are tested in tests/store/test_platform_names_store.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook
from test_excel_reader import B, RECOGNITION, valid_workbook

from core.engine import Context, evaluate
from core.engine.registries import load_policies
from core.excel.layout import RECOGNITIONS_SHEET
from core.excel.problems import WorkbookError
from core.excel.reader import read_workbook
from core.lists.mapping import find_header, guess_mapping, read_entries
from core.lists.read import read_list
from core.platform_names import name_problem, platform_kinds
from core.vocabulary import load_vocabulary
from excel_support import company_cases, put, save

POLICIES = load_policies()
LAB = "bt-08-national-key-lab"
YEARLY = Decimal("10000000.00")  # （八）“每年分别给予1000万元资金支持”
REASON = "请填写平台或载体名称"
NAME_HEADER = "平台或载体名称"
# 包头乙新材料有限公司 (baotou, on valid_workbook's 企业信息) claims a national key lab approved in 2026.
LAB_CLAIM = {"统一社会信用代码": B, "认定类别": "重点实验室", "级别": "国家级", "认定/获批日期": "2026-05-01"}


def _problems(path) -> list:
    with pytest.raises(WorkbookError) as refused:
        read_workbook(path)
    return refused.value.problems


def _column_of(ws, header: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value and str(c.value).startswith(header))


def test_platform_kinds_come_from_the_rule_data():
    """Platforms: the kinds of rules paying a platform for years (（八） key_lab, 科技兴蒙（八） field_station) or
    'newly' per platform (（八） enterprise_tech_center: 一次性给予200万元, newly_per_platform). Not: 高新技术企业,
    a company title; 创新引领型民营企业 (（六）, once per subject but 'newly' per company); 国审农牧业新品种."""
    kinds = platform_kinds(POLICIES)
    assert {"key_lab", "field_station", "enterprise_tech_center", "high_tech_zone"} <= kinds
    assert kinds.isdisjoint({"high_tech", "innovation_leading_private", "new_crop_variety", "gi_trademark"})
    assert POLICIES.rules[LAB].years is not None and "key_lab" in POLICIES.rules[LAB].kind_filter
    assert name_problem("key_lab", "  ", POLICIES).startswith(REASON)
    assert name_problem("key_lab", "稀土新材料全国重点实验室", POLICIES) is None
    assert name_problem("high_tech", "", POLICIES) is None


def test_bt_8_a_named_lab_claim_is_read_and_paid_10_000_000_for_2026(tmp_path):
    wb = valid_workbook()
    put(wb[RECOGNITION], {**LAB_CLAIM, NAME_HEADER: "稀土新材料全国重点实验室"})
    data = read_workbook(save(wb, tmp_path / "named.xlsx"))
    (case,) = [c for c in company_cases(data) if c.company.uscc == B]
    (result,) = evaluate([case], Context(POLICIES, 2026))
    assert [(l.rule.id, l.amount) for l in result.lines if l.rule.id == LAB] == [(LAB, YEARLY)]


def test_bt_8_an_unnamed_lab_claim_is_refused_at_import_naming_sheet_row_and_column(tmp_path):
    """The claim the old strict xfail of tests/test_laws_window.py started from (a lab known only by its number,
    N-002) and one with neither name nor number: each refused at its 平台或载体名称 cell, and nothing is imported."""
    wb = valid_workbook()
    first = put(wb[RECOGNITION], {**LAB_CLAIM, "证书或文件编号": "N-002"})
    second = put(wb[RECOGNITION], {**LAB_CLAIM, "认定/获批日期": "2026-06-01"})
    problems = _problems(save(wb, tmp_path / "unnamed.xlsx"))
    column = _column_of(wb[RECOGNITION], NAME_HEADER)
    assert [(p.sheet, p.row, p.cell, p.header) for p in problems] == [
        (RECOGNITION, first, f"{column}{first}", NAME_HEADER),
        (RECOGNITION, second, f"{column}{second}", NAME_HEADER),
    ]
    assert all(p.reason.startswith(REASON) and "证书编号可不填" in p.reason for p in problems)


def test_bt_8_an_unnamed_lab_on_file_is_refused_and_a_company_title_is_not(tmp_path):
    """历史-认定记录: a national key lab approved 2024 without a name would start (八)'s 5 years for any lab of the
    company; it is refused at its cell. valid_workbook's 高新技术企业 row (a title, no name) is read as before."""
    wb = valid_workbook()
    row = put(
        wb[RECOGNITIONS_SHEET],
        {"统一社会信用代码": B, "认定类别": "重点实验室", "级别": "国家级", "认定日期": "2024-03-01"},
    )
    (problem,) = _problems(save(wb, tmp_path / "history.xlsx"))
    column = _column_of(wb[RECOGNITIONS_SHEET], NAME_HEADER)
    assert (problem.sheet, problem.row, problem.cell) == (RECOGNITIONS_SHEET, row, f"{column}{row}")
    assert problem.reason.startswith(REASON)
    put(wb[RECOGNITIONS_SHEET], {NAME_HEADER: "稀土新材料全国重点实验室"}, row=row)
    data = read_workbook(save(wb, tmp_path / "history-named.xlsx"))
    assert {r.kind: r.name for u, r in data.recognitions if u == B} == {
        "high_tech": "",
        "key_lab": "稀土新材料全国重点实验室",
    }


def _platform_list(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    for r in [["2026年自治区重点实验室认定名单"], ["序号", "实验室名称", "依托单位", "类别"], *rows]:
        ws.append(r)
    wb.save(path)
    raw = read_list(path)
    header = find_header(raw.rows, "platforms")
    mapping = guess_mapping(header, "platforms")
    return read_entries(raw, header, mapping, "platforms", load_vocabulary(), list_date=dt.date(2026, 5, 6))


def test_an_official_platform_list_row_without_the_platform_name_is_refused(tmp_path):
    """A key lab's row of a platform list names its lab (包头（八）, 呼伦贝尔（三） …); one that does not is a
    problem at its 实验室名称 cell, as any row the list cannot use; a named row is read."""
    entries, problems = _platform_list(
        tmp_path / "平台.xlsx",
        [[1, "甲重点实验室", "甲公司", "自治区级重点实验室"], [2, None, "乙公司", "自治区级重点实验室"]],
    )
    assert [(e.company_name, e.platform_name) for e in entries] == [("甲公司", "甲重点实验室")]
    (problem,) = problems
    assert (problem.sheet, problem.cell, problem.header) == ("名单", "B4", "实验室名称")
    assert problem.reason.startswith(REASON)
