"""Checks on the NLU data, the held-out test set, the topics and the rules that answer them."""

import re
from collections import Counter

import pytest
import yaml

from bench.entities import unmark
from knowledge.topics import all_topics, menu_text
from tests.support import ROOT

DOMAIN_INTENTS = [
    "card_lost",
    "card_unblock",
    "ecard_after_loss",
    "multiple_cards",
    "card_status_query",
    "card_replacement",
    "card_sealed",
    "card_activation",
    "card_application",
    "cross_province_transfer",
    "pension_certification",
    "pension_contribution_gap",
    "contract_not_signed",
    "prove_labor_relation",
    "arbitration_deadline",
]
CONVERSATION_INTENTS = [
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "request_human",
    "bot_challenge",
    "help",
    "out_of_scope",
    "repeat",
    "stop",
    "ask_why",
]


def examples_by_intent(paths):
    examples = {}
    for path in paths:
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in block:
                continue
            lines = [
                line.strip()[2:].strip() for line in block["examples"].splitlines() if line.strip()
            ]
            examples.setdefault(block["intent"], []).extend(lines)
    return examples


def normalised(text):
    """The sentence without entity markup ([广州](city) → 广州), spaces and punctuation."""
    return re.sub(r"[\s\W_]+", "", unmark(text)[0]).lower()


TRAINING = examples_by_intent(sorted((ROOT / "data" / "nlu").rglob("*.yml")))
HELD_OUT = examples_by_intent([ROOT / "tests" / "nlu" / "test_nlu.yml"])
# Questions citizens wrote on public pages, and how a telephone line's recogniser writes them:
# from sources never used for training (data/nlu/collected/SOURCES.md).
REAL = examples_by_intent([ROOT / "tests" / "nlu" / "real_questions.yml"])
PHONE = examples_by_intent([ROOT / "tests" / "nlu" / "phone_style.yml"])
HELD_OUT_SETS = {"test_nlu": HELD_OUT, "real_questions": REAL, "phone_style": PHONE}
ENTITY_SET = examples_by_intent([ROOT / "tests" / "nlu" / "test_entities.yml"])


def test_intent_names_are_exactly_the_agreed_ones():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert sorted(domain["intents"]) == sorted(DOMAIN_INTENTS + CONVERSATION_INTENTS)
    assert sorted(TRAINING) == sorted(DOMAIN_INTENTS + CONVERSATION_INTENTS)


@pytest.mark.parametrize("intent", DOMAIN_INTENTS)
def test_each_topic_has_at_least_40_training_examples(intent):
    assert len(set(TRAINING[intent])) >= 40


@pytest.mark.parametrize("intent", DOMAIN_INTENTS + CONVERSATION_INTENTS)
def test_held_out_set_has_at_least_10_examples_per_intent(intent):
    assert len(set(HELD_OUT[intent])) >= 10


@pytest.mark.parametrize("name", HELD_OUT_SETS)
def test_held_out_examples_never_appear_in_training(name):
    trained = {normalised(text) for texts in TRAINING.values() for text in texts}
    examples = HELD_OUT_SETS[name]
    leaked = [text for texts in examples.values() for text in texts if normalised(text) in trained]
    assert leaked == []
    assert set(examples) <= set(DOMAIN_INTENTS + CONVERSATION_INTENTS)


def test_the_real_and_phone_held_out_sets_are_large_enough():
    assert sum(len(texts) for texts in REAL.values()) >= 200
    assert sum(len(texts) for texts in PHONE.values()) >= 100


def test_entity_set_is_unseen_and_marks_only_provinces_and_cities():
    trained = {normalised(text) for texts in TRAINING.values() for text in texts}
    sentences = [text for texts in ENTITY_SET.values() for text in texts]
    assert [text for text in sentences if normalised(text) in trained] == []
    labels = Counter(label for text in sentences for label, _, _ in unmark(text)[1])
    assert set(labels) == {"province", "city"}
    assert min(labels.values()) >= 30
    assert set(ENTITY_SET) <= set(DOMAIN_INTENTS)


def test_no_training_example_is_labelled_with_two_intents():
    owners = Counter()
    for texts in TRAINING.values():
        owners.update({normalised(text) for text in texts})
    assert [text for text, count in owners.items() if count > 1] == []


def test_out_of_scope_covers_near_misses():
    texts = "".join(TRAINING["out_of_scope"])
    for topic in ["医保", "公积金", "失业金", "退休", "个税", "密码", "补缴", "解封"]:
        assert topic in texts, topic


def test_every_topic_is_in_the_menu_and_started_by_a_rule():
    assert [topic.intent for topic in all_topics()] == DOMAIN_INTENTS
    rules = yaml.safe_load((ROOT / "data" / "rules" / "topics.yml").read_text(encoding="utf-8"))
    started = {rule["steps"][0]["intent"]: rule["steps"][1:] for rule in rules["rules"]}
    assert set(started) == set(DOMAIN_INTENTS)
    for topic in all_topics():
        assert [step.get("action") for step in started[topic.intent][:2]] == [
            "action_start_topic",
            "consultation_form",
        ], topic.intent


def test_menu_numbers_every_topic():
    text = menu_text(all_topics())
    for number, topic in enumerate(all_topics(), start=1):
        assert f"{number}. {topic.title}" in text
