"""The one loader of the YAML files in data/, each read once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@lru_cache(maxsize=None)
def load_data(relative_path: str) -> Any:
    """The parsed YAML document at data/<relative_path>."""
    return read_yaml(DATA_DIR / relative_path)


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
