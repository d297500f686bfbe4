"""Check before write (issue 13 item 2): a row changed behind the program's back is never laundered.

Each test changes one sealed table directly (sqlite3 on the file, a plain SQL
connection on PostgreSQL) and then drives every legitimate write path over
the changed row. Each must end refused (Tampered: nothing written, the refusal
chained into the log as audit.tamper, the message naming the table, the row
and the changed columns) or, where no write path touches the row, still be
named by ``audit verify``: never hidden.
"""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from storehelp import RdYear, Recognition, batch_data, hte, profile, uscc
from test_audit import tamper

from core.policy.policyset import Override
from core.store import open_store
from core.store.errors import Tampered
from core.store.seals import PROTECTED

D = Decimal
PW = {"管理员": "Admin-2026", "张三": "Zhang-2026", "李四": "Li-2026x", "王五": "Wang-2026"}
RULE = Override(
    "hlb-12-tech-contract", "rate", D("0.06"), dt.date(2026, 1, 1), None, "王", dt.datetime(2026, 1, 1), "会议纪要"
)


def world(store, policies) -> dict:
    """An approved batch (company 2) with letters, a company with typed history (3), an override and a setting,
    and a calculated draft (company 1)."""
    b, _ = store.apply_import(batch_data("已审批批次", 2026, [profile(2)], [(uscc(2), hte("2026-03-01"))]))
    store.calculate(b, policies)
    store.approve(b, "张三", "李四", allow_provisional=True)
    store.letter_numbers(b)
    store.record_letter_issue(b, uscc(2), "pdf", "张三")
    c3 = store.add_company(profile(3))
    ids = dict(
        approved=b,
        history_company=c3,
        recognition=store.add_recognition(c3, Recognition("high_tech", "national", dt.date(2020, 1, 1), "")),
        tech_sme=store.add_tech_sme(c3, 2025, "2025150700001"),
        rd=store.set_rd_year(c3, RdYear(2025, D("1000000.00"), True)),
        ledger=store.add_ledger_entry(c3, "hlb-01-hte-first", 2019, D("100000"), note="2019年拨付文件"),
        override=store.add_override(RULE, policies),
    )
    store.set_setting("bureau.name", "呼伦贝尔市科学技术局")
    a, _ = store.apply_import(batch_data("草稿批次", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.calculate(a, policies)
    ids.update(draft=a, draft_company=store.company_id(uscc(1)), approved_company=store.company_id(uscc(2)))
    assert store.verify_audit().ok
    return ids


def dump(db_url) -> dict:
    """Every protected table as it is, to show a refusal wrote nothing."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {name: sorted(map(repr, conn.execute(sa.text(f"SELECT * FROM {name}")).all())) for name in PROTECTED}
    finally:
        engine.dispose()


def refused(store, db_url, table, action, columns=None):
    """``action`` is refused as tampering with ``table``: nothing written, the refusal chained, the row still named
    by audit verify."""
    before, head = dump(db_url), store.audit_head()
    with pytest.raises(Tampered) as caught:
        action()
    exc = caught.value
    assert dump(db_url) == before
    assert exc.rows and exc.rows[0].table == table, str(exc)
    message = str(exc)
    assert message.startswith("【数据篡改警报】") and f"数据表{table}中的" in message
    assert message.endswith(f"（此次拒绝已记入第{head[0] + 1}条审计记录）")
    if columns is not None:
        assert exc.rows[0].columns == tuple(columns), message
        assert "被改动的列：" in message
    (entry,) = store.audit_entries(action="audit.tamper", limit=1, newest_first=True)
    assert entry.seq == head[0] + 1 and entry.new["tampered"][0]["table"] == table
    assert entry.sealed_rows == 0  # the refusal seals nothing: the row stays as found
    assert_still_named(store, table)
    return exc


def assert_still_named(store, table):
    report = store.verify_audit()
    assert any(p.kind == "row" and p.table == table for p in report.problems), report.problems
    assert all(p.kind == "row" for p in report.problems)  # the chain itself, refusals included, is intact


def test_a_draft_line_raised_in_the_file_is_not_approved_recalculated_or_deleted(store, policies, db_url):
    """The issue's first case: a draft line edited from 500,000 to 5,000,000, then approved."""
    ids = world(store, policies)
    tamper(db_url, f"UPDATE award_lines SET amount = '5000000.00' WHERE batch_id = {ids['draft']}")
    exc = refused(
        store,
        db_url,
        "award_lines",
        lambda: store.approve(ids["draft"], "张三", "李四", allow_provisional=True),
        ["amount"],
    )
    assert "金额5000000.00元" in str(exc) and "被改动的列：金额（amount）" in str(exc)
    assert "“审批批次”已被拒绝" in str(exc)
    refused(store, db_url, "award_lines", lambda: store.calculate(ids["draft"], policies), ["amount"])
    refused(store, db_url, "award_lines", lambda: store.delete_draft(ids["draft"]), ["amount"])
    assert store.batch(ids["draft"]).status == "draft"


def test_a_line_inserted_into_a_draft_in_the_file_is_not_approved(store, policies, db_url):
    ids = world(store, policies)
    (line,) = store.lines(ids["draft"])
    tamper(
        db_url,
        "INSERT INTO award_lines (id, batch_id, company_id, line_no, claim_key, subject, rule_id, document_id,"
        " document_title, doc_number, clause, summary, sentence, amount, provisional, person, event_date,"
        f" trace) SELECT 999, batch_id, company_id, 2, claim_key, subject, rule_id, document_id,"
        f" document_title, doc_number, clause, summary, sentence, '9000000.00', provisional, person,"
        f" event_date, trace FROM award_lines WHERE batch_id = {ids['draft']}",
    )
    exc = refused(
        store, db_url, "award_lines", lambda: store.approve(ids["draft"], "张三", "李四", allow_provisional=True)
    )
    assert exc.rows[0].problem == "inserted" and "（被直接插入）" in str(exc)


def test_an_approved_line_changed_in_the_file_is_not_marked_paid_nor_corrected(store, policies, db_url):
    ids = world(store, policies)
    tamper(db_url, f"UPDATE award_lines SET amount = '1.00' WHERE batch_id = {ids['approved']}")
    refused(store, db_url, "award_lines", lambda: store.mark_paid(ids["approved"]), ["amount"])
    # an adjustment copies claims, not lines: it is made, and the line stays named by audit verify
    store.create_adjustment(ids["approved"], "张三", "复核")
    assert_still_named(store, "award_lines")


def test_a_company_changed_in_the_file_is_not_edited_merged_or_paid(store, policies, db_url):
    ids = world(store, policies)
    cid = ids["draft_company"]
    tamper(db_url, f"UPDATE companies SET bank_account = '6222000011112222' WHERE id = {cid}")
    refused(store, db_url, "companies", lambda: store.update_company(cid, phone="0470-1234567"), ["bank_account"])
    renamed = profile(1, name="呼伦贝尔测试一号科技有限公司")
    refused(
        store,
        db_url,
        "companies",
        lambda: store.apply_import(
            batch_data("改名", 2026, [renamed], [(uscc(1), hte("2026-03-01"))]), accept_payee_changes=True
        ),
        ["bank_account"],
    )
    exc = refused(
        store,
        db_url,
        "companies",
        lambda: store.approve(ids["draft"], "张三", "李四", allow_provisional=True),
        ["bank_account"],
    )
    assert "被改动的列：银行账号（bank_account）" in str(exc)


def test_history_changed_in_the_file_is_not_edited_deleted_or_merged(store, policies, db_url):
    ids = world(store, policies)
    c3 = ids["history_company"]
    tamper(
        db_url,
        f"UPDATE recognitions SET name = '伪造' WHERE id = {ids['recognition']}",
        f"UPDATE tech_sme_registrations SET number = 'X' WHERE id = {ids['tech_sme']}",
        f"UPDATE rd_years SET expense = '9000000.00' WHERE id = {ids['rd']}",
        f"UPDATE ledger SET amount = '1.00' WHERE id = {ids['ledger']}",
    )
    rec = Recognition("high_tech", "national", dt.date(2020, 1, 1), "GR2020")
    refused(store, db_url, "recognitions", lambda: store.update_recognition(ids["recognition"], rec), ["name"])
    refused(store, db_url, "recognitions", lambda: store.delete_recognition(ids["recognition"]), ["name"])
    refused(store, db_url, "tech_sme_registrations", lambda: store.delete_tech_sme(ids["tech_sme"]), ["number"])
    refused(store, db_url, "rd_years", lambda: store.set_rd_year(c3, RdYear(2025, D("2000000.00"), True)), ["expense"])
    refused(store, db_url, "rd_years", lambda: store.delete_rd_year(ids["rd"]), ["expense"])
    refused(store, db_url, "ledger", lambda: store.delete_ledger_entry(ids["ledger"]), ["amount"])
    # an import that fills in the certificate number, or brings other R&D figures, merges into those rows
    refused(
        store,
        db_url,
        "recognitions",
        lambda: store.apply_import(batch_data("补证书号", 2026, [profile(3)], recognitions=[(uscc(3), rec)])),
        ["name"],
    )
    refused(
        store,
        db_url,
        "rd_years",
        lambda: store.apply_import(
            batch_data("研发费用", 2026, [profile(3)], rd=[(uscc(3), RdYear(2025, D("3000000.00"), True))])
        ),
        ["expense"],
    )


def test_an_approved_ledger_row_changed_in_the_file_is_not_netted_by_a_correction(store, policies, db_url):
    ids = world(store, policies)
    tamper(db_url, f"UPDATE ledger SET amount = '1.00' WHERE batch_id = {ids['approved']}")
    adjustment = store.create_adjustment(ids["approved"], "张三", "复核")
    refused(store, db_url, "ledger", lambda: store.calculate(adjustment, policies), ["amount"])


def test_a_batch_changed_in_the_file_is_not_calculated_approved_deleted_paid_corrected_or_lettered(
    store, policies, db_url
):
    ids = world(store, policies)
    tamper(
        db_url,
        f"UPDATE batches SET preparer = '王五' WHERE id = {ids['draft']}",
        f"UPDATE batches SET reviewer = '王五' WHERE id = {ids['approved']}",
    )
    refused(store, db_url, "batches", lambda: store.calculate(ids["draft"], policies), ["preparer"])
    refused(
        store,
        db_url,
        "batches",
        lambda: store.approve(ids["draft"], "张三", "李四", allow_provisional=True),
        ["preparer"],
    )
    refused(store, db_url, "batches", lambda: store.delete_draft(ids["draft"]), ["preparer"])
    refused(store, db_url, "batches", lambda: store.mark_paid(ids["approved"]), ["reviewer"])
    refused(store, db_url, "batches", lambda: store.create_adjustment(ids["approved"], "张三", "复核"), ["reviewer"])
    refused(store, db_url, "batches", lambda: store.letter_numbers(ids["approved"]), ["reviewer"])


def test_a_batch_company_changed_in_the_file_is_not_recalculated_approved_paid_or_corrected(store, policies, db_url):
    ids = world(store, policies)
    tamper(
        db_url,
        f"UPDATE batch_companies SET total = '9000000.00' WHERE batch_id = {ids['draft']}",
        f"UPDATE batch_companies SET bank_account = '6222000011112222' WHERE batch_id = {ids['approved']}",
    )
    refused(store, db_url, "batch_companies", lambda: store.calculate(ids["draft"], policies), ["total"])
    refused(
        store,
        db_url,
        "batch_companies",
        lambda: store.approve(ids["draft"], "张三", "李四", allow_provisional=True),
        ["total"],
    )
    refused(store, db_url, "batch_companies", lambda: store.mark_paid(ids["approved"]), ["bank_account"])
    refused(
        store,
        db_url,
        "batch_companies",
        lambda: store.create_adjustment(ids["approved"], "张三", "复核"),
        ["bank_account"],
    )


def test_a_claim_changed_in_the_file_is_not_approved_deleted_or_copied_into_a_correction(store, policies, db_url):
    ids = world(store, policies)
    tamper(db_url, f"UPDATE claims SET claim_key = 'forged' WHERE batch_id IN ({ids['draft']}, {ids['approved']})")
    refused(
        store,
        db_url,
        "claims",
        lambda: store.approve(ids["draft"], "张三", "李四", allow_provisional=True),
        ["claim_key"],
    )
    refused(store, db_url, "claims", lambda: store.delete_draft(ids["draft"]), ["claim_key"])
    refused(store, db_url, "claims", lambda: store.create_adjustment(ids["approved"], "张三", "复核"), ["claim_key"])


def test_an_import_record_changed_in_the_file_is_not_deleted(store, policies, db_url):
    ids = world(store, policies)
    tamper(db_url, f"UPDATE import_log SET source_name = 'x.xlsx' WHERE batch_id = {ids['draft']}")
    refused(store, db_url, "import_log", lambda: store.delete_draft(ids["draft"]), ["source_name"])


def test_overrides_and_settings_changed_in_the_file_are_not_written_over(store, policies, db_url):
    ids = world(store, policies)
    tamper(
        db_url,
        f"UPDATE overrides SET value = '0.60' WHERE id = {ids['override']}",
        "UPDATE settings SET value = '7' WHERE key = 'overrides.version'",
        "UPDATE settings SET value = '伪造局' WHERE key = 'bureau.name'",
    )
    refused(store, db_url, "overrides", lambda: store.revoke_override(ids["override"], "王"), ["value"])
    refused(
        store, db_url, "overrides", lambda: store.replace_override(ids["override"], RULE, "王", policies), ["value"]
    )
    refused(store, db_url, "settings", lambda: store.add_override(RULE, policies), ["value"])
    refused(store, db_url, "settings", lambda: store.set_setting("bureau.name", "呼伦贝尔市科技局"), ["value"])


def test_a_setting_deleted_in_the_file_is_not_silently_created_again(store, policies, db_url):
    world(store, policies)
    tamper(db_url, "DELETE FROM settings WHERE key = 'bureau.name'")
    exc = refused(store, db_url, "settings", lambda: store.set_setting("bureau.name", "呼伦贝尔市科技局"))
    assert exc.rows[0].problem == "deleted" and "被直接删除" in str(exc)


def test_a_letter_number_changed_in_the_file_is_not_numbered_over(store, published_policies, db_url):
    ids = world(store, published_policies)
    tamper(db_url, f"UPDATE letter_numbers SET serial = 7 WHERE batch_id = {ids['approved']}")
    refused(store, db_url, "letter_numbers", lambda: store.letter_numbers(ids["approved"]), ["serial"])


def test_a_letter_issue_changed_in_the_file_stays_named(store, published_policies, db_url):
    """No write path changes a letter issue again: the record stays named by audit verify."""
    ids = world(store, published_policies)
    tamper(db_url, "UPDATE letter_issues SET who = '王五'")
    store.record_letter_issue(ids["approved"], uscc(2), "print", "张三")
    (problem,) = store.verify_audit().problems
    assert problem.table == "letter_issues" and "被改动的列：操作人（who）" in str(problem)


@pytest.fixture
def people(store):
    store.create_first_admin("管理员", PW["管理员"])
    store.add_user("张三", PW["张三"], ["preparer"])
    store.add_user("李四", PW["李四"], ["reviewer"])
    store.add_user("王五", PW["王五"], ["preparer", "reviewer"])
    store.logout()
    return store


def as_user(db_url, name):
    s = open_store(db_url)
    s.login(name, PW[name])
    return s


def test_a_role_granted_in_the_file_is_refused_at_reset_login_and_use(people, db_url):
    """The issue's third case: a role granted in the file, then a password reset laundered it."""
    zhang = as_user(db_url, "张三")
    admin = as_user(db_url, "管理员")
    tamper(db_url, "UPDATE users SET roles = 'preparer,reviewer,admin' WHERE name = '张三'")
    refused(admin, db_url, "users", lambda: admin.set_password("张三", "Reset-pass-3"), ["roles"])
    refused(admin, db_url, "users", lambda: admin.set_roles("张三", ["preparer"]), ["roles"])
    refused(admin, db_url, "users", lambda: admin.set_user_active("张三", False), ["roles"])
    # an open session of 张三 using the role granted in the file
    refused(zhang, db_url, "users", lambda: zhang.set_setting("bureau.name", "x"), ["roles"])
    refused(admin, db_url, "users", lambda: open_store(db_url).login("张三", PW["张三"]), ["roles"])
    assert "“登录”已被拒绝" in str(
        refused(admin, db_url, "users", lambda: open_store(db_url).login("张三", PW["张三"]))
    )
    zhang.close()
    admin.close()


def test_a_preparer_rewritten_to_another_name_in_the_file_cannot_approve_their_own_batch(people, db_url, policies):
    """The issue's second case: the batch's preparer rewritten so that its real preparer may approve it."""
    wang = as_user(db_url, "王五")
    b, _ = wang.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    wang.calculate(b, policies)
    tamper(db_url, f"UPDATE batches SET preparer = '张三', created_by = '张三' WHERE id = {b}")
    refused(wang, db_url, "batches", lambda: wang.approve(b, allow_provisional=True), ["preparer", "created_by"])
    assert wang.batch(b).status == "draft"
    wang.close()


def test_the_refusal_is_shown_in_the_log_and_by_the_command_line(store, policies, db_url, capsys):
    from core.cli import main

    ids = world(store, policies)
    tamper(db_url, f"UPDATE award_lines SET amount = '5000000.00' WHERE batch_id = {ids['draft']}")
    code = main(
        [
            "--db",
            db_url,
            "approve",
            str(ids["draft"]),
            "--preparer",
            "张三",
            "--reviewer",
            "李四",
            "--allow-provisional",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert err.startswith("错误：【数据篡改警报】“审批批次”已被拒绝，数据库未作任何修改。数据表award_lines中的批次")
    code = main(["--db", db_url, "audit", "list", "--action", "audit.tamper"])
    out, _ = capsys.readouterr()
    assert code == 0 and "拒绝写入被篡改的数据" in out and "奖补明细" in out


def test_every_sealed_table_is_changed_directly_by_one_of_these_tests():
    """A table sealed later must get its tampering test here too."""
    import re
    from pathlib import Path

    source = Path(__file__).read_text(encoding="utf-8")
    tampered = set(re.findall(r"(?:UPDATE|DELETE FROM|INSERT INTO) (\w+)", source))
    assert set(PROTECTED) <= tampered, set(PROTECTED) - tampered


def test_a_list_answer_changed_in_the_file_is_not_paid_nor_written_over(store, policies, db_url, tmp_path):
    """免申即享: who confirmed their account decides the disbursement sheet; a list's kind decides its claims."""
    from core.lists import service

    ids = world(store, policies)
    f = tmp_path / "名单.csv"
    f.write_text(f"序号,企业名称,统一社会信用代码\n1,{profile(3).name},{uscc(3)}\n", encoding="utf-8")
    list_id, _ = service.import_list(store, service.prepare(store, f, "high_tech", list_date=dt.date(2026, 11, 18)))
    batch, added, _ = service.make_claims(store, list_id, award_year=2026)
    store.calculate(batch, policies)
    assert added == 1 and service.withheld(store, batch)
    tamper(db_url, f"UPDATE list_entries SET consent = 'confirmed' WHERE list_id = {list_id}")
    refused(store, db_url, "list_entries", lambda: service.withheld(store, batch), ["consent"])
    refused(
        store,
        db_url,
        "list_entries",
        lambda: service.set_consent(store, batch, ids["history_company"], service.DECLINED),
        ["consent"],
    )
    tamper(db_url, f"UPDATE official_lists SET kind = 'tech_sme' WHERE id = {list_id}")
    assert_still_named(store, "official_lists")
