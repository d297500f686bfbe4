"""The headless store commands: Chinese messages, exit code 2 for bad input, never a traceback."""

import json

import pytest
from storehelp import batch_data, contract, hte, profile, uscc

import main as entry
from core.cli import main
from core.store import migrate, open_store
from core.store.db import make_engine


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def two_batches(db_url, hlb_dir):
    store = open_store(db_url)
    b1, _ = store.apply_import(
        batch_data(
            "2026年第一批",
            2026,
            [profile(1), profile(2)],
            [(uscc(1), hte("2026-03-01")), (uscc(2), contract("HT-1", "2026-04-01", "2000000"))],
        )
    )
    bad = {
        "type": "entered",
        "rule_id": "no-such-rule",
        "date": "2026-05-01",
        "amount": "1000",
        "subject": "x",
        "id": "e1",
    }
    b2, _ = store.apply_import(batch_data("2026年第二批", 2026, [profile(3)], [(uscc(3), bad)]))
    store.close()
    return db_url, b1, b2, str(hlb_dir)


def test_calc_approve_paid_and_list(capsys, two_batches):
    url, b1, b2, hlb = two_batches
    code, out, _ = run(capsys, "--db", url, "--policies", hlb, "calc", str(b1))
    assert code == 0
    assert out.splitlines() == [
        f"批次{b1}“2026年第一批”计算完成：2家单位，2条奖补明细，合计600,000.00元",
        "注意：2条依据征求意见稿测算，文件正式印发前不得拨付",
    ]
    code, _, err = run(capsys, "--db", url, "approve", str(b1), "--preparer", "张三", "--reviewer", "李四")
    assert code == 2
    assert err.startswith(f"错误：批次{b1}有2条奖补依据征求意见稿测算")
    code, out, _ = run(
        capsys, "--db", url, "approve", str(b1), "--preparer", "张三", "--reviewer", "李四", "--allow-provisional"
    )
    assert code == 0
    assert (
        out.strip()
        == f"批次{b1}“2026年第一批”已审批（经办人张三，审核人李四）：2条奖补明细、合计600,000.00元已记入台账"
    )
    code, out, _ = run(capsys, "--db", url, "paid", str(b1))
    assert code == 0 and out.startswith(f"批次{b1}“2026年第一批”已标记为已拨付（")

    code, out, _ = run(capsys, "--db", url, "batches", "--json")
    data = json.loads(out)
    assert [(d["id"], d["status"], d["companies"], d["lines"], d["total"]) for d in data] == [
        (b1, "paid", 2, 2, "600000.00"),
        (b2, "draft", 1, 0, "0"),
    ]
    code, out, _ = run(capsys, "--db", url, "batches")
    assert out.splitlines()[0] == f"{b1:>4}  2026年第一批  2026年度  已拨付  2家单位  2条明细  合计600,000.00元"
    assert out.splitlines()[-1] == "共2个批次"


def test_errors_are_one_chinese_line_with_exit_code_2(capsys, two_batches):
    url, b1, b2, hlb = two_batches
    code, out, _ = run(capsys, "--db", url, "--policies", hlb, "calc", str(b2))
    assert code == 0
    assert out.splitlines()[1:] == [
        "有1家单位的结果有错误，须处理后重新计算才能审批：",
        f"  呼伦贝尔测试3号科技有限公司（{uscc(3)}）：事项e1：规则“no-such-rule”不存在或不是经办人录入金额的条款",
    ]
    cases = [
        (["calc", "999"], "错误：找不到批次999"),
        (["approve", str(b2), "--preparer", "张三", "--reviewer", "张三"], "错误：经办人和审核人不能是同一人"),
        (
            ["approve", str(b2), "--preparer", "张三", "--reviewer", "李四", "--allow-provisional"],
            "错误：有1家单位的计算结果有错误",
        ),
        (["paid", str(b2)], f"错误：批次{b2}尚未审批，不能标记为已拨付"),
    ]
    for argv, message in cases:
        code, _, err = run(capsys, "--db", url, *argv)
        assert code == 2, argv
        assert err.startswith(message), err
    code, _, err = run(capsys, "--db", url, "--policies", hlb, "calc", "abc")
    assert code == 2 and "批次编号应为正整数，实际为“abc”" in err


def test_approved_batch_cannot_be_recalculated_from_the_command_line(capsys, two_batches):
    url, b1, _, hlb = two_batches
    run(capsys, "--db", url, "--policies", hlb, "calc", str(b1))
    run(capsys, "--db", url, "approve", str(b1), "--preparer", "张三", "--reviewer", "李四", "--allow-provisional")
    code, _, err = run(capsys, "--db", url, "--policies", hlb, "calc", str(b1))
    assert code == 2
    assert err.strip() == (f"错误：批次{b1}“2026年第一批”已审批，不能重新计算；已审批或已拨付的批次不允许任何修改")


