"""On screen, a file that would show a row changed behind the program's back is a tamper alarm and no file:
the batch page's exports and the award letters (core.store.linereads checks what goes on paper)."""

import sqlite3

from gui_support import sample_batch, settle


def tamper(tmp_path, sql: str) -> None:
    con = sqlite3.connect(tmp_path / "test.sqlite3")
    con.execute(sql)
    con.commit()
    con.close()


def shown(window, qtbot, batch_id):
    page = window.show_page("batches")
    settle(qtbot)
    if page.current is None or page.current.id != batch_id:
        page.refresh(select=batch_id)
        settle(qtbot)
    return page


def test_exporting_a_batch_whose_line_was_changed_in_the_file_is_an_alarm_and_writes_nothing(
    window, qtbot, asker, tmp_path
):
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    tamper(tmp_path, "UPDATE award_lines SET amount = '5000000.00' WHERE id = 1")
    results = tmp_path / "结果.xlsx"
    asker.answers = [str(results)]
    page.export_results()
    settle(qtbot)
    kind, title, text = asker.asked[-1]
    assert (kind, title) == ("alarm", "数据篡改警报")
    assert text.startswith("【数据篡改警报】“导出结果”已被拒绝") and "被改动的列：金额（amount）" in text
    assert not results.exists()
    # the 公示名单 too (its draft lines: the clerk chose the 测算稿)
    publicity = tmp_path / "公示.xlsx"
    asker.answers = [1, str(publicity)]
    page.export_publicity()
    settle(qtbot)
    kind, title, text = asker.asked[-1]
    assert kind == "alarm" and "“生成公示名单”已被拒绝" in text and not publicity.exists()
    assert len(window.ctx.store.audit_entries(action="audit.tamper")) == 2


def test_letters_of_a_batch_whose_payee_was_changed_in_the_file_are_an_alarm(window, qtbot, asker, tmp_path):
    from gui.letters.preview_dialog import open_letters

    store = window.ctx.store
    batch_id = sample_batch(window)
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    tamper(tmp_path, f"UPDATE batch_companies SET bank_account = '6222020000000000001' WHERE batch_id = {batch_id}")
    assert open_letters(None, store, batch_id) is None
    kind, title, text = asker.asked[-1]
    assert (kind, title) == ("alarm", "数据篡改警报")
    assert "“出具兑现通知书”已被拒绝" in text and "被改动的列：银行账号（bank_account）" in text
    assert not any(e.action == "letters.number" for e in store.audit_entries())  # refused before numbering
