"""企业档案: the lazy company model, search as you type, filters, and the company record with checked edits."""

import datetime as dt
from decimal import Decimal
import time

from gui_support import sample_batch, settle

from core.store.companies import CompanyRow
from core.uscc import check_character
from gui.models.companies import PAGE, CompanyTableModel


def fake_rows(ids):
    return [
        CompanyRow(
            i, f"91150700{i:09d}"[:17] + "X", f"单位{i:06d}", "hulunbuir", "海拉尔区", "medium", "", "", "", "", ""
        )
        for i in ids
    ]


def test_company_model_passes_the_model_tester(qtmodeltester):
    model = CompanyTableModel(fake_rows)
    model.set_ids(range(1, 1001))
    qtmodeltester.check(model)


def test_company_model_fetches_only_the_pages_it_shows_of_100000_rows(qtbot):
    asked = []

    def fetch(ids):
        asked.append(len(ids))
        return fake_rows(ids)

    model = CompanyTableModel(fetch)
    t = time.perf_counter()
    model.set_ids(range(1, 100_001))
    assert model.rowCount() == 100_000
    assert model.index(99_999, 0).data() == "单位100000"
    assert model.index(0, 1).data().startswith("91150700")
    assert model.index(50_000, 0).data() == "单位050001"
    assert model.index(50_001, 0).data() == "单位050002"  # same page: no new fetch
    assert asked == [PAGE, PAGE, PAGE]
    assert time.perf_counter() - t < 0.5
    # an unreadable page shows empty cells instead of raising
    model.fetch_rows = lambda ids: 1 / 0
    model.set_ids([1, 2])
    assert model.index(0, 0).data() is None and model.index(5, 0).data() is None


def test_company_view_stays_smooth_with_100000_rows(qtbot):
    from PySide6.QtWidgets import QTableView

    model = CompanyTableModel(fake_rows)
    model.set_ids(range(1, 100_001))
    view = QTableView()
    view.verticalHeader().setDefaultSectionSize(26)
    from PySide6.QtWidgets import QHeaderView

    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    t = time.perf_counter()
    for row in (0, 25_000, 50_000, 99_999, 10):
        view.scrollTo(model.index(row, 0))
        view.repaint()
    assert time.perf_counter() - t < 1.0


def test_search_as_you_type_and_filters(window, qtbot):
    sample_batch(window, calculated=False)
    page = window.show_page("companies")
    settle(qtbot)
    assert page.model.rowCount() == 30 and page.count.text() == "共30家"
    for ch in "呼伦贝尔":  # typed one character at a time (QTest cannot type Chinese)
        page.search_edit.insert(ch)
        assert page.debounce.isActive()  # waits for the clerk to stop typing
    assert page.model.rowCount() == 30
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    names = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert all("呼伦贝尔" in n for n in names)
    page.search_edit.clear()
    page.search_edit.setText("91150702MAAKD6")  # part of a USCC
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert page.model.index(0, 0).data() == "呼伦贝尔北疆乳业科技有限公司"
    page.search_edit.clear()
    settle(qtbot)
    page.city.setCurrentIndex(page.city.findData("baotou"))
    settle(qtbot)
    assert page.model.rowCount() == 10 and {page.model.index(r, 2).data() for r in range(10)} == {"包头市"}
    assert page.county.findData("稀土高新区") > 0 and page.county.findData("海拉尔区") < 0
    page.county.setCurrentIndex(page.county.findData("稀土高新区"))
    settle(qtbot)
    assert page.model.rowCount() == 2
    page.county.setCurrentIndex(0)
    page.city.setCurrentIndex(0)
    settle(qtbot)
    page.size.setCurrentIndex(page.size.findData("large"))
    settle(qtbot)
    assert {page.model.index(r, 4).data() for r in range(page.model.rowCount())} == {"大型企业"}
    page.size.setCurrentIndex(0)
    page.qualification.setCurrentIndex(1)  # 有效期内高新技术企业 (today)
    settle(qtbot)
    store = window.ctx.store
    from core.store import CompanyFilter

    assert page.model.rowCount() == len(store.search_companies(CompanyFilter(holds_valid="high_tech")))


