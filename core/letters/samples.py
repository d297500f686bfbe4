"""Demonstration batches for the sample-letter script, the benchmark and tests.

The companies are made up; their USCCs pass the GB 32100 check.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.engine.trace import Trace
from core.records import BatchRecord, LineRecord
from core.uscc import check_character

DEMO_TITLE = "内蒙古自治区研发投入攻坚行动实施方案（2021—2025年）"  # with its own 文号 below
DEMO_DOC = "内政办发〔2021〕35号"


def demo_uscc(i: int) -> str:
    first17 = f"91150700MA{i:07d}"
    return first17 + check_character(first17)


def demo_batch(
    batch_id: int = 1,
    *,
    status: str = "approved",
    award_year: int = 2026,
    approved: dt.datetime = dt.datetime(2025, 11, 25, 10, 30),
    name: str = "2026年第一批",
) -> BatchRecord:
    return BatchRecord(
        id=batch_id,
        name=name,
        award_year=award_year,
        status=status,
        created_at=approved - dt.timedelta(days=20),
        preparer="张三",
        reviewer="李四",
        approved_at=approved if status != "draft" else None,
    )


def demo_line(
    batch_id: int,
    line_no: int,
    company: int,
    amount,
    *,
    summary: str = "高新技术企业首次认定奖励",
    clause: str = "（四）",
    schedule=None,
    provisional: bool = False,
    name: str | None = None,
    document_title: str = DEMO_TITLE,
    doc_number: str | None = DEMO_DOC,
) -> LineRecord:
    return LineRecord(
        batch_id=batch_id,
        line_no=line_no,
        uscc=demo_uscc(company),
        company_name=name or f"内蒙古示例{company}号科技有限公司",
        bank_name="中国工商银行呼伦贝尔海拉尔支行",
        bank_account=f"0609 0012 0920 0{company:06d}",
        rule_id="demo",
        document_id="demo",
        document_title=document_title,
        doc_number=doc_number,
        clause=clause,
        summary=summary,
        sentence="",
        amount=Decimal(amount),
        provisional=provisional,
        trace=Trace(),
        schedule=schedule,
    )


def yearly(start: int, years: int, amount) -> tuple:
    return tuple((start + i, Decimal(amount)) for i in range(years))


SUMMARIES = (
    "高新技术企业首次认定奖励",
    "科技型中小企业入库奖励",
    "研发投入后补助",
    "自治区重点实验室认定奖励",
    "技术合同交易额补助",
    "企业技术中心认定奖励",
    "院士专家工作站建站补助",
    "博士后科研工作站补助",
    "科技成果转化奖励",
    "专利转化运用奖励",
    "孵化器认定奖励",
    "众创空间认定奖励",
    "技术转移服务机构奖励",
    "新型研发机构后补助",
    "重大科技项目配套",
)


def demo_lines(batch_id: int, companies: int, lines_per_company: int = 2, start: int = 1) -> list[LineRecord]:
    """``companies`` companies with ``lines_per_company`` ordinary award lines each."""
    out = []
    n = 0
    for c in range(start, start + companies):
        for k in range(lines_per_company):
            n += 1
            amount = Decimal(100000 + (c * 7919 + k * 104729) % 900000)
            out.append(
                demo_line(
                    batch_id,
                    n,
                    c,
                    amount,
                    summary=SUMMARIES[k % len(SUMMARIES)],
                    clause=f"（{'一二三四五六七八九十'[k % 10]}）",
                )
            )
    return out


# The demonstration batch: batch 1 (approved) holds the three kinds of letter worth looking at and one
# company that is withheld; batch 2 is a draft.
ORDINARY, LONG, MULTI_YEAR, PROVISIONAL = 1, 2, 3, 4


def hulunbuir_settings(**changes):
    """Letter settings of an example bureau (呼伦贝尔市科学技术局, 呼科发)."""
    import dataclasses

    from core.letters.settings import default_letter_settings

    return dataclasses.replace(
        default_letter_settings(),
        issuer="呼伦贝尔市科学技术局",
        letterhead="呼伦贝尔市科学技术局",
        code="呼科发",
        contact="联系人：王敏　联系电话：0470-8212345",
        **changes,
    )


def demo_adjustment(batch_id: int = 5, adjusts: int = 1):
    """(batch, lines) of an approved adjustment of batch ``adjusts``: 1号 +40,000 and -10,000 (30,000 paid on
    top), 2号 -50,000 (taken back), 3号 +20,000 and -20,000 (cancels out)."""
    import dataclasses

    batch = dataclasses.replace(
        demo_batch(batch_id, name="2026年第一批（调整）"), adjusts_batch_id=adjusts, adjust_reason="复核更正研发费用"
    )
    return batch, [
        demo_line(batch_id, 1, ORDINARY, "40000", summary="研发投入后补助", clause="（十）"),
        demo_line(batch_id, 2, ORDINARY, "-10000", summary="科技型中小企业入库奖励", clause="（五）"),
        demo_line(batch_id, 3, LONG, "-50000", summary="高新技术企业首次认定奖励"),
        demo_line(batch_id, 4, MULTI_YEAR, "20000", summary="研发投入后补助", clause="（十）"),
        demo_line(batch_id, 5, MULTI_YEAR, "-20000", summary="技术合同交易额补助", clause="（十二）"),
    ]


def demo_store():
    """A MemoryLetterStore with the demonstration batches."""
    from core.letters.memory import MemoryLetterStore

    lines = [
        demo_line(1, 1, ORDINARY, "150000", summary="高新技术企业首次认定奖励", clause="（四）"),
        demo_line(1, 2, ORDINARY, "52345.67", summary="科技型中小企业入库奖励", clause="（五）"),
    ]
    for k in range(15):
        lines.append(
            demo_line(
                1, 10 + k, LONG, 100000 + 1000 * k, summary=SUMMARIES[k], clause=f"（{'一二三四五六七八九十'[k % 10]}）"
            )
        )
    lines.append(
        demo_line(
            1,
            30,
            MULTI_YEAR,
            "3000000",
            summary="自治区技术创新中心运行经费",
            schedule=yearly(2026, 5, "3000000"),
            clause="（八）",
        )
    )
    lines.append(demo_line(1, 31, MULTI_YEAR, "500000", summary="研发投入后补助", clause="（十）"))
    lines.append(
        demo_line(
            1,
            40,
            PROVISIONAL,
            "200000",
            summary="技术合同交易额补助",
            provisional=True,
            document_title="关于进一步提升科技创新能力的政策措施（征求意见稿）",
            doc_number=None,
            clause="（十二）",
        )
    )
    store = MemoryLetterStore()
    store.put_batch(demo_batch(1), lines)
    store.put_batch(demo_batch(2, status="draft", name="2026年第二批"), demo_lines(2, 2, start=10))
    return store
