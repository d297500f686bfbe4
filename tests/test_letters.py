"""兑现通知书 content: 文号, dates, amounts in figures and words, schedules, numbering, template and settings."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from core.letters.batch import build_letters, prepare_letters
from core.letters.document import format_date, letter_html, schedule_note
from core.letters.errors import LetterError, SettingsError, TemplateError
from core.letters.files import letter_file_name, safe_file_name
from core.letters.memory import MemoryLetterStore
from core.letters.numbering import LetterNumber, LetterRegistry, assign_numbers, format_doc_number, parse_doc_number
from core.letters.samples import demo_adjustment, demo_batch, demo_line, demo_lines, demo_uscc, yearly
from core.letters.settings import default_letter_settings, load_letter_settings, save_letter_settings
from core.letters.template import load_template, parse_template, template_path
from core.paths import RESOURCES


@pytest.fixture
def settings():
    return dataclasses.replace(
        default_letter_settings(),
        issuer="呼伦贝尔市科学技术局",
        letterhead="呼伦贝尔市科学技术局",
        code="呼科发",
        fonts=("WenQuanYi Micro Hei",),
    )


@pytest.fixture
def store():
    s = MemoryLetterStore()
    lines = [
        demo_line(1, 1, 1, "150000", summary="高新技术企业首次认定奖励"),
        demo_line(1, 2, 1, "52345.67", summary="科技型中小企业入库奖励", clause="（五）"),
        demo_line(1, 3, 2, "3000000", summary="自治区重点实验室运行补助", schedule=yearly(2026, 5, "3000000")),
        demo_line(
            1,
            4,
            3,
            "200000",
            summary="技术合同交易额补助",
            provisional=True,
            document_title="关于进一步提升科技创新能力的政策措施（征求意见稿）",
            doc_number=None,
        ),
        demo_line(1, 5, 3, "80000", summary="科技型中小企业入库奖励"),
    ]
    s.put_batch(demo_batch(1), lines)
    s.put_batch(demo_batch(2, status="draft", name="2026年第二批"), demo_lines(2, 2, start=10))
    return s


def letter_of(batch, uscc):
    return next(l for l in batch.letters if l.uscc == uscc)


# ---------------------------------------------------------------- 文号 and dates
def test_doc_number_is_in_the_official_form():
    text = format_doc_number("呼科发", 2025, 12)
    assert text == "呼科发\u30142025\u301512号" == "呼科发〔2025〕12号"
    assert "第" not in text and "012" not in format_doc_number("呼科发", 2025, 12)
    assert format_doc_number("包科发", 2026, 1) == "包科发〔2026〕1号"
    assert parse_doc_number("呼科发〔2025〕12号") == ("呼科发", 2025, 12)


@pytest.mark.parametrize(
    "code, year, serial",
    [("", 2025, 1), ("呼科发〔", 2025, 1), ("呼科 发", 2025, 1), ("呼科发", 25, 1), ("呼科发", 2025, 0)],
)
def test_doc_number_refuses_bad_parts(code, year, serial):
    with pytest.raises(LetterError):
        format_doc_number(code, year, serial)


@pytest.mark.parametrize(
    "text", ["呼科发〔2025〕012号", "呼科发〔2025〕第12号", "呼科发[2025]12号", "呼科发〔2025〕12"]
)
def test_parse_doc_number_refuses_informal_forms(text):
    with pytest.raises(LetterError, match="不是规范的文号"):
        parse_doc_number(text)


@pytest.mark.parametrize(
    "day, arabic, chinese",
    [
        (dt.date(2025, 11, 25), "2025年11月25日", "二〇二五年十一月二十五日"),
        (dt.date(2026, 1, 5), "2026年1月5日", "二〇二六年一月五日"),
        (dt.date(2020, 10, 10), "2020年10月10日", "二〇二〇年十月十日"),
        (dt.date(2030, 12, 31), "2030年12月31日", "二〇三〇年十二月三十一日"),
        (dt.date(2024, 2, 20), "2024年2月20日", "二〇二四年二月二十日"),
    ],
)
def test_dates_have_no_leading_zeros(day, arabic, chinese):
    assert format_date(day) == arabic
    assert format_date(day, "chinese") == chinese


# ---------------------------------------------------------------- letter content
def test_letter_states_company_lines_total_words_account_issuer_and_date(store, settings):
    batch = prepare_letters(store, 1, settings)
    letter = letter_of(batch, demo_uscc(1))
    assert letter.doc_number == "呼科发〔2025〕1号"
    assert letter.total == Decimal("202345.67")
    html = letter.html
    for text in (
        "呼伦贝尔市科学技术局",
        "呼科发〔2025〕1号",
        "内蒙古示例1号科技有限公司",
        demo_uscc(1),
        "高新技术企业首次认定奖励",
        "150,000.00",
        "科技型中小企业入库奖励",
        "52,345.67",
        "《内蒙古自治区研发投入攻坚行动实施方案（2021—2025年）》（内政办发〔2021〕35号）（四）",
        "（内政办发〔2021〕35号）（五）",
        "202,345.67",
        "人民币贰拾万零贰仟叁佰肆拾伍元陆角柒分",
        "中国工商银行呼伦贝尔海拉尔支行",
        "0609 0012 0920 0000001",
        "2025年11月25日",
        "你单位符合2026年度科技创新奖补条件",
    ):
        assert text in html, text
    assert "{{" not in html and "}}" not in html
    values = letter.text_values()
    assert values["total_figures"] == "202,345.67"
    assert values["total_in_words"] == "人民币贰拾万零贰仟叁佰肆拾伍元陆角柒分"
    assert values["issue_date"] == "2025年11月25日"
    assert values["signature"] == "呼伦贝尔市科学技术局"  # {{发文机关}} filled


def test_award_table_has_header_a_row_per_line_and_a_total_row(store, settings):
    letter = letter_of(prepare_letters(store, 1, settings), demo_uscc(1))
    table = letter_html(letter)
    assert table.count("<thead>") == 1
    assert '<th width="8%">序号</th>' in table and ">政策依据</th>" in table and ">金额（元）</th>" in table
    assert '<td class="no" align="center">1</td><td>高新技术企业首次认定奖励</td>' in table
    assert '<td class="no" align="center">2</td><td>科技型中小企业入库奖励</td>' in table
    assert '<b>合计</b></td><td class="money" align="right"><b>202,345.67</b>' in table


def test_table_breaks_start_a_new_table_with_the_header_on_a_new_page(store, settings):
    letter = letter_of(prepare_letters(store, 1, settings), demo_uscc(1))
    html = letter_html(letter, breaks={1})
    assert html.count("<thead>") == 2
    assert html.count("page-break-before: always") == 1
    assert html.index("page-break-before") < html.index("科技型中小企业入库奖励")
    assert letter_html(letter, breaks={2}).count("<thead>") == 2  # before the 合计 row


def test_multi_year_award_states_this_years_amount_and_the_schedule(store, settings):
    letter = letter_of(prepare_letters(store, 1, settings), demo_uscc(2))
    assert "其中：该项连续支持5年，2026—2030年每年3,000,000.00元，本年度为第1年" in letter.html
    assert letter.total == Decimal("3000000")
    assert "人民币叁佰万元整" in letter.html
    line = letter.lines[0]
    assert schedule_note(line, 2028) == "其中：该项连续支持5年，2026—2030年每年3,000,000.00元，本年度为第3年"


def test_schedule_with_unequal_amounts_lists_each_year():
    line = demo_line(
        1, 1, 1, "500000", schedule=((2026, Decimal("500000")), (2027, Decimal("300000")), (2028, Decimal("200000")))
    )
    assert schedule_note(line, 2027) == (
        "其中：该项连续支持3年，2026年500,000.00元、2027年300,000.00元、2028年200,000.00元，本年度为第2年"
    )
    assert schedule_note(demo_line(1, 1, 1, "1"), 2026) is None
    assert schedule_note(demo_line(1, 1, 1, "1", schedule=yearly(2026, 1, "1")), 2026) is None


def test_company_names_and_texts_are_escaped(settings):
    s = MemoryLetterStore()
    s.put_batch(demo_batch(), [demo_line(1, 1, 1, "1000", name="A&B<科技>有限公司", summary="奖励<1>")])
    html = prepare_letters(s, 1, settings).letters[0].html
    assert "A&amp;B&lt;科技&gt;有限公司" in html and "奖励&lt;1&gt;" in html
    assert "A&B<科技>" not in html


def test_missing_bank_account_is_written_as_unregistered_and_warned(settings):
    s = MemoryLetterStore()
    s.put_batch(demo_batch(), [dataclasses.replace(demo_line(1, 1, 1, "1000"), bank_name="", bank_account="")])
    batch = prepare_letters(s, 1, settings)
    assert "开户行：（未登记）" in batch.letters[0].html
    assert batch.warnings == [
        "内蒙古示例1号科技有限公司（呼科发〔2025〕1号）没有登记开户行或账号，通知书中写为“未登记”"
    ]


def test_chinese_date_style_and_copy_to(store, settings):
    own = dataclasses.replace(
        settings, date_style="chinese", copy_to="呼伦贝尔市财政局", signature="呼伦贝尔市科学技术局\n呼伦贝尔市财政局"
    )
    letter = letter_of(prepare_letters(store, 1, own), demo_uscc(1))
    assert "二〇二五年十一月二十五日" in letter.html
    assert '<p class="cc">抄送：呼伦贝尔市财政局</p>' in letter.html
    assert "呼伦贝尔市科学技术局<br/>呼伦贝尔市财政局" in letter.html
    plain = letter_of(prepare_letters(store, 1, settings), demo_uscc(1)).html
    assert "抄送" not in plain


# ---------------------------------------------------------------- what gets a letter
def test_draft_batch_is_refused_before_any_number_is_given(store, settings):
    with pytest.raises(LetterError, match="尚未审批（状态：草稿），审批通过后才能出具兑现通知书"):
        prepare_letters(store, 2, settings)
    assert store._numbers == {}


def test_paid_batch_gets_letters(settings):
    s = MemoryLetterStore()
    s.put_batch(demo_batch(status="paid"), demo_lines(1, 2))
    assert len(prepare_letters(s, 1, settings).letters) == 2


def test_company_with_a_draft_line_gets_its_letter_for_the_lines_in_force(store, settings):
    batch = prepare_letters(store, 1, settings)
    assert [l.uscc for l in batch.letters] == [demo_uscc(1), demo_uscc(2), demo_uscc(3)]
    assert batch.withheld == []
    third = letter_of(batch, demo_uscc(3))
    assert third.total == Decimal("80000") and third.doc_number == "呼科发〔2025〕3号"
    assert "“技术合同交易额补助”" in batch.warnings[0] and "未列入通知书" in batch.warnings[0]


def test_company_whose_every_award_rests_on_a_draft_is_withheld_without_a_number(settings):
    s = MemoryLetterStore()
    s.put_batch(
        demo_batch(1),
        [demo_line(1, 1, 1, "150000"), demo_line(1, 2, 3, "200000", summary="技术合同交易额补助", provisional=True)],
    )
    batch = prepare_letters(s, 1, settings)
    [withheld] = batch.withheld
    assert withheld.uscc == demo_uscc(3)
    assert withheld.doc_number == ""  # issue 15: no 文号 for a company that gets no letter
    assert demo_uscc(3) not in s.letter_numbers(1)
    assert "“技术合同交易额补助”" in withheld.reason and "征求意见稿" in withheld.reason
    assert "政策正式印发并重新计算、审批后才能出具兑现通知书" in withheld.reason


def test_the_first_letter_is_number_one_when_draft_companies_come_first(settings):
    """Issue 15: the sample batch numbered its 12 draft-only companies first, so its first letter was 13号."""
    s = MemoryLetterStore()
    drafts = [demo_line(1, n, n, "100000", provisional=True) for n in range(1, 4)]
    s.put_batch(
        demo_batch(1),
        drafts
        + demo_lines(1, 2, start=10)[:1]
        + [dataclasses.replace(l, line_no=10 + l.line_no) for l in demo_lines(1, 2, start=10)[1:]],
    )
    letters = prepare_letters(s, 1, settings)
    assert [l.doc_number for l in letters.letters] == ["呼科发〔2025〕1号", "呼科发〔2025〕2号"]
    assert [w.doc_number for w in letters.withheld] == ["", "", ""]


def test_a_company_with_lines_in_force_and_on_a_draft_gets_a_letter_for_those_in_force(settings):
    """The letter pays what rests on documents in force, as the disbursement sheet may; the draft's line waits."""
    s = MemoryLetterStore()
    s.put_batch(
        demo_batch(1),
        [demo_line(1, 1, 1, "150000"), demo_line(1, 2, 1, "200000", provisional=True, summary="技术合同交易额补助")],
    )
    letters = prepare_letters(s, 1, settings)
    [letter] = letters.letters
    assert letter.total == Decimal("150000") and letter.doc_number == "呼科发〔2025〕1号"
    assert letters.withheld == []
    assert letters.warnings == [
        "内蒙古示例1号科技有限公司（呼科发〔2025〕1号）另有1条奖补依据征求意见稿测算"
        "（“技术合同交易额补助”），未列入通知书，政策正式印发后另行兑现"
    ]