def _open(window, qtbot, name):
    page = window.show_page("companies")
    settle(qtbot)
    page.search_edit.setText(name)
    page.search()
    settle(qtbot)
    assert page.model.rowCount() == 1
    page.view.selectRow(0)
    panel = page.open_current()
    assert page.stack.currentWidget() is panel
    return page, panel


def test_company_record_shows_profile_and_timeline(window, qtbot):
    batch_id = sample_batch(window)
    window.ctx.store.approve(batch_id, "张三", "李四", allow_provisional=True)
    page, panel = _open(window, qtbot, "呼伦贝尔北疆乳业")
    assert "呼伦贝尔北疆乳业科技有限公司" in panel.title.text()
    assert panel.fields["uscc"].text() == "91150702MAAKD60002"
    kinds = {panel.timeline_model.index(r, 1).data() for r in range(panel.timeline_model.rowCount())}
    assert {"认定", "研发投入", "奖补"} <= kinds
    awards = panel.award_model.rows
    assert awards and all(a.batch_id == batch_id for a in awards)
    assert "累计" in panel.awards.note.text()


def test_profile_edits_are_checked_as_typed(window, qtbot, asker):
    sample_batch(window, calculated=False)
    page, panel = _open(window, qtbot, "呼伦贝尔北疆乳业")
    assert not panel.save_button.isEnabled()
    uscc = panel.fields["uscc"]
    uscc.setText("91150702MAAKD6000")
    assert not uscc.ok and "18位" in uscc.message.text()
    uscc.setText("91150702MAAKD60003")
    assert "校验位错误" in uscc.message.text() and "“2”" in uscc.message.text()
    assert not panel.save_button.isEnabled()
    uscc.setText("91150702maakd60002")  # lower case is normalised
    assert uscc.ok
    panel.fields["name"].setText("")
    assert not panel.save_button.isEnabled() and panel.fields["name"].problem == "请填写企业名称"
    assert "需要改正" in panel.profile_note.text()
    panel.fields["name"].setText("呼伦贝尔北疆乳业科技股份有限公司")
    panel.fields["phone"].setText("0470-8000000")
    assert panel.save_button.isEnabled() and panel.profile_changes() == {
        "name": "呼伦贝尔北疆乳业科技股份有限公司",
        "phone": "0470-8000000",
    }
    assert panel.save_profile()
    row = window.ctx.store.company_rows([panel.company_id])[0]
    assert (row.name, row.phone) == ("呼伦贝尔北疆乳业科技股份有限公司", "0470-8000000")
    assert "已保存" in panel.profile_note.text()
    # the list shows the new name without searching again
    assert page.model.index(page.model.row_of(panel.company_id), 0).data() == "呼伦贝尔北疆乳业科技股份有限公司"
    # leaving with unsaved changes asks first
    panel.fields["contact"].setText("新联系人")
    asker.answers = [False]
    page.show_list()
    assert page.stack.currentWidget() is panel
    asker.answers = [True]
    page.show_list()
    assert page.stack.currentWidget() is page.listing


