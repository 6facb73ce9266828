"""The REST channel (/webhooks/rest/webhook), with malformed requests answered 4xx.

Rasa's own RestInput answers a body that is valid JSON but not the expected object with a
500; this channel checks every request first and says what is wrong with it. Personal data is
masked before the message reaches Rasa, every turn gets an answer (channels/core/turns.py), and
each message carries its structure beside its text (what kind of message, the answer's lines and
sources, the options).
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from channels.core.channel import AssistantChannel, Handler, health, rejected
from channels.core.masking import mask_text, mask_value, pseudonymous_sender
from channels.core.output import StructuredOutput
from channels.core.requests import MAX_ID_CHARS, RequestRejected, cut_input, read_json_object
from channels.core.turns import APOLOGY, INPUT_CUT, StoreUnavailable


def read_request(body: bytes) -> Dict[str, Any]:
    """The request's JSON object; RequestRejected says what is wrong with it."""
    payload = read_json_object(body)
    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise RequestRejected(400, "'sender' must be a non-empty string")
    if len(sender) > MAX_ID_CHARS:
        raise RequestRejected(400, f"'sender' is longer than {MAX_ID_CHARS} characters")
    message = payload.get("message")
    if not isinstance(message, str):
        raise RequestRejected(400, "'message' must be a string")
    if not message.strip():
        raise RequestRejected(400, "'message' is empty")
    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise RequestRejected(400, "'metadata' must be a JSON object")
    return payload


class RestOutput(StructuredOutput):
    """Named as Rasa's own REST channel names its output, for the responses' channel variants."""

    @classmethod
    def name(cls) -> str:
        return "collector"


class CheckedRestInput(AssistantChannel):
    """Rasa's REST protocol, answering malformed requests with 400/413 and a reason.

    Personal data in the message and metadata is masked before Rasa sees it; a turn that fails
    is answered with an apology naming 12333; when the conversation store cannot be reached the
    answer is 503 with the reason (channels/core/turns.py).
    """

    title = "REST"

    def __init__(self) -> None:
        super().__init__()
        self.turns = self.turn_runner()

    @classmethod
    def name(cls) -> str:
        return "rest"

    def add_routes(self, blueprint: Blueprint, on_new_message: Handler) -> None:
        blueprint.add_route(health, "/", methods=["GET"])

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            refused = self.unavailable()
            if refused:
                return refused
            try:
                payload = read_request(request.body or b"")
            except RequestRejected as problem:
                return rejected(problem)
            text, cut = cut_input(mask_text(payload["message"]))
            message = UserMessage(
                text=text,
                output_channel=RestOutput(),
                sender_id=pseudonymous_sender(payload["sender"]),
                input_channel=self.name(),
                metadata=mask_value(payload.get("metadata")),
            )
            try:
                outcome = await self.turns.run(request.app, on_new_message, message)
            except StoreUnavailable as unavailable:
                return response.json({"error": str(unavailable), "text": APOLOGY}, status=503)
            messages = outcome.messages
            if cut:
                note = {
                    "recipient_id": message.sender_id,
                    "text": INPUT_CUT.format(limit=len(text)),
                }
                messages = [note] + messages
            return response.json(messages)
