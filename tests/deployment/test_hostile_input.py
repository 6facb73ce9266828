"""Property tests: whatever a citizen (or anyone) sends, the server answers and never with 500.

Random Unicode, empty and whitespace-only text, very long text, control characters and mixed
scripts go to the REST and WeChat channels and the voice line of a real Rasa server, as do
arbitrary JSON bodies and bytes; after each batch the server still answers an ordinary question.
"""

import json
import uuid

import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import VOICE_TOKEN
from tests.support import FINDABLE, REST_WEBHOOK, new_openid, post_rest
from tests.voice_client import SPOKEN_FINDABLE, WEBHOOK, Call, check_response, spoken
from tests.wechat_simulator import ENCODING_AES_KEY, WeChatSimulator, message_xml, next_msg_id

CONTROL = st.characters(min_codepoint=0, max_codepoint=31)
SCRIPTS = st.sampled_from(
    [
        "社保卡",
        "丢了",
        "ＡＢＣ",
        "abc",
        "١٢٣",
        "привет",
        "😀",
        "\u200b",
        "\u202e",
        "\ufeff",
        "13812345678",
        "110101199003071234",
        "/",
        "{",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "%s",
        "\\",
        "*" * 5,
    ]
)
MESSAGES = st.one_of(
    st.text(max_size=200),
    st.text(CONTROL, max_size=50),
    st.lists(SCRIPTS, max_size=30).map("".join),
    st.text(max_size=5).map(lambda s: s * 3000),  # up to 15,000 characters
    st.just(""),
    st.just(" \t\n"),
)
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_still_answers(url):
    response = post_rest(url, uuid.uuid4().hex, "我的社保卡丢了")
    assert response.status_code == 200
    assert response.json()[0]["text"] == FINDABLE


@PROPERTY_SETTINGS
@given(text=MESSAGES, sender=st.one_of(st.text(min_size=1, max_size=40), st.just("user-1")))
def test_rest_never_answers_500(rasa_server, text, sender):
    response = post_rest(rasa_server.url, sender, text)
    assert response.status_code in (200, 400, 413), response.text  # 413: over 64 KB
    if response.status_code == 200:
        assert response.json(), "never silence"


