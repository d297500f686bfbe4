"""Pass 2 of core.engine.evaluate: the qualifying claims counted per key, one line per key.

A key is a family (a rule, or a 'highest' stacking group) and a period as the
rule's ``once`` says; the claims of this batch under it are added up with the
claims of earlier approved batches, less what was already awarded, and of a
'highest' group only the largest rule pays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.engine.context import Context
from core.engine.counting import App, Worth, earlier_award, make_line, paid_for, period, refusal, worth
from core.engine.formulas import Eval, Skip
from core.engine.matching import _in_order, _matches, _qualify, _recognition_claim
from core.engine.passes import Pass
from core.engine.predicates import YEARS_READINGS, entry_platforms, may_be_same, platform_of, recognition_platform
from core.engine.result import AwardLine, EarlierAward, Exclusion
from core.model import Claim, CompanyCase
from core.money import ZERO, fmt_yuan, to_fen
from core.subjects import parse_recognition_subject, recognition_subject
from core.policy.model import STACKING_LABELS, Rule, StackingGroup


# ---------------------------------------------------------------- counting per key


class _Keys:
    """This batch's apps and earlier approved ones, grouped by (family, period).

    Under a multi-year rule (yearly support of a platform) the records of one platform fall under one key
    (:meth:`finish`): a platform is supported once a year however its records name it.
    """

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._family_of = ctx.families.of
        self.new: dict[tuple, list[App]] = {}
        self.earlier: dict[tuple, list[App]] = {}
        # family -> (subject, platform, day) of its claims of any year (multi-year windows)
        self.dates: dict[str, list[tuple]] = {}
        # multi-year keys: the period (key without its subject) of each key made of one platform's records
        self.rest: dict[tuple, tuple] = {}
        self._all: list[App] = []
        self._platforms: dict[int, tuple] = {}  # id(app) -> (period without subject, platform) of multi-year apps
        self._named: dict[tuple, dict] = {}  # period without subject -> (kind, level) -> name -> its numbers
        self._numbered: dict[tuple, dict] = {}  # period without subject -> (kind, level) -> numbers of unnamed ones
        self._real: dict[tuple, set] = {}  # (period, kind, level) -> (name, number) of records, not payments
        self._members: dict[tuple, list] = {}  # multi-year key -> platforms of its apps
        self._unnumbered: dict[tuple, list] = {}  # (period, kind, level) -> names with a record without a number

    def key(self, app: App) -> tuple:
        once = app.once
        family = self._family_of[app.rule.id]
        if once == "subject":  # core.engine.counting.period, written out for the commonest ``once``
            return (family, once, app.subject)
        return (family, once) + period(once, app.subject, app.year, app.day)

    def add(self, app: App) -> None:
        self._all.append(app)
        if app.rule.years is not None:
            family = self._family_of[app.rule.id]
            platform = platform_of(app.subject, app.claim)
            self.dates.setdefault(family, []).append((app.subject, platform, app.day))
            if platform is not None and app.once in ("subject", "subject_year", "event") and _per_platform(app.rule):
                rest = (family, app.once) + period(app.once, "", app.year, app.day)  # the subject is rest[2]
                self._platforms[id(app)] = (rest, platform)
        key = self.key(app)
        group = self.earlier if app.earlier else self.new
        apps = group.get(key)
        if apps is None:
            group[key] = [app]
        else:
            apps.append(app)

    def finish(self, case: CompanyCase) -> None:
        """Put the records of one platform under one key, the platform's subject, whatever order they came in.

        Platforms are told apart as everywhere else (core.engine.predicates.may_be_same_platform), and a record
        that may be one of two platforms told apart joins one of them, never makes two names one. So that the
        choice does not depend on which records a batch holds, it is made in a fixed order: records with a name
        are one platform per name; one without a name but with a number joins the first named platform (names
        in order) with a record of that number, else the first none of whose records has a number (which then
        has that one), else is one platform per number; one with neither joins the first platform of its kind
        (by name, then number) that has records other than payments, else is one platform. The recognitions on
        file of the kinds are records too: what is known of a platform is the same whichever batch holds its
        claims. Payments are read against these platforms (:meth:`key_of_entry`).
        """
        if not self._platforms:
            return
        records = []
        for app in self._all:
            mine = self._platforms.get(id(app))
            if mine is not None:
                rest, p = mine
                if app.claim.type != "recognition" and p[2]:
                    p = p[:3] + (None,)  # an amount entered for a named platform says nothing of its numbers
                records.append((rest, p, True))
        recs = case.history.recognitions
        for rest in {r for r, _, _ in records}:
            kinds = {p[:2] for r, p, _ in records if r == rest}
            records += [(rest, p, True) for p in map(recognition_platform, recs) if p[:2] in kinds]
            # a payment of the period under a number alone takes its place among the numbers (not a name: a name
            # no record has would draw records to a platform nothing claims)
            ledger_ids = self.ctx.families.ledger_ids[rest[0]]
            for e in case.history.ledger:
                if e.rule_id in ledger_ids and (rest[1] != "subject_year" or e.year == rest[3]):
                    records += [(rest, p, False) for p in entry_platforms(recs, e) if not p[2] and p[3]]
        for rest, (kind, level, name, number), real in records:
            named = self._named.setdefault(rest, {}).setdefault((kind, level), {})
            if real and (name or number):
                self._real.setdefault((rest, kind, level), set()).add((name, number or ""))
            if name:
                numbers_of = named.setdefault(name, set())
                if number is not None:
                    numbers_of.add(number)
            elif number:
                self._numbered.setdefault(rest, {}).setdefault((kind, level), {})[number] = None
        for rest, by_kind in self._numbered.items():
            for kl, numbers in by_kind.items():
                names = self._named[rest][kl]
                own = {name: set(nos) for name, nos in names.items()}
                self._unnumbered[(rest,) + kl] = sorted(n for n, nos in own.items() if "" in nos)
                for number in sorted(numbers):
                    joined = _first_name(names, own, number)
                    if joined is not None:
                        names[joined].add(number)
                    numbers[number] = joined
        new: dict[tuple, list[App]] = {}
        earlier: dict[tuple, list[App]] = {}
        for app in self._all:
            mine = self._platforms.get(id(app))
            if mine is None:
                key = self.key(app)
            else:
                rest = mine[0]
                key = rest[:2] + (self._platform_subject(rest, mine[1]),) + rest[3:]
                self.rest[key] = rest
                members = self._members.setdefault(key, [])
                if app.claim.type == "recognition":  # an amount entered for a platform names it by one of the two
                    members.append(mine[1])
            (earlier if app.earlier else new).setdefault(key, []).append(app)
        self.new, self.earlier = new, earlier

    def _platform_subject(self, rest: tuple, platform: tuple) -> str:
        """The subject of the platform (:meth:`finish`) a record or payment of ``platform`` belongs to."""
        kind, level, name, number = platform
        names = self._named.get(rest, {}).get((kind, level), {})
        numbers = self._numbered.get(rest, {}).get((kind, level), {})
        if name:
            if name in names:
                return recognition_subject(kind, level, name)
            # a payment for a name no record has: it may be a platform without a name
            free = sorted(n for n, joined in numbers.items() if joined is None)
            if number in free or (not number and free):
                return recognition_subject(kind, level, "", number or free[0])
            return recognition_subject(kind, level, name)
        if number:
            joined = numbers[number] if number in numbers else _first_name(names, names, number)
            return recognition_subject(kind, level, joined or "", "" if joined else number)
        real = self._real.get((rest, kind, level), ())
        named = [n for n, _ in real if n]
        if named:
            return recognition_subject(kind, level, min(named))
        numbered = [no for _, no in real]
        if numbered:
            first = min(numbered)
            return recognition_subject(kind, level, numbers[first] or "", first)
        return recognition_subject(kind, level)

    def twins(self, key: tuple) -> list:
        """The named platforms a platform known by its number alone cannot be told apart from (a record of theirs has
        no number), though it was not joined to them: another unnamed number was (:func:`_first_name`)."""
        rest = self.rest.get(key)
        parsed = parse_recognition_subject(key[2])
        if rest is None or parsed is None or parsed[2] or not parsed[3]:
            return []
        return self._unnumbered.get((rest,) + parsed[:2], [])

    def key_of_entry(self, rest: tuple, entry, recognitions) -> tuple | None:
        """The key of ``rest`` whose platform a ledger entry paid, read as a record is (:meth:`finish`).

        A payment for a platform no record is may be the platform of records with neither name nor number, if
        that is all the records there are.
        """
        paid = entry_platforms(recognitions, entry)
        for p in paid:
            key = rest[:2] + (self._platform_subject(rest, p),) + rest[3:]
            if key in self.rest:
                return key
        for p in paid:
            key = rest[:2] + (recognition_subject(p[0], p[1]),) + rest[3:]
            if key in self.rest:
                return key
        return None


def _first_name(names: dict, own: dict, number: str) -> str | None:
    """The platform an unnamed record of ``number`` is: the first name (in order) with a record of that number,
    else the first with a record without a number (which it may be: a platform re-recognized under a new number
    has two) and no unnamed number joined yet. A record that cannot be told apart from a record of a platform
    joins it, so that a batch that does not yet hold the claim naming the number never pays it as a platform of
    its own (never pay twice); two unnamed numbers, told apart, never join one name."""
    ordered = sorted(names)
    for name in ordered:
        if number in own[name]:
            return name
    for name in ordered:
        if "" in own[name] and names[name] == own[name]:
            return name
    return None


PER_PLATFORM = YEARS_READINGS[0]


def _per_platform(rule: Rule) -> bool:
    """Whether records that may be the same platform are supported as one (the reading, where a document has it)."""
    reading = rule.document.readings.get(PER_PLATFORM)
    return reading is None or bool(reading.value)


def _earlier_apps(keys: _Keys, case: CompanyCase, ctx: Context, idx: dict, warnings: list) -> None:
    """Claims of earlier approved batches under the families and subjects this batch touches."""
    if not case.history.claims:
        return
    family_of = ctx.families.of
    wanted = {k[0] for k in keys.new}
    pending = []
    for year, claim in case.history.claims:
        if claim.type == "entered":
            rule = ctx.policies.rules.get(claim.fields.get("rule_id") or "")
            rules: Sequence[Rule] = (
                (rule,) if rule is not None and rule.document.applies_to_city(case.company.city) else ()
            )
        elif claim.type == "recognition":
            rules = idx.get(("recognition", claim.fields.get("kind")), ())
        else:
            rules = idx.get((claim.type, None), ())
        rules = [r for r in rules if family_of[r.id] in wanted]
        if rules:
            pending.append(((year, claim.date or dt.date.min, claim.type, claim.subject), claim, rules))
    for (year, *_), claim, rules in _in_order(pending):
        for rule in rules:
            if not _may_count(rule, claim, year, keys, ctx):
                continue
            out = _qualify(rule, claim, case, ctx, [], year, earlier=True)
            if isinstance(out, App):
                keys.add(out)


def _may_count(rule: Rule, claim: Claim, year: int, keys: _Keys, ctx: Context) -> bool:
    """Whether an earlier claim may fall under a key of this batch, as far as can be told before qualifying it.

    A claim under a rule that pays for several years counts wherever it is:
    its date starts the support period of its subject.
    """
    once = rule.once
    if rule.years is not None or type(once) is not str or (claim.type == "entered" and rule.formula == "at_least"):
        return True
    day = claim.date or (ctx.as_of if year == ctx.award_year else dt.date(year, 12, 31))
    return (ctx.families.of[rule.id], once) + period(once, claim.subject, year, day) in keys.new


def _deduped(before: list[App], new: list[App]) -> tuple[list[App], list[App]]:
    """The earlier and the new apps of a key with each claim stated twice under one rule counted once.

    Two apps are one claim stated twice when their rule and their identity are
    the same; apps of different rules never are, so identities (which
    normalize every field) are worked out only where a rule repeats.
    """
    apps = before + new
    if len(apps) < 2 or len({a.rule.id for a in apps}) == len(apps):
        return before, new
    seen: set = set()
    return _first_statements(before, seen), _first_statements(new, seen)


def _first_statements(apps: list[App], seen: set) -> list[App]:
    out = []
    for a in apps:
        ident = (a.rule.id, a.claim.identity)
        if ident not in seen:
            seen.add(ident)
            out.append(a)
    return out


def _same_as(subject: str, claim, recognitions):
    """The test ``same(other_subject, other_platforms) -> bool``: whether a claim, recognition or payment may be
    about the same thing as ``claim`` under ``subject``.

    A platform is told apart as everywhere else (core.engine.predicates.may_be_same_platform: by name, else by
    certificate number, one with neither is the same platform); any other subject by its text.
    """
    mine = platform_of(subject, claim)

    def same(other: str, platforms) -> bool:
        if mine is None or not platforms:
            return other == subject
        return any(may_be_same(mine, p) for p in platforms)

    return same


def _window(keys: _Keys, case: CompanyCase, ctx: Context, family: str, subject: str):
    """The multi-year check for one subject: support runs N years from its platform's first recognition or payment.

    Earlier claims, recognitions on file and payments count when they may be the same platform (reading
    newly_per_platform), so a platform's period starts where its first recognition or payment is, whatever name
    or number each of them was stated with.
    """

    def check(ev: Eval) -> range:
        rule = ev.rule
        n = int(ev.param(rule.years))
        recs = case.history.recognitions
        same = _same_as(subject, ev.claim, recs)
        starts = [d.year for s, p, d in keys.dates.get(family, ()) if same(s, (p,) if p else ())]
        for rec in recs:
            if same(
                recognition_subject(rec.kind, rec.level, rec.name, rec.number), (recognition_platform(rec),)
            ) and _matches(rule, _recognition_claim(rec, ctx), rec.date, case.company):
                starts.append(rec.date.year)
        ledger_ids = ctx.families.ledger_ids[family]
        starts += [
            e.year for e in case.history.ledger if e.rule_id in ledger_ids and same(e.subject, entry_platforms(recs, e))
        ]
        start = min(starts) if starts else ev.day.year
        year = ev.award_year
        t = ev.trace
        if start < ev.day.year:
            t.notes.append(f"支持期自该事项最早的认定或兑现年度{start}年起算，不因再次认定或重新申报而重新起算")
        if year < start:
            t.notes.append(f"获批年度{start}晚于兑现年度{year}，按第1年计")
            start = year
        if year > start + n - 1:
            raise Skip(f"支持期为{start}—{start + n - 1}年，{year}年已不在支持期内")
        t.formula += f"；连续支持{n}年（{start}—{start + n - 1}年），本年度为第{year - start + 1}年"
        return range(start, start + n)

    return check


def _room(case: CompanyCase, ctx: Context, family: str, subject: str, year: int):
    """What a cap counted by the subject leaves for this key after other periods' payments.

    Payments count when they may be about the same subject (:func:`_same_as`); the rules with such caps today
    count projects (by name), where that is the subject's text.
    """

    def room(ev: Eval, cap, top):
        if cap.per == "subject" and ev.choose(ev.rule.once) == "subject_year":
            recs = case.history.recognitions
            same = _same_as(subject, ev.claim, recs)
            used = sum(
                (
                    e.amount
                    for e in case.history.ledger
                    if e.rule_id in ctx.families.ledger_ids[family]
                    and e.year != year
                    and same(e.subject, entry_platforms(recs, e))
                ),
                ZERO,
            )
            if used:
                return max(top - used, ZERO), f"，以前年度已兑现{fmt_yuan(used)}元"
        return top, ""

    return room


def _paid_same(keys: _Keys, key: tuple, case: CompanyCase):
    """For a key of a platform's yearly support: whether a ledger entry paid that platform (else None)."""
    rest = keys.rest.get(key)
    if rest is None:
        return None
    recs = case.history.recognitions
    mine = parse_recognition_subject(key[2])

    def same(entry) -> bool:
        return keys.key_of_entry(rest, entry, recs) == key or _unknown_platform(entry, recs, mine)

    return same


