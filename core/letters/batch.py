"""All the letters of one batch: which companies get one, which are withheld and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.letters.document import Letter, build_letter
from core.letters.errors import LetterError
from core.letters.numbering import LetterNumber, companies_in_order, format_doc_number
from core.letters.settings import LetterSettings, load_letter_settings
from core.letters.template import LetterTemplate, load_template
from core.money import amount_in_words, fmt_yuan
from core.records import BatchRecord
from core.vocabulary import BATCH_STATUS_LABELS as STATUS_LABELS

LETTER_STATUSES = ("approved", "paid")
PROVISIONAL_REASON = (
    "含按征求意见稿（未正式印发的政策）计算的奖补：{items}。政策正式印发并重新计算、审批后才能出具兑现通知书"
)
NOTHING_DUE_REASON = "调整后增减相抵，应补发金额为零，无需出具兑现通知书"
RECOVERY_REASON = (
    "调整后应追回{amount}元（大写：{words}），兑现通知书只用于拨付，不出具；"
    "请另行书面通知企业退回，资金拨付明细表的“应追回明细”工作表列有此项"
)


@dataclass(frozen=True)
class Withheld:
    """A company of the batch that gets no letter, and the reason; neither kind gets a number.

    ``kind`` is "provisional" (every award of it rests on a draft for comment: an
    adjustment batch pays it once the policy is published, and numbers its letter then) or
    "nothing_due" (an adjustment that pays nothing or takes money back).
    """

    uscc: str
    company_name: str
    doc_number: str
    reason: str
    kind: str = "provisional"


@dataclass
class LetterBatch:
    batch: BatchRecord
    letters: list[Letter]
    withheld: list[Withheld] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self):
        return sum((letter.total for letter in self.letters), Decimal("0"))


def check_batch(batch: BatchRecord) -> None:
    """Letters are for approved or paid batches only; LetterError says why not."""
    if batch.status not in LETTER_STATUSES:
        status = STATUS_LABELS.get(batch.status, batch.status)
        raise LetterError(
            f"批次“{batch.name}”（编号{batch.id}）尚未审批（状态：{status}），审批通过后才能出具兑现通知书"
        )


def build_letters(
    batch: BatchRecord, lines, numbers: dict, settings: LetterSettings, template: LetterTemplate
) -> LetterBatch:
    """Every company's letter, in 文号 order; companies with nothing due under documents in force are withheld.

    A letter cites only policies in force: it lists the company's lines under
    documents in force, and the lines computed under a draft for comment
    (``provisional``) are left out (named in ``warnings``), as on the
    disbursement sheet that pays the lines in force on their own; a company
    with nothing but such lines is withheld, without a number. A letter
    pays: a company whose lines add up to zero or less (an adjustment batch
    taking money back) gets none and no number (numbering.letter_companies).
    """
    check_batch(batch)
    by_company: dict[str, list] = {}
    for line in lines:
        by_company.setdefault(line.uscc, []).append(line)
    letters, withheld, warnings = [], [], []
    for uscc in companies_in_order(lines):
        company_lines = by_company[uscc]
        name = company_lines[0].company_name
        total = sum((l.amount for l in company_lines), Decimal(0))
        if total <= 0:
            reason = (
                NOTHING_DUE_REASON
                if total == 0
                else RECOVERY_REASON.format(amount=fmt_yuan(-total), words=amount_in_words(-total))
            )
            withheld.append(Withheld(uscc, name, "", reason, "nothing_due"))
            continue
        provisional = [l for l in company_lines if l.provisional]
        in_force = [l for l in company_lines if not l.provisional]
        if uscc not in numbers:  # numbering.letter_companies: nothing under documents in force, no 文号
            if provisional:
                items = "、".join(f"“{l.summary}”" for l in provisional)
                withheld.append(Withheld(uscc, name, "", PROVISIONAL_REASON.format(items=items)))
                continue
            raise LetterError(f"{name}（{uscc}）没有分配文号")
        number = LetterNumber(*numbers[uscc])
        if provisional:
            items = "、".join(f"“{l.summary}”" for l in provisional)
            warnings.append(
                f"{name}（{format_doc_number(settings.code, *number)}）另有{len(provisional)}条奖补依据"
                f"征求意见稿测算（{items}），未列入通知书，政策正式印发后另行兑现"
            )
        company_lines = in_force
        letter = build_letter(batch, company_lines, number, settings, template)
        if not letter.bank_account or not letter.bank_name:
            warnings.append(f"{name}（{letter.doc_number}）没有登记开户行或账号，通知书中写为“未登记”")
        letters.append(letter)
    letters.sort(key=lambda l: l.number)
    return LetterBatch(batch, letters, withheld, warnings)


def prepare_letters(
    store, batch_id: int, settings: LetterSettings | None = None, template: LetterTemplate | None = None
) -> LetterBatch:
    """Read the batch from ``store``, number its companies (LetterRegistry) and build the letters.

    A draft batch is refused before any number is given.
    """
    batch = store.batch(batch_id)
    check_batch(batch)
    lines = store.lines(batch_id, check="出具兑现通知书")  # each row a letter shows, checked against its seal
    if not lines:
        raise LetterError(f"批次“{batch.name}”（编号{batch.id}）没有奖补明细，无需出具兑现通知书")
    settings = settings if settings is not None else load_letter_settings()
    template = template if template is not None else load_template()
    problems = settings.problems()
    if problems:
        raise LetterError("兑现通知书设置有误：" + "；".join(problems))
    numbers = store.letter_numbers(batch_id)
    return build_letters(batch, lines, numbers, settings, template)
