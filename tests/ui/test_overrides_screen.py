"""参数调整: an administrator's override is checked, kept with who and when, shown, applied, and revoked."""

from decimal import Decimal

from gui_support import settle

RULE = "hlb-12-tech-contract"


def policies_page(window, qtbot):
    page = window.show_page("policies")
    row = next(i for i, d in enumerate(page.doc_model.rows) if d.id == "hlb-2025-draft")
    page.docs.selectRow(row)
    page.rules.selectRow(next(i for i, r in enumerate(page.rule_model.rows) if r.id == RULE))
    return page


def test_override_a_parameter_then_revoke_it(window, qtbot, asker):
    window.ctx.store.set_setting("clerk.name", "赵管理")
    page = policies_page(window, qtbot)
    dialog = page.add_override()
    assert dialog.rule.currentData() == RULE
    paths = [dialog.param.itemData(i) for i in range(dialog.param.count())]
    assert "rate" in paths and "cap.subject" in paths
    dialog.param.setCurrentIndex(paths.index("cap.subject"))
    assert "500,000.00元" in dialog.current.text()
    assert dialog.fields["who"].text() == "赵管理"
    assert not dialog.ok_button.isEnabled()  # no value, no reason yet
    dialog.fields["value"].setText("六十万")
    assert not dialog.fields["value"].ok
    dialog.fields["value"].setText("60万")
    assert dialog.fields["value"].value == Decimal("600000")
    dialog.fields["start"].setText("2026-01-01")
    dialog.fields["end"].setText("2025-12-31")
    dialog.fields["reason"].setText("依据呼科发〔2026〕3号通知上调单个合同上限")
    dialog.accept()
    assert dialog.isVisible() and "早于开始日" in dialog.error.text()  # the store's check, shown in the dialog
    dialog.fields["end"].setText("")
    dialog.accept()
    assert not dialog.isVisible()
    records = window.ctx.store.overrides()
    assert len(records) == 1
    o = records[0].override
    assert (o.target, o.path, o.value, o.who) == (RULE, "cap.subject", Decimal("600000.00"), "赵管理")
    # the policies in force now carry it: the rule's detail lists the new version with who changed it
    assert window.ctx.policies.rules[RULE].caps[0].param.versions[-1].value == Decimal("600000.00")
    assert page.current_rule().id == RULE
    text = page.detail.toPlainText()
    assert "600,000.00元" in text and "赵管理" in text
    page.tabs.setCurrentIndex(2)
    assert page.override_model.rowCount() == 1
    assert page.override_model.index(0, 2).data() == "600,000.00元"
    assert page.override_model.index(0, 7).data() == "有效"
    # revoke: confirmed; the row stays, marked revoked
    page.overrides.selectRow(0)
    assert page.revoke_button.isEnabled()
    asker.answers = [False]
    assert not page.revoke_override()
    asker.answers = [True]
    assert page.revoke_override()
    assert window.ctx.store.overrides() == []
    assert page.override_model.rowCount() == 1 and page.override_model.index(0, 7).data().startswith("已撤销（赵管理")
    assert window.ctx.policies.rules[RULE].caps[0].param.versions[-1].value == Decimal("500000")


def test_a_rate_is_checked_as_a_rate(window, qtbot):
    page = policies_page(window, qtbot)
    dialog = page.add_override(path="rate")
    assert dialog.param.currentData() == "rate"
    dialog.fields["value"].setText("150%")
    assert not dialog.fields["value"].ok and "0至1" in dialog.fields["value"].problem
    dialog.fields["value"].setText("6%")
    assert dialog.fields["value"].value == Decimal("0.06")
    dialog.reject()


def test_an_override_makes_a_calculated_draft_stale(window, qtbot, asker):
    from gui_support import sample_batch

    batch_id = sample_batch(window)
    page = policies_page(window, qtbot)
    dialog = page.add_override(path="rate")
    dialog.fields["value"].setText("0.06")
    dialog.fields["start"].setText("2026-01-01")
    dialog.fields["reason"].setText("测试")
    dialog.accept()
    batches = window.show_page("batches")
    settle(qtbot)
    approve = batches.approve()
    approve.fields["preparer"].setText("王丽")
    approve.fields["reviewer"].setText("张伟")
    asker.answers = [True]
    approve.accept()
    settle(qtbot)
    assert asker.asked[-1][0] == "error" and "重新计算" in asker.asked[-1][2]
    assert window.ctx.store.batch(batch_id).status == "draft"


def test_pages_built_after_an_override_do_not_wait_again(window, qtbot):
    window.ctx.policies_changed()
    assert window.ctx.ready
    page = window.show_page("targets")
    assert type(page).__name__ == "TargetsPage"
    settle(qtbot)


def test_the_first_showing_reads_the_overrides_and_clerk_off_the_gui_thread(window, qtbot, monkeypatch):
    """Issue 14: an override saved before 政策 is first shown is listed once the read on a worker thread comes
    back, with the first run's clerk as 调整人; the showing itself reads neither from the store."""
    import datetime as dt
    import threading

    from core.policy.policyset import Override

    store = window.ctx.store
    store.set_setting("clerk.name", "赵管理")
    store.add_override(
        Override(
            RULE,
            "cap.subject",
            Decimal("600000"),
            dt.date(2026, 1, 1),
            None,
            "赵管理",
            dt.datetime(2026, 3, 1, 9),
            "通知上调",
        ),
        window.ctx.base_policies,
    )
    read_on = []
    for name in ("overrides", "setting"):
        plain = getattr(store, name)
        monkeypatch.setattr(
            store, name, lambda *a, _plain=plain, **kw: read_on.append(threading.current_thread()) or _plain(*a, **kw)
        )
    page = window.show_page("policies")
    assert threading.main_thread() not in read_on
    qtbot.waitUntil(lambda: page.override_model.rowCount() == 1)
    settle(qtbot)
    assert read_on and threading.main_thread() not in read_on
    assert page.override_model.index(0, 2).data() == "600,000.00元" and page.override_model.index(0, 7).data() == "有效"
    assert page.tabs.tabText(2) == "参数调整记录（1项有效）" and page.override_note.text() == "调整人：赵管理"
