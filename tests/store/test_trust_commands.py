"""Commands with who-is-acting (--user, KJJB_PASSWORD), users, and the audit log from the command line."""

import json

import pytest
from openpyxl import load_workbook
from storehelp import batch_data, hte, profile, uscc
from test_audit import tamper

from core.cli import main
from core.paths import RESOURCES
from core.store import open_store

SAMPLE = RESOURCES / "samples" / "申报样例.xlsx"
PW = {"管理员": "Admin-2026", "张三": "Zhang-2026", "李四": "Li-2026x", "王五": "Wang-2026"}


def run(capsys, monkeypatch, *argv, user=None, new_password=None):
    monkeypatch.delenv("KJJB_PASSWORD", raising=False)
    monkeypatch.delenv("KJJB_NEW_PASSWORD", raising=False)
    if user:
        monkeypatch.setenv("KJJB_PASSWORD", PW[user])
        argv = (*argv, "--user", user)
    if new_password:
        monkeypatch.setenv("KJJB_NEW_PASSWORD", new_password)
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def people(db_url, capsys, monkeypatch):
    code, out, _ = run(
        capsys, monkeypatch, "--db", db_url, "user", "add", "管理员", "--role", "admin", new_password=PW["管理员"]
    )
    assert code == 0 and out.startswith("已添加用户管理员（管理员）；这是第一个用户")
    for name, roles in (("张三", ["preparer"]), ("李四", ["reviewer"]), ("王五", ["preparer", "reviewer"])):
        argv = ["--db", db_url, "user", "add", name] + [x for r in roles for x in ("--role", r)]
        code, out, err = run(capsys, monkeypatch, *argv, user="管理员", new_password=PW[name])
        assert code == 0, err
    return db_url


def test_before_any_user_exists_changes_work_with_a_warning(db_url, hlb_dir, capsys, monkeypatch):
    store = open_store(db_url)
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.close()
    code, out, err = run(capsys, monkeypatch, "--db", db_url, "--policies", str(hlb_dir), "calc", str(b))
    assert code == 0 and out.startswith(f"批次{b}“第一批”计算完成")
    assert err == "警告：数据库尚未设置任何用户，本次修改未经身份验证；请用 python main.py user add 创建管理员\n"
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "batches")
    assert code == 0 and err == ""  # reading warns about nothing


def test_once_users_exist_changes_need_a_valid_user(people, hlb_dir, capsys, monkeypatch):
    url = people
    store = open_store(url)
    store.login("张三", PW["张三"])
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.close()
    code, _, err = run(capsys, monkeypatch, "--db", url, "--policies", str(hlb_dir), "calc", str(b))
    assert (code, err) == (
        2,
        "错误：计算批次须先登录（命令行：--user 用户名，密码取自环境变量KJJB_PASSWORD或提示输入）\n",
    )
    monkeypatch.setenv("KJJB_PASSWORD", "wrong-password")
    code = main(["--db", url, "--user", "张三", "calc", str(b)])
    assert (code, capsys.readouterr().err) == (2, "错误：用户名或密码错误\n")
    monkeypatch.delenv("KJJB_PASSWORD")
    code = main(["--db", url, "--user", "张三", "calc", str(b)])  # no password to read in a test
    assert (code, capsys.readouterr().err) == (
        2,
        "用户“张三”的密码：错误：无法读取密码：请设置环境变量KJJB_PASSWORD，或在终端中运行以便输入\n",
    )
    code, out, _ = run(capsys, monkeypatch, "--db", url, "--policies", str(hlb_dir), "calc", str(b), user="张三")
    assert code == 0 and out.startswith(f"批次{b}“第一批”计算完成")
    code, _, err = run(capsys, monkeypatch, "--db", url, "approve", str(b), "--allow-provisional", user="张三")
    assert code == 2 and err.startswith("错误：用户“张三”的角色为经办人，不能审批批次（需要审核人角色）")


