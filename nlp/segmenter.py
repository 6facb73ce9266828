"""pkuseg's segmenter with a compact feature table, and the spaCy tokenizer that uses it.

pkuseg keeps its 1.27 million features as a Python dict from feature string to number and
their weights as float64: about 300 MB in every process that loads the pipeline. Here the
features are a marisa-trie (a few MB) whose key ids number the rows of a float32 weight
table, and the known words a second trie. A sentence's features are found as pkuseg finds
them (the same strings, in the same order), their weights gathered into a small table for
pkuseg's own Viterbi decoder. Every training and held-out sentence is segmented exactly as
by pkuseg (tests/nlp/test_spacy_pipeline.py).

The pipeline names the tokenizer in its config.cfg (`social_security.ChineseTokenizer.v1`);
importing this module registers it with spaCy.
"""

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import marisa_trie
import numpy as np
import spacy_pkuseg
import srsly
from spacy import util
from spacy.lang.zh import ChineseTokenizer, Segmenter, _get_pkuseg_trie_data
from spacy.util import registry
from spacy_pkuseg import inference
from spacy_pkuseg.config import config as pkuseg_config

TOKENIZER_NAME = "social_security.ChineseTokenizer.v1"
NO_WORD = "**noWord"
# How many looked-up feature strings are kept (a few MB); the table is searched otherwise.
CACHE_SIZE = 1 << 17


class _Lookups(dict):
    """Feature string -> row (None when not a feature), remembered for the strings seen."""

    def __init__(self, features: marisa_trie.Trie) -> None:
        super().__init__()
        self._features = features

    def __missing__(self, feature: str) -> Optional[int]:
        if len(self) >= CACHE_SIZE:
            self.clear()
        row = self[feature] = self._features.get(feature)
        return row


class _Weights:
    """The part of pkuseg's model its Viterbi decoder reads."""

    def __init__(self, n_tag: int, n_feature: int, w: np.ndarray) -> None:
        self.n_tag, self.n_feature, self.w = n_tag, n_feature, w


