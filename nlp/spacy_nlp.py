"""Rasa's SpacyNLP component, loading each spaCy pipeline once per process.

Rasa's graph creates the SpacyNLP component twice (one node provides the model to the
tokenizer and entity extractor, another processes messages) and each creation loads the
pipeline again. With pkuseg's feature table a copy costs about 1 GB, so the copies share
one load here. The class keeps Rasa's name because other components find their model
provider by it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel

from nlp import segmenter  # noqa: F401  (registers the pipeline's tokenizer with spaCy)


@lru_cache(maxsize=None)
def _load_once(spacy_model_name: Text) -> SpacyModel:
    return spacy_utils.SpacyNLP.load_model(spacy_model_name)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    def load_model(spacy_model_name: Text) -> SpacyModel:
        return _load_once(spacy_model_name)
