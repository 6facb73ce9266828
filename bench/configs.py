"""The two NLU pipelines compared: ours (config.yml) and the common community baseline."""

from __future__ import annotations

import copy
from typing import Any, Dict

# Components of ours that the baseline replaces: it tokenises with jieba and has no spaCy,
# no entity ruler, no regex or lexical features, and no reading of replies in context.
OURS_ONLY = {
    "nlp.spacy_nlp.SpacyNLP",
    "SpacyNLP",
    "SpacyTokenizer",
    "SpacyEntityExtractor",
    "nlp.spacy_entities.SpacyEntityExtractor",
    "RegexFeaturizer",
    "LexicalSyntacticFeaturizer",
    "nlp.replies.ReplyReader",
}
# Our subclasses of Rasa's components (same training, faster loading and answering) are Rasa's
# own in the baseline.
RASA_COMPONENTS = {"nlp.diet.DIETClassifier": "DIETClassifier"}


def baseline_config(ours: Dict[str, Any]) -> Dict[str, Any]:
    """JiebaTokenizer → CountVectors (words) + CountVectors (char_wb 1–4) → DIET, with our
    DIET settings (epochs, seed) and the same fallback, so only the language pipeline differs."""
    baseline = copy.deepcopy(ours)
    kept = [
        {**c, "name": RASA_COMPONENTS.get(c["name"], c["name"])}
        for c in baseline["pipeline"]
        if c["name"] not in OURS_ONLY
    ]
    baseline["pipeline"] = [{"name": "JiebaTokenizer"}] + kept
    baseline.pop("policies", None)
    return baseline


def nlu_only(config: Dict[str, Any]) -> Dict[str, Any]:
    only = copy.deepcopy(config)
    only.pop("policies", None)
    return only
