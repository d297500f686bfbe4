"""What goes on paper is checked against its seals first (the exports and the award letters).

The results workbook, the 资金拨付明细表, the 公示名单 and the award letters read the batch, its lines and the
payee each line shows (the batch's member row as approved; a draft's company as it is now). A row changed,
inserted or deleted in the file behind the program's back must not reach a sheet the treasury pays from: each
of them is refused as a tamper alarm (Tampered, chained as audit.tamper, naming the row and the changed
columns) and no file is written. Untampered, a checked read hands over exactly what a plain read does.
"""

from decimal import Decimal

import pytest
from storehelp import batch_data, contract, hte, profile, uscc
from test_audit import tamper
from test_tamper import dump, refused

from core.cli import main

EXPORTS = (
    ("export", "结果.xlsx", "导出测算结果"),
    ("disbursement", "拨付明细表.xlsx", "生成资金拨付明细表"),
    ("publicity", "公示名单.xlsx", "生成公示名单"),
)


def two_companies(store, policies, approve=True) -> int:
    """A batch paying company 1 (a national HTE award) and company 2 (a technology contract)."""
    b, _ = store.apply_import(
        batch_data(
            "2026年第一批",
            2026,
            [profile(1), profile(2)],
            [(uscc(1), hte("2026-03-01")), (uscc(2), contract("HT-1", "2026-04-01", "2000000"))],
        )
    )
    store.calculate(b, policies)
    if approve:
        store.approve(b, "张三", "李四", allow_provisional=True)
    assert store.verify_audit().ok
    return b


