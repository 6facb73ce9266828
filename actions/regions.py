"""Places named by the citizen, resolved to provinces (data/entities/regions.yml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Optional

from nlp.regions import load_regions

REGIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "entities" / "regions.yml"


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
