"""Property tests: whatever a citizen (or anyone) sends, the server answers and never with 500.

Random Unicode, empty and whitespace-only text, very long text, control characters and mixed
scripts go to the REST and WeChat channels of a real Rasa server; after each batch the server
still answers an ordinary question.
"""
import uuid

import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.wechat_simulator import ENCODING_AES_KEY, WeChatSimulator, message_xml, next_msg_id

CONTROL = st.characters(min_codepoint=0, max_codepoint=31)
SCRIPTS = st.sampled_from(["社保卡", "丢了", "ＡＢＣ", "abc", "١٢٣", "привет", "😀", "\u200b",
                           "\u202e", "\ufeff", "13812345678", "110101199003071234", "/", "{",
                           "<![CDATA[", "]]>", "&amp;", "%s", "\\", "*" * 5])
MESSAGES = st.one_of(
    st.text(max_size=200),
    st.text(CONTROL, max_size=50),
    st.lists(SCRIPTS, max_size=30).map("".join),
    st.text(max_size=5).map(lambda s: s * 3000),  # up to 15,000 characters
    st.just(""),
    st.just(" \t\n"),
)
PROPERTY_SETTINGS = settings(max_examples=40, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])


def assert_still_answers(url):
    response = requests.post(f"{url}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": "我的社保卡丢了"},
                             timeout=60)
    assert response.status_code == 200
    assert response.json()[0]["text"].startswith("卡还有可能找回来吗")


@PROPERTY_SETTINGS
@given(text=MESSAGES, sender=st.one_of(st.text(min_size=1, max_size=40), st.just("user-1")))
def test_rest_never_answers_500(rasa_server, text, sender):
    response = requests.post(f"{rasa_server.url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=60)
    assert response.status_code in (200, 400, 413), response.text  # 413: over 64 KB
    if response.status_code == 200:
        assert response.json(), "never silence"


@PROPERTY_SETTINGS
@given(raw=st.binary(max_size=300))
def test_rest_never_answers_500_to_arbitrary_bytes(rasa_server, raw):
    response = requests.post(f"{rasa_server.url}/webhooks/rest/webhook", data=raw,
                             headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code < 500, response.text


def wechat_text(text):
    """The text as WeChat would put it in XML (characters XML cannot hold are dropped)."""
    allowed = "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 32 and not 0xD800 <= ord(c) <= 0xDFFF
                                                           and c not in "\ufffe\uffff"))
    return allowed.replace("]]>", "]]]]><![CDATA[>")


@PROPERTY_SETTINGS
@given(text=MESSAGES, encrypted=st.booleans())
def test_wechat_never_answers_500(wechat_server, text, encrypted):
    wechat = WeChatSimulator(wechat_server.url, encoding_aes_key=ENCODING_AES_KEY)
    openid = "o" + uuid.uuid4().hex[:27]
    xml = message_xml(openid, "text", Content=wechat_text(text), MsgId=next_msg_id())
    reply = wechat.post(xml, encrypted=encrypted)
    assert reply.status < 500, reply.body
    if reply.status == 200 and reply.body != "success":
        assert reply.content


@PROPERTY_SETTINGS
@given(body=st.one_of(st.text(max_size=300), st.lists(SCRIPTS, max_size=20).map("".join)))
def test_wechat_never_answers_500_to_arbitrary_bodies(wechat_server, body):
    wechat = WeChatSimulator(wechat_server.url, encoding_aes_key=ENCODING_AES_KEY)
    assert wechat.post(body).status < 500


def test_the_servers_still_answer_afterwards(rasa_server, wechat_server):
    assert_still_answers(rasa_server.url)
    assert_still_answers(wechat_server.url)
