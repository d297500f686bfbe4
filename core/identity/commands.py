"""Headless commands for trust: the audit log and users.

    python main.py audit verify [--expect SEQ:HASH] [--json]   # exit 1 and the first broken entry or row
    python main.py audit list [--target batch:3] [--action batch] [--who 张三] [--limit N] [--json]
    python main.py audit head                                   # write it down; --expect checks it later
    python main.py user add NAME --role preparer [--role reviewer]   # the first user: --role admin
    python main.py user list | passwd NAME | roles NAME --role ... | disable NAME | enable NAME

Passwords: the acting user's (``--user``) from KJJB_PASSWORD, a password being
set from KJJB_NEW_PASSWORD; otherwise both are asked for on the terminal.
"""

from __future__ import annotations

import json
import re
import sys

from core.auditlog.actions import action_label, change_summary, target_label, who_label
from core.identity.acting import NEW_PASSWORD_ENV, CredentialsError, acting_name, acting_password, read_password
from core.identity.roles import ROLES, ROLE_LABELS, role_labels
from core.cli import EXIT_FAIL, EXIT_OK, CliError
from core.store.commands import _with_store

MAX_PRINTED = 50


# ---------------------------------------------------------------- audit


def _expect(text: str) -> tuple[int, str]:
    m = re.fullmatch(r"\s*(\d+)\s*:\s*([0-9a-fA-F]{64})\s*", text or "")
    if not m:
        raise CliError(f"--expect 应为“序号:哈希”（audit head 的输出），实际为“{text}”")
    return int(m[1]), m[2].lower()


