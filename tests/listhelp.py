"""Companies of the sample lists (resources/samples), with the history each test case needs."""

import datetime as dt
import functools

from core.excel.reader import read_workbook
from core.model import Recognition
from core.paths import ROOT

SAMPLES = ROOT / "resources" / "samples"
TECH_SME_LIST = SAMPLES / "科技型中小企业入库名单样例.xlsx"
HIGH_TECH_LIST = SAMPLES / "高新技术企业认定名单样例.xlsx"
TECH_SME_DATE = dt.date(2026, 6, 30)
HIGH_TECH_DATE = dt.date(2026, 11, 18)

BEIJIANG = "91150702MAAKD60002"  # 呼伦贝尔北疆乳业科技有限公司
LVYUAN = "91150702MAQTM6001U"  # 呼伦贝尔草原绿源生物科技有限公司
LINGNAN = "91150783MA4JF7004P"  # 扎兰屯市岭南农畜产品检测有限公司
CHENBA = "91150725MAT03900AM"  # 陈巴尔虎旗草原智慧牧业有限公司
JIUYUAN = "91150207MA37DA00FH"  # 包头市九原储能技术有限公司
DONGHE = "91150202MAHEMA00G3"  # 包头东河石墨烯新材料有限公司
QINGSHAN = "91150204MALY4A00E2"  # 包头青山氢能科技有限公司 (the list writes 内蒙古包头青山氢能科技有限公司)
KUNLUN = "91150203MA6PU900DJ"  # 包头市昆仑重型装备制造有限公司 (the list writes 有限责任公司)
YUMI = "91150502MAN4HC00PW"  # 通辽市玉米生物化工科技有限公司 (the list puts a space in it)

# 科技型中小企业 入库 years each company has before the 2026 list
TECH_SME_HISTORY = {
    BEIJIANG: (2024, 2025),
    LVYUAN: (2024, 2025),
    LINGNAN: (2023, 2025),
    CHENBA: (2025,),
    JIUYUAN: (2024, 2025),
    DONGHE: (2024, 2025),
}


@functools.lru_cache(maxsize=1)
def sample_profiles() -> dict:
    return {p.uscc: p for p in read_workbook(SAMPLES / "申报样例.xlsx").companies}


def add_sample_companies(store) -> dict:
    """The sample workbook's companies, with the history the sample lists are worked out against; {uscc: id}."""
    ids = {}
    for uscc in (BEIJIANG, LVYUAN, LINGNAN, CHENBA, JIUYUAN, DONGHE, QINGSHAN, KUNLUN, YUMI):
        ids[uscc] = store.add_company(sample_profiles()[uscc])
    for uscc, years in TECH_SME_HISTORY.items():
        for y in years:
            store.add_tech_sme(ids[uscc], y)
    # 草原绿源 was first recognized as 高新技术企业 in 2023: the 2026 list is its 再次获批
    store.add_recognition(ids[LVYUAN], Recognition("high_tech", "national", dt.date(2023, 11, 20), "GR202315000212"))
    # 昆仑重装 has a key lab, not a 高企 certificate: the 2026 list is its first
    store.add_recognition(
        ids[KUNLUN],
        Recognition(
            "key_lab",
            "regional",
            dt.date(2022, 8, 1),
            "内科发〔2022〕45号",
            name="内蒙古自治区重型装备智能制造重点实验室",
        ),
    )
    return ids