def _unknown_platform(entry, recognitions, platform) -> bool:
    """Whether a payment typed in by hand names no platform (neither name nor number) of the kind and level of
    ``platform``: it may have been for any of them, so each deducts it (never pay twice; the clerk is asked to
    check, :func:`_maybe_note`). A batch's payment is known by the records it paid, joined as a batch holding
    them all joins them (:meth:`_Keys.finish`).
    """
    if platform is None or entry.batch_id is not None:
        return False
    paid = entry_platforms(recognitions, entry)
    return bool(paid) and all(p[:2] == platform[:2] and not p[2] and not p[3] for p in paid)


def _maybe_note(keys: _Keys, key: tuple, entries: list, case: CompanyCase, trace) -> None:
    """Say on the line which deducted payments only may have been for its platform (they name none)."""
    rest = keys.rest.get(key)
    if rest is None or trace is None:
        return
    recs = case.history.recognitions
    for e in entries:
        if keys.key_of_entry(rest, e, recs) != key:
            batch = f"批次{e.batch_id}" if e.batch_id else "台账录入"
            text = (
                f"可能为同一平台，已扣除{e.year}年{batch}兑现的{fmt_yuan(e.amount)}元"
                "（该记录未写平台名称和证书编号，无法区分），请核实并在台账中补填平台名称或证书编号"
            )
            if text not in trace.notes:
                trace.notes.append(text)


