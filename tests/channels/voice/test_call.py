"""What the line does with each turn, and how the assistant's reply is spoken (pure functions)."""

import json
from dataclasses import replace

from channels.voice.call import (
    ANSWER_KEYS,
    ANSWER_KEYS_AFTER_SUMMARY,
    ASK_TO_REPEAT,
    FAILURE,
    FINISH,
    HAND_OVER,
    NOT_HEARD,
    NOT_HEARD_TWICE,
    OFFER_KEYS,
    SAY,
    STILL_BUSY,
    TELL,
    TO_HUMAN,
    UNKNOWN_KEY,
    WHAT_NEXT,
    CallState,
    assistant_failed,
    assistant_turn,
    decide,
    main_menu,
    menu_prompts,
    speak_reply,
    transfer_context,
    unavailable_reply,
)
from channels.voice.keypad import MENU, REPLAY, SEND, Key, all_menus
from channels.voice.protocol import HANG_UP, LISTEN, TRANSFER, GatewayReply, GatewayTurn
from channels.voice.speech import PROMPT_LIMIT, ssml

YES_NO = (Key("1", "已经挂失了", SEND, "已经挂失了"), Key("2", "还没挂失", SEND, "还没挂失"))
ASKING = CallState(keys=YES_NO, free_text=True, ask=("已经办了临时挂失吗？",))


def turn(event, **fields):
    return GatewayTurn("call", "t1", event, **fields)


def test_start_greets_through_the_assistant_and_forgets_earlier_retries():
    decision, state = decide(
        CallState(low_confidence=1, no_input=1, turns=("t0",)),
        turn("start", caller={"number": "139"}),
        0.5,
    )
    assert (decision.kind, decision.text) == (TELL, "/greet")
    assert (state.low_confidence, state.no_input, state.turns) == (0, 0, ("t0",))
    _, state = decide(state, turn("speech", text="你好"), 0.5)
    assert state.caller == {"number": "139"}


def test_confident_speech_goes_to_the_assistant_never_as_an_intent():
    decision, _ = decide(ASKING, turn("speech", text=" 还没挂失 ", confidence=0.9), 0.5)
    assert (decision.kind, decision.text) == (TELL, "还没挂失")
    decision, _ = decide(ASKING, turn("speech", text="/restart"), 0.5)
    assert decision.text == "restart"


def test_unclear_speech_is_asked_again_once_then_the_keypad_is_offered():
    first, state = decide(ASKING, turn("speech", text="嗯", confidence=0.3), 0.5)
    assert (first.kind, first.prompts) == (SAY, (ASK_TO_REPEAT,))
    second, state = decide(state, turn("speech", text="嗯", confidence=0.2), 0.5)
    assert second.prompts == (OFFER_KEYS, "已经挂失了，请按1。还没挂失，请按2。")
    third, state = decide(state, turn("speech", text="", confidence=0.9), 0.5)
    assert third.prompts[0] == OFFER_KEYS
    decision, state = decide(state, turn("speech", text="还没挂失", confidence=0.6), 0.5)
    assert decision.kind == TELL and state.low_confidence == 0


def test_the_offer_of_keys_leaves_the_open_question_as_it_was():
    _, state = decide(ASKING, turn("speech", text="嗯", confidence=0.3), 0.5)
    _, state = decide(state, turn("speech", text="嗯", confidence=0.3), 0.5)
    assert (state.keys, state.ask, state.free_text) == (ASKING.keys, ASKING.ask, True)


def test_with_no_keys_on_offer_unclear_speech_offers_the_main_menu():
    _, state = decide(CallState(), turn("speech", text="啊", confidence=0.1), 0.5)
    decision, state = decide(state, turn("speech", text="啊", confidence=0.1), 0.5)
    assert decision.prompts == (OFFER_KEYS,) + tuple(menu_prompts(main_menu()))
    assert state.keys == main_menu().keys and state.ask == tuple(menu_prompts(main_menu()))


def test_the_threshold_is_a_setting():
    decision, _ = decide(ASKING, turn("speech", text="还没挂失", confidence=0.6), 0.7)
    assert decision.prompts == (ASK_TO_REPEAT,)


def test_silence_is_met_with_the_question_again_then_a_person():
    first, state = decide(ASKING, turn("no_input"), 0.5)
    assert first.prompts == (NOT_HEARD, "已经办了临时挂失吗？")
    second, state = decide(state, turn("no_input"), 0.5)
    assert (second.kind, second.reason, second.prompts) == (
        HAND_OVER,
        "no_input",
        (NOT_HEARD_TWICE,),
    )