def test_a_preparer_cannot_approve_their_own_batch_from_the_command_line(people, hlb_dir, capsys, monkeypatch):
    url = people
    code, out, _ = run(capsys, monkeypatch, "--db", url, "import", str(SAMPLE), user="王五")
    assert code == 0
    b = int(out.splitlines()[0])
    code, _, _ = run(capsys, monkeypatch, "--db", url, "--policies", str(hlb_dir), "calc", str(b), user="王五")
    assert code == 0
    code, _, err = run(capsys, monkeypatch, "--db", url, "approve", str(b), "--allow-provisional", user="王五")
    assert (code, err) == (2, f"错误：经办人和审核人不能是同一人：批次{b}由“王五”计算，须由其他审核人审批\n")
    code, out, _ = run(capsys, monkeypatch, "--db", url, "approve", str(b), "--allow-provisional", user="李四")
    assert code == 0 and "已审批（经办人王五，审核人李四）" in out


def test_an_approved_batch_cannot_be_changed_through_any_command(people, hlb_dir, tmp_path, capsys, monkeypatch):
    url = people
    run(capsys, monkeypatch, "--db", url, "import", str(SAMPLE), user="张三")
    run(capsys, monkeypatch, "--db", url, "--policies", str(hlb_dir), "calc", "1", user="张三")
    code, _, _ = run(capsys, monkeypatch, "--db", url, "approve", "1", "--allow-provisional", user="李四")
    assert code == 0
    store = open_store(url)
    lines = store.lines(1)
    assert lines
    attempts = [
        (["--policies", str(hlb_dir), "calc", "1"], "张三", "已审批，不能重新计算"),
        (["delete", "1"], "张三", "已审批，不能删除"),
        (["approve", "1", "--allow-provisional"], "王五", "已审批，不能再次审批"),
    ]
    for argv, who, message in attempts:
        code, _, err = run(capsys, monkeypatch, "--db", url, *argv, user=who)
        assert code == 2 and message in err, (argv, err)
    code, out, _ = run(capsys, monkeypatch, "--db", url, "import", str(SAMPLE), user="张三")
    assert code == 0 and out.splitlines()[1].startswith("该工作簿此前已导入，批次1")
    other = tmp_path / "另一份申报.xlsx"
    wb = load_workbook(SAMPLE)
    wb.save(other)
    code, out, _ = run(capsys, monkeypatch, "--db", url, "import", str(other), user="张三")
    assert code == 0 and out.splitlines()[0] == "2"
    run(capsys, monkeypatch, "--db", url, "--policies", str(hlb_dir), "calc", "2", user="张三")
    assert store.lines(1) == lines
    code, out, _ = run(capsys, monkeypatch, "--db", url, "audit", "verify")
    assert code == 0 and out.startswith("审计日志完整：")
    store.close()


def test_audit_commands_name_the_first_broken_row(people, hlb_dir, db_url, capsys, monkeypatch):
    url = people
    store = open_store(url)
    store.login("张三", PW["张三"])
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.calculate(b, __import__("core.engine", fromlist=["x"]).load_policies(hlb_dir))
    store.login("李四", PW["李四"])
    store.approve(b, allow_provisional=True)
    store.close()
    code, out, _ = run(capsys, monkeypatch, "--db", url, "audit", "head")
    seq, digest = out.strip().split(":")
    code, out, _ = run(capsys, monkeypatch, "--db", url, "audit", "verify", "--expect", f"{seq}:{digest}")
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, "--db", url, "audit", "list", "--target", f"batch:{b}")
    lines = out.splitlines()
    assert [l.split()[3:5] for l in lines[:-1]] == [["张三", "导入批次"], ["张三", "计算批次"], ["李四", "审批批次"]]
    assert lines[-1] == "共3条审计记录"
    code, out, _ = run(capsys, monkeypatch, "--db", url, "audit", "list", "--action", "batch.approve", "--json")
    (entry,) = json.loads(out)
    assert entry["new"]["preparer"] == "张三" and entry["new"]["reviewer"] == "李四"

    tamper(db_url, f"UPDATE award_lines SET amount = '900000.00' WHERE batch_id = {b}")
    code, out, _ = run(capsys, monkeypatch, "--db", url, "audit", "verify")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("审计日志校验不通过：发现1处问题")
    assert lines[1].startswith(f"  批次{b}第1条奖补明细（编号1，单位编号1，规则hlb-01-hte-first，金额900000.00元）与第")
    assert lines[1].endswith("李四，batch.approve）封存的内容不符（被直接改动），被改动的列：金额（amount）")
    code, out, _ = run(capsys, monkeypatch, "--db", url, "audit", "verify", "--json")
    assert code == 1 and json.loads(out)["problems"][0]["table"] == "award_lines"
    code, _, err = run(capsys, monkeypatch, "--db", url, "audit", "verify", "--expect", "12:abc")
    assert code == 2 and err.startswith("错误：--expect 应为“序号:哈希”")