@PROPERTY_SETTINGS
@given(raw=st.binary(max_size=300))
def test_rest_never_answers_500_to_arbitrary_bytes(rasa_server, raw):
    response = requests.post(
        rasa_server.url + REST_WEBHOOK,
        data=raw,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code < 500, response.text


def wechat_text(text):
    """The text as WeChat would put it in XML (characters XML cannot hold are dropped)."""
    allowed = "".join(
        c
        for c in text
        if c in "\t\n\r"
        or (ord(c) >= 32 and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff")
    )
    return allowed.replace("]]>", "]]]]><![CDATA[>")


@PROPERTY_SETTINGS
@given(text=MESSAGES, encrypted=st.booleans())
def test_wechat_never_answers_500(wechat_server, text, encrypted):
    wechat = WeChatSimulator(wechat_server.url, encoding_aes_key=ENCODING_AES_KEY)
    openid = new_openid()
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


# The voice line: what a speech recogniser (or anything else) might put in a request.
SURROGATES = st.text(
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=5
)
SPEECH = st.one_of(
    MESSAGES, SURROGATES, st.lists(st.one_of(SCRIPTS, SURROGATES), max_size=10).map("".join)
)
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.just(10**400),
        st.floats(),
        st.text(max_size=20),
        SURROGATES,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
FIELDS = ("version", "call_id", "turn_id", "event", "text", "digits", "confidence", "caller")
WELL_FORMED_TURNS = st.fixed_dictionaries(
    {
        "version": st.just("1"),
        "call_id": st.text(min_size=1, max_size=20).map("hostile-".__add__),
        "turn_id": st.text(min_size=1, max_size=10),
        "event": st.sampled_from(["start", "speech", "dtmf", "no_input", "hangup"]),
    },
    optional={
        "text": SPEECH,
        "digits": st.from_regex(r"[0-9*#]{1,32}", fullmatch=True),
        "confidence": st.floats(0, 1),
        "caller": st.fixed_dictionaries(
            {}, optional={"number": st.text(max_size=12), "area_code": st.text(max_size=4)}
        ),
    },
)
# A well-formed turn with one field replaced by any JSON value, or any JSON value at all.
TURNS = st.one_of(
    WELL_FORMED_TURNS,
    st.tuples(WELL_FORMED_TURNS, st.sampled_from(FIELDS), JSON_VALUES).map(
        lambda change: {**change[0], change[1]: change[2]}
    ),
    JSON_VALUES,
)
VOICE_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=30)


def post_voice(url, data):
    return requests.post(
        url + WEBHOOK,
        data=data,
        timeout=60,
        headers={"Authorization": f"Bearer {VOICE_TOKEN}", "Content-Type": "application/json"},
    )


def assert_voice_answer(response, call_id=None, turn_id=None):
    """A valid protocol response, or a 4xx with the reason; never a 500."""
    assert response.status_code < 500, response.text
    answer = response.json()
    if response.status_code == 200:
        check_response(answer, call_id, turn_id)
    else:
        assert response.status_code >= 400 and answer["error"], response.text


@VOICE_SETTINGS
@given(text=SPEECH, confidence=st.one_of(st.none(), st.floats(0, 1)))
def test_voice_speech_never_answers_500(rasa_server, text, confidence):
    body = {
        "version": "1",
        "call_id": f"hostile-{uuid.uuid4().hex}",
        "turn_id": "1",
        "event": "speech",
        "text": text,
        "confidence": confidence,
    }
    response = post_voice(rasa_server.url, json.dumps(body).encode("utf-8"))
    assert response.status_code in (200, 413), response.text  # 413: over 64 KB
    assert_voice_answer(response, body["call_id"], "1")
    if response.status_code == 200:
        assert response.json()["prompts"], "never silence"


def turn(**fields):
    return {
        "version": "1",
        "call_id": f"hostile-{uuid.uuid4().hex}",
        "turn_id": "1",
        "event": "start",
        **fields,
    }


@VOICE_SETTINGS
@given(body=TURNS)
@example(body=turn(confidence=10**400))
@example(body=turn(event="dtmf", digits="0", caller={"number": "\ud800", "area_code": "\x00"}))
@example(body=turn(event="speech", text="\udc00社保卡\x00丢了\x1b"))
@example(body=turn(call_id="\u3000", turn_id="\u200b"))
def test_voice_never_answers_500_to_arbitrary_json(rasa_server, body):
    response = post_voice(rasa_server.url, json.dumps(body).encode("utf-8"))
    if isinstance(body, dict):
        assert_voice_answer(response, body.get("call_id"), body.get("turn_id"))
    else:
        assert response.status_code == 400 and response.json()["error"]


@PROPERTY_SETTINGS
@given(raw=st.binary(max_size=300))
def test_voice_never_answers_500_to_arbitrary_bytes(rasa_server, raw):
    response = post_voice(rasa_server.url, raw)
    assert response.status_code == 400 and response.json()["error"]


# One of each kind of hostile input, sent right before the check below, so that it proves the
# servers survive them even when it runs alone.
HOSTILE_TEXTS = ["", "\x00\x1b\x7f", "社" * 20000, "\ud800", "<![CDATA[", "%s%s%s", "\u202e丢了"]
HOSTILE_BODIES = [
    b"\xff\xfe",
    b"[]",
    b"{",
    json.dumps({"version": "1", "confidence": 10**400}).encode(),
]


def test_the_servers_still_answer_after_hostile_input(rasa_server, wechat_server):
    wechat = WeChatSimulator(wechat_server.url, encoding_aes_key=ENCODING_AES_KEY)
    for text in HOSTILE_TEXTS:
        assert post_rest(rasa_server.url, uuid.uuid4().hex, text).status_code < 500
        xml = message_xml(new_openid(), "text", Content=wechat_text(text), MsgId=next_msg_id())
        assert wechat.post(xml, encrypted=True).status < 500
        assert (
            post_voice(
                rasa_server.url,
                json.dumps(turn(event="speech", text=text)).encode("utf-8", "surrogatepass"),
            ).status_code
            < 500
        )
    for raw in HOSTILE_BODIES:
        assert requests.post(rasa_server.url + REST_WEBHOOK, data=raw, timeout=60).status_code < 500
        assert wechat.post(raw).status < 500
        assert post_voice(rasa_server.url, raw).status_code < 500
    assert_still_answers(rasa_server.url)
    assert_still_answers(wechat_server.url)
    call = Call(rasa_server.url, VOICE_TOKEN)
    assert call.start()["action"] == "listen"
    assert spoken(call.say("我的社保卡丢了")) == SPOKEN_FINDABLE