@dataclass
class _Tally:
    """What one key comes to: each rule's worth with and without this batch, the one that pays, and the due."""

    results: list  # (rule, this batch's apps, Worth of all claims, Worth of the earlier ones)
    winner: tuple  # the entry of ``results`` that pays
    group: StackingGroup | None  # the 'highest' stacking group, if the key's family is one
    found: EarlierAward | None  # what was already awarded for the key
    due: Decimal
    subject: str = ""  # the platform's, for a key of one platform's records (its line and its ledger entry)


def _tally(key: tuple, keys: _Keys, case: CompanyCase, ctx: Context, warnings: list) -> _Tally:
    family, once = key[0], key[1]
    new = keys.new[key]
    before, new_kept = _deduped(keys.earlier.get(key, []), new)
    first = new[0]
    window = _window(keys, case, ctx, family, first.subject)
    room = _room(case, ctx, family, first.subject, first.year)
    results = []
    if not before and all(a.rule is first.rule for a in new):  # the common key: one rule, nothing earlier
        results.append(
            (first.rule, new, worth(first.rule, new_kept, ctx, warnings, room, window), Worth(ZERO, None, []))
        )
    else:
        for rule in dict.fromkeys([a.rule for a in new] + [a.rule for a in before]):
            mine_before = [a for a in before if a.rule is rule]
            w_all = worth(rule, mine_before + [a for a in new_kept if a.rule is rule], ctx, warnings, room, window)
            w_before = worth(rule, mine_before, ctx, [], room, window)
            results.append((rule, [a for a in new if a.rule is rule], w_all, w_before))
    group = ctx.policies.group_of(first.rule) if family.startswith("group:") else None
    if len(results) == 1:
        winner = results[0]
        worth_before = winner[3].amount
    else:
        order = {rid: i for i, rid in enumerate(group.rules)} if group is not None else {}
        winner = max(results, key=lambda x: (x[2].amount, x[0].document.date, -order.get(x[0].id, 0)))
        worth_before = max(r[3].amount for r in results)
    paid_same = _paid_same(keys, key, case)
    platform = key[2] if paid_same is not None else ""
    if platform:
        # A platform's records may have been counted under another platform by an earlier batch that held fewer
        # of them (an unnamed record joins the first platform it may be): what it paid is known by the subject it
        # was paid under, so the ledger alone is deducted.
        before, worth_before = [], ZERO
    entries = paid_for(
        case, ctx.families.ledger_ids[family], once, platform or first.subject, first.year, first.day, paid_same
    )
    if key in keys.rest and len({a.subject for a in new + before} | {e.subject for e in entries}) > 1:
        for r in results:  # records of one platform under several subjects were counted as one: say by what reading
            if r[2].ev is not None and PER_PLATFORM in r[2].ev.rule.document.readings:
                r[2].ev.reading(PER_PLATFORM)
    if platform:
        trace = winner[2].ev.trace if winner[2].ev is not None else None
        _maybe_note(keys, key, entries, case, trace)
        twins = keys.twins(key)
        if twins and trace is not None:
            names = "、".join(f"“{n}”" for n in twins)
            trace.notes.append(
                f"可能为同一平台：本平台只有证书编号，与{names}（有未填证书编号的记录）无法区分，已按另一平台计算，"
                "请核实并在认定记录和申报中填写平台名称"
            )
    subject = (platform or first.subject) if once not in ("company", "company_year") else ""
    found = earlier_award(subject, entries, before, worth_before, ctx.vocabulary) if entries or before else None
    deducted = found.deducted if found is not None else ZERO
    amount = winner[2].amount
    return _Tally(results, winner, group, found, to_fen(amount - deducted) if amount > deducted else ZERO, platform)


