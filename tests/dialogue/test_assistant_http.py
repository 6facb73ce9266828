"""The trained assistant behind a real Rasa server and action server, spoken to over HTTP."""

import uuid

import requests

from tests.support import FINDABLE, TEMPORARY_LOSS, post_rest, rest_texts


def send(rasa_server, text, sender=None):
    return rest_texts(rasa_server, sender or uuid.uuid4().hex, text)


def parse(rasa_server, text):
    response = requests.post(f"{rasa_server.url}/model/parse", json={"text": text}, timeout=30)
    response.raise_for_status()
    return response.json()


def test_lost_card_is_understood_as_card_lost(rasa_server):
    result = parse(rasa_server, "我的社保卡丢了")
    assert result["intent"]["name"] == "card_lost"


def test_greeting_is_answered_with_the_menu_of_topics(rasa_server):
    texts = send(rasa_server, "你好")
    joined = "\n".join(texts)
    assert texts[0].startswith("您好")
    assert "1. 社保卡丢了，怎么挂失、补办" in joined
    assert "15. 劳动仲裁的时效" in joined


def test_lost_card_consultation_asks_then_answers_with_sources(rasa_server):
    sender = uuid.uuid4().hex
    assert send(rasa_server, "我的社保卡丢了咋整啊", sender) == [FINDABLE]
    assert send(rasa_server, "找不回来了", sender) == [TEMPORARY_LOSS]
    answer, follow_up = send(rasa_server, "还没挂失", sender)
    assert "尽快办理临时挂失" in answer and "正式挂失" in answer and "补办" in answer
    assert answer.endswith(
        "（依据：《社保卡使用遇问题 这份指南帮你解忧》；人社部门社保卡业务办理公开指引）"
    )
    assert follow_up.startswith("还有其他问题吗")
    assert any("再见" in text for text in send(rasa_server, "没有了", sender))


def test_what_was_already_said_is_not_asked_again(rasa_server):
    answer = send(rasa_server, "我交了十二年养老保险，断缴了还算吗")[0]
    assert "还差约3年" in answer and "第十六条" in answer


def test_double_pay_estimate(rasa_server):
    sender = uuid.uuid4().hex
    assert "干了多久" in send(rasa_server, "公司一直不跟我签劳动合同", sender)[0]
    assert "工资" in send(rasa_server, "2026年3月入职的", sender)[0]
    answer = send(rasa_server, "一个月5000", sender)[0]
    assert "二倍工资" in answer and "元" in answer and "第二十七条" in answer


def test_an_unclear_reply_is_asked_again_then_skipped(rasa_server):
    sender = uuid.uuid4().hex
    send(rasa_server, "养老保险断缴了之前的还算吗", sender)
    retry = send(rasa_server, "这个嘛", sender)
    assert retry[0].startswith("抱歉，我没太明白") and "十二年" in retry[0]
    answer = send(rasa_server, "嗯嗯嗯", sender)
    assert answer[0] == "好的，这个问题先跳过。"
    assert "累计缴费满十五年" in answer[1]


def test_switching_topic_midway_and_being_offered_the_first_again(rasa_server):
    sender = uuid.uuid4().hex
    send(rasa_server, "我爸退休了养老金资格认证咋弄", sender)
    switched = send(rasa_server, "我还想问一下社保卡显示封存是怎么回事", sender)
    assert switched[0].startswith("好的，我们先说说") and "领到" in switched[-1]
    texts = send(rasa_server, "还没领", sender)
    assert "不是断缴" in texts[0]
    assert post_rest(rasa_server.url, sender, "谢谢").status_code == 200


def test_stopping_a_consultation(rasa_server):
    sender = uuid.uuid4().hex
    send(rasa_server, "老板没给我签劳动合同", sender)
    assert send(rasa_server, "算了不问了", sender) == [
        "好的，这个问题先不问了。还有别的问题，随时问我。"
    ]


def test_cities_are_tagged_with_the_segmenter_entities(rasa_server):
    result = parse(rasa_server, "社保从广州转到深圳要重新办卡吗")
    entities = {(entity["entity"], entity["value"]) for entity in result["entities"]}
    assert {("city", "广州"), ("city", "深圳")} <= entities
    assert result["intent"]["name"] == "cross_province_transfer"


def test_out_of_scope_question_points_to_12333(rasa_server):
    texts = send(rasa_server, "住房公积金怎么提取出来")
    assert any("回答不了" in text and "12333" in text for text in texts)


def test_gibberish_asks_to_rephrase_and_offers_the_menu(rasa_server):
    for text in ("啊吧啊吧嘎嘎", "好的"):
        joined = "\n".join(send(rasa_server, text))
        assert "换个说法" in joined and "1. 社保卡丢了，怎么挂失、补办" in joined, text


SHORT_REPLIES = [
    "嗯",
    "嗯嗯",
    "好的",
    "对",
    "是的",
    "不用",
    "没了",
    "不知道",
    "还没",
    "挂了",
    "找不着了",
    "等一下",
    "不清楚",
    "可以",
    "行",
    "出不了门",
    "刷不了",
    "不想说",
    "2",
    "6000",
    "１０",
    "三个月",
    "五千块",
    "第二个",
    "选3",
]


def test_short_replies_and_bare_numbers_are_never_a_goodbye(rasa_server):
    heard = {text: parse(rasa_server, text)["intent"]["name"] for text in SHORT_REPLIES}
    assert [text for text, intent in heard.items() if intent == "goodbye"] == []
    assert all(heard[text] == "nlu_fallback" for text in ("6000", "１０", "三个月", "五千块"))
