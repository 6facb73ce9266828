"""The entity extractor reuses SpacyNLP's doc only where it is the doc of the text itself, and
finds what Rasa's extractor finds."""

import pytest
from rasa.nlu.extractors.spacy_entity_extractor import (
    SpacyEntityExtractor as RasasExtractor,
)
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.spacy_entities import SpacyEntityExtractor
from tests.nlp.test_spacy_pipeline import PIPELINE, sentences

CONFIG = {"dimensions": ["province", "city"]}


@pytest.fixture(scope="module")
def spacy_nlp():
    import nlp.segmenter  # noqa: F401  (registers the pipeline's tokenizer)

    return SpacyNLP(
        SpacyNLP.load_model(str(PIPELINE)),
        {**SpacyNLP.get_default_config(), "model": str(PIPELINE)},
    )


def extracted(extractor, spacy_nlp, text):
    model = spacy_nlp.provide()
    message = spacy_nlp.process([Message({TEXT: text})], model)[0]
    return extractor.process([message], model)[0].get(ENTITIES)


class Counting:
    """The spaCy pipeline, counting the texts it is run on."""

    def __init__(self, nlp):
        self.nlp, self.texts = nlp, []

    def __call__(self, text):
        self.texts.append(text)
        return self.nlp(text)


def test_the_same_places_as_rasas_extractor_on_every_sentence(spacy_nlp):
    texts = sentences("tests/nlu/test_entities.yml", "tests/nlu/real_questions.yml")
    texts += ["从GUANGZHOU转到深圳", "APP里查广东省的社保"]
    ours, rasas = SpacyEntityExtractor(CONFIG), RasasExtractor(CONFIG)
    assert len(texts) > 250
    found = 0
    for text in texts:
        entities = extracted(ours, spacy_nlp, text)
        assert entities == extracted(rasas, spacy_nlp, text), text
        found += bool(entities)
    assert found > 50


def test_spacy_runs_again_only_for_text_with_capitals(spacy_nlp):
    model = spacy_nlp.provide()
    counting = Counting(model.model)
    spacy_nlp._model.model = counting
    try:
        extracted(SpacyEntityExtractor(CONFIG), spacy_nlp, "从广州转到深圳")
        assert counting.texts == ["从广州转到深圳"]  # SpacyNLP's doc only
        counting.texts.clear()
        extracted(SpacyEntityExtractor(CONFIG), spacy_nlp, "APP里查广东省的社保")
        assert counting.texts == ["app里查广东省的社保", "APP里查广东省的社保"]
    finally:
        spacy_nlp._model.model = counting.nlp
