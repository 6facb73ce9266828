"""Facts that policy statements are selected on: the answers given plus what follows from them."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, Mapping

from knowledge.calculators import (
    MINIMUM_CONTRIBUTION_YEARS,
    contract_position,
    describe_duration,
    format_number,
    remaining_contribution_years,
)
from knowledge.periods import Contribution, Employment, holder_title
from knowledge.questions import UNKNOWN


def derive_facts(answers: Mapping[str, Any], today: date) -> Dict[str, Any]:
    """The answers, plus bands and figures computed from them for statement conditions and
    texts. Figures of time are measured to `today`."""
    facts: Dict[str, Any] = dict(answers)
    facts.update(_contribution_facts(answers.get("years_paid")))
    facts.update(
        _employment_facts(answers.get("employment_duration"), answers.get("monthly_wage"), today)
    )
    facts.update(_evidence_facts(answers.get("evidence_held")))
    return facts


def _contribution_facts(years_paid: Any) -> Dict[str, Any]:
    if not isinstance(years_paid, dict):
        return {"years_band": UNKNOWN}
    contribution = Contribution.from_slot(years_paid)
    years = contribution.years
    periods = [format_number(period) for period in contribution.periods]
    return {
        "years_band": "enough" if years >= MINIMUM_CONTRIBUTION_YEARS else "short",
        "years_paid": format_number(years),
        "remaining_years": format_number(remaining_contribution_years(years)),
        "years_holder": holder_title(contribution.holder),
        "years_breakdown": f"（{'年加'.join(periods)}年）" if len(periods) > 1 else "",
    }


def _employment_facts(worked: Any, wage: Any, today: date) -> Dict[str, Any]:
    if not isinstance(worked, dict):
        return {"duration_band": UNKNOWN, "wage_given": False}
    employment = Employment.from_slot(worked)
    position = contract_position(employment, today)
    facts: Dict[str, Any] = {
        "duration_band": position.band,
        "contract_signed": position.signed,
        "near_one_year": position.near_one_year,
        "limitation": position.limitation,
        "worked": describe_duration(position.unsigned, more=employment.wording == "over"),
        "double_pay_time": describe_duration(position.double_pay),
        "wage_given": False,
    }
    if isinstance(wage, (int, float)) and not isinstance(wage, bool):
        facts.update(
            wage_given=True,
            monthly_wage=format_number(wage),
            extra_pay=format_number(position.extra_pay(wage)),
        )
    return facts


def _evidence_facts(evidence: Any) -> Dict[str, Any]:
    if not isinstance(evidence, list):
        return {"evidence_band": UNKNOWN}
    if not evidence:
        return {"evidence_band": "none"}
    return {"evidence_band": "some", "evidence_list": "、".join(evidence)}