def test_silence_is_counted_only_in_a_row():
    _, state = decide(ASKING, turn("no_input"), 0.5)
    _, state = decide(state, turn("dtmf", digits="1"), 0.5)
    decision, _ = decide(state, turn("no_input"), 0.5)
    assert decision.kind == SAY


def test_keys_send_their_answer_or_open_menus():
    decision, _ = decide(ASKING, turn("dtmf", digits="2#"), 0.5)
    assert (decision.kind, decision.text) == (TELL, "还没挂失")
    decision, state = decide(CallState(), turn("dtmf", digits="4"), 0.5)
    pension = all_menus()["pension"]
    assert decision.prompts == tuple(menu_prompts(pension)) and state.keys == pension.keys
    decision, _ = decide(state, turn("dtmf", digits="2"), 0.5)
    assert decision.text == "/pension_contribution_gap"
    decision, state = decide(state, turn("dtmf", digits="9"), 0.5)
    assert state.keys == main_menu().keys


def test_zero_reaches_a_person_from_anywhere():
    for state in (CallState(), ASKING):
        decision, _ = decide(state, turn("dtmf", digits="0"), 0.5)
        assert (decision.kind, decision.reason, decision.prompts) == (
            HAND_OVER,
            "caller_request",
            (TO_HUMAN,),
        )


def test_a_key_not_on_offer_is_announced_again_unless_a_number_is_the_reply():
    menu_state = CallState(keys=YES_NO, ask=("已经办了临时挂失吗？",))
    decision, _ = decide(menu_state, turn("dtmf", digits="7"), 0.5)
    assert decision.prompts == (UNKNOWN_KEY, "已经挂失了，请按1。还没挂失，请按2。")
    years = CallState(free_text=True, ask=("您的养老保险一共交了几年？",))
    decision, _ = decide(years, turn("dtmf", digits="12#"), 0.5)
    assert (decision.kind, decision.text) == (TELL, "12")
    decision, _ = decide(years, turn("dtmf", digits="*"), 0.5)
    assert decision.prompts == ("您的养老保险一共交了几年？",)


def test_the_replay_key_repeats_the_whole_answer():
    after_answer = CallState(
        keys=(Key("1", "重听", REPLAY), Key("2", "返回主菜单", MENU, "main")),
        ask=(ANSWER_KEYS_AFTER_SUMMARY, "还有其他问题吗？"),
        replay=("第一句。", "第二句。", "依据是《指南》。"),
    )
    decision, state = decide(after_answer, turn("dtmf", digits="1"), 0.5)
    assert decision.prompts == (
        "第一句。",
        "第二句。",
        "依据是《指南》。",
        ANSWER_KEYS,
        "还有其他问题吗？",
    )
    assert state.replay == after_answer.replay and state.keys == after_answer.keys
    decision, state = decide(after_answer, turn("dtmf", digits="2"), 0.5)
    assert state.keys == main_menu().keys


def test_hangup_finishes():
    decision, _ = decide(ASKING, turn("hangup"), 0.5)
    assert decision.kind == FINISH


def test_the_state_survives_the_tracker_and_bad_state_is_forgotten():
    state = replace(ASKING, caller={"number": "139"}).after(
        "t9", GatewayReply(["好"], max_digits=1)
    )
    stored = json.loads(json.dumps(state.as_slot()))
    assert CallState.from_slot(stored) == state
    assert CallState.from_slot(stored).reply_to_repeat("t9") == GatewayReply(["好"])
    assert CallState.from_slot(stored).reply_to_repeat("t8") is None
    assert CallState.from_slot({"keys": [{"digit": "1", "kind": "explode"}]}) == CallState()
    assert CallState.from_slot("nonsense") == CallState()


def test_only_the_latest_turns_are_remembered():
    state = CallState()
    for number in range(60):
        state = state.after(f"t{number}", GatewayReply([]))
    assert (
        len(state.turns) == 50 and state.answered_before("t59") and not state.answered_before("t0")
    )


def user(text, turn_id, intent):
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}},
        "metadata": {"voice": {"turn_id": turn_id}},
    }


def action(name):
    return {"event": "action", "name": name}


KINDS = {
    "utter_greet": {"kind": "greeting"},
    "utter_goodbye": {"kind": "goodbye"},
    "utter_request_human": {"kind": "human"},
    "utter_thank": {"kind": "thanks"},
}


