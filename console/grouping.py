"""Unanswered messages, with similar texts grouped.

Pure functions. A text is normalised (`normalise`): full-width forms folded (NFKC), Latin letters
lower-cased, masked numbers (138****5678) removed, then every punctuation mark, symbol, space and
control character dropped. Within one outcome, messages with the same normalised text form one
group; a group then takes in every other normalised text whose character bigrams are similar
enough to its own: Jaccard similarity |A ∩ B| / |A ∪ B| of the two bigram sets ≥ 0.6 (one-
character texts use the character itself). Texts are taken most frequent first and each joins
the most similar group already formed (the group's first text stands for it), else starts its own.
Candidate groups are found through an index of the rarest bigrams (prefix filtering), which gives
the same groups as comparing with every group, without comparing every pair.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Tuple

THRESHOLD = 0.6
MAX_VARIANTS = 20  # distinct texts kept per group, most frequent first
_MASKED_NUMBER = re.compile(r"[0-9*\-]*\*[0-9*\-]*")


class Message(NamedTuple):
    outcome: str
    text: str
    timestamp: float
    sender_id: str
    question: Optional[str] = None  # the question it replied to, if any


@dataclass
class Group:
    key: str
    outcome: str
    normalised: str
    count: int = 0
    newest: float = 0.0
    newest_sender: str = ""
    texts: Counter = field(default_factory=Counter)
    questions: Counter = field(default_factory=Counter)
    members: List[str] = field(default_factory=list)  # the normalised texts grouped here

    @property
    def text(self) -> str:
        """The group's most frequent text, as stored."""
        return self.variants[0][0] if self.texts else ""

    @property
    def variants(self) -> List[Tuple[str, int]]:
        return sorted(self.texts.items(), key=lambda item: (-item[1], item[0]))[:MAX_VARIANTS]

    def as_dict(self) -> Dict[str, object]:
        return {
            "key": self.key,
            "outcome": self.outcome,
            "text": self.text,
            "normalised": self.normalised,
            "count": self.count,
            "newest": self.newest,
            "newest_sender": self.newest_sender,
            "variants": [{"text": text, "count": count} for text, count in self.variants],
            "questions": dict(self.questions),
        }


@lru_cache(maxsize=100000)
def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = _MASKED_NUMBER.sub("", folded)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LNM")


def bigrams(normalised: str) -> FrozenSet[str]:
    if len(normalised) < 2:
        return frozenset([normalised]) if normalised else frozenset()
    return frozenset(normalised[i : i + 2] for i in range(len(normalised) - 1))


def jaccard(a: FrozenSet[str], b: FrozenSet[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def group_key(outcome: str, normalised: str) -> str:
    return hashlib.sha1(f"{outcome}\0{normalised}".encode("utf-8")).hexdigest()[:16]


def _prefix(
    tokens: FrozenSet[str], rank: Dict[str, Tuple[int, str]], threshold: float
) -> List[str]:
    """The rarest tokens, as many as two sets this similar must share one of."""
    ordered = sorted(tokens, key=rank.__getitem__)
    size = len(ordered) - math.ceil(threshold * len(ordered) - 1e-9) + 1
    return ordered[: max(size, 1)]


def _cluster(counts: Dict[str, int], newest: Dict[str, float], threshold: float) -> List[List[str]]:
    """Normalised texts in clusters, each led by its first (most frequent) text."""
    order = sorted(counts, key=lambda text: (-counts[text], -newest[text], text))
    tokens = {text: bigrams(text) for text in order}
    frequency = Counter(token for text in order for token in tokens[text])
    rank = {token: (n, token) for token, n in frequency.items()}
    index: Dict[str, List[int]] = defaultdict(list)
    clusters: List[List[str]] = []
    leaders: List[FrozenSet[str]] = []
    for text in order:
        mine = tokens[text]
        best, best_score = None, threshold
        if mine:
            candidates = {c for token in _prefix(mine, rank, threshold) for c in index[token]}
            for candidate in sorted(candidates):
                theirs = leaders[candidate]
                if not (threshold * len(mine) <= len(theirs) <= len(mine) / threshold):
                    continue
                score = jaccard(mine, theirs)
                if score >= best_score and (best is None or score > best_score):
                    best, best_score = candidate, score
        if best is not None:
            clusters[best].append(text)
            continue
        clusters.append([text])
        leaders.append(mine)
        if mine:
            for token in _prefix(mine, rank, threshold):
                index[token].append(len(clusters) - 1)
    return clusters


def group_messages(messages: Iterable[Message], threshold: float = THRESHOLD) -> List[Group]:
    """The groups of the messages, largest first (then the newest first)."""
    by_outcome: Dict[str, List[Tuple[Message, str]]] = defaultdict(list)
    for message in messages:
        by_outcome[message.outcome].append((message, normalise(message.text)))
    groups: List[Group] = []
    for outcome, items in by_outcome.items():
        counts: Counter = Counter(norm for _, norm in items)
        newest: Dict[str, float] = defaultdict(float)
        for message, norm in items:
            newest[norm] = max(newest[norm], message.timestamp)
        of_text: Dict[str, Group] = {}
        for cluster in _cluster(counts, newest, threshold):
            group = Group(group_key(outcome, cluster[0]), outcome, cluster[0], members=cluster)
            groups.append(group)
            of_text.update((norm, group) for norm in cluster)
        for message, norm in items:
            group = of_text[norm]
            group.count += 1
            group.texts[message.text] += 1
            if message.question:
                group.questions[message.question] += 1
            if message.timestamp >= group.newest:
                group.newest, group.newest_sender = message.timestamp, message.sender_id
    return sorted(groups, key=lambda g: (-g.count, -g.newest, g.outcome, g.normalised))
