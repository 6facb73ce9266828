"""On the telephone line, over real HTTP: the caller's own result is said first, replies are read
as answers first, and keys can be said instead of pressed."""

import pytest

from channels.voice.call import ANSWER_KEYS_AFTER_SUMMARY
from tests.conftest import VOICE_TOKEN
from tests.voice_client import CALLER, SPOKEN_FINDABLE, SPOKEN_TEMPORARY_LOSS, Call, spoken


@pytest.fixture
def call(rasa_server):
    line = Call(rasa_server.url, VOICE_TOKEN, caller=CALLER)
    line.start()
    return line


def test_the_years_left_are_said_first(call):
    call.say("养老保险断缴了之前交的还算吗")
    answer = call.say("十二年")
    texts = [prompt["text"] for prompt in answer["prompts"]]
    assert texts[0].startswith("您已经累计缴了约12年，离十五年还差约3年。")
    assert "依据是《中华人民共和国社会保险法》第十六条等。" in texts
    assert ANSWER_KEYS_AFTER_SUMMARY in texts


def test_double_pay_is_said_with_its_amount(call):
    call.say("老板一直不跟我签劳动合同")
    call.say("三个月")
    said = spoken(call.say("六千"))
    assert "约2个月共约12000元" in said and said.index("12000元") < said.index("依据是")


def test_a_bedridden_parent_hears_of_the_home_visit(call):
    call.say("我爸退休了，养老金资格认证怎么弄")
    call.say("住在参保地")
    assert "出不了门" in spoken(call.say("不会用"))
    answer = spoken(call.say("出不了门"))
    assert "上门认证" in answer


def test_proving_employment_says_the_first_rule_whole(call):
    call.say("没签合同怎么证明我在厂里干过")
    said = spoken(call.say("有考勤记录"))
    assert "考勤记录" in said and "三是劳动者提供的劳动是单位业务的组成部分" in said


def test_keys_can_be_said(call):
    assert spoken(call.say("我的社保卡丢了")) == SPOKEN_FINDABLE
    assert spoken(call.say("二")) == SPOKEN_TEMPORARY_LOSS
    answer = spoken(call.say("第二个"))
    assert "请先尽快办理临时挂失" in answer
    slots = call.tracker()["slots"]
    assert (slots["card_findable"], slots["temporary_loss_done"]) == (False, False)


def test_say_it_again_after_an_answer_repeats_it(call):
    call.say("养老保险断缴了之前交的还算吗")
    first = call.say("十二年")
    again = call.say("再说一遍")
    assert again["action"] == "listen"
    assert "还差约3年" in spoken(again) and spoken(again).startswith(spoken(first)[:20])


def test_the_buttons_title_is_an_answer_not_a_stop(call):
    call.say("我妈领养老金要认证")
    call.say("本地")
    call.say("不会")
    answer = call.say("出不了门")
    assert answer["action"] == "listen" and "上门认证" in spoken(answer)