def test_backup_commands(capsys, data_dir):
    open_store().close()
    code, out, _ = run(capsys, "backup", "list")
    assert (code, out) == (0, "还没有备份\n")
    code, out, _ = run(capsys, "backup", "create")
    assert code == 0 and out.startswith(f"已备份到 {data_dir / 'backups'}")
    name = out.split("/")[-1].strip()
    code, out, _ = run(capsys, "backup", "list")
    assert out.splitlines()[0].startswith(f"{name}  ") and "手动备份" in out
    code, out, _ = run(capsys, "backup", "restore", name)
    assert code == 0 and out.startswith(f"已从备份 {name} 恢复数据库；恢复前的数据已另存为 ")
    code, _, err = run(capsys, "backup", "restore")
    assert code == 2 and err.startswith("错误：请指定要恢复的备份文件")
    code, _, err = run(capsys, "backup", "restore", "nope.sqlite3")
    assert code == 2 and err.startswith("错误：找不到备份文件：nope.sqlite3")


def test_backup_of_a_server_database_is_the_administrators_job(capsys, pg_url):
    code, _, err = run(capsys, "--db", pg_url, "backup", "create")
    assert code == 2
    assert "请由服务器管理员负责备份" in err


def test_db_upgrade_and_status(capsys, db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    engine.dispose()
    code, out, _ = run(capsys, "--db", db_url, "db", "status")
    assert code == 0 and out.splitlines()[1] == "结构版本：0001（需升级到0007）"
    code, out, _ = run(capsys, "--db", db_url, "db", "upgrade")
    assert code == 0 and out.startswith("数据库结构已从0001升级到0007")
    assert ("；升级前的备份：" in out) == db_url.startswith("sqlite")
    code, out, _ = run(capsys, "--db", db_url, "db", "upgrade")
    assert out.strip() == "数据库结构已是最新版本（0007），无需升级"


def test_bad_database_urls(capsys):
    for url, message in [("nonsense://", "错误：不支持的数据库类型：nonsense"), ("::", "错误：数据库地址无法识别：::")]:
        code, _, err = run(capsys, "--db", url, "batches")
        assert code == 2 and err.startswith(message)
    code, _, err = run(capsys, "--db", "postgresql+psycopg2://kjjb:secret@127.0.0.1:1/kjjb", "batches")
    assert code == 1
    assert err.startswith("错误：无法访问数据库postgresql+psycopg2://kjjb:***@127.0.0.1:1/kjjb：")
    assert "secret" not in err


def test_main_py_runs_a_command_after_global_options():
    assert entry.wants_gui([]) and entry.wants_gui(["--db", "sqlite:///x"])
    assert entry.wants_gui(["--data-dir", "D:/kjjb", "--db=sqlite:///x"])
    assert not entry.wants_gui(["--db", "sqlite:///x", "batches"])
    assert not entry.wants_gui(["--db=sqlite:///x", "calc", "1"])
    assert not entry.wants_gui(["batches"])


def test_a_store_refusal_in_any_command_is_one_line(capsys, monkeypatch):
    """Commands of other parts (Excel, letters) open the store too: its refusals never show a traceback."""
    from core import cli
    from core.store import NotFound

    def command(args):
        raise NotFound("找不到批次42")

    monkeypatch.setattr(cli, "cmd_rules", command)
    code, _, err = run(capsys, "rules")
    assert (code, err) == (2, "错误：找不到批次42\n")


def test_known_uscc_and_lookup_errors(store):
    store.add_company(profile(1))
    assert store.known_uscc(uscc(1)) and not store.known_uscc(uscc(2))
    with pytest.raises(LookupError, match="找不到批次5"):
        store.batch(5)


def test_batches_lists_a_batch_without_companies(capsys, db_url):
    """A 免申即享 batch whose list rows all went unmatched has no companies and no lines: it is listed with a total
    of 0.00 (it used to stop the command with a traceback)."""
    from listhelp import TECH_SME_DATE, TECH_SME_LIST

    from core.lists import kinds, service

    store = open_store(db_url)
    try:
        list_id, _ = service.import_list(
            store, service.prepare(store, TECH_SME_LIST, kinds.TECH_SME, list_date=TECH_SME_DATE)
        )
        batch_id, added, skipped = service.make_claims(store, list_id, award_year=2026)
        assert added == 0 and skipped
    finally:
        store.close()
    code, out, _ = run(capsys, "--db", db_url, "batches")
    assert code == 0
    assert out.splitlines()[0].endswith("草稿  0家单位  0条明细  合计0.00元")