class CompactSegmenter(spacy_pkuseg.pkuseg):
    """A pkuseg segmenter (its `cut`, user dictionary and post-processing) whose features are
    looked up in a trie and weighted in float32."""

    def __init__(
        self,
        features: marisa_trie.Trie,
        weights: np.ndarray,
        transitions: np.ndarray,
        words: marisa_trie.Trie,
        tags: Sequence[str],
    ) -> None:
        # pkuseg's own constructor would load (or download) a model: not called.
        self.features, self.weights, self.transitions = features, weights, transitions
        self.words, self.tags = words, list(tags)
        self.postag = False
        self.preprocesser = spacy_pkuseg.Preprocesser(None)
        self.postprocesser = spacy_pkuseg.Postprocesser(None, None)
        self._start = features["$$"]
        self._lookups = _Lookups(features)
        self._word_lengths = range(pkuseg_config.wordMax, pkuseg_config.wordMin - 1, -1)

    @classmethod
    def of(cls, segmenter: spacy_pkuseg.pkuseg) -> "CompactSegmenter":
        """The compact form of a loaded pkuseg segmenter, with its user dictionary."""
        extractor, model = segmenter.feature_extractor, segmenter.model
        n_tag, n_feature = model.n_tag, model.n_feature
        features = marisa_trie.Trie(extractor.feature_to_idx.keys())
        rows = np.empty(len(features), dtype=np.int64)
        for feature, index in extractor.feature_to_idx.items():
            rows[features[feature]] = index
        table = model.w[: n_feature * n_tag].reshape(n_feature, n_tag)
        compact = cls(
            features,
            table[rows].astype(np.float32),
            np.array(model.w[n_feature * n_tag :], dtype=np.float64),
            marisa_trie.Trie(extractor.unigram),
            [segmenter.idx_to_tag[index] for index in range(n_tag)],
        )
        compact.preprocesser = segmenter.preprocesser
        compact.postprocesser = segmenter.postprocesser
        return compact

    def node_features(self, nodes: List[str]) -> List[List[int]]:
        """The feature rows of each character, as pkuseg's feature extractor lists them."""
        length, words, lengths = len(nodes), self.words, self._word_lengths

        def word(start: int, size: int) -> Optional[str]:
            # pkuseg's get_slice_str: "" out of range, and "" counts as a known word.
            if start < 0 or start >= length or start + size >= length + 1:
                text = ""
            else:
                text = "".join(nodes[start : start + size])
            return text if text in words else None

        known = {
            (start, size): word(start, size)
            for start in range(-lengths[0], length + 1)
            for size in lengths
        }
        lookups, start_row = self._lookups, self._start
        result = []
        for i, c in enumerate(nodes):
            names = ["c." + c]
            if i > 0:
                names += ["c-1." + nodes[i - 1], "c-1c." + nodes[i - 1] + "." + c]
            if i + 1 < length:
                names += ["c1." + nodes[i + 1], "cc1." + c + "." + nodes[i + 1]]
            if i > 1:
                names += ["c-2." + nodes[i - 2], "c-2c-1." + nodes[i - 2] + "." + nodes[i - 1]]
            if i + 2 < length:
                names.append("c2." + nodes[i + 2])
            ends_here = [known[i - size + 1, size] for size in lengths]
            starts_here = [known[i, size] for size in lengths]
            names += ["w-1." + w for w in ends_here if w is not None]
            names += ["w1." + w for w in starts_here if w is not None]
            ends_here = [NO_WORD if w is None else w for w in ends_here]
            starts_here = [NO_WORD if w is None else w for w in starts_here]
            before = [known[i - size, size] for size in lengths]
            after = [known[i + 1, size] for size in lengths]
            before = [NO_WORD if w is None else w for w in before]
            after = [NO_WORD if w is None else w for w in after]
            names += ["ww.l." + pre + "*" + post for pre in before for post in starts_here]
            names += ["ww.r." + pre + "*" + post for pre in ends_here for post in after]
            rows = [start_row]
            rows += [row for row in map(lookups.__getitem__, names) if row is not None]
            result.append(rows)
        return result

    def _cut(self, text: str) -> List[str]:
        nodes = list(spacy_pkuseg.FeatureExtractor.normalize_text(text))
        per_node = self.node_features(nodes)
        rows = sorted({row for node in per_node for row in node})
        local = {row: index for index, row in enumerate(rows)}
        weights = np.concatenate([self.weights[rows].astype(np.float64).ravel(), self.transitions])
        model = _Weights(len(self.tags), len(rows), weights)
        _, tags = inference.decodeViterbi_fast(
            [[local[row] for row in node] for node in per_node], model
        )
        words: List[str] = []
        for tag, char in zip(tags, text, strict=True):
            if words and "B" not in self.tags[tag]:
                words[-1] += char
            else:
                words.append(char)
        return words

    def to_disk(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.features.save(str(path / "features.marisa"))
        self.words.save(str(path / "words.marisa"))
        np.save(path / "weights.npy", self.weights)
        np.save(path / "transitions.npy", self.transitions)
        (path / "tags.json").write_text(json.dumps(self.tags), encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path) -> "CompactSegmenter":
        features, words = marisa_trie.Trie(), marisa_trie.Trie()
        features.load(str(path / "features.marisa"))
        words.load(str(path / "words.marisa"))
        return cls(
            features,
            np.load(path / "weights.npy"),
            np.load(path / "transitions.npy"),
            words,
            json.loads((path / "tags.json").read_text(encoding="utf-8")),
        )


class CompactChineseTokenizer(ChineseTokenizer):
    """spaCy's Chinese tokenizer, saving and loading its pkuseg segmenter in compact form."""

    def compact(self) -> None:
        if self.pkuseg_seg is not None and not isinstance(self.pkuseg_seg, CompactSegmenter):
            self.pkuseg_seg = CompactSegmenter.of(self.pkuseg_seg)

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        self.compact()
        segmenter = self.pkuseg_seg

        def save_processors(file: Path) -> None:
            post = segmenter.postprocesser
            srsly.write_msgpack(
                file,
                (
                    _get_pkuseg_trie_data(segmenter.preprocesser.trie),
                    post.do_process,
                    sorted(getattr(post, "common_words", ())),
                    sorted(getattr(post, "other_words", ())),
                ),
            )

        serializers: Dict[str, Any] = {
            "cfg": lambda file: srsly.write_json(file, self._get_config()),
            "compact_segmenter": lambda folder: segmenter.to_disk(folder),
            "pkuseg_processors": save_processors,
        }
        util.to_disk(util.ensure_path(path), serializers, [])

    def from_disk(self, path: Any, **kwargs: Any) -> "CompactChineseTokenizer":
        loaded: Dict[str, Any] = {}
        serializers = {
            "cfg": lambda file: self._set_config(srsly.read_json(file)),
            "compact_segmenter": lambda folder: loaded.update(
                segmenter=CompactSegmenter.from_disk(folder)
            ),
            "pkuseg_processors": lambda file: loaded.update(processors=srsly.read_msgpack(file)),
        }
        util.from_disk(util.ensure_path(path), serializers, [])
        segmenter = loaded["segmenter"]
        user_dict, do_process, common_words, other_words = loaded["processors"]
        segmenter.preprocesser = spacy_pkuseg.Preprocesser(user_dict)
        segmenter.postprocesser.do_process = do_process
        segmenter.postprocesser.common_words = set(common_words)
        segmenter.postprocesser.other_words = set(other_words)
        self.pkuseg_seg = segmenter
        return self


@registry.tokenizers(TOKENIZER_NAME)
def create_tokenizer(segmenter: Segmenter = Segmenter.pkuseg):
    def tokenizer_factory(nlp: Any) -> CompactChineseTokenizer:
        return CompactChineseTokenizer(nlp.vocab, segmenter=segmenter)

    return tokenizer_factory
