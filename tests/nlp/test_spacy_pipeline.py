"""The built spaCy pipeline (models/spacy_zh): segmentation and province/city tagging."""

import glob

import pytest
import spacy
import yaml

import nlp.segmenter  # noqa: F401  (registers the pipeline's tokenizer with spaCy)
from tests.support import ROOT

PIPELINE = ROOT / "models" / "spacy_zh"


@pytest.fixture(scope="module")
def nlp():
    if not PIPELINE.exists():
        pytest.fail("models/spacy_zh is missing; run 'make install'")
    return spacy.load(PIPELINE)


def tokens(nlp, text):
    return [token.text for token in nlp(text)]


def entities(nlp, text):
    return [(ent.text, ent.label_, ent.ent_id_) for ent in nlp(text).ents]


@pytest.mark.parametrize(
    "text, word",
    [
        ("我的社保卡丢了咋办", "社保卡"),
        ("电子社保卡还能用吗", "电子社保卡"),
        ("先打电话办临时挂失", "临时挂失"),
        ("找到了想解挂", "解挂"),
        ("在掌上12333上刷脸认证", "掌上12333"),
        ("干满一年就是无固定期限劳动合同", "无固定期限劳动合同"),
        ("老板要赔二倍工资", "二倍工资"),
        ("去申请劳动仲裁", "劳动仲裁"),
        ("退休人员静默认证是啥", "静默认证"),
    ],
)
def test_domain_words_stay_one_token(nlp, text, word):
    assert word in tokens(nlp, text)


def test_segmenter_is_pkuseg_with_the_domain_dictionary(nlp):
    assert nlp.tokenizer.segmenter == "pkuseg"
    assert nlp.meta["name"] == "social_security_zh"


def test_provinces_are_found_by_full_and_short_name(nlp):
    found = entities(nlp, "我在河南省交的社保，要转到浙江去")
    assert ("河南省", "province", "河南省") in found
    assert ("浙江", "province", "浙江省") in found


def test_abbreviations_are_provinces(nlp):
    found = entities(nlp, "粤转沪需要换卡不")
    assert ("粤", "province", "广东省") in found
    assert ("沪", "province", "上海市") in found


def test_cities_carry_their_province(nlp):
    found = entities(nlp, "从广州转到深圳市")
    assert ("广州", "city", "广东省") in found
    assert ("深圳市", "city", "广东省") in found


def test_city_and_province_of_the_same_name(nlp):
    found = entities(nlp, "我妈在吉林市，卡是吉林省办的")
    assert ("吉林市", "city", "吉林省") in found
    assert ("吉林省", "province", "吉林省") in found


@pytest.mark.parametrize(
    "text", ["新卡什么时候能领", "这个贵不贵", "宁可多跑一趟", "卡藏在抽屉里了"]
)
def test_everyday_characters_are_not_provinces(nlp, text):
    assert entities(nlp, text) == []


def test_all_34_province_level_divisions_are_tagged(nlp):
    import yaml

    from nlp.build_spacy_zh import DEFAULT_REGIONS

    provinces = yaml.safe_load(DEFAULT_REGIONS.read_text(encoding="utf-8"))["provinces"]
    assert len(provinces) == 34
    for province in provinces:
        found = entities(nlp, f"社保关系转到{province['name']}")
        assert (province["name"], "province", province["name"]) in found, province["name"]


def sentences(*patterns):
    """The example sentences of the NLU files the glob patterns (under the root) find."""
    from bench.entities import unmark

    texts = []
    for pattern in patterns:
        for path in sorted(glob.glob(str(ROOT / pattern), recursive=True)):
            for block in (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("nlu") or []:
                for line in (block.get("examples") or "").splitlines():
                    if line.strip():
                        texts.append(unmark(line.strip()[2:])[0])
    return texts


def test_pruned_features_segment_all_our_sentences_like_the_full_model(nlp):
    """The built pipeline drops pkuseg's near-zero features and its training-only bigram
    table; no training sentence and none of the project's held-out set may change."""
    from nlp.build_spacy_zh import DEFAULT_REGIONS, DEFAULT_USER_DICT, build_pipeline

    full = build_pipeline(DEFAULT_USER_DICT, DEFAULT_REGIONS, prune=False, compact=False)
    full_features = full.tokenizer.pkuseg_seg.feature_extractor
    assert len(nlp.tokenizer.pkuseg_seg.features) < 0.6 * len(full_features.feature_to_idx)
    assert len(full_features.bigram) > 1_000_000
    texts = sentences("data/nlu/*.yml", "tests/nlu/test_nlu.yml")
    assert len(texts) > 2000
    differing = [text for text in texts if tokens(nlp, text) != tokens(full, text)]
    assert differing == []


def test_the_compact_table_segments_every_sentence_like_pkusegs_own(nlp):
    """The trie with float32 weights segments every training and held-out sentence as
    pkuseg does with the same (pruned) features in its dict with float64 weights."""
    from nlp.build_spacy_zh import DEFAULT_REGIONS, DEFAULT_USER_DICT, build_pipeline
    from nlp.segmenter import CompactSegmenter

    pruned = build_pipeline(DEFAULT_USER_DICT, DEFAULT_REGIONS, compact=False)
    compact = nlp.tokenizer.pkuseg_seg
    assert isinstance(compact, CompactSegmenter) and compact.weights.dtype.name == "float32"
    assert not isinstance(pruned.tokenizer.pkuseg_seg, CompactSegmenter)
    texts = sentences("data/nlu/**/*.yml", "tests/nlu/*.yml")
    assert len(texts) > 4000
    differing = [text for text in texts if tokens(nlp, text) != tokens(pruned, text)]
    assert differing == []


def test_the_compact_segmenter_finds_the_features_pkuseg_finds(nlp):
    """Feature by feature, on sentences with digits, Latin letters and punctuation."""
    from spacy_pkuseg import FeatureExtractor

    from nlp.build_spacy_zh import DEFAULT_REGIONS, DEFAULT_USER_DICT, build_pipeline

    full_table = build_pipeline(
        DEFAULT_USER_DICT, DEFAULT_REGIONS, compact=False
    ).tokenizer.pkuseg_seg
    compact = nlp.tokenizer.pkuseg_seg
    names = {index: name for name, index in full_table.feature_extractor.feature_to_idx.items()}
    for text in ["我2024年5月入职", "社保卡APP登不上", "卡丢了！咋办？", "a", "12333"]:
        nodes = list(FeatureExtractor.normalize_text(text))
        ours = compact.node_features(nodes)
        for index in range(len(nodes)):
            expected = full_table.feature_extractor.get_node_features_idx(index, nodes)
            assert [compact.features.restore_key(row) for row in ours[index]] == [
                names[row] for row in expected
            ]
