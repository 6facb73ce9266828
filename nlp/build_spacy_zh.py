"""Builds the spaCy `zh` pipeline that Rasa's SpacyNLP loads by path.

The pipeline segments with pkuseg, initialised from the pretrained default model that the
pkuseg package ships, extended with the domain dictionary in data/segmentation/, and tags
province and city names with an entity_ruler built from data/entities/regions.yml.

    python -m nlp.build_spacy_zh --out models/spacy_zh
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Iterable, List

import numpy as np
import spacy
from spacy.language import Language

from knowledge.regions import REGIONS_FILE, Region, entity_patterns, load_regions
from nlp.segmenter import TOKENIZER_NAME

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_USER_DICT = ROOT / "data" / "segmentation" / "user_dict.txt"
DEFAULT_REGIONS = REGIONS_FILE
# pkuseg features whose weights are all below this in magnitude are dropped: it halves the
# feature table (1.27 of 2.64 million features kept: 48%) and with it the memory of every
# process that loads the pipeline, while every sentence of the training and held-out data is
# segmented exactly as by the full model (tests/test_spacy_pipeline.py checks this).
MIN_FEATURE_WEIGHT = 0.02
PIPELINE_NAME = "social_security_zh"
PIPELINE_VERSION = "1.0.0"


def pkuseg_default_model_dir() -> Path:
    """The pretrained model inside the installed pkuseg package (features.pkl, weights.npz)."""
    import pkuseg

    model_dir = Path(pkuseg.__file__).resolve().parent / "models" / "default"
    for required in ("features.pkl", "weights.npz"):
        if not (model_dir / required).is_file():
            raise FileNotFoundError(
                f"pkuseg's default model is incomplete: {model_dir / required} is missing. "
                "Reinstall with 'make install'."
            )
    return model_dir


def read_word_list(path: Path) -> List[str]:
    """Words one per line; blank lines and '#' comments ignored."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


def segmentation_words(user_words: Iterable[str], regions: Iterable[Region]) -> List[str]:
    """Domain words plus every region name, in first-seen order without repeats."""
    return list(dict.fromkeys([*user_words, *(region.text for region in regions)]))


def prune_features(segmenter, min_weight: float) -> None:
    """Drops the features whose weights for every tag are below min_weight in magnitude,
    renumbering the rest; the transition weights at the end of the weight vector are kept."""
    model, extractor = segmenter.model, segmenter.feature_extractor
    n_tag, n_feature = model.n_tag, model.n_feature
    feature_weights = model.w[: n_feature * n_tag].reshape(n_feature, n_tag)
    transitions = model.w[n_feature * n_tag :]
    keep = np.abs(feature_weights).max(axis=1) >= min_weight
    new_index = np.cumsum(keep) - 1
    extractor.feature_to_idx = {
        feature: int(new_index[index])
        for feature, index in extractor.feature_to_idx.items()
        if keep[index]
    }
    model.w = np.concatenate([feature_weights[keep].ravel(), transitions])
    model.n_feature = int(keep.sum())
    model.n_transition_feature = n_tag * (model.n_feature + n_tag)
    segmenter.n_feature = model.n_feature


def drop_training_tables(segmenter) -> None:
    """Empties the word-bigram table (1.1 million strings), which pkuseg reads only while
    training: segmenting looks features up in feature_to_idx and words in the unigram table."""
    segmenter.feature_extractor.bigram = set()


def chinese_pipeline(prune: bool = True) -> Language:
    """A blank spaCy `zh` pipeline segmenting with pkuseg's shipped default model, by the
    tokenizer that saves it with the compact feature table (nlp/segmenter.py)."""
    tokenizer = {"@tokenizers": TOKENIZER_NAME, "segmenter": "pkuseg"}
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer}})
    # A path, never a model name: a name would make spacy_pkuseg download a model.
    nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_default_model_dir()))
    if prune:
        prune_features(nlp.tokenizer.pkuseg_seg, MIN_FEATURE_WEIGHT)
        drop_training_tables(nlp.tokenizer.pkuseg_seg)
    return nlp


def build_pipeline(
    user_dict: Path, regions_file: Path, prune: bool = True, compact: bool = True
) -> Language:
    """The pipeline; `prune` and `compact` say whether its pkuseg model is pruned and turned
    into the compact table already in memory (saving it always writes the compact table)."""
    regions = load_regions(regions_file)
    nlp = chinese_pipeline(prune)
    nlp.tokenizer.pkuseg_update_user_dict(segmentation_words(read_word_list(user_dict), regions))
    if compact:
        nlp.tokenizer.compact()
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(entity_patterns(regions))
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    nlp.meta["description"] = (
        "Chinese tokenizer (pkuseg default model + domain dictionary) and "
        "province/city entity ruler for the social-security assistant"
    )
    return nlp


def write_pipeline(nlp: Language, out: Path) -> None:
    """Writes to a sibling folder first so a failed build never leaves half a pipeline."""
    staging = out.with_name(out.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--user-dict", type=Path, default=DEFAULT_USER_DICT)
    parser.add_argument("--regions", type=Path, default=DEFAULT_REGIONS)
    args = parser.parse_args()
    nlp = build_pipeline(args.user_dict, args.regions)
    write_pipeline(nlp, args.out)
    print(f"spaCy pipeline written to {args.out}")


if __name__ == "__main__":
    main()
