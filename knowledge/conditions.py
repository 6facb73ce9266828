"""Conditions on answers, as written in the data files: `when: {slot: value or [values]}`."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Tuple

Conditions = Tuple[Tuple[str, Tuple[Any, ...]], ...]


def parse_conditions(when: Optional[Mapping[str, Any]]) -> Conditions:
    return tuple(
        (key, tuple(value) if isinstance(value, list) else (value,))
        for key, value in (when or {}).items()
    )


def conditions_hold(conditions: Conditions, facts: Mapping[str, Any]) -> bool:
    """Every condition names a fact whose value is one of the accepted values.

    Types are compared too, so that True never matches 1 nor False 0.
    """
    return all(
        any(
            facts.get(key) == option and type(facts.get(key)) is type(option) for option in accepted
        )
        for key, accepted in conditions
    )