def bot(text, buttons=None, response=None, structure=None):
    """A bot event as Rasa records it: a response's structure (domain.yml) under the metadata of
    the response, an action's in the event's metadata."""
    metadata = {}
    if response:
        slot = response[len("utter_ask_") :] if response.startswith("utter_ask_") else None
        given = {"kind": "question", "slot": slot} if slot else KINDS.get(response)
        metadata = {"utter_action": response, "metadata": {"structure": given}}
    if structure:
        metadata["structure"] = structure
    return {"event": "bot", "text": text, "data": {"buttons": buttons}, "metadata": metadata}


LONG_SENTENCE = (
    "可以通过社保卡服务机构的网点、12333服务热线、网上服务平台，或者社保卡服务银行的客服平台办理。"
)
ANSWER_STRUCTURE = {
    "kind": "answer",
    "topic": "card_lost",
    "sources": ["《指南》", "《社会保险法》第十六条"],
    "lines": [
        {"statement": "a", "text": "请先尽快办理临时挂失，避免卡被别人冒用。", "personal": True},
        {"statement": "b", "text": LONG_SENTENCE, "personal": False},
        {
            "statement": "c",
            "text": "实体卡挂失期间，电子社保卡经本人授权仍可以使用。",
            "personal": False,
        },
    ],
}
ANSWER = "（the answer as written）"
FOLLOW_UP = [
    {"title": "挂失后找到了卡，怎么解挂", "payload": "/card_unblock"},
    {"title": "没有了，谢谢", "payload": "/deny"},
]


def test_the_turn_is_found_by_its_id_in_the_tracker():
    events = [
        user("你好", "t1", "greet"),
        action("utter_greet"),
        bot("您好", response="utter_greet"),
        user("我的社保卡丢了", "t2", "card_lost"),
        action("consultation_form"),
        bot("卡还有可能找回来吗？", [{"title": "能", "payload": "能"}], "utter_ask_card_findable"),
        action("action_listen"),
        {"event": "slot", "name": "voice_call", "value": {}},
    ]
    found = assistant_turn(events, "t2")
    assert found.intent == "card_lost"
    assert [(m.action, m.text, m.response) for m in found.messages] == [
        ("consultation_form", "卡还有可能找回来吗？", "utter_ask_card_findable")
    ]
    assert assistant_turn(events, "t9").messages == ()


def test_the_menu_is_replaced_by_the_keypad_menu():
    turn_events = [
        user("/greet", "t1", "greet"),
        action("utter_greet"),
        bot("您好，欢迎致电。", response="utter_greet"),
        action("action_show_menu"),
        bot("我可以解答这些问题：\n1. 社保卡丢了\n13. 劳动仲裁", structure={"kind": "menu"}),
    ]
    reply, state = speak_reply(assistant_turn(turn_events, "t1"), CallState())
    assert reply.prompts == ["您好，欢迎致电。"] + menu_prompts(main_menu())
    assert state.keys == main_menu().keys and reply.action == LISTEN and reply.max_digits == 1


def test_a_question_with_buttons_announces_its_keys():
    turn_events = [
        user("找不回来了", "t3", "deny"),
        action("consultation_form"),
        bot(
            "已经办了临时挂失吗？",
            [
                {"title": "已经挂失了", "payload": "已经挂失了"},
                {"title": "还没挂失", "payload": "还没挂失"},
            ],
            "utter_ask_temporary_loss_done",
        ),
    ]
    reply, state = speak_reply(assistant_turn(turn_events, "t3"), CallState())
    assert reply.prompts == ["已经办了临时挂失吗？已经挂失了，请按1。还没挂失，请按2。"]
    assert state.keys == YES_NO and state.free_text and state.ask == tuple(reply.prompts)


def test_a_question_without_buttons_takes_a_typed_number():
    turn_events = [
        user("/pension_contribution_gap", "t2", "pension_contribution_gap"),
        action("consultation_form"),
        bot("您的养老保险一共交了几年？", response="utter_ask_years_paid"),
    ]
    reply, state = speak_reply(assistant_turn(turn_events, "t2"), CallState())
    assert reply.max_digits == 8 and state.free_text and state.keys == ()
    assert reply.prompts == ["您的养老保险一共交了几年？"]