def test_history_added_edited_and_deleted_with_confirmation(window, qtbot, asker):
    sample_batch(window, calculated=False)
    page, panel = _open(window, qtbot, "呼伦贝尔北疆乳业")
    before = len(panel.detail.recognitions)
    dialog = panel.add_recognition()
    assert not dialog.ok_button.isEnabled()  # no date yet
    dialog.fields["date"].setText("2026年2月30日")
    assert not dialog.fields["date"].ok and "不是有效日期" in dialog.fields["date"].message.text()
    dialog.fields["date"].setText("2025/6/18")
    assert dialog.fields["date"].ok and dialog.ok_button.isEnabled()
    dialog.fields["kind"].setCurrentIndex(dialog.fields["kind"].findData("key_lab"))
    dialog.fields["level"].setCurrentIndex(dialog.fields["level"].findData("regional"))
    dialog.fields["number"].setText("内科发〔2025〕18号")
    dialog.fields["name"].setText("内蒙古自治区乳品加工重点实验室")  # the platform's name: what 'newly' tells it by
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert len(panel.detail.recognitions) == before + 1
    added = next(i for i in panel.detail.recognitions if i.recognition.number == "内科发〔2025〕18号")
    assert added.recognition.date == dt.date(2025, 6, 18) and added.recognition.kind == "key_lab"
    assert added.recognition.name == "内蒙古自治区乳品加工重点实验室"
    # the same certificate again is refused in the dialog, which stays open
    again = panel.add_recognition()
    again.fields["date"].setText("2025-06-18")
    again.fields["kind"].setCurrentIndex(again.fields["kind"].findData("key_lab"))
    again.fields["level"].setCurrentIndex(again.fields["level"].findData("regional"))
    again.fields["number"].setText("内科发〔2025〕18号")
    again.accept()
    assert again.isVisible() and "已有" in again.error.text()
    again.reject()
    # R&D of a year: money checked as typed
    rd = panel.add_rd_year()
    rd.fields["year"].setText("2019")
    rd.fields["expense"].setText("两百万")
    assert not rd.ok_button.isEnabled() and "无法识别" in rd.fields["expense"].message.text()
    rd.fields["expense"].setText("120万")
    assert rd.fields["expense"].message.text() == "= 1,200,000.00 元"
    rd.accept()
    assert any(i.rd.year == 2019 and i.rd.expense == Decimal("1200000") for i in panel.detail.rd)
    # deleting asks; declining keeps the record
    row = panel.recognition_model.rows.index(next(i for i in panel.recognition_model.rows if i.id == added.id))
    panel.recognitions.select(row)
    asker.answers = [False]
    assert not panel.delete_recognition()
    assert any(i.id == added.id for i in panel.detail.recognitions)
    asker.answers = [True]
    assert panel.delete_recognition()
    assert not any(i.id == added.id for i in panel.detail.recognitions)
    assert asker.asked[-1][0] == "confirm" and "删除" in asker.asked[-1][2]


def test_new_company_dialog(window, qtbot):
    page = window.show_page("companies")
    settle(qtbot)
    dialog = page.add_company()
    first17 = "91150702MA0Q1234X"
    dialog.fields["uscc"].setText(first17 + "0")
    assert not dialog.ok_button.isEnabled()
    dialog.fields["uscc"].setText(first17 + check_character(first17))
    dialog.fields["name"].setText("呼伦贝尔新建科技有限公司")
    assert dialog.fields["city"].currentText() == "请选择所属盟市"  # no default city or size (issue 15)
    assert not dialog.ok_button.isEnabled()
    dialog.fields["city"].setCurrentIndex(dialog.fields["city"].findData("hulunbuir"))
    assert not dialog.ok_button.isEnabled() and "请选择企业规模" in dialog.error.text() + " ".join(
        dialog.fields.problems()
    )
    dialog.fields["size"].setCurrentIndex(dialog.fields["size"].findData("small_micro"))
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    settle(qtbot)
    assert page.panel is not None and page.stack.currentWidget() is page.panel
    assert page.panel.detail.company.name == "呼伦贝尔新建科技有限公司"
    assert window.ctx.store.company_id(first17 + check_character(first17)) == dialog.result_value


def test_an_empty_list_says_what_to_do(window, qtbot):
    page = window.show_page("companies")
    settle(qtbot)
    assert page.model.rowCount() == 0 and "载入演示数据" in page.empty_hint.text()
    sample_batch(window, calculated=False)
    settle(qtbot)
    assert page.empty_hint.isHidden()
    page.search_edit.setText("没有这家")
    page.search()
    settle(qtbot)
    assert "没有符合条件" in page.empty_hint.text()


