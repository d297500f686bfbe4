"""The company page's editors ask for the platform's name where its identity decides money (core.platform_names).

包头市《二十五条政策措施》（包党发〔2021〕24号）（八） bt-08-national-key-lab: 10,000,000 a year per lab for 5 years.
"""

from gui_support import sample_batch
from test_companies_screen import _open

LAB = "bt-08-national-key-lab"


def test_bt_8_a_payment_typed_in_asks_for_the_lab_name_and_a_title_does_not(window, qtbot, asker):
    sample_batch(window, calculated=False)
    _, panel = _open(window, qtbot, "呼伦贝尔北疆乳业")
    dialog = panel.add_ledger_entry()
    rules = dialog.fields["rule"]
    rules.setCurrentIndex(rules.findData(LAB))
    dialog.fields["year"].setText("2025")
    dialog.fields["amount"].setText("1000万")
    dialog.fields["note"].setText("原拨付文件 包科发〔2025〕3号")
    dialog.subject_fields["number"].setText("N-001")
    assert not dialog.ok_button.isEnabled()  # a number alone does not say which lab
    dialog.accept()
    assert dialog.isVisible() and "请填写平台或载体名称" in dialog.error.text()
    dialog.subject_fields["name"].setText("稀土新材料全国重点实验室")
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    (award,) = [a for a in panel.award_model.rows if a.batch_id is None]
    assert award.subject == "recognition:key_lab:national:name=稀土新材料全国重点实验室"
    # a title's award (呼伦贝尔（一） first 高企) names no platform
    title = panel.add_ledger_entry()
    title.fields["rule"].setCurrentIndex(title.fields["rule"].findData("hlb-01-hte-first"))
    title.fields["year"].setText("2024")
    title.fields["amount"].setText("50万")
    title.fields["note"].setText("呼科发〔2024〕1号")
    assert title.ok_button.isEnabled()
    title.reject()


def test_bt_8_a_lab_without_its_name_is_refused_in_the_history_editor(window, qtbot, asker):
    sample_batch(window, calculated=False)
    _, panel = _open(window, qtbot, "呼伦贝尔北疆乳业")
    before = len(panel.detail.recognitions)
    dialog = panel.add_recognition()
    dialog.fields["kind"].setCurrentIndex(dialog.fields["kind"].findData("key_lab"))
    dialog.fields["level"].setCurrentIndex(dialog.fields["level"].findData("national"))
    dialog.fields["date"].setText("2024-03-01")
    dialog.fields["number"].setText("N-002")
    dialog.accept()
    assert dialog.isVisible() and "请填写平台或载体名称" in dialog.error.text()
    dialog.fields["name"].setText("稀土新材料全国重点实验室")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert len(panel.detail.recognitions) == before + 1