def cli(capsys, db_url, *argv) -> tuple[int, str]:
    code = main(["--db", db_url, *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def assert_exports_refused(capsys, store, db_url, tmp_path, batch_id, table, column):
    """Each of the three exports ends in a tamper alarm naming ``table`` and ``column``, and writes no file."""
    for command, name, doing in EXPORTS:
        head = store.audit_head()[0]
        path = tmp_path / name
        extra = [] if command == "export" else ["--include-provisional"]
        code, text = cli(capsys, db_url, command, str(batch_id), "-o", str(path), *extra)
        assert code == 1, text
        assert "【数据篡改警报】" in text and f"“{doing}”已被拒绝" in text and f"数据表{table}中的" in text, text
        assert f"（{column}）" in text and f"（此次拒绝已记入第{head + 1}条审计记录）" in text, text
        assert not path.exists() and not list(tmp_path.glob(f".~{path.stem}*")), command
        (entry,) = store.audit_entries(action="audit.tamper", limit=1, newest_first=True)
        assert entry.seq == head + 1 and entry.new["doing"] == doing
        assert entry.new["tampered"][0]["table"] == table and entry.new["tampered"][0]["columns"] == [column]


def test_a_line_whose_amount_was_changed_in_the_file_is_on_no_export(store, policies, db_url, tmp_path, capsys):
    b = two_companies(store, policies)
    assert Decimal("5000000.00") not in [l.amount for l in store.lines(b)]
    tamper(db_url, f"UPDATE award_lines SET amount = '5000000.00' WHERE batch_id = {b} AND line_no = 1")
    assert_exports_refused(capsys, store, db_url, tmp_path, b, "award_lines", "amount")
    exc = refused(store, db_url, "award_lines", lambda: store.lines(b, check="导出测算结果"), ["amount"])
    assert "金额5000000.00元" in str(exc) and "“导出测算结果”已被拒绝" in str(exc)


def test_a_payee_account_changed_in_the_file_is_not_put_on_the_disbursement_sheet(
    store, policies, db_url, tmp_path, capsys
):
    """An approved batch shows each company as approved (its member row): that row's account is what is paid."""
    b = two_companies(store, policies)
    tamper(db_url, f"UPDATE batch_companies SET bank_account = '6222020000000000001' WHERE batch_id = {b}")
    assert_exports_refused(capsys, store, db_url, tmp_path, b, "batch_companies", "bank_account")
    refused(store, db_url, "batch_companies", lambda: store.lines(b, check="生成资金拨付明细表"), ["bank_account"])


def test_a_member_row_changed_in_any_sealed_column_is_refused(store, policies, db_url):
    """The member's whole row is checked, not only the columns a sheet shows (one digest per row)."""
    b = two_companies(store, policies)
    tamper(db_url, f"UPDATE batch_companies SET excluded = '[]', total = '1.00' WHERE batch_id = {b} AND seq = 1")
    exc = refused(store, db_url, "batch_companies", lambda: store.lines(b, check="生成公示名单"))
    assert set(exc.rows[0].columns) == {"excluded", "total"}


def test_a_draft_shows_its_companies_as_they_are_now_so_their_rows_are_checked(
    store, policies, db_url, tmp_path, capsys
):
    b = two_companies(store, policies, approve=False)
    tamper(db_url, f"UPDATE companies SET bank_account = '6222020000000000001' WHERE uscc = '{uscc(2)}'")
    assert_exports_refused(capsys, store, db_url, tmp_path, b, "companies", "bank_account")


def test_the_batch_row_changed_in_the_file_is_refused(store, policies, db_url):
    """The sheets show the batch's name, status, preparer and reviewer."""
    b = two_companies(store, policies)
    tamper(db_url, f"UPDATE batches SET reviewer = '王五' WHERE id = {b}")
    refused(store, db_url, "batches", lambda: store.lines(b, check="生成资金拨付明细表"), ["reviewer"])


def test_a_line_inserted_in_the_file_is_refused(store, policies, db_url):
    b = two_companies(store, policies)
    tamper(
        db_url,
        "INSERT INTO award_lines (id, batch_id, company_id, line_no, claim_key, subject, rule_id, document_id,"
        " document_title, doc_number, clause, summary, sentence, amount, provisional, person, event_date, trace)"
        " SELECT 999, batch_id, company_id, 3, claim_key, subject, rule_id, document_id, document_title,"
        f" doc_number, clause, summary, sentence, amount, provisional, person, event_date, trace FROM award_lines"
        f" WHERE batch_id = {b} AND line_no = 2",
    )
    exc = refused(store, db_url, "award_lines", lambda: store.lines(b, check="生成资金拨付明细表"))
    assert exc.rows[0].problem == "inserted" and exc.rows[0].key == "999"


def test_letters_refuse_a_tampered_line_before_numbering(store, published_policies, db_url):
    """The award letters: refused before any 文号 is given (nothing written but the refusal)."""
    from core.letters.batch import prepare_letters
    from core.letters.samples import hulunbuir_settings

    b = two_companies(store, published_policies)
    tamper(db_url, f"UPDATE award_lines SET amount = '5000000.00' WHERE batch_id = {b} AND line_no = 2")
    exc = refused(store, db_url, "award_lines", lambda: prepare_letters(store, b, hulunbuir_settings()), ["amount"])
    assert "“出具兑现通知书”已被拒绝" in str(exc)
    assert store.letter_issues(b) == []


def test_letters_refuse_a_payee_changed_in_the_file(store, published_policies, db_url):
    from core.letters.batch import prepare_letters
    from core.letters.samples import hulunbuir_settings

    b = two_companies(store, published_policies)
    before = prepare_letters(store, b, hulunbuir_settings())
    assert [l.bank_account for l in before.letters] == [profile(1).bank_account, profile(2).bank_account]
    tamper(db_url, f"UPDATE batch_companies SET bank_account = '6222020000000000001' WHERE batch_id = {b}")
    refused(store, db_url, "batch_companies", lambda: prepare_letters(store, b, hulunbuir_settings()), ["bank_account"])


@pytest.mark.parametrize("approve", [True, False])
def test_a_checked_read_hands_over_what_a_plain_read_does(store, policies, db_url, approve):
    b = two_companies(store, policies, approve=approve)
    before = dump(db_url)
    plain, checked = store.lines(b), store.lines(b, check="导出测算结果")
    assert checked == plain and len(plain) == 2
    assert [l.trace for l in checked] == [l.trace for l in plain]
    assert dump(db_url) == before
    assert store.audit_entries(action="audit.tamper") == []


def test_a_row_read_for_paper_is_digested_exactly_as_its_seal_was():
    """sorted_digest (the paper read's) equals row_seal's digest for every kind of value a sealed column holds."""
    import datetime as dt
    import random

    from core.store.seals import Encoded, canonical_json, row_seal, sorted_columns, sorted_digest

    columns = sorted_columns("award_lines")
    kinds = [None, True, False, 0, -5, 10**20, "", 'a%s\\"\n\u3000中', Decimal("1.50"), Decimal("-0.00")]
    kinds += [dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 9, 30), 1.5]
    rng = random.Random(14)
    for _ in range(500):
        row = {c: rng.choice(kinds) for c in columns}
        row["trace"] = rng.choice([None, {"b": [1, "c"], "a": "2.00"}, []])
        values = [Encoded(canonical_json(row[c])) if c == "trace" else row[c] for c in columns]
        assert sorted_digest("award_lines", values) == row_seal("award_lines", row)[0]