def test_an_award_typed_in_from_paper_records_names_its_subject_and_is_deducted(window, qtbot, asker):
    """录入历史奖补 asks what the award paid for as the rule's claims name it, so a later claim of the same
    contract meets it. Hulunbuir（十二）: 8,000,000 × 5% = 400,000, less 300,000 paid in 2025 = 100,000."""
    from core.casefile import parse_claim

    sample_batch(window, calculated=False)
    page, panel = _open(window, qtbot, "呼伦贝尔北疆乳业")
    dialog = panel.add_ledger_entry()
    rules = dialog.fields["rule"]
    rules.setCurrentIndex(rules.findData("hlb-14-alliance"))
    kinds = dialog.subject_fields["kind"]
    assert [kinds.itemData(i) for i in range(kinds.count())] == ["industry_alliance"]
    levels = dialog.subject_fields["level"]
    assert [levels.itemData(i) for i in range(levels.count())] == ["national", "regional"]
    dialog.subject_fields["name"].setText("蒙东乳业产业技术创新战略联盟")
    assert dialog.subject_label.text().startswith(
        "计作：国家级产业技术创新战略联盟（牵头单位）“蒙东乳业产业技术创新战略联盟”"
    )
    rules.setCurrentIndex(rules.findData("hlb-12-tech-contract"))
    assert list(dialog.subject_fields.fields) == ["number"]
    dialog.fields["year"].setText("2025")
    dialog.fields["amount"].setText("30万")
    dialog.fields["note"].setText("原拨付文件 呼科发〔2025〕8号")
    assert not dialog.ok_button.isEnabled()  # the contract number is required
    dialog.subject_fields["number"].setText("HT-2025-01")
    assert dialog.ok_button.isEnabled() and dialog.subject_label.text().startswith("计作：技术合同HT-2025-01")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    (award,) = [a for a in panel.award_model.rows if a.batch_id is None]
    assert (award.subject, award.amount) == ("contract:ht-2025-01", Decimal("300000.00"))
    row = panel.award_model.rows.index(award)
    assert panel.award_model.index(row, 2).data() == "技术合同HT-2025-01"
    # a claim of the same contract in a later batch: what was typed in is deducted
    store = window.ctx.store
    claim = parse_claim(
        {
            "type": "tech_contract",
            "number": "HT-2025-01",
            "date": "2026-05-01",
            "amount": "8000000",
            "regional_post_subsidy": True,
        },
        store.vocabulary,
        "test",
        2026,
        "补充协议",
    )
    from core.records import ImportData

    data = ImportData("补充.xlsx", "ab" * 32, 2026, "补充", claims=[(panel.detail.company.uscc, claim)])
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, window.ctx.base_policies)
    (line,) = [l for l in store.lines(batch_id) if l.rule_id == "hlb-12-tech-contract"]
    assert line.amount == Decimal("100000.00")
    assert line.earlier["entries"] == [
        {"year": 2025, "batch_id": None, "amount": "300000.00", "rule_id": "hlb-12-tech-contract"}
    ]


def _shown_column(page, column: int) -> list:
    return [page.model.index(r, column).data() for r in range(page.model.rowCount())]


