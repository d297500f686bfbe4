"""``python main.py letters BATCH -o DIR [--merged]``: every letter of an approved batch as PDF.

Only the parser lives here: laying out pages needs Qt, which core never
imports, so the command itself is gui.printing.cli, loaded when it runs.
"""

from __future__ import annotations

import importlib


def register(subparsers) -> None:
    s = subparsers.add_parser("letters", help="为已审批批次的每家企业生成兑现通知书（PDF）")
    s.add_argument("batch", type=int, help="批次编号")
    s.add_argument("-o", "--output", required=True, help="输出目录")
    s.add_argument("--merged", action="store_true", help="全部企业合并为一个PDF（默认每家企业一个文件）")
    s.add_argument("--who", help="经办人姓名（记入出具记录；默认为当前登录用户）")
    s.set_defaults(fn=cmd_letters)


def cmd_letters(args) -> int:
    return importlib.import_module("gui.printing.cli").run(args)
