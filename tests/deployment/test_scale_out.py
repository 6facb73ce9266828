"""Two Rasa servers with the production profile (endpoints.production.yml) share PostgreSQL and
Redis, with one action server: a conversation moves between them, concurrent messages of one
citizen are serialised, a killed server resumes the form, personal data is stored masked."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.services import stored_user_texts
from tests.support import FINDABLE, TEMPORARY_LOSS
from tests.support import rest_texts as say
from tools.servers import ROOT, free_port, start_rasa_server


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, action_server, postgres, redis_lock_store):
    log_dir = tmp_path_factory.mktemp("scale-out")
    env = {
        **postgres.environment(),
        **redis_lock_store.environment(),
        "ACTION_SERVER_URL": f"{action_server.url}/webhook",
    }
    servers = {}

    def start(name, port=None):
        servers[name] = start_rasa_server(
            log_dir,
            action_server.url,
            endpoints=ROOT / "endpoints.production.yml",
            env=env,
            name=name,
            port=port or free_port(),
            debug=True,
        )
        return servers[name]

    start("rasa-a")
    start("rasa-b")
    yield servers, start
    for server in servers.values():
        server.stop()


def test_one_conversation_alternates_between_the_two_servers(cluster):
    servers, _ = cluster
    a, b = servers["rasa-a"], servers["rasa-b"]
    sender = uuid.uuid4().hex
    assert say(a, sender, "我的社保卡丢了") == [FINDABLE]
    assert say(b, sender, "找不回来了") == [TEMPORARY_LOSS]
    answer, follow_up = say(a, sender, "还没挂失")
    assert "尽快办理临时挂失" in answer and follow_up.startswith("还有其他问题吗")
    assert any("再见" in text for text in say(b, sender, "没有了"))


def test_concurrent_messages_of_one_citizen_are_serialised(cluster, postgres):
    servers, _ = cluster
    a, b = servers["rasa-a"], servers["rasa-b"]
    sender = uuid.uuid4().hex
    texts = [f"谢谢{i}" for i in range(12)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        replies = list(
            pool.map(
                lambda pair: say(pair[0], sender, pair[1]),
                [((a, b)[i % 2], text) for i, text in enumerate(texts)],
            )
        )
    assert all(replies)
    stored = stored_user_texts(postgres, sender)
    assert sorted(stored) == sorted(texts)  # none lost, none twice
    tracker = requests.get(f"{b.url}/conversations/{sender}/tracker", timeout=30).json()
    assert sorted(e["text"] for e in tracker["events"] if e["event"] == "user") == sorted(texts)
    # Each turn is complete before the next begins: every user message is followed by the
    # bot's answer and action_listen before the next user message.
    kinds = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
    assert kinds.count("bot") >= len(texts)
    assert all(kinds[i + 1] == "bot" for i, kind in enumerate(kinds) if kind == "user")


def test_a_killed_server_resumes_the_form_where_it_was(cluster):
    servers, start = cluster
    a = servers["rasa-a"]
    sender = uuid.uuid4().hex
    assert say(a, sender, "我的社保卡丢了") == [FINDABLE]
    assert say(a, sender, "找不回来了") == [TEMPORARY_LOSS]
    port = int(a.url.rsplit(":", 1)[1])
    a.kill()
    restarted = start("rasa-a-restarted", port=port)
    answer = say(restarted, sender, "还没挂失")[0]
    assert "尽快办理临时挂失" in answer


def test_personal_data_is_stored_and_logged_masked(cluster, postgres):
    servers, _ = cluster
    b = servers["rasa-b"]  # never restarted: its log covers the whole run
    sender = uuid.uuid4().hex
    texts = say(b, sender, "我的社保卡丢了，身份证110101199003071234，手机13812345678")
    assert texts == [FINDABLE]
    [stored] = stored_user_texts(postgres, sender)
    assert stored == "我的社保卡丢了，身份证1101**********1234，手机138****5678"
    with postgres.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = %s", (sender,))
        rows = "\n".join(row[0] for row in cursor.fetchall())
    log = b.log.read_text(encoding="utf-8", errors="replace")
    assert "1101**********1234" in rows and "1101**********1234" in log
    for raw in ("110101199003071234", "13812345678"):
        assert raw not in rows and raw not in log