def test_a_header_click_sorts_the_company_list_in_the_store(window, qtbot, monkeypatch):
    """Issue 15 left the company list unsortable: a header click searches again with the store ordering by the
    column (盟市 in the region list's order) and keeps the company selected."""
    from PySide6.QtCore import QPoint, Qt

    sample_batch(window)
    page = window.show_page("companies")
    settle(qtbot)
    store = window.ctx.store
    names = _shown_column(page, 0)
    assert names == sorted(names) and page.view.horizontalHeader().sortIndicatorSection() == 0
    fetched = []
    real = store.company_rows
    monkeypatch.setattr(store, "company_rows", lambda ids: fetched.append(len(ids)) or real(ids))
    page.view.selectRow(page.model.row_of(page.model.company_id(5)))
    chosen = page.current_company_id()
    header = page.view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(3) + 5, 5))
    settle(qtbot)  # a click on 旗县区
    assert page.model.order == ("county", False)
    rows = store.company_rows(page.model.ids)
    assert [(r.county, r.name) for r in rows] == sorted((r.county, r.name) for r in rows)
    assert page.current_company_id() == chosen  # the selection follows the company
    page.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # 盟市, last of the region list first
    settle(qtbot)
    cities = list(window.ctx.store.vocabulary.enums["cities"])
    shown = [cities.index(r.city) for r in store.company_rows(page.model.ids)]
    assert shown == sorted(shown, reverse=True) and len(set(shown)) > 1
    assert max(fetched) <= 200  # the rows are fetched a page at a time, never all to sort them
    page.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    settle(qtbot)
    assert _shown_column(page, 0) == names


def test_the_county_filter_offers_the_region_list_and_keeps_stored_spellings(window, qtbot):
    """Issue 15 left the 旗县区 filter offering what the data holds: it now offers the chosen 盟市's 旗县区 from
    resources/regions.yaml, and a spelling stored before the list (not on it) stays selectable, marked."""
    import sqlalchemy as sa

    from core.regions import regions
    from core.store.models import Company

    sample_batch(window)
    store = window.ctx.store
    with store.writing() as s:  # an old spelling stored before imports were checked against the list
        first = s.scalar(sa.select(sa.func.min(Company.id)).where(Company.city == "baotou"))
        s.execute(sa.update(Company).where(Company.id == first).values(county="昆区"))
    page = window.show_page("companies")
    settle(qtbot)
    assert not page.county.isEnabled() and page.county.count() == 1  # first a 盟市
    page.city.setCurrentIndex(page.city.findData("baotou"))
    settle(qtbot)
    offered = [page.county.itemData(i) for i in range(page.county.count())]
    listed = regions().city("baotou").county_names()
    assert page.county.isEnabled() and offered[: len(listed) + 1] == [None, *listed]
    assert offered[-1] == "昆区" and page.county.itemText(page.county.count() - 1) == "昆区（不在区划表中）"
    page.county.setCurrentIndex(page.county.count() - 1)
    settle(qtbot)
    assert page.model.ids == [first]
    page.city.setCurrentIndex(page.city.findData("hulunbuir"))
    settle(qtbot)
    assert page.county.currentData() is None and page.county.findData("昆区") < 0
    assert page.county.findData("海拉尔区") > 0


