"""The trained assistant behind a real Rasa server and action server, spoken to over HTTP."""
import uuid

import requests


def send(rasa_server, text, sender=None):
    response = requests.post(
        f"{rasa_server.url}/webhooks/rest/webhook",
        json={"sender": sender or uuid.uuid4().hex, "message": text},
        timeout=30,
    )
    response.raise_for_status()
    return [message.get("text", "") for message in response.json()]


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
    assert "13. 劳动仲裁的时效" in joined


def test_topic_question_is_answered_by_the_action_server(rasa_server):
    texts = send(rasa_server, "我的社保卡丢了咋整啊")
    assert texts[0].startswith("您问的是：社保卡丢了，怎么挂失、补办。")
    assert "12333" in texts[0]
    assert texts[-1] == "请问还有其他问题吗？"


def test_no_more_questions_ends_the_conversation_politely(rasa_server):
    sender = uuid.uuid4().hex
    send(rasa_server, "养老金资格认证怎么弄", sender)
    texts = send(rasa_server, "没有了", sender)
    assert any("再见" in text for text in texts)


def test_cities_are_tagged_with_the_segmenter_entities(rasa_server):
    result = parse(rasa_server, "社保从广州转到深圳要重新办卡吗")
    entities = {(entity["entity"], entity["value"]) for entity in result["entities"]}
    assert {("city", "广州"), ("city", "深圳")} <= entities
    assert result["intent"]["name"] == "cross_province_transfer"


def test_out_of_scope_question_points_to_12333(rasa_server):
    texts = send(rasa_server, "住房公积金怎么提取出来")
    assert any("回答不了" in text and "12333" in text for text in texts)


def test_gibberish_asks_to_rephrase_and_offers_the_menu(rasa_server):
    texts = send(rasa_server, "啊吧啊吧嘎嘎")
    joined = "\n".join(texts)
    assert "换个说法" in joined or "回答不了" in joined
