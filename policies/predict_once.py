"""Rasa's Memoization, Rule and TED policies, with TED skipped where it cannot win.

Rasa runs every policy for every prediction and its ensemble keeps the most confident one,
the higher priority winning a tie. When the rules or the memorised stories predict an action
with confidence 1.0, TED (confidence at most 1.0, lowest priority) cannot change the outcome,
yet it costs most of a prediction. Here TED first asks the other policies of its model for
their predictions and answers only where one of them leaves the choice open. Each policy
predicts once per conversation state: its own graph node and TED's question share the result.

The classes keep Rasa's names, so the policy named in the conversation's events is unchanged.
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.policies import memoization, rule_policy, ted_policy
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
from rasa.shared.core.trackers import DialogueStateTracker

from inference.tf_models import InferenceTED

PREDICT = "predict_action_probabilities"
# The loaded policies of this module, by model and graph node.
_LOADED: "weakref.WeakValueDictionary[Tuple[Text, Text], Any]" = weakref.WeakValueDictionary()


def copy_prediction(prediction: PolicyPrediction) -> PolicyPrediction:
    """A copy whose lists can be changed (the ensemble zeroes rejected actions in place)."""
    return PolicyPrediction(
        list(prediction.probabilities),
        prediction.policy_name,
        prediction.policy_priority,
        list(prediction.events),
        list(prediction.optional_events),
        prediction.is_end_to_end_prediction,
        prediction.is_no_user_prediction,
        prediction.diagnostic_data,
        prediction.hide_rule_turn,
        prediction.action_metadata,
    )


def rejected_action(tracker: DialogueStateTracker) -> Optional[Text]:
    """The action whose execution was just rejected, as Rasa's ensemble finds it."""
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecutionRejected):
            return event.action_name
        if isinstance(event, ActionExecuted):
            return None
    return None


def outcome_is_decided(
    predictions: List[PolicyPrediction],
    priority: int,
    rejected_index: Optional[int],
) -> bool:
    """True when Rasa's ensemble picks one of `predictions` whatever a further policy of
    `priority` predicts, provided that policy never predicts without the user (it is then
    ignored beside one that does), never end to end, and never above confidence 1.0."""
    if any(prediction.is_no_user_prediction for prediction in predictions):
        return True
    for prediction in predictions:
        if prediction.is_end_to_end_prediction or prediction.policy_priority <= priority:
            continue
        probabilities = list(prediction.probabilities)
        if rejected_index is not None:
            probabilities[rejected_index] = 0.0
        if probabilities and max(probabilities) >= 1.0:
            return True
    return False


class Findable:
    """A policy that the other policies of its loaded model can find (`policies_of`)."""

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: Any,
        resource: Any,
        execution_context: ExecutionContext,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, *args, **kwargs)
        self._context = execution_context
        if execution_context.model_id and execution_context.node_name:
            _LOADED[(execution_context.model_id, execution_context.node_name)] = self


def policies_of(model_id: Optional[Text]) -> Dict[Text, Any]:
    """The loaded policies of this module's classes in a model, by graph node."""
    return {node: policy for (model, node), policy in list(_LOADED.items()) if model == model_id}


class OncePerState(Findable):
    """A policy that predicts once per conversation state."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last: Optional[Tuple[Any, ...]] = None

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        last_event = tracker.events[-1] if tracker.events else None
        state = (len(tracker.events), last_event, domain, rule_only_data)
        if self._last is not None:
            tracker_ref, cached_state, prediction = self._last
            if tracker_ref() is tracker and _same_state(cached_state, state):
                return copy_prediction(prediction)
        prediction = super().predict_action_probabilities(  # type: ignore[misc]
            tracker, domain, rule_only_data=rule_only_data, **kwargs
        )
        self._last = (weakref.ref(tracker), state, copy_prediction(prediction))
        return prediction


def _same_state(cached: Tuple[Any, ...], current: Tuple[Any, ...]) -> bool:
    events, last_event, domain, rule_only_data = cached
    return (
        events == current[0]
        and last_event is current[1]
        and domain is current[2]
        and rule_only_data == current[3]
    )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class MemoizationPolicy(OncePerState, memoization.MemoizationPolicy):
    pass


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RulePolicy(OncePerState, rule_policy.RulePolicy):
    pass


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True
)
class TEDPolicy(Findable, ted_policy.TEDPolicy):
    """Rasa's TEDPolicy, loaded without a training step (inference/tf_models.py), predicting
    only where the model's other policies leave the choice open."""

    # False makes it predict every time, as Rasa's does (the tests compare both).
    predict_once = True
    # How often it left the prediction to the others, and how often it predicted.
    skipped = 0
    predicted = 0

    @staticmethod
    def model_class() -> type:
        return InferenceTED

    def other_policies(self) -> List[OncePerState]:
        """The model's other policies that predict once per state, in the ensemble's order."""
        context = self._context
        loaded = policies_of(context.model_id)
        return [
            loaded[name]
            for name, node in context.graph_schema.nodes.items()
            if node.fn == PREDICT and isinstance(loaded.get(name), OncePerState)
        ]

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        precomputations: Optional[Any] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        # With end-to-end features TED may predict from the text, which outranks the others.
        if self.predict_once and self.model is not None and precomputations is None:
            others = [
                policy.predict_action_probabilities(tracker, domain, rule_only_data)
                for policy in self.other_policies()
            ]
            rejected = rejected_action(tracker)
            index = domain.index_for_action(rejected) if rejected else None
            if outcome_is_decided(others, self.priority, index):
                self.skipped += 1
                return self._prediction(self._default_predictions(domain))
        self.predicted += 1
        return super().predict_action_probabilities(
            tracker, domain, rule_only_data, precomputations, **kwargs
        )
