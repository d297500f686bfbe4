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