def test_user_commands(people, capsys, monkeypatch):
    url = people
    code, _, err = run(capsys, monkeypatch, "--db", url, "user", "add", "赵六", "--role", "preparer", user="张三")
    assert code == 2 and "不能添加用户（需要管理员角色）" in err
    code, _, err = run(
        capsys,
        monkeypatch,
        "--db",
        url,
        "user",
        "add",
        "赵六",
        "--role",
        "preparer",
        new_password="short",
        user="管理员",
    )
    assert code == 2 and err == "错误：密码至少8位\n"
    code, out, _ = run(capsys, monkeypatch, "--db", url, "user", "list")
    assert out.splitlines()[0].startswith("张三  经办人  正常  最近登录")  # logged in by the refused command
    assert out.splitlines()[1] == "李四  审核人  正常  未登录过"
    code, out, _ = run(
        capsys,
        monkeypatch,
        "--db",
        url,
        "user",
        "roles",
        "张三",
        "--role",
        "preparer",
        "--role",
        "reviewer",
        user="管理员",
    )
    assert (code, out) == (0, "用户“张三”的角色已设为经办人、审核人\n")
    code, out, _ = run(capsys, monkeypatch, "--db", url, "user", "disable", "李四", user="管理员")
    assert (code, out) == (0, "已停用用户“李四”\n")
    code, _, err = run(capsys, monkeypatch, "--db", url, "audit", "verify", user="李四")
    assert code == 2 and "已停用" in err
    code, out, _ = run(
        capsys, monkeypatch, "--db", url, "user", "passwd", "张三", user="张三", new_password="Zhang-2027"
    )
    assert (code, out) == (0, "已修改用户“张三”的密码\n")
    monkeypatch.setenv("KJJB_PASSWORD", "Zhang-2027")
    assert main(["--db", url, "--user", "张三", "user", "list"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, monkeypatch, "--db", url, "audit", "list", "--action", "user", "--limit", "3")
    assert [l.split()[4] for l in out.splitlines()[:-1]] == ["修改角色", "停用用户", "修改密码"]


def test_a_headless_import_changing_a_payee_lists_it_and_needs_the_flag(db_url, tmp_path, capsys, monkeypatch):
    """Issue 13 item 3: a known company's account changed by a workbook is printed, and imported only with
    --accept-payee-changes; the log keeps old -> new."""
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "import", str(SAMPLE))
    assert code == 0
    wb = load_workbook(SAMPLE)
    ws = wb["企业信息"]
    assert (ws["A2"].value, ws["H2"].value) == ("91150702MAAKD60002", "0607000000113439891")
    ws["H2"] = "6222020000000000001"
    ws["G3"] = "中国建设银行股份有限公司呼伦贝尔分行"
    changed = tmp_path / "改账户.xlsx"
    wb.save(changed)
    code, out, err = run(capsys, monkeypatch, "--db", db_url, "import", str(changed))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "该工作簿将改变2家已有单位的收款信息（拨付对象）：",
        "  单位“呼伦贝尔北疆乳业科技有限公司”（91150702MAAKD60002）银行账号：0607000000113439891 → 6222020000000000001",
        "  单位“呼伦贝尔草原绿源生物科技有限公司”（91150702MAQTM6001U）开户行：中国农业银行股份有限公司呼伦贝尔分行营业部 → "
        "中国建设银行股份有限公司呼伦贝尔分行",
        "未导入任何数据。请与申报单位核实以上变更，确认无误后加 --accept-payee-changes 重新导入",
    ]
    store = open_store(db_url)
    assert len(store.batches()) == 1
    store.close()
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "import", str(changed), "--accept-payee-changes")
    assert code == 0
    batch_id = int(out.splitlines()[0])
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "audit", "list", "--action", "company.update", "--json")
    entries = json.loads(out)
    assert [(e["old"], e["new"]) for e in entries] == [
        ({"bank_account": "0607000000113439891"}, {"bank_account": "6222020000000000001", "imported_in": batch_id}),
        (
            {"bank_name": "中国农业银行股份有限公司呼伦贝尔分行营业部"},
            {"bank_name": "中国建设银行股份有限公司呼伦贝尔分行", "imported_in": batch_id},
        ),
    ]
