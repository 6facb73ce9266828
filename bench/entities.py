"""Province and city extraction scored against the marked-up sentences of
tests/nlu/test_entities.yml. Rasa's own `rasa test nlu` leaves spaCy's entities out of its
evaluation, so the benchmark scores them here: a found entity counts only when its label,
start and end match a marked one exactly. Pure functions."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

LABELS = ("province", "city")
MARKUP = re.compile(r"\[([^\]]+)\]\((\w+)\)")
Span = Tuple[str, int, int]  # label, start, end (character offsets in the plain sentence)


def unmark(sentence: str) -> Tuple[str, List[Span]]:
    """The sentence without markup and the spans marked in it: '从[广州](city)' →
    ('从广州', [('city', 1, 3)])."""
    plain, spans, last = [], [], 0
    for match in MARKUP.finditer(sentence):
        plain.append(sentence[last : match.start()])
        start = sum(map(len, plain))
        plain.append(match.group(1))
        spans.append((match.group(2), start, start + len(match.group(1))))
        last = match.end()
    plain.append(sentence[last:])
    return "".join(plain), spans


def marked_sentences(document_text: str) -> List[Tuple[str, List[Span]]]:
    """Every example of a Rasa NLU YAML document, unmarked."""
    sentences = []
    for block in yaml.safe_load(document_text)["nlu"]:
        for line in block.get("examples", "").splitlines():
            if line.strip().startswith("- "):
                sentences.append(unmark(line.strip()[2:].strip()))
    return sentences


def spans_of(entities: Iterable[dict], labels: Sequence[str] = LABELS) -> List[Span]:
    """The spans of parsed entities (Rasa's parse result format) with one of `labels`."""
    return [(e["entity"], e["start"], e["end"]) for e in entities if e.get("entity") in labels]


def _score(found: int, right: int, marked: int) -> Dict[str, Optional[float]]:
    precision = right / found if found else None
    recall = right / marked if marked else None
    f1 = (2 * right / (found + marked)) if found + marked else None
    return {"precision": precision, "recall": recall, "f1": f1, "marked": marked, "found": found}


def entity_scores(
    expected: Sequence[Sequence[Span]],
    predicted: Sequence[Sequence[Span]],
    labels: Sequence[str] = LABELS,
) -> Dict[str, Dict[str, Optional[float]]]:
    """Precision, recall and F1 per label and over all labels (micro average)."""
    if len(expected) != len(predicted):
        raise ValueError("one list of predicted spans is needed per sentence")
    counts = {label: [0, 0, 0] for label in labels}  # found, right, marked
    for marked, found in zip(expected, predicted, strict=False):
        marked_set, found_set = set(marked), set(found)
        for label in labels:
            counts[label][0] += sum(1 for span in found_set if span[0] == label)
            counts[label][1] += sum(1 for span in found_set & marked_set if span[0] == label)
            counts[label][2] += sum(1 for span in marked_set if span[0] == label)
    scores = {label: _score(*counts[label]) for label in labels}
    scores["all"] = _score(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return scores
