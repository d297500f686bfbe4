"""Headless commands: ``python main.py <command> ...``.

Every command prints Chinese messages for people and JSON where asked for
machines. A bad input exits with code 2 and one clear line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """A problem with what the user asked for; printed without a traceback."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.code = code


def _policies(args):
    """The policy files, parsed and checked on every command. Not cached between commands: a parsed copy kept in
    the user's data folder would let anyone who can write there change the rates paid, outside both the program
    folder's protection and the store's seals (about 0.05 s per command, measured and judged not worth it)."""
    from core.engine import load_policies
    from core.policy.loader import PolicyError

    try:
        return load_policies(getattr(args, "policies", None))
    except PolicyError as exc:
        raise CliError(f"政策文件有误：{exc}") from None


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_rules(args) -> int:
    ps = _policies(args)
    rules = ps.rules_json()
    if args.json:
        _print_json(rules)
        return EXIT_OK
    from core.coverage import applied
    from core.policy.model import NEWLY_SHORT, ONCE_SHORT

    for r in rules:
        rule = ps.rules[r["id"]]
        counts = ""
        if rule.pays:
            counts = applied(rule, rule.once, ONCE_SHORT) or ""
            newly = applied(rule, rule.newly, NEWLY_SHORT)
            counts += f"，{newly}" if newly else ""
            counts += "".join(f"，上限{c['per']}" for c in r["counting"]["caps"])
        print(f"{r['id']:<34} {r['clause']:<8} {r['kind']:<13} {r['summary']}  [{counts}]")
    print(
        f"共{len(rules)}条规则，来自{len(ps.documents)}个政策文件；[ ]内为按什么只支持一次、“新认定”、上限按什么计"
        f"（取决于解读的按当前解读；--json 给出全部）"
    )
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from core.casefile import CaseError, load_case_json
    from core.evaluation import evaluate_case

    path = Path(args.case)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"找不到案例文件：{path}") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise CliError(f"无法读取案例文件{path}：{exc.__class__.__name__}") from None
    ps = _policies(args)
    try:
        case = load_case_json(text, ps.vocabulary)
        result = evaluate_case(case, ps)
    except CaseError as exc:
        raise CliError(f"案例文件{path.name}有误：{exc}") from None
    _print_json(result)
    return EXIT_OK


def cmd_check(args) -> int:
    from core.rulecases import run_rule_cases

    from core.policy.yamlio import YamlError

    ps = _policies(args)
    try:
        report = run_rule_cases(ps, args.cases)
    except YamlError as exc:
        raise CliError(f"规则案例文件有误：{exc}") from None
    for failure in report.failures:
        print(f"不通过 {failure}")
    print(
        f"规则案例：{report.passed}项通过，{len(report.failures)}项不通过；"
        f"{len(report.uncovered)}条规则没有案例" + (f"（{'、'.join(report.uncovered)}）" if report.uncovered else "")
    )
    return EXIT_OK if not report.failures and not report.uncovered else EXIT_FAIL


def cmd_coverage(args) -> int:
    from core.coverage import coverage_markdown

    text = coverage_markdown(_policies(args))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"已写入 {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


USER_HELP = "操作人用户名（数据库已设置用户时，修改数据的命令必须指定；密码取自环境变量KJJB_PASSWORD或提示输入）"

# Modules that add their own commands: each has register(subparsers), and
# its commands take the parsed args and return an exit code.
COMMAND_MODULES = (
    "core.store.commands",
    "core.excel.commands",
    "core.letters.commands",
    "core.audit.commands",
    "core.targetcommand",
    "core.lists.commands",
    "core.scenario.commands",
    "core.forecast.commands",
)

# The commands each module registers, so that a command imports only its own module (start-up time:
# the store's modules and SQLAlchemy are not loaded for ``rules``, nor the audit's for ``batches``).
# A module missing here is still found: an unlisted command builds the whole parser.
# tests/test_cli.py checks these names against what each module registers.
COMMANDS_OF = {
    "core.store.commands": ("batches", "calc", "approve", "delete", "adjust", "paid", "backup", "db"),
    "core.excel.commands": ("template", "import", "import-limit", "export", "disbursement", "publicity"),
    "core.letters.commands": ("letters",),
    "core.audit.commands": ("audit", "user"),
    "core.targetcommand": ("targets",),
    "core.lists.commands": ("list", "entitled"),
    "core.scenario.commands": ("scenario",),
    "core.forecast.commands": ("forecast", "effect"),
}
OWN_COMMANDS = ("rules", "evaluate", "check", "coverage")
GLOBAL_OPTIONS = ("--policies", "--db", "--user")