def test_an_answer_says_the_callers_result_then_the_rule_and_source_then_keys():
    turn_events = [
        user("还没挂失", "t4", "deny"),
        action("action_ask_follow_up"),
        bot(ANSWER, structure=ANSWER_STRUCTURE),
        bot("还有其他问题吗？您可能还想问：", FOLLOW_UP, structure={"kind": "follow_up"}),
    ]
    reply, state = speak_reply(assistant_turn(turn_events, "t4"), CallState())
    assert reply.prompts == [
        "请先尽快办理临时挂失，避免卡被别人冒用。",
        LONG_SENTENCE,
        "依据是《社会保险法》第十六条等。",
        ANSWER_KEYS_AFTER_SUMMARY,
        "还有其他问题吗？您可能还想问。挂失后找到了卡，怎么解挂，请按3。没有了，谢谢，请按4。",
    ]
    assert [key.digit for key in state.keys] == ["1", "2", "3", "4"]
    assert state.keys[2].value == "/card_unblock" and state.keys[3].value == "/deny"
    assert state.replay[-2:] == (
        "实体卡挂失期间，电子社保卡经本人授权仍可以使用。",
        "依据是《社会保险法》第十六条等。",
    )
    assert state.ask == tuple(reply.prompts[3:])
    assert not state.free_text and reply.max_digits == 1  # 还有其他问题吗 is answered by key


def test_a_short_answer_offers_to_hear_it_again():
    structure = {
        "kind": "answer",
        "sources": ["《指南》"],
        "lines": [{"statement": "s", "text": "可以在电子社保卡里查。", "personal": False}],
    }
    turn_events = [
        user("/card_status_query", "t2", "card_status_query"),
        action("action_ask_follow_up"),
        bot("可以在电子社保卡里查。", structure=structure),
        bot("还有其他问题吗？", FOLLOW_UP, structure={"kind": "follow_up"}),
    ]
    reply, _ = speak_reply(assistant_turn(turn_events, "t2"), CallState())
    assert reply.prompts[:3] == ["可以在电子社保卡里查。", "依据是《指南》。", ANSWER_KEYS]


def test_a_key_may_be_said_instead_of_pressed():
    for said in ("一", "第一个", "选一", "1"):
        decision, _ = decide(ASKING, turn("speech", text=said, confidence=0.9), 0.5)
        assert (decision.kind, decision.text, decision.keyed_reply) == (
            TELL,
            "已经挂失了",
            True,
        ), said
    decision, _ = decide(ASKING, turn("speech", text="第二个", confidence=0.9), 0.5)
    assert decision.text == "还没挂失"
    years = CallState(free_text=True, ask=("您的养老保险一共交了几年？",))
    decision, _ = decide(years, turn("speech", text="十二", confidence=0.9), 0.5)
    assert (decision.kind, decision.text, decision.keyed_reply) == (TELL, "十二", False)


def test_asking_for_a_person_transfers_without_the_question_asked_again():
    turn_events = [
        user("我要转人工", "t5", "request_human"),
        action("utter_request_human"),
        bot("好的，正在为您转接人工服务，请稍候。", response="utter_request_human"),
        action("consultation_form"),
        bot("已经办了临时挂失吗？", response="utter_ask_temporary_loss_done"),
    ]
    reply, _ = speak_reply(assistant_turn(turn_events, "t5"), ASKING)
    assert reply == GatewayReply(
        ["好的，正在为您转接人工服务，请稍候。"], TRANSFER, transfer_reason="caller_request"
    )


def test_when_the_assistant_says_nothing_the_open_question_is_asked_again():
    reply, state = speak_reply(assistant_turn([user("嗯", "t8", "affirm")], "t8"), ASKING)
    assert (reply.prompts, reply.action, state) == (list(ASKING.ask), LISTEN, ASKING)
    reply, _ = speak_reply(assistant_turn([], "t8"), CallState())
    assert reply.prompts == [WHAT_NEXT]


def test_goodbye_hangs_up():
    turn_events = [
        user("再见", "t6", "goodbye"),
        action("utter_goodbye"),
        bot("感谢您的来电，再见！", response="utter_goodbye"),
    ]
    reply, _ = speak_reply(assistant_turn(turn_events, "t6"), CallState())
    assert (reply.action, reply.prompts) == (HANG_UP, ["感谢您的来电，再见！"])


def test_a_reply_without_a_question_says_what_the_caller_can_do_next():
    turn_events = [
        user("谢谢", "t7", "thank"),
        action("utter_thank"),
        bot("不客气。", response="utter_thank"),
    ]
    reply, state = speak_reply(assistant_turn(turn_events, "t7"), ASKING)
    assert reply.prompts == ["不客气。", WHAT_NEXT]
    assert state.keys == () and state.keys_on_offer() == main_menu().keys


