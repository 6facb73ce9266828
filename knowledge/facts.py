"""Facts that policy statements are selected on: the answers given plus what follows from them."""
from __future__ import annotations

from typing import Any, Dict, Mapping

from knowledge.calculators import (
    MINIMUM_CONTRIBUTION_YEARS,
    double_pay,
    format_number,
    remaining_contribution_years,
)
from knowledge.periods import Duration

UNKNOWN = "unknown"


def derive_facts(answers: Mapping[str, Any]) -> Dict[str, Any]:
    """The answers, plus bands and figures computed from them for statement conditions and texts."""
    facts: Dict[str, Any] = dict(answers)
    facts.update(_contribution_facts(answers.get("years_paid")))
    facts.update(_employment_facts(answers.get("employment_duration"), answers.get("monthly_wage")))
    facts.update(_evidence_facts(answers.get("evidence_held")))
    return facts


def _contribution_facts(years_paid: Any) -> Dict[str, Any]:
    if not isinstance(years_paid, (int, float)) or isinstance(years_paid, bool):
        return {"years_band": UNKNOWN}
    return {
        "years_band": "enough" if years_paid >= MINIMUM_CONTRIBUTION_YEARS else "short",
        "years_paid": format_number(years_paid),
        "remaining_years": format_number(remaining_contribution_years(years_paid)),
    }


def _employment_facts(worked: Any, wage: Any) -> Dict[str, Any]:
    if not isinstance(worked, dict):
        return {"duration_band": UNKNOWN, "wage_given": False}
    duration = Duration.from_slot(worked)
    position = double_pay(duration)
    facts: Dict[str, Any] = {
        "duration_band": position.band,
        "worked_months": duration.months,
        "worked_days": duration.months * 30 + duration.days,
        "double_pay_months": f"{position.months}个{'多' if position.partial_month else ''}月",
        "wage_given": False,
    }
    if isinstance(wage, (int, float)) and not isinstance(wage, bool):
        facts.update(
            wage_given=True,
            monthly_wage=format_number(wage),
            extra_pay=format_number(position.extra_pay(wage)),
            double_pay_whole_months=position.months,
        )
    return facts


def _evidence_facts(evidence: Any) -> Dict[str, Any]:
    if not isinstance(evidence, list):
        return {"evidence_band": UNKNOWN}
    if not evidence:
        return {"evidence_band": "none"}
    return {"evidence_band": "some", "evidence_list": "、".join(evidence)}
