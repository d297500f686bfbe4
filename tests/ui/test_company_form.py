"""The company form (issue 15): 旗县区 from the controlled list (old spellings mapped), phone checked, date pickers."""

import datetime as dt

from PySide6.QtCore import QDate

from core.uscc import check_character
from gui_support import settle


def new_company(window, qtbot):
    page = window.show_page("companies")
    settle(qtbot)
    dialog = page.add_company()
    first17 = "91150722MA0Q1234X"
    dialog.fields["uscc"].setText(first17 + check_character(first17))
    dialog.fields["name"].setText("莫旗大豆科技有限公司")
    dialog.fields["size"].setCurrentIndex(dialog.fields["size"].findData("small_micro"))
    return page, dialog


def test_county_follows_the_city_and_old_spellings_are_saved_as_the_standard_name(qtbot, window, asker):
    page, dialog = new_company(window, qtbot)
    county = dialog.fields["county"]
    county.setText("莫旗")
    assert county.problem == "请先选择所属盟市" and not dialog.ok_button.isEnabled()
    dialog.fields["city"].setCurrentIndex(dialog.fields["city"].findData("hulunbuir"))
    assert county.ok and county.value == "莫力达瓦达斡尔族自治旗" and county.hint == "即“莫力达瓦达斡尔族自治旗”"
    model = county.completer().model()
    assert [model.index(i, 0).data() for i in range(model.rowCount())][:3] == ["海拉尔区", "扎赉诺尔区", "阿荣旗"]
    county.setText("莫力达瓦旗县")
    assert not county.ok and "不是呼伦贝尔市的旗县区" in county.problem and not dialog.ok_button.isEnabled()
    county.setText("莫旗")
    dialog.accept()
    settle(qtbot)
    assert page.panel.detail.company.county == "莫力达瓦达斡尔族自治旗"


def test_phone_must_look_like_a_phone_number(qtbot, window, asker):
    _page, dialog = new_company(window, qtbot)
    dialog.fields["city"].setCurrentIndex(dialog.fields["city"].findData("hulunbuir"))
    phone = dialog.fields["phone"]
    phone.setText("abc-123")
    assert not phone.ok and "电话只能含数字" in phone.problem and not dialog.ok_button.isEnabled()
    phone.setText("123")
    assert not phone.ok and "位数不对" in phone.problem
    for good in ("0470-8221234", "13912345678", "0470-8221234转801", "(0470) 8221234"):
        phone.setText(good)
        assert phone.ok, good
    assert dialog.ok_button.isEnabled()


def test_date_fields_have_a_calendar(qtbot, window, asker):
    from gui_support import sample_batch

    sample_batch(window)
    page = window.show_page("companies")
    settle(qtbot)
    panel = page.open_company(page.model.company_id(0))
    dialog = panel.add_recognition()
    date = next(w for name, w in dialog.fields.fields.items() if getattr(w, "calendar_action", None) is not None)
    date.setText("2025-11-20")
    popup = date.pick_date()
    assert popup.selectedDate() == QDate(2025, 11, 20)
    popup.clicked.emit(QDate(2026, 3, 1))
    assert date.text() == "2026-03-01" and date.value == dt.date(2026, 3, 1)
    assert not popup.isVisible()
    dialog.reject()


def test_a_duplicate_company_is_merged_from_the_list(qtbot, window, asker):
    from core.records import CompanyProfile

    store = window.ctx.store
    real = store.add_company(
        CompanyProfile("91150702MA0N8XKQ26", "呼伦贝尔合同测试科技有限公司", "hulunbuir", "海拉尔区", "small_micro")
    )
    dup_code = "91150781MA0Q1234X"[:17]
    dup = store.add_company(
        CompanyProfile(
            dup_code + check_character(dup_code),
            "呼伦贝尔合同测试科技公司（重复）",
            "hulunbuir",
            "海拉尔区",
            "small_micro",
        )
    )
    store.add_tech_sme(dup, 2025)
    page = window.show_page("companies")
    page.search()
    settle(qtbot)
    page.view.selectRow(page.model.row_of(dup))
    asker.answers = ["91150702MA0N8XKQ26", True]
    assert page.merge_current()
    settle(qtbot)
    assert store.company_id(dup_code + check_character(dup_code)) is None
    assert [t.year for t in store.company_detail(real).tech_sme] == [2025]
    assert "移入1条记录" in window.status.text()