def test_the_transfer_context_names_the_topic_the_answers_and_the_open_question():
    slots = {
        "topic": "card_lost",
        "card_findable": False,
        "temporary_loss_done": None,
        "voice_call": {"keys": []},
        "requested_slot": "temporary_loss_done",
    }
    events = [
        user("/card_lost", "t1", "card_lost"),
        user("找不回来了", "t2", "deny"),
        user("我要转人工", "t3", "request_human"),
    ]
    _, state = decide(
        ASKING, GatewayTurn("c", "t3", "speech", text="我要转人工", caller={"number": "139"}), 0.5
    )
    context = transfer_context(
        slots,
        ["card_findable", "temporary_loss_done"],
        {"card_lost": "社保卡丢了，怎么挂失、补办"},
        state,
        events,
    )
    assert context == {
        "topic": "card_lost",
        "topic_title": "社保卡丢了，怎么挂失、补办",
        "slots": {"card_findable": False},
        "last_prompt": "已经办了临时挂失吗？",
        "recent_utterances": ["找不回来了", "我要转人工"],
        "caller": {"number": "139"},
    }


def test_when_the_assistant_fails_the_caller_hears_an_apology_naming_12333_and_is_offered_0():
    reply, state = assistant_failed(ASKING)
    assert reply.action == LISTEN and reply.max_digits == 1
    spoken = "".join(reply.prompts)
    assert (
        spoken.startswith("抱歉，系统暂时有点忙。")
        and "转人工请按0" in spoken
        and "12333" in spoken
    )
    assert all(len(prompt) <= PROMPT_LIMIT for prompt in reply.prompts)
    assert any(
        '<say-as interpret-as="telephone">12333</say-as>' in ssml(prompt)
        for prompt in reply.prompts
    )
    # The open question stays as it was: silence repeats it, its keys still answer it.
    assert (state.keys, state.ask, state.free_text) == (ASKING.keys, ASKING.ask, True)
    assert state.assistant_failures == 1
    decision, _ = decide(state, turn("dtmf", digits="0"), 0.5)
    assert (decision.kind, decision.reason) == (HAND_OVER, "caller_request")
    decision, _ = decide(state, turn("dtmf", digits="2"), 0.5)
    assert (decision.kind, decision.text) == (TELL, "还没挂失")


def test_a_number_typed_as_the_reply_still_fits_after_the_apology():
    reply, _ = assistant_failed(CallState(free_text=True, ask=("您的养老保险一共交了几年？",)))
    assert reply.max_digits == 8


def test_when_the_assistant_fails_again_the_call_goes_to_a_person():
    _, state = assistant_failed(ASKING)
    _, state = decide(state, turn("no_input"), 0.5)  # turns the line answers itself do not count
    reply, state = assistant_failed(state)
    assert (reply.action, reply.prompts, reply.transfer_reason) == (
        TRANSFER,
        [STILL_BUSY],
        "assistant_unavailable",
    )
    assert state.assistant_failures == 0


def test_an_answer_in_between_starts_the_count_again():
    _, state = assistant_failed(ASKING)
    turn_events = [user("还没挂失", "t4", "deny"), action("utter_thank"), bot("不客气。")]
    _, state = speak_reply(assistant_turn(turn_events, "t4"), state)
    assert state.assistant_failures == 0
    reply, _ = assistant_failed(state)
    assert reply.action == LISTEN
    _, fresh = decide(replace(ASKING, assistant_failures=1), turn("start"), 0.5)
    assert fresh.assistant_failures == 0


def test_the_failure_count_is_kept_with_the_call():
    _, state = assistant_failed(ASKING)
    stored = json.loads(json.dumps(state.as_slot()))
    assert CallState.from_slot(stored).assistant_failures == 1
    assert CallState.from_slot({"turns": ["t1"]}).assistant_failures == 0


def test_with_the_conversation_store_unreachable_a_person_takes_over():
    reply = unavailable_reply({"number": "139"})
    assert (reply.action, reply.prompts, reply.transfer_reason) == (
        TRANSFER,
        [FAILURE],
        "assistant_unavailable",
    )
    assert reply.transfer_context["caller"] == {"number": "139"}
    assert reply.transfer_context["topic"] is None and reply.transfer_context["slots"] == {}
