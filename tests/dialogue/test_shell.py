"""`rasa shell` in a real terminal (a pseudo-terminal), as `make shell` opens it, and Rasa's own
commands as any Rasa user types them in a fresh clone."""

import os
import pty
import re
import select
import subprocess
import time

import pytest

from tools.servers import BIN, MODEL, ROOT, Server, free_port, wait_until_ready

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    def __init__(self, command, env, cwd=ROOT):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, close_fds=True
        )
        os.close(slave)
        self.screen = ""

    def read_until(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, ANSI.sub("", self.screen)):
                return ANSI.sub("", self.screen)
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    self.screen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    break
        raise AssertionError(
            f"{pattern!r} not shown; screen ends with:\n{ANSI.sub('', self.screen)[-2000:]}"
        )

    def type(self, text):
        self.screen = ""
        os.write(self.master, (text + "\r").encode("utf-8"))

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.master)


def terminal_environment():
    return dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        TERM="xterm",
        COLUMNS="120",
        LINES="40",
    )


@pytest.fixture
def shell(action_server, tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "{action_server.url}/webhook"\n', encoding="utf-8"
    )
    env = terminal_environment()
    terminal = Terminal(
        [
            str(BIN / "rasa"),
            "shell",
            "--model",
            str(MODEL),
            "--endpoints",
            str(endpoints),
            "--port",
            str(free_port()),
        ],
        env,
    )
    terminal.read_until(r"Bot loaded", timeout=240)
    yield terminal
    terminal.close()


def test_shell_greets_with_the_menu_and_answers_a_lost_card(shell):
    shell.read_until(r"Your input ->", timeout=60)
    shell.type("你好")
    screen = shell.read_until(r"15\. 劳动仲裁的时效", timeout=60)
    assert "您好" in screen
    shell.read_until(r"Your input ->", timeout=30)
    shell.type("我的社保卡丢了")
    # The question comes first, its reply options (the buttons) right after it.
    screen = shell.read_until(r"卡还有可能找回来吗[\s\S]*找不回来了", timeout=60)
    assert "可能还能找到" in screen


def test_shell_a_number_picks_a_topic_from_the_menu(shell):
    shell.read_until(r"Your input ->", timeout=60)
    shell.type("你好")
    shell.read_until(r"15\. 劳动仲裁的时效", timeout=60)
    shell.read_until(r"Your input ->", timeout=30)
    shell.type("3")
    screen = shell.read_until(r"实体社保卡现在是什么状态[\s\S]*已补办新卡", timeout=60)
    assert "临时挂失" in screen


@pytest.fixture
def fresh_clone(tmp_path):
    """The project's files as a fresh clone has them, plus what `make install` and `make train`
    build (the spaCy pipeline and the model, linked from this tree)."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "checkout-index", "--all", f"--prefix={clone}/"], cwd=ROOT, check=True)
    (clone / "models" / "assistant.tar.gz").symlink_to(MODEL)
    (clone / "models" / "spacy_zh").symlink_to(ROOT / "models" / "spacy_zh")
    return clone


@pytest.mark.server
def test_rasa_s_own_commands_answer_in_a_fresh_clone(fresh_clone):
    """`rasa run actions` and `rasa shell` with the project's files, nothing made first: the
    conversation is kept in the embedded profile's SQLite file under var/."""
    env = terminal_environment()
    log = (fresh_clone / "actions.log").open("wb")
    actions = subprocess.Popen(
        [str(BIN / "rasa"), "run", "actions"],
        cwd=fresh_clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(
        "rasa-run-actions", actions, "http://127.0.0.1:5055", fresh_clone / "actions.log"
    )
    terminal = None
    try:
        wait_until_ready(server, "/health")
        terminal = Terminal(
            [str(BIN / "rasa"), "shell", "--port", str(free_port())], env, fresh_clone
        )
        terminal.read_until(r"Your input ->", timeout=300)
        terminal.type("我的社保卡丢了")
        screen = terminal.read_until(r"卡还有可能找回来吗[\s\S]*找不回来了", timeout=60)
        assert "抱歉" not in screen
        assert (fresh_clone / "var" / "conversations.db").stat().st_size > 0
    finally:
        if terminal is not None:
            terminal.close()
        server.stop()
