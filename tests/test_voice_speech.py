"""Written messages become short speakable prompts, with valid SSML."""
import xml.etree.ElementTree as ElementTree

import pytest

from knowledge.facts import derive_facts
from knowledge.policy import all_statements, applicable, compose_answer
from knowledge.topics import all_topics
from channels.voice_speech import (
    PROMPT_LIMIT, SSML_NAMESPACE, clean, pack, prompts_for, sentences, spoken_source,
    split_source, ssml, summary_and_rest,
)
from tests.voice_client import check_ssml

SAY_AS = f"{{{SSML_NAMESPACE}}}say-as"


def telephone_numbers(document):
    root = check_ssml(document)
    return [element.text for element in root.iter(SAY_AS)
            if element.get("interpret-as") == "telephone"]


def test_hotline_numbers_are_read_digit_by_digit_in_ssml_and_plain_in_text():
    prompt = "请拨打12333人社服务热线。"
    assert telephone_numbers(ssml(prompt)) == ["12333"]
    assert prompts_for(prompt) == [prompt]


@pytest.mark.parametrize("text, numbers", [
    ("客服电话400-123-4567，手机13912345678", ["400-123-4567", "13912345678"]),
    ("也可以打010-12345678或者95598", ["010-12345678", "95598"]),
    ("月工资12000元，2025年3月入职", []),
    ("约可主张12000元的二倍工资", []),
    ("累计缴费满15年", []),
])
def test_only_telephone_numbers_are_marked(text, numbers):
    assert telephone_numbers(ssml(text)) == numbers


def test_ssml_is_a_speak_document_with_special_characters_escaped():
    document = ssml("工资<5000 & 奖金>0 “封存”")
    root = check_ssml(document)
    assert "".join(root.itertext()) == "工资<5000 & 奖金>0 “封存”"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert root.get("version") == "1.1"


def test_links_emoji_markdown_and_list_symbols_are_not_spoken():
    text = ("**注意**：\n1. 带上身份证 😀\n- 可以网上办理，请访问 https://si.example.cn/a?b=1 \n"
            "② 详见[服务指南](https://example.cn/guide)\n# 结束")
    spoken = "".join(prompts_for(text))
    for unwanted in ("http", "example", "*", "😀", "1.", "-", "②", "#", "[", "]"):
        assert unwanted not in spoken
    assert "带上身份证" in spoken and "可以网上办理" in spoken and "服务指南" in spoken


def test_ranges_between_numbers_are_spoken():
    assert clean("3～5个工作日") == "3到5个工作日"


def test_a_numbered_line_keeps_its_decimal_numbers():
    assert clean("1.5万元") == "1.5万元"


def test_lines_without_closing_punctuation_become_sentences():
    assert sentences("我可以解答这些问题：\n社保卡丢了，怎么挂失") == ["我可以解答这些问题。", "社保卡丢了，怎么挂失。"]


def test_long_sentences_are_split_at_commas_and_prompts_stay_short():
    sentence = "正式挂失要带上有效身份证件，分别到社保卡服务机构网点和社保卡服务银行网点办理：前者挂失社会保障应用，后者挂失银行账户应用。"
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
    body, sources = split_source("先挂失。\n（依据：《指南》；公开指引（各地规定）；《指南》）")
    assert body == "先挂失。"
    assert sources == ["《指南》", "公开指引（各地规定）"]
    assert spoken_source(sources) == "依据是《指南》等。"
    assert spoken_source(["公开指引（各地规定）"]) == "依据是公开指引。"
    assert spoken_source(["《指南》", "《中华人民共和国社会保险法》第十六条"]) == \
        "依据是《中华人民共和国社会保险法》第十六条等。"
    assert split_source("没有依据的回答。") == ("没有依据的回答。", [])


def test_a_long_answer_is_summarised_by_its_first_sentences():
    body = "请先尽快办理临时挂失。避免冒用。\n正式挂失要带上有效身份证件。补办流程和新办卡相同。"
    summary, rest = summary_and_rest(body)
    assert summary == ["请先尽快办理临时挂失。避免冒用。正式挂失要带上有效身份证件。补办流程和新办卡相同。"]
    assert rest == []
    long_body = "请先尽快办理临时挂失，避免卡被别人冒用。" + "可以通过社保卡服务机构的网点、12333服务热线、网上服务平台，或者社保卡服务银行的客服平台办理。"
    summary, rest = summary_and_rest(long_body)
    assert summary == ["请先尽快办理临时挂失，避免卡被别人冒用。"]
    assert rest and rest[0].startswith("可以通过")


def every_answer():
    """Each topic's answer for every combination of yes/no answers to its first question."""
    for topic in all_topics():
        for value in (True, False, "unknown", None):
            answers = {slot: value for slot in topic.slots}
            facts = derive_facts(answers)
            statements = applicable(all_statements(), topic.intent, facts)
            if statements:
                yield topic.intent, compose_answer(statements, facts)


@pytest.mark.parametrize("topic, answer", list(every_answer()))
def test_every_policy_answer_is_speakable(topic, answer):
    body, sources = split_source(answer)
    assert sources, topic
    summary, rest = summary_and_rest(body)
    for prompt in summary + rest + [spoken_source(sources)]:
        assert 0 < len(prompt) <= PROMPT_LIMIT, prompt
        ElementTree.fromstring(ssml(prompt))
    assert "".join(summary + rest) == "".join(sentences(body))
