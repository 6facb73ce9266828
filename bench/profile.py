"""A sampling profile of a running server (py-spy) and its summary: where the CPU goes.

`record` samples a process for some seconds; `summarise` reads py-spy's collapsed stacks
("frame;frame;frame count", each frame "function (file:line)") and lists the functions that
were running (self) and those on the stack (inclusive), as shares of all samples. Pure, apart
from `record`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

SPY = Path(sys.executable).parent / "py-spy"
RATE = 200  # samples per second
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
# Where a file's path becomes the project's or a library's own (no machine paths in reports).
PATH_ROOTS = ("site-packages/", "lib/python3.10/", "lib/python3.9/", "lib/python3.8/")
# Frames that only pass the work on (the event loop, the server, Rasa's graph runner): left out
# of the inclusive list.
PLUMBING = ("asyncio/", "sanic/", "dask/", "rasa/engine/", "channels/", "threading.py")


def record(pid: int, seconds: float, out: Path) -> bool:
    """Samples the process for `seconds` into `out` (collapsed stacks); False if py-spy
    could not (not installed, or not allowed to read the process)."""
    if not SPY.exists():
        return False
    done = subprocess.run(
        [str(SPY), "record", "--pid", str(pid), "--rate", str(RATE), "--duration"]
        + [str(int(seconds)), "--format", "raw", "--output", str(out), "--nonblocking"],
        capture_output=True,
        text=True,
    )
    return done.returncode == 0 and out.exists()


def frame_name(frame: str, project_root: str = "") -> str:
    """`module/file.py:function` of a py-spy frame, without the machine's folders."""
    match = FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    path = match.group("file")
    for root in PATH_ROOTS:
        if root in path:
            path = path.split(root, 1)[1]
            break
    else:
        if project_root and path.startswith(project_root):
            path = path[len(project_root) :].lstrip("/")
    return f"{path}:{match.group('function')}"


def parse(lines: Iterable[str], project_root: str = "") -> List[Tuple[List[str], int]]:
    stacks = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        stacks.append(([frame_name(f, project_root) for f in stack.split(";")], int(count)))
    return stacks


def summarise(
    lines: Iterable[str], project_root: str = "", top: int = 12, root_share: float = 0.9
) -> Dict[str, object]:
    """The `top` functions by self and by inclusive share of the samples; functions on the
    stack of more than `root_share` of the samples, and the plumbing, are left out of the
    inclusive list."""
    stacks = parse(lines, project_root)
    total = sum(count for _, count in stacks)
    if not total:
        return {"samples": 0, "self": [], "inclusive": []}
    own: Counter = Counter()
    inclusive: Counter = Counter()
    for frames, count in stacks:
        own[frames[-1]] += count
        for name in set(frames):
            inclusive[name] += count
    return {
        "samples": total,
        "self": _shares(own, total)[:top],
        "inclusive": [
            (name, share)
            for name, share in _shares(inclusive, total)
            if share <= root_share and not name.startswith(PLUMBING)
        ][:top],
    }


def _shares(counter: Counter, total: int) -> List[Tuple[str, float]]:
    return [(name, count / total) for name, count in counter.most_common()]
