"""The bureau's own letter fields (发文机关, 文头, 机关代字, 落款 ...), edited in the program.

Shipped defaults are ``resources/templates/award_letter.json``; what the
administrator saves goes to ``letters_settings.json`` in the user data folder.
Only :func:`load_letter_settings` and :func:`save_letter_settings` know where
they live, so they can move into the store's settings table unchanged for
their callers.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from core.letters.errors import SettingsError, TemplateError
from core.letters.numbering import code_problem
from core.letters.template import TEMPLATES, check_text
from core.paths import user_data_dir

DEFAULTS_FILE = TEMPLATES / "award_letter.json"
SETTINGS_FILE_NAME = "letters_settings.json"

DATE_STYLES = {"arabic": "阿拉伯数字（2025年11月25日）", "chinese": "汉字（二〇二五年十一月二十五日）"}

# field -> (label the clerk sees, required, kind: line | text | choice | fonts)
FIELDS: dict[str, tuple[str, bool, str]] = {
    "issuer": ("发文机关", True, "line"),
    "letterhead": ("文头", True, "line"),
    "code": ("机关代字", True, "line"),
    "title": ("标题", True, "line"),
    "intro": ("正文开头", True, "text"),
    "closing": ("正文结尾", False, "text"),
    "contact": ("联系方式", False, "line"),
    "signature": ("落款", True, "text"),
    "copy_to": ("抄送", False, "line"),
    "date_style": ("日期写法", True, "choice"),
    "fonts": ("字体（按顺序选用第一个已安装的）", True, "fonts"),
}


@dataclass(frozen=True)
class LetterSettings:
    issuer: str  # 发文机关
    letterhead: str  # 文头
    code: str  # 机关代字, e.g. 呼科发
    title: str  # 通知书标题
    intro: str  # 正文开头 (every text field may use TEXT_PLACEHOLDERS)
    closing: str  # 正文结尾
    contact: str  # 联系人、电话
    signature: str  # 落款, one line per issuing body
    copy_to: str  # 抄送
    date_style: str  # arabic | chinese
    fonts: tuple[str, ...]  # font families, first installed one wins

    def to_json(self) -> dict:
        data = asdict(self)
        data["fonts"] = list(self.fonts)
        return data

    def problems(self) -> list[str]:
        """What keeps these settings from making a letter, in Chinese (empty when fine)."""
        out = []
        for name, (label, required, kind) in FIELDS.items():
            value = getattr(self, name)
            if required and (not value or (isinstance(value, str) and not value.strip())):
                out.append(f"“{label}”不能为空")
            elif isinstance(value, str) and name not in ("code", "date_style"):
                try:
                    check_text(value, label)
                except TemplateError as exc:
                    out.append(str(exc))
        if self.code and (problem := code_problem(self.code)):
            out.append(problem)
        if self.date_style not in DATE_STYLES:
            out.append(f"“日期写法”应为{'或'.join(DATE_STYLES)}，实际为“{self.date_style}”")
        return out


def _from_json(data, source: str, base: LetterSettings | None) -> LetterSettings:
    if not isinstance(data, dict):
        raise SettingsError(f"{source}的内容应为一个JSON对象")
    known = {f.name for f in fields(LetterSettings)}
    values = base.to_json() if base is not None else {}
    for key, value in data.items():
        if key.startswith("_"):
            continue  # a comment
        if key not in known:
            listing = "、".join(f"{k}（{FIELDS[k][0]}）" for k in FIELDS)
            raise SettingsError(f"{source}中有未知字段“{key}”。可用的字段：{listing}")
        label = FIELDS[key][0]
        if key == "fonts":
            if isinstance(value, str):
                value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"{source}中“{label}”（fonts）应为字体名称的列表")
        elif not isinstance(value, str):
            raise SettingsError(f"{source}中“{label}”（{key}）应为文本")
        values[key] = value
    missing = [k for k in FIELDS if k not in values]
    if missing:
        raise SettingsError(f"{source}缺少字段：" + "、".join(f"{k}（{FIELDS[k][0]}）" for k in missing))
    values["fonts"] = tuple(values["fonts"])
    return LetterSettings(**values)


def _read(path: Path, what: str):
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{what}{path}不是有效的JSON（第{exc.lineno}行第{exc.colno}列）") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"无法读取{what}{path}：{exc.__class__.__name__}") from None


def default_letter_settings() -> LetterSettings:
    """The shipped example fields (to be replaced by the bureau's own)."""
    return _from_json(_read(DEFAULTS_FILE, "兑现通知书默认设置"), f"兑现通知书默认设置{DEFAULTS_FILE.name}", None)


def settings_path() -> Path:
    return user_data_dir() / SETTINGS_FILE_NAME


def load_letter_settings(path: Path | str | None = None) -> LetterSettings:
    """The bureau's saved settings over the shipped defaults (a field it never saved takes the default)."""
    path = Path(path) if path is not None else settings_path()
    defaults = default_letter_settings()
    if not path.exists():
        return defaults
    return _from_json(_read(path, "兑现通知书设置"), f"兑现通知书设置{path}", defaults)


def save_letter_settings(settings: LetterSettings, path: Path | str | None = None) -> Path:
    """Check and write the settings (atomically); SettingsError lists every problem."""
    problems = settings.problems()
    if problems:
        raise SettingsError("兑现通知书设置有误：" + "；".join(problems))
    path = Path(path) if path is not None else settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(settings.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def is_default(settings: LetterSettings) -> bool:
    """True while the bureau still has the shipped example 发文机关 (letters would carry it)."""
    d = default_letter_settings()
    return settings.issuer == d.issuer or settings.code == d.code


__all__ = [
    "LetterSettings",
    "FIELDS",
    "DATE_STYLES",
    "load_letter_settings",
    "save_letter_settings",
    "default_letter_settings",
    "is_default",
    "settings_path",
]
