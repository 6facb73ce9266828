"""HTML pages from the Jinja2 templates in console/templates/, with autoescaping on: every text
from a conversation is shown as text. Charts come from console/charts.py as markup."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from console import charts
from console.turns import OUTCOMES

TEMPLATES = Path(__file__).resolve().parent / "templates"
OUTCOME_NAMES = {
    "stopped": "consultation stopped",
    "not_understood": "question asked again",
    "out_of_scope": "out of scope",
    "fallback": "fallback",
    "low_confidence": "low confidence",
}
SHARE_NAMES = {
    "fallback": "fallback",
    "out_of_scope": "out of scope",
    "low_confidence": "confidence < 0.5",
}


def conversation_url(sender_id: str) -> str:
    return "/conversations/" + quote(sender_id, safe="")


def _environment(timezone: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    zone = ZoneInfo(timezone)

    def local(timestamp: Optional[float], pattern: str = "%Y-%m-%d %H:%M") -> str:
        return datetime.fromtimestamp(timestamp, zone).strftime(pattern) if timestamp else ""

    environment.filters["local"] = local
    environment.filters["percent"] = lambda value: f"{float(value or 0):.1%}"
    environment.filters["conversation_url"] = conversation_url
    environment.filters["outcome_name"] = lambda outcome: OUTCOME_NAMES.get(outcome, outcome)
    environment.globals["query"] = lambda **params: urlencode(
        {k: v for k, v in params.items() if v not in (None, "")}
    )
    return environment


class Pages:
    def __init__(self, timezone: str) -> None:
        self.environment = _environment(timezone)
        self.timezone = timezone

    def render(self, template: str, **context: Any) -> str:
        return self.environment.get_template(template).render(outcomes=OUTCOMES, **context)

    def overview(self, figures: Dict[str, Any], **context: Any) -> str:
        return self.render(
            "overview.html", figures=figures, charts=overview_charts(figures), **context
        )


def overview_charts(figures: Dict[str, Any]) -> Dict[str, Markup]:
    """The overview's charts, from its figures."""
    days = figures["per_day"]
    labels = [day["date"][5:] for day in days]
    channels = [item["channel"] for item in figures["per_channel"]]
    turns = figures["user_turns"]
    consultations = figures["consultations"]
    shares = [
        (SHARE_NAMES[name], item["share"], item["turns"])
        for name, item in figures["shares"].items()
    ]
    shares += [
        ("asked for a person", figures["human"]["share"], figures["human"]["requests"]),
        ("failed (no answer)", figures["failures"]["share"], figures["failures"]["turns"]),
        (
            "unanswered (all outcomes)",
            figures["unanswered"]["share"],
            figures["unanswered"]["turns"],
        ),
    ]
    made: Dict[str, str] = {
        "conversations": charts.column_chart(
            "conversations",
            "Conversations per day",
            labels,
            [("conversations", [day["conversations"] for day in days])],
        ),
        "turns": charts.column_chart(
            "turns",
            "User turns per day and channel",
            labels,
            [(channel, [day["channels"].get(channel, 0) for day in days]) for channel in channels],
        ),
        "topics": charts.bar_chart(
            "topics",
            "Consultations by topic",
            [(item["title"], item["count"]) for item in figures["topics"]],
            share_of=consultations["started"] or None,
        ),
        "consultations": charts.bar_chart(
            "consultations",
            "Consultations",
            [
                ("started", consultations["started"]),
                ("answered", consultations["answered"]),
                ("switched to another topic", consultations["switched"]),
                ("abandoned", consultations["abandoned"]),
                ("of which stopped by the citizen", consultations["stopped"]),
            ],
            share_of=consultations["started"] or None,
        ),
        "gave_up": charts.bar_chart(
            "gave-up",
            "Question open when an abandoned consultation stopped",
            [(item["text"], item["count"]) for item in consultations["gave_up_at"]],
            share_of=consultations["abandoned"] or None,
            label_width=320,
            empty="no consultation was abandoned",
        ),
        "shares": charts.share_chart("shares", "Share of user turns", shares),
        "outcomes": charts.bar_chart(
            "outcomes",
            "Unanswered user turns by outcome",
            [
                (OUTCOME_NAMES[name], count)
                for name, count in figures["unanswered"]["by_outcome"].items()
            ],
            share_of=turns or None,
            empty="every user turn was answered",
        ),
        "transfers": charts.bar_chart(
            "transfers",
            "Telephone transfers by reason",
            [(item["reason"], item["count"]) for item in figures["human"]["transfer_reasons"]],
            share_of=figures["human"]["transfers"] or None,
            empty="no call was transferred",
        ),
    }
    return {name: Markup(svg) for name, svg in made.items()}


def group_rows(groups: List[Dict[str, Any]], outcome: str = "") -> List[Dict[str, Any]]:
    return [group for group in groups if not outcome or group["outcome"] == outcome]
