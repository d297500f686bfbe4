"""计算工具: every calculator tab computes from what the clerk types and shows its steps and clause."""

from decimal import Decimal


def test_every_calculator_tab_is_offered(window):
    page = window.show_page("calculators")
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == [
        "研发投入后补助测算",
        "间接费用比例",
        "技术转让所得税",
        "迁入企业所得税“三免三减半”",
        "国企研发投入加回",
        "职务成果转化奖励",
    ]


def test_tech_transfer_income_tax(window):
    tab = window.show_page("calculators").calculators["tech_transfer_income_tax"]
    tab.fields["income"].setText("800万")
    result = tab.compute()
    # 5,000,000 exempt; 3,000,000 halved = 1,500,000 taxable at 25% = 375,000
    assert result.outputs["tax"] == Decimal("375000.00")
    text = tab.output.toPlainText()
    assert "免征部分" in text and "政策依据" in text and tab.error.text() == ""


def test_soe_rd_addback(window):
    tab = window.show_page("calculators").calculators["soe_rd_addback"]
    tab.fields["rd_expense"].setText("1,200,000")
    tab.fields["previous_rd_expense"].setText("100万")
    tab.fields["profit"].setText("5000000")
    result = tab.compute()
    # 1,000,000 + 200,000 × 150% = 1,300,000 added back
    assert result.outputs["addback"] == Decimal("1300000.00")
    assert result.outputs["assessed_profit"] == Decimal("6300000.00")


def test_job_invention_reward(window):
    tab = window.show_page("calculators").calculators["job_invention_reward"]
    tab.fields["net_income"].setText("200万")
    tab.fields["annual_profit"].setText("")
    result = tab.compute()
    assert result.outputs["min_reward_transfer"] > 0
    assert "主要贡献人员" in tab.output.toPlainText()


def test_a_bad_input_is_explained_not_raised(window):
    tab = window.show_page("calculators").calculators["tech_transfer_income_tax"]
    tab.fields["income"].setText("八百万")
    assert tab.compute() is None
    assert tab.error.text()
