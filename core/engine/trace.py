"""How one amount was worked out, step by step: the inputs, the parameters read, the readings, the formula.

The engine writes a :class:`Trace` for every award line and exclusion; the
store keeps ``Trace.to_json()`` (award_lines.trace) and gives back
``Trace.from_json(...)``, which screens, workbooks and letters read.
``Trace.from_json(t.to_json()) == t`` and ``Trace.from_json(d).to_json() == d``
for every ``d`` the engine wrote, to the byte; traces stored by earlier
versions, or written by hand with keys left out, load with those keys empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from core.money import display_value


class Input(NamedTuple):
    """A fact the amount rests on, as a clerk reads it (研发投入增量: 1,000,000.00元)."""

    label: str
    value: str


class ReadingUse(NamedTuple):
    """A reading of an ambiguous passage that the amount depends on, with the value it had."""

    name: str
    value: Any  # as the policy file (or an administrator's override) gives it: bool, int, text
    note: str


def _unit_of(display: str) -> str:
    """The unit a stored parameter was shown in (core.money.display_value): yuan, rate or count."""
    if display.endswith("元"):
        return "yuan"
    if display.endswith("%"):
        return "rate"
    return "count"


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(slots=True)
class ParamUse:
    """A parameter value as read for one line, with the date it was read at.

    ``shown`` keeps the text a stored trace showed for the value, so a trace
    loaded from the store shows what it showed when it was written.
    """

    path: str
    label: str
    value: Decimal | None  # None only in a stored trace that did not say
    unit: str  # yuan | rate | count
    cite: str
    start: dt.date | None  # from when the value applies (None: a stored trace that did not say)
    read_at: dt.date | None
    source: str  # "policy", or the administrator's override it came from
    shown: str | None = field(default=None, compare=False)

    @property
    def display(self) -> str:
        if self.shown is not None:
            return self.shown
        return display_value(self.unit, self.value) if self.value is not None else ""

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "label": self.label,
            "value": str(self.value),
            "display": self.display,
            "cite": self.cite,
            "valid_from": self.start.isoformat() if self.start else None,
            "read_at": self.read_at.isoformat() if self.read_at else None,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> ParamUse:
        value = data.get("value")
        shown = data.get("display")
        if shown is None and value is not None:
            shown = str(value)  # a trace without the display text: the value as it was stored
        return cls(
            path=data.get("path", ""),
            label=data.get("label", ""),
            value=Decimal(value) if value is not None else None,
            unit=_unit_of(shown or ""),
            cite=data.get("cite", ""),
            start=_date(data.get("valid_from")),
            read_at=_date(data.get("read_at")),
            source=data.get("source", "policy"),
            shown=shown,
        )


@dataclass(slots=True, init=False)
class Trace:
    inputs: list[Input] = field(default_factory=list)
    params: list[ParamUse] = field(default_factory=list)
    readings: list[ReadingUse] = field(default_factory=list)
    formula: str = ""
    steps: list[str] = field(default_factory=list)  # caps, floors, stacking, in the order applied
    notes: list[str] = field(default_factory=list)
    # As stored with a line (core.store.calc.line_values): what was deducted as awarded before for the
    # subject (EarlierAward.to_json()) and the claims of the batch the line adds up, when more than one.
    earlier: dict | None = None
    claims: list[str] = field(default_factory=list)

    def __init__(
        self,
        inputs: list[Input] | None = None,
        params: list[ParamUse] | None = None,
        readings: list[ReadingUse] | None = None,
        formula: str = "",
        steps: list[str] | None = None,
        notes: list[str] | None = None,
        earlier: dict | None = None,
        claims: list[str] | None = None,
    ):
        # The dataclass's own __init__, written out: the engine makes three traces a company, and empty lists
        # made here cost a third less than calling each field's default_factory.
        self.inputs = [] if inputs is None else inputs
        self.params = [] if params is None else params
        self.readings = [] if readings is None else readings
        self.formula = formula
        self.steps = [] if steps is None else steps
        self.notes = [] if notes is None else notes
        self.earlier = earlier
        self.claims = [] if claims is None else claims

    def copy(self) -> Trace:
        """A trace to add to without changing this one."""
        return Trace(
            list(self.inputs),
            list(self.params),
            list(self.readings),
            self.formula,
            list(self.steps),
            list(self.notes),
            self.earlier,
            list(self.claims),
        )

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "inputs": [{"label": k, "value": v} for k, v in self.inputs],
            "params": [p.to_json() for p in self.params],
            "readings": [{"name": n, "value": v, "note": note} for n, v, note in self.readings],
            "formula": self.formula,
            "steps": list(self.steps),
            "notes": list(self.notes),
        }
        if self.earlier is not None:
            out["earlier"] = self.earlier
        if self.claims:
            out["claims"] = list(self.claims)
        return out

    @classmethod
    def from_json(cls, data: Mapping | None) -> Trace:
        """A trace as the store kept it (award_lines.trace, or an exclusion's ``trace``)."""
        data = data or {}
        return cls(
            inputs=[Input(i.get("label", ""), i.get("value", "")) for i in data.get("inputs") or ()],
            params=[ParamUse.from_json(p) for p in data.get("params") or ()],
            readings=[
                ReadingUse(r.get("name", ""), r.get("value"), r.get("note", "")) for r in data.get("readings") or ()
            ],
            formula=data.get("formula") or "",
            steps=list(data.get("steps") or ()),
            notes=list(data.get("notes") or ()),
            earlier=data.get("earlier"),
            claims=list(data.get("claims") or ()),
        )
