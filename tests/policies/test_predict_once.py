"""TED asked only where the rules and the memorised stories leave the next action open: the
same predictions as Rasa's ensemble of all three, on every state of every story."""

import pytest
from rasa.core.policies.policy import PolicyPrediction

from policies.predict_once import TEDPolicy, outcome_is_decided, policies_of
from tests.support import story_states
from tools.servers import MODEL


def prediction(probabilities, priority, no_user=False, e2e=False):
    return PolicyPrediction(
        probabilities,
        "P",
        priority,
        is_no_user_prediction=no_user,
        is_end_to_end_prediction=e2e,
    )


@pytest.mark.parametrize(
    "predictions, rejected, decided",
    [
        ([prediction([0.0, 1.0], 6)], None, True),
        ([prediction([0.0, 1.0], 3), prediction([0.3, 0.0], 6)], None, True),
        ([prediction([0.3, 0.0], 6)], None, False),  # the rules' fallback: TED may win
        ([prediction([0.0, 1.0], 6)], 1, False),  # the certain action was just rejected
        ([prediction([0.0, 1.0], 1)], None, False),  # no higher priority than TED
        ([prediction([0.2, 0.0], 6, no_user=True)], None, True),  # TED is ignored beside it
        ([prediction([0.0, 1.0], 6, e2e=True)], None, False),
        ([], None, False),
    ],
)
def test_the_outcome_is_decided_only_where_ted_cannot_change_it(predictions, rejected, decided):
    assert outcome_is_decided(predictions, 1, rejected) is decided


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    if not MODEL.exists():
        pytest.fail("no trained model; run 'make train'")
    return Agent.load(str(MODEL))


def summary(prediction_):
    best = max(range(len(prediction_.probabilities)), key=prediction_.probabilities.__getitem__)
    return (
        best,
        prediction_.policy_name,
        prediction_.max_confidence,
        [_without_time(event.as_dict()) for event in prediction_.events],
        prediction_.is_no_user_prediction,
    )


def _without_time(event):
    return {key: value for key, value in event.items() if key != "timestamp"}


@pytest.mark.server
def test_every_story_state_is_predicted_as_by_all_three_policies(agent):
    policies = policies_of(agent.processor.model_metadata.model_id)
    ted = next(policy for policy in policies.values() if isinstance(policy, TEDPolicy))
    states = story_states(agent)
    assert len(states) > 150
    processor = agent.processor
    differing = []
    ted_won = 0
    for state in states:
        ted.predict_once = False
        full = summary(processor._predict_next_with_tracker(state))
        ted.predict_once = True
        once = summary(processor._predict_next_with_tracker(state))
        ted_won += full[1] == "TEDPolicy"
        if once != full:
            differing.append((state.latest_action_name, full, once))
    assert differing == []
    # Most predictions are decided without TED; where TED wins it is asked.
    assert ted.skipped > len(states) / 2
    assert ted.predicted >= len(states) + ted_won
