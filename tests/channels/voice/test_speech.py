"""Written messages become short speakable prompts, with valid SSML."""

import xml.etree.ElementTree as ElementTree
from datetime import date

import pytest

from channels.voice.speech import (
    PROMPT_LIMIT,
    SSML_NAMESPACE,
    clean,
    pack,
    prompts_for,
    sentences,
    spoken_answer,
    spoken_source,
    ssml,
)
from knowledge.consultations import answer_for
from knowledge.periods import Contribution, Employment
from knowledge.topics import all_topics, topic_for_intent
from tests.voice_client import check_ssml

SAY_AS = f"{{{SSML_NAMESPACE}}}say-as"


def telephone_numbers(document):
    root = check_ssml(document)
    return [
        element.text for element in root.iter(SAY_AS) if element.get("interpret-as") == "telephone"
    ]


def test_hotline_numbers_are_read_digit_by_digit_in_ssml_and_plain_in_text():
    prompt = "请拨打12333人社服务热线。"
    assert telephone_numbers(ssml(prompt)) == ["12333"]
    assert prompts_for(prompt) == [prompt]


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("客服电话400-123-4567，手机13912345678", ["400-123-4567", "13912345678"]),
        ("也可以打010-12345678或者95598", ["010-12345678", "95598"]),
        ("月工资12000元，2025年3月入职", []),
        ("约可主张12000元的二倍工资", []),
        ("累计缴费满15年", []),
    ],
)
def test_only_telephone_numbers_are_marked(text, numbers):
    assert telephone_numbers(ssml(text)) == numbers


def test_ssml_is_a_speak_document_with_special_characters_escaped():
    document = ssml("工资<5000 & 奖金>0 “封存”")
    root = check_ssml(document)
    assert "".join(root.itertext()) == "工资<5000 & 奖金>0 “封存”"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert root.get("version") == "1.1"


def test_links_emoji_markdown_and_list_symbols_are_not_spoken():
    text = (
        "**注意**：\n1. 带上身份证 😀\n- 可以网上办理，请访问 https://si.example.cn/a?b=1 \n"
        "② 详见[服务指南](https://example.cn/guide)\n# 结束"
    )
    spoken = "".join(prompts_for(text))
    for unwanted in ("http", "example", "*", "😀", "1.", "-", "②", "#", "[", "]"):
        assert unwanted not in spoken
    assert "带上身份证" in spoken and "可以网上办理" in spoken and "服务指南" in spoken


def test_ranges_between_numbers_are_spoken():
    assert clean("3～5个工作日") == "3到5个工作日"


def test_a_numbered_line_keeps_its_decimal_numbers():
    assert clean("1.5万元") == "1.5万元"


def test_lines_without_closing_punctuation_become_sentences():
    assert sentences("我可以解答这些问题：\n社保卡丢了，怎么挂失") == [
        "我可以解答这些问题。",
        "社保卡丢了，怎么挂失。",
    ]


def test_long_sentences_are_split_at_commas_and_prompts_stay_short():
    sentence = (
        "正式挂失要带上有效身份证件，分别到社保卡服务机构网点和社保卡服务银行网点办理："
        "前者挂失社会保障应用，后者挂失银行账户应用。"
    )
    assert len(sentence) > PROMPT_LIMIT
    prompts = prompts_for(sentence)
    assert "".join(prompts) == sentence
    assert all(len(prompt) <= PROMPT_LIMIT for prompt in prompts)
    assert all(prompt.endswith(("，", "。", "：")) for prompt in prompts)


def test_text_without_any_punctuation_is_cut_without_splitting_numbers():
    text = "社保" * 29 + "12333" + "社保" * 10
    prompts = pack([text])
    assert "".join(prompts) == text
    assert all(len(prompt) <= PROMPT_LIMIT for prompt in prompts)
    assert any("12333" in prompt for prompt in prompts)


def test_short_sentences_are_packed_together():
    assert pack(["您好。", "请说出您的问题。"]) == ["您好。请说出您的问题。"]


def test_the_sources_of_an_answer_are_named_briefly():
    assert spoken_source(["《指南》", "公开指引（各地规定）"]) == "依据是《指南》等。"
    assert spoken_source(["公开指引（各地规定）"]) == "依据是公开指引。"
    assert (
        spoken_source(["《指南》", "《中华人民共和国社会保险法》第十六条"])
        == "依据是《中华人民共和国社会保险法》第十六条等。"
    )
    assert spoken_source([]) is None


TODAY = date(2026, 12, 1)


def speak(topic, **answers):
    return spoken_answer(answer_for(topic_for_intent(topic), answers, TODAY).as_structure())


def test_the_callers_own_result_is_said_first():
    spoken, full = speak("pension_contribution_gap", years_paid=Contribution((12.0,)).as_slot())
    assert spoken[0].startswith("您已经累计缴了约12年，离十五年还差约3年。")
    assert spoken[-1] == "依据是《中华人民共和国社会保险法》第十六条等。"
    assert len(full) > len(spoken) and full[-1] == spoken[-1]


def test_double_pay_for_the_caller_comes_with_its_amount():
    three_months = Employment(date(2026, 9, 1), date(2026, 9, 1), date(2026, 9, 1), "exact")
    spoken, _ = speak(
        "contract_not_signed", employment_duration=three_months.as_slot(), monthly_wage=6000.0
    )
    said = "".join(spoken)
    assert "二倍工资" in said and "约12000元" in said
    assert said.index("约12000元") < said.index("依据是")


def test_a_bedridden_parent_hears_of_the_home_visit():
    spoken, _ = speak(
        "pension_certification",
        retiree_location="insured_place",
        can_use_face_recognition=False,
        limited_mobility=True,
    )
    assert "上门认证" in "".join(spoken)


def test_the_first_general_rule_is_said_whole():
    spoken, _ = speak("prove_labor_relation", evidence_held=["考勤记录"])
    said = "".join(spoken)
    assert "考勤记录" in said and "三是劳动者提供的劳动是单位业务的组成部分" in said


def every_answer():
    """Each topic's answer for every combination of yes/no answers to its first question."""
    for topic in all_topics():
        for value in (True, False, "unknown", None):
            answer = answer_for(topic, {slot: value for slot in topic.slots}, date(2026, 12, 1))
            if answer.lines:
                yield topic.intent, answer


@pytest.mark.parametrize("topic, answer", list(every_answer()))
def test_every_policy_answer_is_speakable(topic, answer):
    spoken, full = spoken_answer(answer.as_structure())
    assert answer.sources, topic
    for prompt in spoken + full:
        assert 0 < len(prompt) <= PROMPT_LIMIT, prompt
        ElementTree.fromstring(ssml(prompt))
    body = "\n".join(line.text for line in answer.lines)
    assert "".join(full[:-1]) == "".join(sentences(body))
