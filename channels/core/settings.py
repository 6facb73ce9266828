"""Reading a channel's settings, one way for every channel.

Each setting has a value in credentials.yml that an environment variable may override (an empty
variable leaves the file's value). Reading never fails: what is missing or invalid comes back as
a list of problems. A channel with problems answers every request 503 with them and logs them
when the server starts; the other channels keep serving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple


def _any(value: Any) -> bool:
    return True


@dataclass(frozen=True)
class Setting:
    name: str  # the key in credentials.yml
    variable: Optional[str] = None  # the environment variable that overrides it
    default: Any = None
    convert: Callable[[str], Any] = str
    accept: Callable[[Any], bool] = _any
    requirement: str = ""  # what a valid value is, said when a value is not
    required: bool = False  # the channel cannot serve without it
    secret: bool = False  # an invalid value is not repeated in the problem (a key, a token)


def raw_value(setting: Setting, credentials: Mapping[str, Any], environ: Mapping[str, str]) -> str:
    """The setting as text: the environment variable if set and not blank, else the file's."""
    value = environ.get(setting.variable) if setting.variable else None
    if value is None or not str(value).strip():
        value = credentials.get(setting.name)
    return "" if value is None else str(value).strip()


def read_settings(
    settings: Sequence[Setting],
    credentials: Optional[Mapping[str, Any]],
    environ: Mapping[str, str],
) -> Tuple[Dict[str, Any], List[str]]:
    """Each setting's value (its default when absent or invalid), and the problems found."""
    values: Dict[str, Any] = {}
    problems: List[str] = []
    for setting in settings:
        raw = raw_value(setting, credentials or {}, environ)
        values[setting.name] = setting.default
        where = f"credentials.yml or {setting.variable}" if setting.variable else "credentials.yml"
        if not raw:
            if setting.required:
                problems.append(f"'{setting.name}' is not set ({where})")
            continue
        try:
            value = setting.convert(raw)
        except ValueError:
            value = None
        if value is None or not setting.accept(value):
            given = "" if setting.secret else f", got {raw!r}"
            problems.append(f"'{setting.name}' must be {setting.requirement}{given}")
            continue
        values[setting.name] = value
    return values, problems


def positive(value: float) -> bool:
    return value > 0