@_with_store()
def cmd_verify(args, store) -> int:
    expect = _expect(args.expect) if args.expect else None
    report = store.audit.verify(expect=expect)
    if args.json:
        sys.stdout.write(
            json.dumps(
                {
                    "ok": report.ok,
                    "entries": report.entries,
                    "head": {"seq": report.head_seq, "hash": report.head_hash},
                    "rows": report.rows,
                    "problem_count": report.problem_count,
                    "problems": [
                        {"kind": p.kind, "seq": p.seq, "table": p.table, "key": p.key, "message": p.message}
                        for p in report.problems
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return EXIT_OK if report.ok else EXIT_FAIL
    if report.ok:
        print(report.summary)
        return EXIT_OK
    print(
        f"审计日志校验不通过：发现{report.problem_count}处问题（共{report.entries}条审计记录，"
        f"{report.rows}行受保护数据）"
    )
    for p in report.problems[:MAX_PRINTED]:
        print(f"  {p}")
    if report.problem_count > MAX_PRINTED:
        print(f"  ……等共{report.problem_count}处")
    return EXIT_FAIL


@_with_store()
def cmd_list(args, store) -> int:
    entries = store.audit.entries(
        target=args.target, action=args.action, who=args.who, limit=args.limit, newest_first=bool(args.limit)
    )
    if args.limit:
        entries.reverse()
    if args.json:
        sys.stdout.write(
            json.dumps(
                [
                    {
                        "seq": e.seq,
                        "at": e.at,
                        "who": e.who,
                        "action": e.action,
                        "target": e.target,
                        "old": e.old,
                        "new": e.new,
                        "hash": e.hash,
                        "sealed_rows": e.sealed_rows,
                    }
                    for e in entries
                ],
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return EXIT_OK
    for e in entries:
        summary = change_summary(e.old, e.new, 120)
        print(
            f"{e.seq:>6}  {e.at.replace('T', ' ')}  {who_label(e.who)}  {action_label(e.action)}  "
            f"{target_label(e.target)}" + (f"  {summary}" if summary else "")
        )
    print(f"共{len(entries)}条审计记录")
    return EXIT_OK


@_with_store()
def cmd_head(args, store) -> int:
    seq, digest = store.audit.head()
    print(f"{seq}:{digest}")
    print(
        f"审计日志最后一条为第{seq}条。请将上面一行抄录或打印留存；日后运行 "
        f"python main.py audit verify --expect {seq}:{digest[:8]}… 可发现审计日志被整体重写",
        file=sys.stderr,
    )
    return EXIT_OK


# ---------------------------------------------------------------- users


def _new_password(name: str) -> str:
    try:
        return read_password(NEW_PASSWORD_ENV, f"为“{name}”设置的新密码：", "再次输入新密码：")
    except CredentialsError as exc:
        raise CliError(str(exc)) from None


@_with_store()
def cmd_user_add(args, store) -> int:
    first = not store.users.exist()
    if not first:
        store.require("add_user")  # before asking for the new password
    user = store.users.add(args.name, _new_password(args.name), args.role or [])
    print(f"已添加用户{user.label}" + ("；这是第一个用户，此后修改数据的命令须用 --user 指定操作人" if first else ""))
    return EXIT_OK


@_with_store()
def cmd_user_list(args, store) -> int:
    users = store.users.all()
    if args.json:
        sys.stdout.write(
            json.dumps(
                [
                    {
                        "name": u.name,
                        "roles": sorted(u.roles),
                        "active": u.active,
                        "created_at": u.created_at.isoformat(),
                        "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
                    }
                    for u in users
                ],
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return EXIT_OK
    if not users:
        print("尚未设置任何用户（python main.py user add 用户名 --role admin 创建管理员）")
        return EXIT_OK
    for u in users:
        last = f"最近登录{u.last_login_at:%Y-%m-%d %H:%M}" if u.last_login_at else "未登录过"
        print(f"{u.name}  {role_labels(u.roles)}  {'正常' if u.active else '已停用'}  {last}")
    print(f"共{len(users)}个用户")
    return EXIT_OK


@_with_store()
def cmd_user_passwd(args, store) -> int:
    store.require("set_password")
    own = acting_name() == args.name.strip()
    try:
        old = acting_password() if own else None
    except CredentialsError as exc:
        raise CliError(str(exc)) from None
    store.users.set_password(args.name, _new_password(args.name), old)
    print(f"已修改用户“{args.name}”的密码")
    return EXIT_OK


@_with_store()
def cmd_user_roles(args, store) -> int:
    store.users.set_roles(args.name, args.role or [])
    print(f"用户“{args.name}”的角色已设为{role_labels(args.role or [])}")
    return EXIT_OK


@_with_store()
def cmd_user_active(args, store) -> int:
    active = args.action == "enable"
    store.users.set_active(args.name, active)
    print(f"已{'启用' if active else '停用'}用户“{args.name}”")
    return EXIT_OK


def register(sub) -> None:
    s = sub.add_parser("audit", help="审计日志：verify 校验，list 查看，head 显示最后一条（供抄录留存）")
    actions = s.add_subparsers(dest="audit_action", required=True)
    a = actions.add_parser("verify", help="校验哈希链和受保护数据；有问题时退出码为1并指出第一处")
    a.add_argument("--expect", metavar="SEQ:HASH", help="此前记下的 audit head 输出，须仍在审计日志中")
    a.add_argument("--json", action="store_true", help="以JSON输出")
    a.set_defaults(fn=cmd_verify)
    a = actions.add_parser("list", help="列出审计记录")
    a.add_argument("--target", help="对象，如 batch:3、company:12、user:张三，或 batch（全部批次）")
    a.add_argument("--action", help="操作，如 batch.approve，或 batch（批次的全部操作）")
    a.add_argument("--who", help="操作人")
    a.add_argument("--limit", type=int, help="只列最近N条")
    a.add_argument("--json", action="store_true", help="以JSON输出")
    a.set_defaults(fn=cmd_list)
    a = actions.add_parser("head", help="显示最后一条审计记录的序号和哈希（抄录留存，日后 verify --expect 核对）")
    a.set_defaults(fn=cmd_head)

    roles_help = "角色（可重复）：" + "、".join(f"{r}（{ROLE_LABELS[r]}）" for r in ROLES)
    s = sub.add_parser("user", help="用户：add 添加，list 列出，passwd 改密码，roles 改角色，disable/enable 停用/启用")
    actions = s.add_subparsers(dest="user_action", required=True)
    a = actions.add_parser("add", help="添加用户（第一个用户须为管理员；新密码取自KJJB_NEW_PASSWORD或提示输入）")
    a.add_argument("name", help="用户名")
    a.add_argument("--role", action="append", choices=ROLES, required=True, help=roles_help)
    a.set_defaults(fn=cmd_user_add)
    a = actions.add_parser("list", help="列出用户")
    a.add_argument("--json", action="store_true", help="以JSON输出")
    a.set_defaults(fn=cmd_user_list)
    a = actions.add_parser("passwd", help="修改密码（本人凭原密码，管理员可重设他人密码）")
    a.add_argument("name", help="用户名")
    a.set_defaults(fn=cmd_user_passwd)
    a = actions.add_parser("roles", help="设置用户的角色（管理员）")
    a.add_argument("name", help="用户名")
    a.add_argument("--role", action="append", choices=ROLES, required=True, help=roles_help)
    a.set_defaults(fn=cmd_user_roles)
    for action, text in (("disable", "停用用户（管理员）"), ("enable", "启用用户（管理员）")):
        a = actions.add_parser(action, help=text)
        a.add_argument("name", help="用户名")
        a.set_defaults(fn=cmd_user_active, action=action)
