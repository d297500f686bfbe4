"""Helpers for driving the program offscreen: wait for background work, load the sample batch."""

from core.excel.reader import read_workbook
from core.paths import RESOURCES
from gui.operations import Operation

SAMPLE = RESOURCES / "samples" / "申报样例.xlsx"


def settle(qtbot, timeout: int = 30000) -> None:
    """Wait until no background operation runs and the queued signals are delivered."""
    qtbot.waitUntil(lambda: not Operation.running, timeout=timeout)
    qtbot.wait(20)
    qtbot.waitUntil(lambda: not Operation.running, timeout=timeout)


def import_sample(window) -> int:
    """The sample workbook imported straight through the store (tests of other screens start here)."""
    store = window.ctx.store
    batch_id, _ = store.apply_import(read_workbook(SAMPLE, known_uscc=store.known_uscc))
    return batch_id


def sample_batch(window, calculated: bool = True) -> int:
    batch_id = import_sample(window)
    if calculated:
        window.ctx.store.calculate(batch_id, window.ctx.base_policies)
    window.ctx.data_changed()
    return batch_id


def broken_sample(path):
    """The sample workbook with a mistyped USCC, an impossible date and an amount in words."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    wb["企业信息"]["A4"] = "91150702MAQTM6001X"  # wrong check character
    wb["历史-认定记录"]["E3"] = "2023年13月1日"
    wb["历史-研发投入"]["D5"] = "两百万"
    wb.save(path)
    return path


def paid_before_workbooks(window, tmp_path):
    """An approved batch of 2026 and a workbook of 2027 that comes back to its contracts (Hulunbuir（十二）).

    2026: HT-1 4,000,000 × 5% = 200,000; HT-2 10,000,000 × 5% = 500,000 (单个技术合同最高补贴50万元).
    2027: HT-1's supplement 2,000,000: 6,000,000 × 5% = 300,000, less 200,000 paid = 100,000;
    HT-2 again with 1,000,000: 550,000 capped at 500,000, all paid: refused; HT-9 on two rows
    (3,000,000 + 1,000,000) counted together: 200,000. Returns (the 2026 batch, the 2027 workbook).
    """
    from excel_support import put, save, template

    from core.excel.layout import claim_sheet_name

    store = window.ctx.store
    sheet = claim_sheet_name("技术合同（技术交易后补助）")
    company = {
        "统一社会信用代码": "91150702MA0N8XKQ26",
        "企业名称": "呼伦贝尔合同测试科技有限公司",
        "所属盟市": "呼伦贝尔市",
        "开户行": "中国工商银行海拉尔支行",
        "账号": "0607002201201234567",
    }

    def workbook(year, contracts, name):
        wb = template(year)
        put(wb["企业信息"], company)
        for number, day, amount in contracts:
            put(
                wb[sheet],
                {
                    "统一社会信用代码": company["统一社会信用代码"],
                    "合同登记编号": number,
                    "合同登记日期": day,
                    "技术交易额（元）": amount,
                    "已获自治区技术交易后补助": "是",
                },
            )
        return save(wb, tmp_path / name)

    first = workbook(2026, [("HT-1", "2026-01-10", 4000000), ("HT-2", "2026-02-01", 10000000)], "2026年.xlsx")
    batch_id, _ = store.apply_import(read_workbook(first, known_uscc=store.known_uscc))
    store.calculate(batch_id, window.ctx.base_policies)
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    second = workbook(
        2027,
        [
            ("HT-1", "2027-03-01", 2000000),
            ("HT-2", "2027-03-05", 1000000),
            ("HT-9", "2027-04-01", 3000000),
            ("HT-9", "2027-06-01", 1000000),
        ],
        "2027年.xlsx",
    )
    window.ctx.data_changed()
    return batch_id, second