# ---------------------------------------------------------------- numbering
def test_numbers_follow_the_batch_order_and_continue_across_batches_of_the_year(settings):
    s = MemoryLetterStore()
    s.put_batch(demo_batch(1), demo_lines(1, 3))
    s.put_batch(demo_batch(2, name="第二批"), demo_lines(2, 2, start=10))
    s.put_batch(demo_batch(3, name="下一年", approved=dt.datetime(2026, 3, 2)), demo_lines(3, 2, start=20))
    assert s.letter_numbers(1) == {demo_uscc(1): (2025, 1), demo_uscc(2): (2025, 2), demo_uscc(3): (2025, 3)}
    assert s.letter_numbers(2) == {demo_uscc(10): (2025, 4), demo_uscc(11): (2025, 5)}
    assert s.letter_numbers(3) == {demo_uscc(20): (2026, 1), demo_uscc(21): (2026, 2)}
    docs = [l.doc_number for l in prepare_letters(s, 3, settings).letters]
    assert docs == ["呼科发〔2026〕1号", "呼科发〔2026〕2号"]
    assert [l.date for l in prepare_letters(s, 3, settings).letters] == [dt.date(2026, 3, 2)] * 2


def test_reprint_has_the_same_numbers_and_content(store, settings):
    first = prepare_letters(store, 1, settings)
    again = prepare_letters(store, 1, settings)
    assert [(l.doc_number, l.html) for l in first.letters] == [(l.doc_number, l.html) for l in again.letters]


