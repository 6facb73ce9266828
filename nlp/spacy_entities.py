"""Rasa's SpacyEntityExtractor, reusing the doc SpacyNLP made of the message when it is the
doc of the message's own text.

Rasa's extractor runs the spaCy pipeline over the text a second time, because SpacyNLP makes
its doc of the lowercased text. Chinese text without Latin capitals is its own lowercase,
so the doc is the same and the segmentation and entity ruler need not run again; a text with
capitals is processed again as Rasa does. The class keeps Rasa's name.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors import spacy_entity_extractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class SpacyEntityExtractor(spacy_entity_extractor.SpacyEntityExtractor):
    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None or doc.text != text:
                doc = model.model(text)
            extracted = self.filter_irrelevant_entities(
                self.add_extractor_name(self._extract_entities(doc)), self._config["dimensions"]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
