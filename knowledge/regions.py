"""China's province-level divisions and major cities, read from data/entities/regions.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from knowledge.data import DATA_DIR, read_yaml

REGIONS_FILE = DATA_DIR / "entities" / "regions.yml"

PROVINCE = "province"
CITY = "city"


@dataclass(frozen=True)
class Region:
    """One name a person may type, with what it denotes."""

    text: str
    label: str  # PROVINCE or CITY
    province: str  # full name of the province the name belongs to


def load_regions(path: Path) -> List[Region]:
    """Every province and city name in the file, full and short forms."""
    return regions_from_document(read_yaml(path))


def regions_from_document(document: Dict) -> List[Region]:
    regions: List[Region] = []
    for province in document["provinces"]:
        full_name = province["name"]
        for text in [full_name, *province.get("aliases", [])]:
            regions.append(Region(text, PROVINCE, full_name))
        for city in province.get("cities", []):
            for text in city_forms(city):
                regions.append(Region(text, CITY, full_name))
    return _first_of_each_name(regions)


def city_forms(city: str) -> Tuple[str, ...]:
    """A city's name as typed with and without the 市 suffix: 深圳 and 深圳市."""
    if city.endswith("市"):
        return (city, city[:-1])
    return (city, city + "市")


def _first_of_each_name(regions: List[Region]) -> List[Region]:
    """Keeps the first region of each name: 吉林 is the province, 吉林市 the city."""
    first: Dict[str, Region] = {}
    for region in regions:
        first.setdefault(region.text, region)
    return list(first.values())


def entity_patterns(regions: List[Region]) -> List[Dict[str, str]]:
    """spaCy entity_ruler patterns; each id is the province the name belongs to."""
    return [
        {"label": region.label, "pattern": region.text, "id": region.province} for region in regions
    ]


@lru_cache(maxsize=1)
def province_of_place() -> Dict[str, str]:
    return {region.text: region.province for region in load_regions(REGIONS_FILE)}


def transfer_scope_from_places(places: Iterable[str]) -> Optional[str]:
    """'within' when two or more places are all in one province, 'across' when they span
    provinces, None when fewer than two known places were named."""
    provinces = [province_of_place().get(place) for place in places]
    known = [province for province in provinces if province]
    if len(known) < 2:
        return None
    return "within" if len(set(known)) == 1 else "across"


def places_in(text: str) -> List[str]:
    """The places named in the text, in order: the longest name at each position (广州市, not
    广州 then 州), names overlapping an earlier one skipped."""
    names = province_of_place()
    longest = max((len(name) for name in names), default=0)
    found, position = [], 0
    while position < len(text):
        for length in range(min(longest, len(text) - position), 1, -1):
            candidate = text[position : position + length]
            if candidate in names:
                found.append(candidate)
                position += length
                break
        else:
            position += 1
    return found
