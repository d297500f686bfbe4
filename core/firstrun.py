"""What the clerk tells the program on its first run: the bureau (发文机关, 机关代字) and their own name.

The bureau goes into the award-letter settings (core.letters.settings), the
clerk's name into the store's settings (``clerk.name``), where other screens
find it as the default 经办人. gui/firstrun.py asks; this module checks and saves.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from core.letters.numbering import code_problem
from core.letters.settings import default_letter_settings, load_letter_settings, save_letter_settings

CLERK_NAME_KEY = "clerk.name"
MAX_NAME = 60  # the store's preparer/reviewer columns hold 60 characters


@dataclass(frozen=True)
class FirstRunAnswers:
    issuer: str  # 发文机关, e.g. 呼伦贝尔市科学技术局
    code: str  # 机关代字 for 文号, e.g. 呼科发
    clerk: str  # 经办人
    demo: bool = False  # load the demonstration batch

    def stripped(self) -> FirstRunAnswers:
        return dataclasses.replace(self, issuer=self.issuer.strip(), code=self.code.strip(), clerk=self.clerk.strip())

    def problems(self) -> list[str]:
        """What keeps these answers from being saved, in Chinese (empty when fine)."""
        a = self.stripped()
        out = []
        if not a.issuer:
            out.append("请填写发文机关（如“呼伦贝尔市科学技术局”）")
        if problem := code_problem(a.code):
            out.append(problem)
        if problem := clerk_problem(a.clerk):
            out.append(problem)
        return out


def clerk_name(store) -> str:
    """The clerk's name given at first run ("" when not given)."""
    return store.setting(CLERK_NAME_KEY, "") or ""


def clerk_problem(name: str) -> str | None:
    """Why ``name`` cannot be the 经办人 (None when it can)."""
    name = name.strip()
    if not name:
        return "请填写经办人姓名"
    if len(name) > MAX_NAME:
        return f"经办人姓名不能超过{MAX_NAME}个字"
    return None


def save_clerk_name(store, name: str) -> None:
    """Change the 经办人 given at first run (工具 → 兑现通知书设置); ValueError when the name cannot be one."""
    if (problem := clerk_problem(name)) is not None:
        raise ValueError(problem)
    store.set_setting(CLERK_NAME_KEY, name.strip())


def current_answers(store) -> FirstRunAnswers:
    """What is saved already (the shipped example 发文机关 counts as nothing saved)."""
    saved = load_letter_settings()
    example = default_letter_settings()
    return FirstRunAnswers(
        issuer="" if saved.issuer == example.issuer else saved.issuer,
        code="" if saved.code == example.code else saved.code,
        clerk=clerk_name(store),
    )


def save_answers(store, answers: FirstRunAnswers):
    """Check and save the answers; returns the letter settings now in force.

    Raises ValueError listing every problem (nothing is saved then). The 文头
    takes the 发文机关 too while it is still the shipped example.
    """
    problems = answers.problems()
    if problems:
        raise ValueError("；".join(problems))
    a = answers.stripped()
    current = load_letter_settings()
    example = default_letter_settings()
    letterhead = a.issuer if current.letterhead == example.letterhead else current.letterhead
    settings = dataclasses.replace(current, issuer=a.issuer, code=a.code, letterhead=letterhead)
    save_letter_settings(settings)
    store.set_setting(CLERK_NAME_KEY, a.clerk)
    return settings
