"""Loads the trained model and writes what DIET and TED predict, as JSON, for the tests that
compare the loading without a training step with Rasa's own.

    python -m tests.inference.predictions (inference|rasa) OUT_FILE
"""

import asyncio
import json
import sys

import yaml


def held_out_texts():
    from tests.support import TESTS

    texts = []
    for name in ("test_nlu", "real_questions", "phone_style", "test_entities"):
        for block in yaml.safe_load((TESTS / "nlu" / f"{name}.yml").read_text("utf-8"))["nlu"]:
            texts += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    return texts


def components(agent):
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    return [node._component for node in nodes]


async def predictions(mode):
    from rasa.core.agent import Agent
    from rasa.core.policies.ted_policy import TED
    from rasa.nlu.classifiers.diet_classifier import DIET

    from bench.entities import unmark
    from inference.tf_models import InferenceDIET, InferenceTED
    from nlp.diet import DIETClassifier
    from policies.predict_once import RulePolicy, TEDPolicy
    from tests.support import story_states
    from tools.servers import MODEL

    if mode == "rasa":  # Rasa's own loading, with its training step
        InferenceDIET.load = DIET.load
        InferenceTED.load = TED.load
    agent = Agent.load(str(MODEL))
    loaded = components(agent)
    diet = next(c for c in loaded if isinstance(c, DIETClassifier))
    ted = next(c for c in loaded if isinstance(c, TEDPolicy))
    rules = next(c for c in loaded if isinstance(c, RulePolicy))
    intents = []
    for text in held_out_texts():
        parsed = await agent.parse_message(unmark(text)[0])
        intents.append([(item["name"], item["confidence"]) for item in parsed["intent_ranking"]])
    rule_only_data = rules._get_rule_only_data()
    actions = [
        ted.predict_action_probabilities(state, agent.domain, rule_only_data).probabilities
        for state in story_states(agent)
    ]
    return {
        "intents": intents,
        "actions": actions,
        "compiled": [diet.model._is_compiled, ted.model._is_compiled],
        "classes": [type(diet.model).__name__, type(ted.model).__name__],
    }


if __name__ == "__main__":
    result = asyncio.run(predictions(sys.argv[1]))
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(result, out)
