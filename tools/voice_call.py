"""A telephone in the terminal: call the assistant's voice line as a caller would (`make call`).

It speaks the voice gateway protocol (docs/voice-gateway.md) to a running server and shows
what the gateway would play and do. Type a sentence to speak, `#1` to press keys, press Enter
alone to stay silent, `!hangup` (or Ctrl-D) to hang up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional, TextIO

WEBHOOK = "/webhooks/voice12333/webhook"
SPOKEN_CONFIDENCE = 0.95
HELP = """输入一句话：对着电话说话（比如：我的社保卡丢了）
#数字：按键（比如 #1，#0 转人工）
~0.3 一句话：说话，但识别置信度只有 0.3（听不清）
直接回车：不说话（无输入）
!repeat：把上一轮原样再发一次（测试重复的 turn_id）
!hangup 或 Ctrl-D：挂机
!help：显示本说明"""


def turn_fields(line: str) -> Optional[Dict[str, Any]]:
    """The request fields for what the caller typed; None for the simulator's own commands."""
    text = line.strip()
    if not text:
        return {"event": "no_input"}
    if text.startswith("#") and len(text) > 1:
        return {"event": "dtmf", "digits": text[1:].replace(" ", "")}
    if text == "!hangup":
        return {"event": "hangup"}
    if text.startswith("!"):
        return None
    if text.startswith("~"):
        level, _, spoken = text[1:].partition(" ")
        try:
            return {"event": "speech", "text": spoken.strip(), "confidence": float(level)}
        except ValueError:
            pass
    return {"event": "speech", "text": text, "confidence": SPOKEN_CONFIDENCE}


def describe(body: Dict[str, Any]) -> List[str]:
    """What the caller hears and what the gateway does, as lines for the terminal."""
    lines = [f"助手：{prompt.get('text', '')}" for prompt in body.get("prompts", [])]
    action = body.get("action")
    if action == "listen":
        listen = body.get("listen", {})
        lines.append(
            f"  [等待：说话或按键（最多 {listen.get('max_digits')} 位），"
            f"{listen.get('no_input_timeout_ms', 0) / 1000:g} 秒无输入算沉默]"
        )
    elif action == "transfer":
        transfer = body.get("transfer", {})
        lines.append(f"  [转接 {transfer.get('target')}，原因：{transfer.get('reason')}]")
        context = json.dumps(transfer.get("context", {}), ensure_ascii=False, indent=2)
        lines += [f"  {line}" for line in context.splitlines()]
    elif action == "hangup":
        lines.append("  [挂机]")
    return lines


class Line:
    """The call: numbers turns and posts them to the server."""

    def __init__(self, url: str, token: str, caller: Dict[str, str]) -> None:
        self.url = url.rstrip("/") + WEBHOOK
        self.token = token
        self.caller = caller
        self.call_id = f"sim-{uuid.uuid4().hex[:12]}"
        self.turns = 0
        self.last: Optional[Dict[str, Any]] = None

    def send(self, fields: Dict[str, Any], repeat: bool = False) -> Dict[str, Any]:
        if not repeat:
            self.turns += 1
            self.last = {
                "version": "1",
                "call_id": self.call_id,
                "turn_id": f"t{self.turns}",
                "caller": self.caller,
                **fields,
            }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(self.last, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read().decode("utf-8"))


def _post(line: Line, fields: Dict[str, Any], out: TextIO, repeat: bool = False) -> Optional[str]:
    """Sends one turn and prints the answer; returns the action, or None after an error."""
    started = time.monotonic()
    try:
        body = line.send(fields, repeat)
    except urllib.error.HTTPError as error:
        reason = error.read().decode("utf-8", "replace")
        print(f"  [服务器答复 {error.code}：{reason}]", file=out)
        if error.code == 503 and "token" in reason:
            print(
                "  [服务器没有配置网关令牌：请用 make run 启动，或设置 VOICE_GATEWAY_TOKEN]",
                file=out,
            )
        return None
    except (urllib.error.URLError, OSError) as error:
        print(f"  [连不上 {line.url}：{error}。请先在另一个终端运行 make run]", file=out)
        return "hangup"
    for text in describe(body):
        print(text, file=out)
    print(f"  （{time.monotonic() - started:.2f} 秒）", file=out)
    return body.get("action")


def run(
    url: str,
    token: str,
    caller: Dict[str, str],
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> int:
    line = Line(url, token, caller)
    print(f"拨通 {line.url}（通话 {line.call_id}）。输入 !help 查看用法。", file=out)
    action = _post(line, {"event": "start"}, out)
    while action not in ("transfer", "hangup"):
        print("您> ", end="", file=out, flush=True)
        typed = stdin.readline()
        if not typed:
            print(file=out)
            _post(line, {"event": "hangup"}, out)
            break
        fields = turn_fields(typed)
        if fields is None:
            if typed.strip() == "!repeat" and line.last:
                action = _post(line, {}, out, repeat=True)
            else:
                print(HELP, file=out)
            continue
        action = _post(line, fields, out)
        if fields["event"] == "hangup":
            break
    print("通话结束。", file=out)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Call the assistant's voice line from the terminal."
    )
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    parser.add_argument(
        "--token",
        default=os.environ.get("VOICE_GATEWAY_TOKEN", ""),
        help="the gateway token (default: $VOICE_GATEWAY_TOKEN)",
    )
    parser.add_argument("--caller", default="13800000000", help="the caller's number")
    parser.add_argument("--area-code", default="010", help="the caller's area code")
    options = parser.parse_args(argv)
    if not options.token:
        parser.error("no token: pass --token or set VOICE_GATEWAY_TOKEN")
    return run(
        options.url, options.token, {"number": options.caller, "area_code": options.area_code}
    )


if __name__ == "__main__":
    sys.exit(main())
