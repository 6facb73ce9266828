from knowledge.regions import (
    CITY,
    PROVINCE,
    Region,
    city_forms,
    entity_patterns,
    regions_from_document,
)
from nlp.build_spacy_zh import read_word_list, segmentation_words


def test_city_forms_with_and_without_suffix():
    assert city_forms("深圳") == ("深圳", "深圳市")
    assert city_forms("吉林市") == ("吉林市", "吉林")


def test_regions_list_full_names_aliases_and_cities():
    document = {"provinces": [{"name": "广东省", "aliases": ["广东", "粤"], "cities": ["广州"]}]}
    assert regions_from_document(document) == [
        Region("广东省", PROVINCE, "广东省"),
        Region("广东", PROVINCE, "广东省"),
        Region("粤", PROVINCE, "广东省"),
        Region("广州", CITY, "广东省"),
        Region("广州市", CITY, "广东省"),
    ]


def test_a_province_keeps_its_name_when_a_city_shares_it():
    document = {"provinces": [{"name": "吉林省", "aliases": ["吉林"], "cities": ["吉林市"]}]}
    by_text = {region.text: region for region in regions_from_document(document)}
    assert by_text["吉林"].label == PROVINCE
    assert by_text["吉林市"].label == CITY


def test_entity_patterns_carry_the_province_as_id():
    patterns = entity_patterns([Region("深圳", CITY, "广东省")])
    assert patterns == [{"label": "city", "pattern": "深圳", "id": "广东省"}]


def test_word_list_ignores_comments_and_blank_lines(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("# heading\n社保卡\n\n解挂  # unblock\n", encoding="utf-8")
    assert read_word_list(path) == ["社保卡", "解挂"]


def test_segmentation_words_add_region_names_once():
    regions = [Region("广东", PROVINCE, "广东省"), Region("社保卡", CITY, "x")]
    assert segmentation_words(["社保卡", "解挂"], regions) == ["社保卡", "解挂", "广东"]