def test_corrected_batch_never_reuses_a_number(settings):
    s = MemoryLetterStore()
    s.put_batch(demo_batch(1), demo_lines(1, 3))
    assert s.letter_numbers(1)[demo_uscc(2)] == (2025, 2)
    # correction: company 2 leaves the batch, company 9 joins
    s.put_batch(demo_batch(1), demo_lines(1, 1) + demo_lines(1, 1, start=3) + demo_lines(1, 1, start=9))
    numbers = s.letter_numbers(1)
    assert numbers == {demo_uscc(1): (2025, 1), demo_uscc(3): (2025, 3), demo_uscc(9): (2025, 4)}
    # company 2 comes back: its old number, not a new one
    s.put_batch(demo_batch(1), demo_lines(1, 3) + demo_lines(1, 1, start=9))
    assert s.letter_numbers(1)[demo_uscc(2)] == (2025, 2)
    s.put_batch(demo_batch(2), demo_lines(2, 1, start=50))
    assert s.letter_numbers(2) == {demo_uscc(50): (2025, 5)}


def test_assign_numbers_is_the_shared_rule():
    held = {"A": LetterNumber(2025, 7)}
    assert assign_numbers(held, ["B", "A", "C", "B"], 2025, 9) == {"B": (2025, 10), "C": (2025, 11)}
    assert assign_numbers({}, [], 2025, 0) == {}


