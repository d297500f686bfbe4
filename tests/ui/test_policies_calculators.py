"""The 政策 and 计算工具 screens, driven offscreen."""

from decimal import Decimal


def test_policy_models_pass_the_model_tester(window, qtmodeltester):
    page = window.show_page("policies")
    qtmodeltester.check(page.doc_model)
    qtmodeltester.check(page.rule_model)
    qtmodeltester.check(page.cov_model)


def test_selecting_a_rule_shows_its_sentence_and_cited_parameters(window):
    page = window.show_page("policies")
    docs = page.doc_model.rows
    row = next(i for i, d in enumerate(docs) if d.id == "hlb-2025-draft")
    page.docs.selectRow(row)
    rule_row = next(i for i, r in enumerate(page.rule_model.rows) if r.id == "hlb-12-tech-contract")
    page.rules.selectRow(rule_row)
    html = page.detail.toPlainText()
    assert "按技术交易额5%给予补贴" in html
    assert "单个技术合同最高补贴50万元" in html and "500,000.00元" in html


def test_rd_estimate_for_hulunbuir(window):
    page = window.show_page("calculators")
    tab = page.rd
    tab.year.setValue(2026)
    tab.city.setCurrentIndex(tab.city.findData("hulunbuir"))
    tab.rd_prev.setText("2,000,000")
    tab.rd_last.setText("350万")
    result = tab.compute()
    # 呼伦贝尔（二）: (3,500,000 − 2,000,000) × 5% = 75,000
    assert result.total == Decimal("75000.00")
    assert "75,000.00" in tab.output.toPlainText()


def test_rd_estimate_refuses_bad_amount(window):
    tab = window.show_page("calculators").rd
    tab.rd_prev.setText("两百万")
    assert tab.compute() is None
    assert "无法识别的金额" in tab.error.text()


def test_indirect_cost_calculator_shows_its_steps(window):
    page = window.show_page("calculators")
    tab = page.calculators["indirect_cost_tiers"]
    tab.fields["direct_costs"].setText("13000000")
    tab.fields["equipment_costs"].setText("100万")
    result = tab.compute()
    # 科技兴蒙（二十三）: 12,000,000 → 1,500,000 + 1,250,000 + 400,000
    assert result.outputs["indirect_max"] == Decimal("3150000.00")
    assert "超额累进" in tab.output.toPlainText()


def test_relocated_cit_calculator(window):
    tab = window.show_page("calculators").calculators["relocated_cit"]
    tab.fields["first_revenue_year"].setValue(2024)
    for edit, amount in zip(
        tab.fields["cit_by_year"], ["1000000", "1000000", "2000000", "2000000", "3000000", "3000000"]
    ):
        edit.setText(amount)
    result = tab.compute()
    # 40% local share: years 1-3 exempt 1,600,000; years 4-6 halved 1,600,000
    assert result.outputs["total_relief"] == Decimal("3200000.00")


def test_window_remembers_the_page(window, qtbot):
    window.show_page("calculators")
    window.close()
    assert window.ctx.settings.value("window/page") == "calculators"


def test_enter_runs_the_calculation_and_the_working_prints_and_exports(window, qtbot, asker, tmp_path):
    """Issue 15: Enter in a field runs 测算; the working can be printed and saved as a PDF."""
    from PySide6.QtCore import Qt

    page = window.show_page("calculators")
    tab = page.rd
    asker.answers = []
    assert not tab.pdf_button.click() and asker.asked[-1][0] == "info"  # nothing worked out yet
    tab.city.setCurrentIndex(tab.city.findData("hulunbuir"))
    tab.rd_prev.setText("2,000,000")
    tab.rd_last.setText("350万")
    qtbot.keyClick(tab.rd_last, Qt.Key.Key_Return)
    assert "增量 1,500,000.00 元" in tab.output.toPlainText()
    printed = tmp_path / "printed.pdf"
    asker.answers = [str(printed)]
    tab.print_button.click()
    assert printed.exists() and printed.stat().st_size > 1000
    saved = tmp_path / "测算"
    asker.answers = [str(saved)]
    tab.pdf_button.click()
    assert (tmp_path / "测算.pdf").exists()
    assert asker.asked[-1] == ("saved", "导出计算过程", f"已导出计算过程：\n{tmp_path / '测算.pdf'}")
