"""The letter template: an HTML file with ``{{占位符}}`` placeholders an administrator may edit.

The shipped template is ``resources/templates/award_letter.html``; a copy in
the user data folder (``award_letter.html`` beside the settings) takes its
place, so a bureau can change the layout without touching the program's
files. Placeholders are Chinese, so the person editing the file can read
them; a misspelt or missing one is refused with the line it is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.letters.errors import TemplateError
from core.paths import RESOURCES, user_data_dir

TEMPLATES = RESOURCES / "templates"
TEMPLATE_NAME = "award_letter.html"

# 占位符 -> (key in code, what it stands for). Values are escaped text unless marked HTML below.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "文头": ("letterhead", "文头（发文机关标志，套红印在首页上方）"),
    "文号": ("doc_number", "文号，如 呼科发〔2025〕12号"),
    "标题": ("title", "通知书标题"),
    "企业名称": ("company_name", "企业名称"),
    "统一社会信用代码": ("uscc", "企业的统一社会信用代码"),
    "正文开头": ("intro", "正文开头一段（兑现通知书设置中填写）"),
    "奖补明细表": ("award_table", "奖补明细表（序号、项目、政策依据、金额，含合计行；HTML）"),
    "合计金额": ("total_figures", "奖补合计金额（小写），如 1,500,000.00"),
    "大写金额": ("total_in_words", "奖补合计金额（大写），如 人民币壹佰伍拾万元整"),
    "开户行": ("bank_name", "企业开户行"),
    "账号": ("bank_account", "企业银行账号"),
    "正文结尾": ("closing", "正文结尾一段（兑现通知书设置中填写）"),
    "联系方式": ("contact", "联系人和电话（兑现通知书设置中填写）"),
    "落款": ("signature", "落款（发文机关署名，可多行；HTML）"),
    "成文日期": ("issue_date", "成文日期（批次审批日期），如 2025年11月25日"),
    "抄送": ("copy_to", "抄送一行（没有抄送单位时为空；HTML）"),
    "发文机关": ("issuer", "发文机关名称"),
    "兑现年度": ("award_year", "批次的兑现年度，如 2026"),
    "批次名称": ("batch_name", "申报批次名称"),
}
# Placeholders whose value the letter builder writes as HTML (everything else is escaped text).
HTML_KEYS = frozenset({"award_table", "signature", "copy_to"})
# A letter without these is not a 兑现通知书.
REQUIRED = (
    "文号",
    "企业名称",
    "统一社会信用代码",
    "奖补明细表",
    "合计金额",
    "大写金额",
    "开户行",
    "账号",
    "落款",
    "成文日期",
)
# What the bureau's own paragraphs (正文开头, 正文结尾, 联系方式) may use.
TEXT_PLACEHOLDERS = ("兑现年度", "批次名称", "企业名称", "发文机关")

_TOKEN = re.compile(r"\{\{([^{}\n]*)\}\}")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class LetterTemplate:
    """A checked template, split once into literal text and placeholder keys."""

    name: str
    source: str
    parts: tuple  # str literals at even positions, keys at odd positions

    def fill(self, values: dict[str, str]) -> str:
        """The template with every placeholder replaced by ``values[key]``."""
        parts = self.parts
        return "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(parts))

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.parts[1::2])


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _split(text: str, name: str, allowed) -> list:
    parts: list = []
    pos = 0
    for m in _TOKEN.finditer(text):
        label = m[1].strip()
        if label not in allowed:
            if not label:
                raise TemplateError(
                    f"{name}第{_line_of(text, m.start())}行的占位符“{m[0]}”写法有误"
                    f"（应为两对花括号中间写占位符名称，如“{{{{文号}}}}”）"
                )
            raise TemplateError(
                f"{name}第{_line_of(text, m.start())}行有未知的占位符“{{{{{label}}}}}”。"
                f"可用的占位符：{'、'.join(allowed)}"
            )
        literal = text[pos : m.start()]
        _check_stray(literal, text, pos, name)
        parts += [literal, PLACEHOLDERS[label][0]]
        pos = m.end()
    _check_stray(text[pos:], text, pos, name)
    parts.append(text[pos:])
    return parts


def _check_stray(literal: str, text: str, offset: int, name: str) -> None:
    for brace in ("{{", "}}"):
        i = literal.find(brace)
        if i >= 0:
            raise TemplateError(
                f"{name}第{_line_of(text, offset + i)}行有不成对的“{brace}”（占位符应写成“{{{{文号}}}}”的样子）"
            )


def parse_template(text: str, name: str = TEMPLATE_NAME) -> LetterTemplate:
    """Check and split a template; TemplateError (Chinese, with the line) when it is not usable."""
    label = f"兑现通知书模板{name}"
    # Comments never print: drop them (keeping line numbers) so a placeholder there counts for nothing.
    text = _COMMENT.sub(lambda m: "\n" * m[0].count("\n"), text)
    parts = _split(text, label, tuple(PLACEHOLDERS))
    present = set(parts[1::2])
    missing = [p for p in REQUIRED if PLACEHOLDERS[p][0] not in present]
    if missing:
        raise TemplateError(
            f"{label}缺少必需的占位符：" + "；".join(f"“{{{{{p}}}}}”（{PLACEHOLDERS[p][1]}）" for p in missing)
        )
    return LetterTemplate(name, text, tuple(parts))


def check_text(text: str, field_label: str) -> None:
    """A bureau paragraph may use only TEXT_PLACEHOLDERS; TemplateError otherwise."""
    _split(text, f"“{field_label}”", TEXT_PLACEHOLDERS)


@lru_cache(maxsize=64)
def _text_parts(text: str) -> tuple:
    return tuple(_split(text, "", TEXT_PLACEHOLDERS))


def fill_text(text: str, values: dict[str, str]) -> str:
    """A bureau paragraph with its placeholders filled (``values`` keyed like PLACEHOLDERS keys)."""
    parts = _text_parts(text)
    return "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(parts))


def template_path() -> Path:
    """The template in use: the bureau's copy in the user data folder, else the shipped one."""
    own = user_data_dir() / TEMPLATE_NAME
    return own if own.exists() else TEMPLATES / TEMPLATE_NAME


def load_template(path: Path | str | None = None) -> LetterTemplate:
    path = Path(path) if path is not None else template_path()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TemplateError(f"找不到兑现通知书模板：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"无法读取兑现通知书模板{path}：{exc.__class__.__name__}") from None
    return parse_template(text, path.name)