def test_the_company_list_by_keyboard_alone(window, qtbot):
    """Tab walks the search, the filters and the buttons to the table; the 盟市 chosen with the arrow keys enables its
    旗县区, which Tab then reaches; Enter on a row opens the company."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    sample_batch(window)
    page = window.show_page("companies")
    settle(qtbot)
    window.activateWindow()
    page.focus_search()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search_edit, timeout=3000)

    def tab_to(widget, limit: int = 12) -> None:
        for _ in range(limit):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            if QApplication.focusWidget() is widget:
                return
        raise AssertionError(f"Tab never reached {widget.objectName() or widget}")

    tab_to(page.city)
    qtbot.keyClick(page.city, Qt.Key.Key_Down)  # 全部盟市 → the first city of the list
    settle(qtbot)
    assert page.city.currentData() is not None and page.county.isEnabled()
    tab_to(page.county)
    qtbot.keyClick(page.county, Qt.Key.Key_Down)
    settle(qtbot)
    assert page.county.currentData() is not None
    for widget in (page.size, page.qualification, page.open_button, page.add_button, page.more_button, page.view):
        tab_to(widget)
    page.county.setCurrentIndex(0)
    page.city.setCurrentIndex(0)
    settle(qtbot)
    page.view.setFocus()
    page.view.selectRow(0)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    settle(qtbot)
    assert page.stack.currentWidget() is page.panel


def test_the_company_list_sorts_by_keyboard_alone(window, qtbot):
    """The header takes no focus: on the table, the arrow keys choose a column and Alt+↓ / Alt+↑ sort by it
    (as a header click would: in the store, keeping the company selected); the context menu key offers the same."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    sample_batch(window)
    page = window.show_page("companies")
    settle(qtbot)
    window.activateWindow()
    page.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.view, timeout=3000)
    page.view.setCurrentIndex(page.model.index(4, 0))
    chosen = page.current_company_id()
    for _ in range(3):  # 企业名称 → 统一社会信用代码 → 盟市 → 旗县区
        qtbot.keyClick(page.view, Qt.Key.Key_Right)
    assert page.view.currentIndex().column() == 3
    qtbot.keyClick(page.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    settle(qtbot)
    assert page.model.order == ("county", True)
    header = page.view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (3, Qt.SortOrder.DescendingOrder)
    rows = window.ctx.store.company_rows(page.model.ids)
    assert [(r.county, r.name) for r in rows] == sorted(
        ((r.county, r.name) for r in rows), key=lambda t: t[0], reverse=True
    )
    assert page.current_company_id() == chosen  # the selection follows the company
    qtbot.keyClick(page.view, Qt.Key.Key_Left)
    qtbot.keyClick(page.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    settle(qtbot)
    assert page.model.order == ("city", False)
    # the menu key (or Shift+F10) makes a keyboard context-menu event at the current cell: the menu lists the sort
    at = page.view.visualRect(page.view.currentIndex()).center()
    QApplication.sendEvent(
        page.view.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, page.view.viewport().mapToGlobal(at)),
    )
    qtbot.waitUntil(lambda: getattr(page.view, "table_menu", None) is not None and page.view.table_menu.isVisible())
    menu = page.view.table_menu
    assert [a.text() for a in menu.actions() if a.text()][-2:] == ["按此列升序排列", "按此列降序排列"]
    assert page.view.currentIndex().column() == 2  # the menu sorts by the current cell's column
    menu.close()


def test_the_first_pages_are_read_with_the_search_not_on_the_gui_thread():
    from gui.models.companies import first_pages

    asked = []

    def fetch(ids):
        asked.append((ids[0], len(ids)))
        return fake_rows(ids)

    ids = list(range(1, 1001))
    pages = first_pages(fetch, ids, keep=650)  # row 649: page 3 (rows 600..799)
    assert sorted(pages) == [0, 3] and asked == [(1, PAGE), (601, PAGE)]
    assert first_pages(fetch, ids, keep=5).keys() == {0} and first_pages(fetch, ids, keep=99_999).keys() == {0}
    assert first_pages(fetch, []) == {}
    model = CompanyTableModel(lambda ids: 1 / 0)  # any read on the GUI thread would fail
    model.set_ids(ids, pages)
    assert model.index(0, 0).data() == "单位000001" and model.index(649, 0).data() == "单位000650"
    assert model.fetches == 0


def test_the_model_with_its_first_pages_passes_the_model_tester(qtmodeltester):
    from gui.models.companies import first_pages

    ids = list(range(1, 1001))
    model = CompanyTableModel(fake_rows)
    model.set_ids(ids, first_pages(fake_rows, ids, keep=500))
    qtmodeltester.check(model)


def test_the_company_list_is_painted_without_reading_the_store_on_the_gui_thread(window, qtbot):
    """The search's worker thread reads the rows of the first screen with the ids: showing the list of the
    sample's 30 companies reads nothing more (at 10,000 companies that read was the window's longest block)."""
    sample_batch(window)
    page = window.show_page("companies")
    settle(qtbot)
    page.view.repaint()
    assert page.model.rowCount() == 30 and page.model.fetches == 0
    assert page.model.index(0, 0).data() and page.view.currentIndex().row() == 0
