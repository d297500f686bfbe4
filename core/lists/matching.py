"""Each list row to a stored company: by 统一社会信用代码, by name, or a proposal the clerk confirms.

- The row's 统一社会信用代码, when the store has it, is the company (whatever the
  name: names change, codes do not).
- Else a stored company whose name is the same after core.lists.names.normalize_name.
  Not when the row has a code the store does not know: a company of that name
  with another code is then only proposed (two companies may share a name over time).
- Else stored companies whose names are near (core.lists.names.compare) are
  proposed, best first, for the clerk to confirm one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.lists.names import bigrams, compare, distinctive, normalize_name

MAX_PROPOSALS = 5


@dataclass(frozen=True)
class Stored:
    id: int
    uscc: str
    name: str


@dataclass(frozen=True)
class Proposal:
    company_id: int
    uscc: str
    name: str
    score: int
    reason: str


@dataclass
class Found:
    """What a row matched: ``how`` is ``uscc`` / ``name`` (automatic) or "" (then ``proposals``, maybe none)."""

    company_id: int | None = None
    how: str = ""
    proposals: list = field(default_factory=list)
    note: str = ""


class Matcher:
    def __init__(self, companies: list[Stored]) -> None:
        self.companies = {c.id: c for c in companies}
        self.by_uscc = {c.uscc: c for c in companies}
        self.by_name: dict[str, list[Stored]] = {}
        self.norm: dict[int, str] = {}
        self.index: dict[str, set[int]] = {}
        for c in companies:
            n = normalize_name(c.name)
            self.norm[c.id] = n
            self.by_name.setdefault(n, []).append(c)
            for piece in bigrams(distinctive(n)):
                self.index.setdefault(piece, set()).add(c.id)

    def match(self, name: str, uscc: str = "") -> Found:
        if uscc and (c := self.by_uscc.get(uscc)) is not None:
            note = "" if normalize_name(c.name) == normalize_name(name) else f"名单中的名称与库中名称“{c.name}”不同"
            return Found(c.id, "uscc", note=note)
        n = normalize_name(name)
        same = self.by_name.get(n, [])
        if len(same) == 1 and not (uscc and same[0].uscc != uscc):
            return Found(same[0].id, "name")
        proposals = [
            Proposal(
                c.id,
                c.uscc,
                c.name,
                100,
                "名称相同，但统一社会信用代码不同，请核对" if uscc else "库中有多家同名单位，请选择",
            )
            for c in same
        ]
        proposals += self._near(n, {c.id for c in same})
        return Found(None, "", proposals[:MAX_PROPOSALS])

    def _near(self, n: str, skip: set) -> list[Proposal]:
        candidates: dict[int, int] = {}
        pieces = bigrams(distinctive(n))
        for piece in pieces:
            for cid in self.index.get(piece, ()):
                candidates[cid] = candidates.get(cid, 0) + 1
        out = []
        # a name sharing under half of the pieces cannot reach the proposal ratio
        for cid, shared in candidates.items():
            if cid in skip or shared * 2 < len(pieces):
                continue
            c = self.companies[cid]
            like = compare(n, c.name, n, self.norm[cid])
            if like.verdict == "near":
                out.append(Proposal(cid, c.uscc, c.name, like.score, like.reason))
        out.sort(key=lambda p: (-p.score, p.name))
        return out
