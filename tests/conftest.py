import pytest

from tests.servers import start_action_server, start_rasa_server


@pytest.fixture(scope="session")
def action_server(tmp_path_factory):
    server = start_action_server(tmp_path_factory.mktemp("action-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa_server(tmp_path_factory, action_server):
    server = start_rasa_server(tmp_path_factory.mktemp("rasa-server"), action_server.url)
    yield server
    server.stop()