def _not_failed(apps: list, w) -> list:
    if not w.failed:
        return apps
    return [a for a in apps if all(a is not f for f, _ in w.failed)]


def _verdict(t: _Tally, vocab, excluded: list) -> AwardLine | None:
    """The key's line (what is due); an exclusion for every claim of this batch it does not pay goes to ``excluded``."""
    rule, mine, w, _ = t.winner
    for other, other_new, ow, _ in t.results:
        for app, fw in ow.failed:  # beside a claim that pays, one that gives nothing says why
            if not app.earlier:
                excluded.append(
                    Exclusion(other, app.claim.id, app.subject, fw.reason or "计算金额为零", fw.would, fw.ev.trace)
                )
        other_new = _not_failed(other_new, ow)
        if not other_new or (other is rule and t.due > 0):
            continue
        if ow.amount <= 0:
            excluded.extend(
                Exclusion(
                    other,
                    a.claim.id,
                    a.subject,
                    ow.reason or "计算金额为零",
                    ow.would,
                    ow.ev.trace if ow.ev else a.ev.trace,
                )
                for a in other_new
            )
        elif t.due <= 0:
            found = t.found
            assert found is not None  # worth something yet nothing due: an earlier award took it
            excluded.extend(refusal(a, ow, found, vocab) for a in other_new)
        else:
            _stacked_out(t.group, rule, w, other, other_new, ow, excluded)
    if t.due <= 0:
        return None
    mine = _not_failed(mine, w)
    if t.group is not None and len(t.results) > 1:
        principle = t.group.document.stacking_principle or STACKING_LABELS[t.group.policy]
        w.ev.trace.steps.append(
            f"叠加：与{len(t.results) - 1}项同属“{t.group.label}”，按“{principle}”只计一项，"
            f"本项{fmt_yuan(w.amount)}元保留"
        )
    return make_line(w, mine, t.subject or mine[0].subject, t.due, t.found)