def test_memory_store_is_a_letter_registry(store):
    assert isinstance(store, LetterRegistry)
    store.record_letter_issue(1, demo_uscc(1), "print", "张三")
    store.record_letter_issue(1, demo_uscc(1), "print", "张三")
    assert [i[:4] for i in store.issues] == [(1, demo_uscc(1), "print", "张三")] * 2
    with pytest.raises(ValueError):
        store.record_letter_issue(1, demo_uscc(1), "fax", "张三")


def test_build_letters_refuses_a_company_without_a_number(store, settings):
    with pytest.raises(LetterError, match="没有分配文号"):
        build_letters(store.batch(1), store.lines(1), {}, settings, load_template())


# ---------------------------------------------------------------- template
def test_shipped_template_parses_and_uses_every_required_placeholder():
    template = load_template(RESOURCES / "templates" / "award_letter.html")
    assert {
        "doc_number",
        "company_name",
        "uscc",
        "award_table",
        "total_figures",
        "total_in_words",
        "bank_name",
        "bank_account",
        "signature",
        "issue_date",
    } <= template.keys


def test_unknown_placeholder_is_refused_with_its_line():
    text = "<p>{{文号}}</p>\n<p>{{企业名称}}{{统一社会信用代码}}</p>\n<p>{{公司地址}}</p>"
    with pytest.raises(TemplateError) as exc:
        parse_template(text, "t.html")
    assert "兑现通知书模板t.html第3行有未知的占位符“{{公司地址}}”" in str(exc.value)
    assert "可用的占位符：文头、文号" in str(exc.value)


