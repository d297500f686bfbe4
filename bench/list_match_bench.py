"""Matching an official list's names to the store: the two-character index against comparing every pair.

    python bench/list_match_bench.py [ROWS] [COMPANIES]

Made-up names (a place, four to eight characters, a legal form); half the list
rows are stored names, a quarter of those written another way (有限责任公司,
a space, a place in front). The baseline compares each of 20 rows with every
stored company (core.lists.names.compare), scaled to all rows; figures are the
ratio of the two, measured in the same run.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.lists.matching import Matcher, Stored  # noqa: E402
from core.lists.names import compare  # noqa: E402

CHARS = "华蒙鑫源泰达恒通宏盛兴隆金山北方草原绿色科技生物能源新材料装备制造农牧乳业稀土化工环保信息智能电子"
PLACES = ("呼伦贝尔", "包头", "通辽", "鄂尔多斯", "")
FORMS = ("有限公司", "股份有限公司", "有限责任公司")


def _name(rng) -> str:
    return rng.choice(PLACES) + "".join(rng.choice(CHARS) for _ in range(rng.randint(4, 8))) + rng.choice(FORMS)


def _variant(rng, name: str) -> str:
    return rng.choice((name.replace("有限公司", "有限责任公司"), name[:2] + " " + name[2:], "内蒙古" + name, name))


def main(rows: int = 1000, companies: int = 10000) -> None:
    rng = random.Random(1)
    stored = [Stored(i, f"U{i:017d}", _name(rng)) for i in range(companies)]
    names = [(_variant(rng, rng.choice(stored).name) if rng.random() < 0.5 else _name(rng)) for _ in range(rows)]
    t = time.perf_counter()
    matcher = Matcher(stored)
    build = time.perf_counter() - t
    t = time.perf_counter()
    found = [matcher.match(n) for n in names]
    indexed = time.perf_counter() - t
    sample = names[:20]
    t = time.perf_counter()
    for n in sample:
        for s in stored:
            compare(n, s.name)
    every_pair = (time.perf_counter() - t) * rows / len(sample)
    auto = sum(1 for f in found if f.company_id is not None)
    proposed = sum(1 for f in found if f.company_id is None and f.proposals)
    print(
        f"{rows}行名单对{companies}家单位：建索引{build:.2f}秒，匹配{indexed:.2f}秒；"
        f"逐对比较（按20行推算）{every_pair:.1f}秒，为索引的{every_pair / indexed:.0f}倍。"
        f"自动匹配{auto}行，提出建议{proposed}行"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
