"""The console's web application (Sanic): pages, JSON and CSV routes, the review forms.

Every route but the login page, /healthz and the style sheet needs a login (console/auth.py).
Database work runs in a thread, so that a slow query never blocks other requests. A malformed
request is answered 4xx with the reason; a database that cannot be reached, 503.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.handlers import ErrorHandler
from sanic.request import Request

from console import auth
from console.figures import DateRange, RangeError, date_range
from console.labels import Labels
from console.model_check import CHECKED, check_texts
from console.pages import TEMPLATES, Pages
from console.reports import overview_report, unanswered_report
from console.settings import Settings
from console.store import CONVERSATION_LIMIT, Store
from console.tables import overview_csv, unanswered_csv
from console.transcript import transcript
from console.turns import OUTCOMES

logger = logging.getLogger(__name__)

STYLE_SHEET = (TEMPLATES.parent / "static" / "console.css").read_bytes()
MAX_GROUPS_SHOWN = 500
LOGIN_FAILURE_DELAY = 0.5
GROUP_KEY = re.compile(r"[0-9a-f]{16}")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Problem(Exception):
    """A request the console answers with `status` and `reason` (4xx, or 503)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def create_app(settings: Settings, store: Store, labels: Labels, name: str = "console") -> Sanic:
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = 64 * 1024
    app.config.MOTD = False
    pages = Pages(settings.timezone)
    zone = ZoneInfo(settings.timezone)
    token = settings.token

    def today():
        return datetime.now(zone).date()

    async def in_thread(function: Callable, *args: Any) -> Any:
        try:
            return await asyncio.get_running_loop().run_in_executor(
                None, functools.partial(function, *args)
            )
        except store.errors as error:
            logger.error("tracker store unavailable: %s", type(error).__name__)
            raise Problem(
                503, f"the tracker store cannot be read ({type(error).__name__})"
            ) from None

    def period_of(request: Request, values: Any = None) -> DateRange:
        values = request.args if values is None else values
        try:
            return date_range(values.get("from"), values.get("to"), today(), settings.timezone)
        except RangeError as error:
            raise Problem(400, str(error)) from None

    def outcome_of(request: Request) -> str:
        outcome = request.args.get("outcome") or ""
        if outcome and outcome not in OUTCOMES:
            raise Problem(400, f"'outcome' must be one of {', '.join(OUTCOMES)}")
        return outcome

    def session_of(request: Request) -> Optional[auth.Session]:
        return auth.read_session(request.cookies.get(auth.COOKIE), token)

    def set_session(reply: response.HTTPResponse, session: auth.Session) -> None:
        reply.cookies[auth.COOKIE] = auth.sign(session, token)
        cookie = reply.cookies[auth.COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/"
        cookie["max-age"] = auth.SESSION_SECONDS
        if settings.secure_cookie:
            cookie["secure"] = True

    def context(request: Request, page: str = "", **extra: Any) -> Dict[str, Any]:
        session = request.ctx.session
        return {
            "logged_in": True,
            "page": page,
            "csrf": session.csrf if session and session.authenticated else None,
            **extra,
        }

    def login_page(request: Request, status: int = 401, error: str = "") -> response.HTTPResponse:
        session = session_of(request)
        if session is None or session.authenticated:
            session = auth.new_session(False)
        target = request.path + (f"?{request.query_string}" if request.query_string else "")
        if request.path in ("/login", "/logout"):
            target = (
                request.form.get("next", "/")
                if request.method == "POST"
                else request.args.get("next", "/")
            )
        body = pages.render(
            "login.html",
            logged_in=False,
            login_csrf=session.csrf,
            next=auth.safe_next(target),
            error=error,
        )
        reply = response.html(body, status=status)
        set_session(reply, session)
        return reply

    def problem_reply(request: Request, status: int, reason: str) -> response.HTTPResponse:
        if auth.is_api(request.path) or "json" in request.headers.get("accept", "").split(",")[0]:
            return response.json({"error": reason}, status=status)
        headings = {
            400: "Bad request",
            401: "Not logged in",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
            409: "Conflict",
            413: "Too large",
            503: "Unavailable",
        }
        session = getattr(request.ctx, "session", None)
        return response.html(
            pages.render(
                "error.html",
                status=status,
                reason=reason,
                logged_in=bool(session and session.authenticated),
                heading=headings.get(status, "Error"),
            ),
            status=status,
        )

    def refused(request: Request) -> Optional[response.HTTPResponse]:
        """The answer to a request that may not go on, or None when it may."""
        request.ctx.session = session_of(request)
        csrf = request.form.get("csrf") if request.method == "POST" else None
        decision = auth.decide(
            request.method,
            request.path,
            request.headers.get("authorization"),
            request.ctx.session,
            csrf,
            token,
        )
        if decision == auth.ALLOW:
            return None
        if decision == auth.UNAUTHORISED_JSON:
            return response.json(
                {"error": "not logged in: send 'Authorization: Bearer <token>'"}, status=401
            )
        if decision == auth.BAD_CSRF:
            return problem_reply(
                request,
                403,
                "the form's CSRF token is missing or wrong: " "reload the page and try again",
            )
        return login_page(request)

    class Errors(ErrorHandler):
        def default(self, request: Request, exception: Exception) -> response.HTTPResponse:
            status = (
                getattr(exception, "status_code", 500)
                if isinstance(exception, SanicException)
                else 500
            )
            if request is None:
                return response.json({"error": str(exception) or "bad request"}, status=status)
            if status >= 500:
                logger.exception("console request failed", exc_info=exception)
                return problem_reply(request, 500, "the console failed on this request")
            if status in (404, 405):
                try:
                    early = refused(request)
                except Exception:  # a request too broken to read: say what Sanic said
                    early = None
                if early is not None:
                    return early
            return problem_reply(request, status, str(exception) or "bad request")

    app.error_handler = Errors()

    @app.exception(Problem)
    async def on_problem(request: Request, problem: Problem) -> response.HTTPResponse:
        return problem_reply(request, problem.status, problem.reason)

    @app.middleware("request")
    async def check_login(request: Request) -> Optional[response.HTTPResponse]:
        request.ctx.session = None
        if request.path in auth.PUBLIC_PATHS:
            return None
        if _declared_length(request) > len(request.body or b""):
            # Sanic runs this middleware for a request whose body it refused (too large).
            return problem_reply(
                request,
                413,
                "the request body is larger than " f"{app.config.REQUEST_MAX_SIZE} bytes",
            )
        return refused(request)

    @app.middleware("response")
    async def secure_headers(request: Request, reply: response.HTTPResponse) -> None:
        for header, value in SECURITY_HEADERS.items():
            reply.headers.setdefault(header, value)

    @app.get("/healthz")
    async def healthz(request: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/static/console.css")
    async def style_sheet(request: Request) -> response.HTTPResponse:
        return response.raw(
            STYLE_SHEET,
            content_type="text/css; charset=utf-8",
            headers={"Cache-Control": "max-age=3600"},
        )

    @app.get("/login")
    async def login_form(request: Request) -> response.HTTPResponse:
        session = session_of(request)
        if session is not None and session.authenticated:
            return response.redirect(auth.safe_next(request.args.get("next")), status=303)
        return login_page(request, status=200)

    @app.post("/login")
    async def login(request: Request) -> response.HTTPResponse:
        if not auth.login_allowed(session_of(request), request.form.get("csrf")):
            return login_page(request, 403, "The login form had expired. Please log in again.")
        if not auth.token_matches(request.form.get("token"), token):
            await asyncio.sleep(LOGIN_FAILURE_DELAY)
            return login_page(request, 401, "Wrong token.")
        reply = response.redirect(auth.safe_next(request.form.get("next")), status=303)
        set_session(reply, auth.new_session(True))
        return reply

    @app.post("/logout")
    async def logout(request: Request) -> response.HTTPResponse:
        reply = response.redirect("/login", status=303)
        set_session(reply, auth.new_session(False))
        return reply

    # The overview.

    async def figures_of(request: Request) -> Dict[str, Any]:
        return await in_thread(overview_report, store, period_of(request), labels)

    @app.get("/")
    async def overview_page(request: Request) -> response.HTTPResponse:
        figures = await figures_of(request)
        return response.html(
            pages.overview(figures, **context(request, "overview", period=figures["range"]))
        )

    @app.get("/api/overview")
    async def overview_json(request: Request) -> response.HTTPResponse:
        return response.json(await figures_of(request), dumps=json_dumps)

    @app.get("/api/overview.csv")
    async def overview_table(request: Request) -> response.HTTPResponse:
        figures = await figures_of(request)
        return csv_reply(
            overview_csv(figures),
            f"overview-{figures['range']['from']}" f"-{figures['range']['to']}.csv",
        )

    # Unanswered questions.

    async def groups_of(
        request: Request, values: Any = None
    ) -> Tuple[DateRange, List[Dict[str, Any]]]:
        period = period_of(request, values)
        return period, await in_thread(unanswered_report, store, period)

    @app.get("/unanswered")
    async def unanswered_page(request: Request) -> response.HTTPResponse:
        outcome = outcome_of(request)
        period, groups = await groups_of(request)
        counts = {
            name: sum(g["count"] for g in groups if g["outcome"] == name) for name in OUTCOMES
        }
        chosen = [group for group in groups if not outcome or group["outcome"] == outcome]
        chosen.sort(key=lambda group: group["review"] is not None)  # unmarked first
        return response.html(
            pages.render(
                "unanswered.html",
                **context(request, "unanswered", period=period.as_dict()),
                groups=chosen,
                shown=chosen[:MAX_GROUPS_SHOWN],
                outcome=outcome,
                counts=counts,
                total=sum(group["count"] for group in chosen),
            )
        )

    @app.get("/api/unanswered")
    async def unanswered_json(request: Request) -> response.HTTPResponse:
        outcome = outcome_of(request)
        period, groups = await groups_of(request)
        chosen = [group for group in groups if not outcome or group["outcome"] == outcome]
        return response.json(
            {
                "range": period.as_dict(),
                "outcome": outcome or None,
                "messages": sum(group["count"] for group in chosen),
                "groups": chosen,
            },
            dumps=json_dumps,
        )

    @app.get("/api/unanswered.csv")
    async def unanswered_table(request: Request) -> response.HTTPResponse:
        outcome = outcome_of(request)
        period, groups = await groups_of(request)
        chosen = [group for group in groups if not outcome or group["outcome"] == outcome]
        return csv_reply(
            unanswered_csv(chosen, settings.timezone),
            f"unanswered-{period.first}-{period.last}.csv",
        )

    async def group_of(
        request: Request, key: str, values: Any = None
    ) -> Tuple[DateRange, Dict[str, Any]]:
        if not GROUP_KEY.fullmatch(key or ""):
            raise Problem(404, "no such group: a group key is 16 hexadecimal digits")
        period, groups = await groups_of(request, values)
        for group in groups:
            if group["key"] == key:
                return period, group
        raise Problem(404, "no such group in this date range (the range may have changed)")

    @app.get("/unanswered/<key>")
    async def group_page(request: Request, key: str) -> response.HTTPResponse:
        period, group = await group_of(request, key)
        notice = (
            f"Marked as {group['review']['intent']}."
            if request.args.get("marked") and group["review"]
            else ""
        )
        return response.html(
            pages.render(
                "group.html",
                **context(request, "unanswered", period=period.as_dict()),
                group=group,
                intents=labels.intents,
                topics=labels.topics,
                questions=labels.questions,
                notice=notice,
            )
        )

    @app.post("/reviews")
    async def mark(request: Request) -> response.HTTPResponse:
        form = request.form
        intent = (form.get("intent") or "").strip()
        if intent not in labels.intents:
            raise Problem(400, "'intent' must be one of the domain's intents")
        if form.get("verdict") == "out_of_scope":
            intent = "out_of_scope"
        period, group = await group_of(request, form.get("key") or "", form)
        await in_thread(
            store.mark,
            group["normalised"],
            group["outcome"],
            intent,
            group["variants"],
            group["count"],
            group["newest"],
            group["newest_sender"],
        )
        target = f"/unanswered/{group['key']}?from={period.first}&to={period.last}&marked=1"
        return response.redirect(target, status=303)

    @app.post("/reviews/<review_id:int>/delete")
    async def unmark(request: Request, review_id: int) -> response.HTTPResponse:
        if not await in_thread(store.unmark, review_id):
            raise Problem(404, "no such review mark")
        return response.redirect("/reviewed", status=303)

    async def reviews_checked() -> Tuple[List[Dict[str, Any]], Any]:
        reviews = await in_thread(store.reviews)
        texts = [example["text"] for review in reviews for example in review["examples"]]
        check = await check_texts(settings.rasa_url, settings.rasa_token, texts)
        for review in reviews:
            review["model"] = None
            if check.status == CHECKED:
                got = [
                    (example["text"], check.intent_of(example["text"]))
                    for example in review["examples"]
                    if check.intent_of(example["text"]) is not None
                ]
                review["model"] = {
                    "total": len(got),
                    "right": sum(intent == review["intent"] for _, intent in got),
                    "wrong": [(t, i) for t, i in got if i != review["intent"]],
                }
        return reviews, check

    @app.get("/reviewed")
    async def reviewed_page(request: Request) -> response.HTTPResponse:
        reviews, check = await reviews_checked()
        return response.html(
            pages.render(
                "reviewed.html", **context(request, "reviewed"), reviews=reviews, check=check
            )
        )

    @app.get("/api/reviews")
    async def reviews_json(request: Request) -> response.HTTPResponse:
        reviews, check = await reviews_checked()
        return response.json(
            {"model_check": {"status": check.status, "message": check.message}, "reviews": reviews},
            dumps=json_dumps,
        )

    # One conversation.

    async def exchanges_of(sender_id: str) -> Tuple[list, bool]:
        if not sender_id or len(sender_id) > 255:
            raise Problem(404, "no such conversation")
        events = await in_thread(store.conversation, sender_id)
        return transcript(events), len(events) >= CONVERSATION_LIMIT

    @app.get("/conversations/<sender_id:path>", unquote=True)
    async def conversation_page(request: Request, sender_id: str) -> response.HTTPResponse:
        exchanges, truncated = await exchanges_of(sender_id)
        return response.html(
            pages.render(
                "conversation.html",
                **context(request),
                sender_id=sender_id,
                exchanges=exchanges,
                truncated=truncated,
                limit=CONVERSATION_LIMIT,
            )
        )

    @app.get("/api/conversations/<sender_id:path>", unquote=True)
    async def conversation_json(request: Request, sender_id: str) -> response.HTTPResponse:
        exchanges, truncated = await exchanges_of(sender_id)
        return response.json(
            {
                "sender_id": sender_id,
                "truncated": truncated,
                "exchanges": [exchange_dict(e) for e in exchanges],
            },
            dumps=json_dumps,
        )

    return app


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        return 0


def exchange_dict(exchange: Any) -> Dict[str, Any]:
    return {
        "timestamp": exchange.timestamp,
        "text": exchange.text,
        "channel": exchange.channel,
        "intent": exchange.intent,
        "confidence": exchange.confidence,
        "keyed": exchange.keyed,
        "steps": [
            {"kind": s.kind, "text": s.text, "detail": s.detail, "name": s.name}
            for s in exchange.steps
        ],
    }


def csv_reply(body: bytes, filename: str) -> response.HTTPResponse:
    return response.raw(
        body,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
