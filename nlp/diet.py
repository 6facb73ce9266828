"""Rasa's DIETClassifier, loaded without a training step (inference/tf_models.py).

The class keeps Rasa's name; it trains and predicts exactly as Rasa's does.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers import diet_classifier

from inference.tf_models import InferenceDIET


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class DIETClassifier(diet_classifier.DIETClassifier):
    @staticmethod
    def model_class() -> type:
        return InferenceDIET
