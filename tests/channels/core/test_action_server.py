"""Calls to the action server: one kept-alive session, answers checked as Rasa checks them."""

import asyncio

import pytest
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from channels.core import action_server
from channels.core.action_server import (
    KeptAliveEndpoint,
    keep_action_server_session,
    validate_action_result,
)

RASA_VALIDATION = action_server._RASA_VALIDATION
ANSWERS = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "topic", "value": "card_lost"}], "responses": []},
    {"events": [{"event": "active_loop", "name": None}], "responses": [{"text": "好的"}]},
    {"responses": [{"text": "只有回复"}]},
    {},
]
REFUSED = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [1, 2]},
    {"events": [{"event": "slot", "name": 3}]},
    [],
]


def outcome(validate, answer):
    try:
        return validate(RemoteAction("action_x", None), answer)
    except ValidationError as error:
        return ("refused", error.message, list(error.path), error.validator)


@pytest.mark.parametrize("answer", ANSWERS + REFUSED)
def test_answers_are_accepted_and_refused_as_rasa_does(answer):
    assert outcome(validate_action_result, answer) == outcome(RASA_VALIDATION, answer)


def test_refused_answers_say_why_as_rasa_says_it():
    found = outcome(validate_action_result, REFUSED[0])
    assert found[0] == "refused" and "Failed to validate Action server response" in found[1]


class CountingServer:
    """An action server stand-in that notes the client address (its port) of every request."""

    def __init__(self):
        self.connections = []

    async def webhook(self, request):
        self.connections.append(request.transport.get_extra_info("peername"))
        body = await request.json()
        if body.get("fail"):
            return web.json_response({"action_name": "x", "error": "no"}, status=400)
        return web.json_response({"events": [], "responses": [{"text": body["text"]}]})


async def _calls(endpoint_of):
    counting = CountingServer()
    app = web.Application()
    app.router.add_post("/webhook", counting.webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = endpoint_of(EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
    try:
        answers = [await endpoint.request(json={"text": str(n)}) for n in range(5)]
        with pytest.raises(ClientResponseError) as refused:
            await endpoint.request(json={"fail": True})
        if isinstance(endpoint, KeptAliveEndpoint):
            await endpoint.close()
    finally:
        await runner.cleanup()
    return answers, refused.value.status, counting.connections


def test_one_connection_serves_every_call():
    answers, status, connections = asyncio.run(_calls(KeptAliveEndpoint.of))
    assert [answer["responses"][0]["text"] for answer in answers] == ["0", "1", "2", "3", "4"]
    assert status == 400
    assert len(connections) == 6 and len(set(connections)) == 1


def test_rasas_endpoint_opens_a_connection_per_call():
    _, status, connections = asyncio.run(_calls(lambda endpoint: endpoint))
    assert status == 400 and len(set(connections)) == 6


class Agent:
    def __init__(self, endpoint):
        self.action_endpoint = endpoint
        self.processor = type("Processor", (), {"action_endpoint": endpoint})()


def test_the_agent_and_its_processor_get_the_kept_alive_endpoint_once():
    original = EndpointConfig("http://actions:5055/webhook", enable_selective_domain=True)
    agent = Agent(original)
    keep_action_server_session(agent)
    kept = agent.action_endpoint
    assert isinstance(kept, KeptAliveEndpoint) and agent.processor.action_endpoint is kept
    assert kept.url == original.url and kept.kwargs == {"enable_selective_domain": True}
    assert RemoteAction._validate_action_result is validate_action_result
    keep_action_server_session(agent)
    assert agent.action_endpoint is kept