def test_missing_required_placeholder_is_named_with_its_meaning():
    source = (RESOURCES / "templates" / "award_letter.html").read_text(encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        parse_template(source.replace("{{大写金额}}", "").replace("{{账号}}", ""), "t.html")
    message = str(exc.value)
    assert message.startswith("兑现通知书模板t.html缺少必需的占位符：")
    assert "“{{大写金额}}”（奖补合计金额（大写），如 人民币壹佰伍拾万元整）" in message
    assert "“{{账号}}”（企业银行账号）" in message


def test_placeholder_only_in_a_comment_does_not_count_and_stray_braces_are_refused():
    source = (RESOURCES / "templates" / "award_letter.html").read_text(encoding="utf-8")
    body = source.replace("{{成文日期}}", "")
    with pytest.raises(TemplateError, match="成文日期"):
        parse_template("<!-- {{成文日期}} -->" + body)
    with pytest.raises(TemplateError, match="第1行有不成对的“{{”"):
        parse_template("<p>{{文号</p>" + source)
    with pytest.raises(TemplateError, match="写法有误"):
        parse_template("<p>{{ }}</p>" + source)


def test_template_in_user_data_folder_takes_the_place_of_the_shipped_one(tmp_path, monkeypatch):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path))
    assert template_path() == RESOURCES / "templates" / "award_letter.html"
    own = tmp_path / "award_letter.html"
    own.write_text(
        (RESOURCES / "templates" / "award_letter.html")
        .read_text(encoding="utf-8")
        .replace("以上奖补资金合计", "本次奖补资金共计"),
        encoding="utf-8",
    )
    assert template_path() == own
    assert "本次奖补资金共计" in load_template().source


# ---------------------------------------------------------------- settings
def test_settings_round_trip_through_the_user_file(tmp_path, settings):
    path = tmp_path / "letters_settings.json"
    assert load_letter_settings(path) == default_letter_settings()
    save_letter_settings(settings, path)
    assert load_letter_settings(path) == settings
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["code"] == "呼科发" and data["fonts"] == ["WenQuanYi Micro Hei"]


def test_settings_default_location_is_the_user_data_folder(tmp_path, monkeypatch, settings):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path))
    save_letter_settings(settings)
    assert (tmp_path / "letters_settings.json").exists()
    assert load_letter_settings().issuer == "呼伦贝尔市科学技术局"