def command_modules(argv: list[str] | None) -> tuple[str, ...]:
    """The command modules needed to parse ``argv``: the one module of its command, or all of them
    when the command is not known here (help, a misspelling, a module not in COMMANDS_OF)."""
    args = list(sys.argv[1:] if argv is None else argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in GLOBAL_OPTIONS:
            i += 2
            continue
        if arg.partition("=")[0] in GLOBAL_OPTIONS:
            i += 1
            continue
        if arg in OWN_COMMANDS or arg == "--version":
            return ()
        for module, names in COMMANDS_OF.items():
            if arg in names:
                return (module,)
        break
    return COMMAND_MODULES


def build_parser(argv: list[str] | None = None, *, everything: bool = True) -> argparse.ArgumentParser:
    """The parser of every command, or (``everything=False``) of just what ``argv`` runs."""
    import importlib

    from core.version import APP_NAME, __version__

    p = argparse.ArgumentParser(prog="main.py", description=f"{APP_NAME}（无界面命令）")
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    p.add_argument("--policies", help="政策文件目录（默认为程序自带的 resources/policies）")
    p.add_argument("--db", help="数据库地址（SQLAlchemy URL），默认为用户数据目录中的 SQLite 文件")
    p.add_argument("--user", help=USER_HELP)
    sub = p.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES if everything else command_modules(argv):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that part of the program is not built yet
            raise
        module.register(sub)

    s = sub.add_parser("rules", help="列出全部规则")
    s.add_argument("--json", action="store_true", help="以JSON输出")
    s.set_defaults(fn=cmd_rules)

    s = sub.add_parser("evaluate", help="按案例文件（JSON）计算奖补")
    s.add_argument("case", help="CASE.json，格式见 docs/evaluate-format.md")
    s.set_defaults(fn=cmd_evaluate)

    s = sub.add_parser("check", help="运行政策文件的规则案例，核对修改后的政策文件")
    s.add_argument("--cases", help="规则案例目录（默认为政策目录下的 cases）")
    s.set_defaults(fn=cmd_check)

    s = sub.add_parser("coverage", help="生成条款覆盖说明（docs/coverage.md）")
    s.add_argument("-o", "--output")
    s.set_defaults(fn=cmd_coverage)
    _user_after_command(p)
    return p


def _user_after_command(parser: argparse.ArgumentParser) -> None:
    """``--user`` is accepted after any (sub)command too; SUPPRESS keeps a ``--user`` given before it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                if "--user" not in command._option_string_actions:
                    command.add_argument("--user", default=argparse.SUPPRESS, help=USER_HELP)
                _user_after_command(command)


def main(argv=None) -> int:
    parser = build_parser(argv, everything=False)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return EXIT_BAD_INPUT if exc.code else EXIT_OK
    from core.identity import acting as identity

    identity.begin(args)
    try:
        return args.fn(args)
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return EXIT_FAIL
    except Exception as exc:  # the store's refusals reach here from any command that opens it
        from core.store.errors import StoreError

        if isinstance(exc, StoreError):
            print(f"错误：{exc}", file=sys.stderr)
            return exc.exit_code
        if (message := _database_error(exc)) is None:
            raise
        print(f"错误：{message}", file=sys.stderr)
        return EXIT_FAIL
    finally:
        identity.end()


def _database_error(exc: BaseException) -> str | None:
    """A database error no store method turned into a clerk's message: one line, never SQL or a traceback."""
    if not any(c.__name__ == "DBAPIError" and c.__module__.startswith("sqlalchemy") for c in type(exc).__mro__):
        return None
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0][:200]
    return f"数据库操作失败（{type(orig).__name__}：{first}），本次操作未完成；如反复出现，请联系管理员"
