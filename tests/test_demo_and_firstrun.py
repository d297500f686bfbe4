"""Demonstration data (core.demo) and the first-run answers (core.firstrun), without Qt."""

import pytest

from core.demo import load_demo_data
from core.firstrun import CLERK_NAME_KEY, FirstRunAnswers, clerk_name, current_answers, save_answers
from core.letters.settings import default_letter_settings, load_letter_settings
from core.progress import Cancelled
from core.store import open_store


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    s = open_store(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    yield s
    s.close()


def test_demo_data_is_the_sample_workbook_imported_and_calculated(store, policies):
    reports = []
    batch_id = load_demo_data(store, policies, lambda done, total, text="": reports.append((done, total, text)))
    batch = store.batch(batch_id)
    assert batch.status == "draft"
    lines = store.lines(batch_id)
    assert len(lines) > 20 and len({line.uscc for line in lines}) > 10
    assert reports[0][2] == "正在读取演示数据…" and reports[-1][0] == reports[-1][1] == 30
    # Again: the same workbook gives the same batch (recalculated while it is a draft) ...
    assert load_demo_data(store, policies) == batch_id
    assert len(store.batches()) == 1
    # ... and once approved it is left as it is.
    store.approve(batch_id, preparer="张三", reviewer="李四", allow_provisional=True)
    assert load_demo_data(store, policies) == batch_id
    assert store.batch(batch_id).status == "approved"


def test_cancelling_the_demo_leaves_no_batch(store, policies):
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1  # after the import, during the calculation

    with pytest.raises(Cancelled):
        load_demo_data(store, policies, cancel=cancel)
    assert store.batches() == []


@pytest.mark.parametrize(
    "answers, problem",
    [
        (FirstRunAnswers("", "呼科发", "张三"), "请填写发文机关"),
        (FirstRunAnswers("呼伦贝尔市科学技术局", "", "张三"), "机关代字不能为空"),
        (FirstRunAnswers("呼伦贝尔市科学技术局", "呼科发〔2026〕", "张三"), "不能含空格、括号或以数字结尾"),
        (FirstRunAnswers("呼伦贝尔市科学技术局", "呼科发", "  "), "请填写经办人姓名"),
        (FirstRunAnswers("呼伦贝尔市科学技术局", "呼科发", "张" * 61), "不能超过60个字"),
    ],
)
def test_answers_are_checked(answers, problem):
    assert any(problem in p for p in answers.problems()), answers.problems()


def test_saved_answers_go_to_the_letter_settings_and_the_store(store):
    assert current_answers(store) == FirstRunAnswers("", "", "")  # the shipped example counts as nothing
    with pytest.raises(ValueError, match="请填写发文机关"):
        save_answers(store, FirstRunAnswers("", "呼科发", "张三"))
    assert load_letter_settings() == default_letter_settings() and clerk_name(store) == ""

    settings = save_answers(store, FirstRunAnswers(" 呼伦贝尔市科学技术局 ", "呼科发", " 张三 ", demo=True))
    assert (settings.issuer, settings.letterhead, settings.code) == (
        "呼伦贝尔市科学技术局",
        "呼伦贝尔市科学技术局",
        "呼科发",
    )
    assert load_letter_settings() == settings
    assert store.setting(CLERK_NAME_KEY) == "张三" == clerk_name(store)
    assert current_answers(store) == FirstRunAnswers("呼伦贝尔市科学技术局", "呼科发", "张三")


def test_a_letterhead_of_the_bureaus_own_is_kept(store):
    import dataclasses

    from core.letters.settings import save_letter_settings

    save_letter_settings(dataclasses.replace(default_letter_settings(), letterhead="呼伦贝尔市科学技术局文件"))
    settings = save_answers(store, FirstRunAnswers("呼伦贝尔市科学技术局", "呼科发", "张三"))
    assert settings.letterhead == "呼伦贝尔市科学技术局文件"