def test_settings_field_missing_from_the_user_file_takes_the_default(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"code": "包科发", "fonts": "SimSun，WenQuanYi Micro Hei"}), encoding="utf-8")
    loaded = load_letter_settings(path)
    assert loaded.code == "包科发" and loaded.fonts == ("SimSun", "WenQuanYi Micro Hei")
    assert loaded.title == default_letter_settings().title


def test_unknown_settings_field_is_refused_in_chinese(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"code": "呼科发", "seal": "x"}), encoding="utf-8")
    with pytest.raises(SettingsError, match="中有未知字段“seal”。可用的字段：issuer（发文机关）"):
        load_letter_settings(path)
    path.write_text("{bad", encoding="utf-8")
    with pytest.raises(SettingsError, match="不是有效的JSON"):
        load_letter_settings(path)
    path.write_text(json.dumps({"code": 12}), encoding="utf-8")
    with pytest.raises(SettingsError, match="“机关代字”（code）应为文本"):
        load_letter_settings(path)


def test_settings_problems_are_listed_and_refused_on_save(tmp_path, settings):
    bad = dataclasses.replace(settings, code="呼科发〔", issuer=" ", intro="{{企业地址}}你单位", date_style="x")
    problems = bad.problems()
    assert "“发文机关”不能为空" in problems
    assert any("机关代字“呼科发〔”不能含空格、括号" in p for p in problems)
    assert any("未知的占位符“{{企业地址}}”" in p for p in problems)
    assert any("日期写法" in p for p in problems)
    with pytest.raises(SettingsError, match="兑现通知书设置有误"):
        save_letter_settings(bad, tmp_path / "s.json")
    assert not (tmp_path / "s.json").exists()
    with pytest.raises(LetterError, match="兑现通知书设置有误"):
        prepare_letters(_one_batch(), 1, bad)


def _one_batch():
    s = MemoryLetterStore()
    s.put_batch(demo_batch(), demo_lines(1, 1))
    return s


# ---------------------------------------------------------------- file names
def test_file_names_are_safe_on_windows(store, settings):
    letter = letter_of(prepare_letters(store, 1, settings), demo_uscc(1))
    assert letter_file_name(letter) == "内蒙古示例1号科技有限公司_呼科发〔2025〕1号.pdf"
    assert safe_file_name('a/b\\c:d*e?f"g<h>i|j. ') == "a_b_c_d_e_f_g_h_i_j"
    assert safe_file_name("CON") == "_CON"
    assert safe_file_name("  ") == "_"


# ---------------------------------------------------------------- adjustment batches
def adjustment_store():
    """Batch 5 corrects batch 1 (core.letters.samples.demo_adjustment)."""
    s = MemoryLetterStore()
    s.put_batch(*demo_adjustment())
    return s


def test_adjustment_letter_pays_the_net_and_says_it_is_an_adjustment(settings):
    batch = prepare_letters(adjustment_store(), 5, settings)
    (letter,) = batch.letters
    assert (letter.uscc, letter.doc_number, letter.total) == (demo_uscc(1), "呼科发〔2025〕1号", Decimal("30000"))
    html = letter.html
    for text in (
        "本通知为对编号1批次已兑现奖补的调整（调整原因：复核更正研发费用）",
        "40,000.00",
        "-10,000.00",
        "30,000.00",
        "人民币叁万元整",
    ):
        assert text in html, text


def test_adjustment_company_taking_money_back_or_cancelling_out_gets_no_letter_and_no_number(settings):
    store = adjustment_store()
    batch = prepare_letters(store, 5, settings)
    withheld = {w.uscc: w for w in batch.withheld}
    assert set(withheld) == {demo_uscc(2), demo_uscc(3)}
    assert all(w.kind == "nothing_due" and w.doc_number == "" for w in withheld.values())
    assert "调整后应追回50,000.00元（大写：人民币伍万元整）" in withheld[demo_uscc(2)].reason
    assert "增减相抵" in withheld[demo_uscc(3)].reason
    assert store.letter_numbers(5) == {demo_uscc(1): LetterNumber(2025, 1)}  # no serial spent on them