def _settle(keys: _Keys, case: CompanyCase, ctx: Context, warnings: list) -> Pass:
    """One line per key that is worth more than was already awarded for it; exclusions for the rest."""
    lines: list[AwardLine] = []
    excluded: list[Exclusion] = []
    keys.finish(case)
    earlier, rest, ledger_ids = keys.earlier, keys.rest, ctx.families.ledger_ids
    ledger = case.history.ledger
    paid = {e.rule_id for e in ledger} if ledger else None
    for key, new in keys.new.items():  # in the order of the (sorted) claims, whatever order they came in
        if (
            new[0].rule.years is None
            and key not in earlier
            and key not in rest
            and (paid is None or paid.isdisjoint(ledger_ids[key[0]]))
            and (len(new) == 1 or _one_rule(new))
        ):
            line = _lone(key, keys, case, ctx, warnings, excluded)
        else:
            line = _verdict(_tally(key, keys, case, ctx, warnings), ctx.vocabulary, excluded)
        if line is not None:
            lines.append(line)
    return Pass(lines, excluded)


def _one_rule(apps: list) -> bool:
    rule = apps[0].rule
    for a in apps:
        if a.rule is not rule:
            return False
    return True


def _lone(key: tuple, keys: _Keys, case: CompanyCase, ctx: Context, warnings: list, excluded: list) -> AwardLine | None:
    """:func:`_verdict` of :func:`_tally` for the common key: one rule, one period, nothing earlier.

    No claim of an earlier batch falls under the key, the ledger holds no payment under the key's family, the rule
    pays for one year and no platform's records were joined, so there is nothing to deduct or compare and the key
    pays what its rule is worth for this batch's claims (tests/test_engine_lone.py checks it against the general
    path).
    """
    new = keys.new[key]
    first = new[0]
    rule = first.rule
    kept = new if len(new) == 1 else _first_statements(new, set())
    room = _room(case, ctx, key[0], first.subject, first.year)
    w = worth(rule, kept, ctx, warnings, room, None)
    for app, fw in w.failed:  # beside a claim that pays, one that gives nothing says why
        excluded.append(Exclusion(rule, app.claim.id, app.subject, fw.reason or "计算金额为零", fw.would, fw.ev.trace))
    mine = _not_failed(new, w)
    amount = w.amount
    if amount <= 0:
        excluded.extend(
            Exclusion(
                rule, a.claim.id, a.subject, w.reason or "计算金额为零", w.would, w.ev.trace if w.ev else a.ev.trace
            )
            for a in mine
        )
        return None
    return make_line(w, mine, mine[0].subject, to_fen(amount), None)


def _stacked_out(g, winner: Rule, w, rule: Rule, new: list, ow, excluded: list) -> None:
    principle = g.document.stacking_principle or STACKING_LABELS[g.policy]
    reason = (
        f"与{winner.document.citation}{winner.clause}（规则{winner.id}，{fmt_yuan(w.amount)}元）同属“{g.label}”，"
        f"按“{principle}”只计金额较高的一项；{g.note}"
    )
    ow.ev.trace.steps.append(f"叠加：被{winner.id}取代")
    for a in new:
        excluded.append(Exclusion(rule, a.claim.id, a.subject, reason, ow.amount, ow.ev.trace))
