"""The project's packages import one way, and each container image copies what its server runs.

knowledge  ←  understanding  ←  actions (the action server)
                             ←  nlp, channels (the Rasa server)  ←  bench, tools
                             ←  console
inference  ←  nlp, policies (the Rasa server's models)
"""

import ast
import re

import pytest

from tests.support import ROOT

PACKAGES = (
    "actions",
    "bench",
    "channels",
    "console",
    "inference",
    "knowledge",
    "nlp",
    "policies",
    "stores",
    "tests",
    "tools",
    "understanding",
)
# What each package may import of the project (besides itself).
ALLOWED = {
    "knowledge": set(),
    "understanding": {"knowledge"},
    "actions": {"knowledge", "understanding"},
    "inference": set(),
    "nlp": {"knowledge", "understanding", "inference"},
    "policies": {"inference"},
    "channels": {"knowledge", "understanding"},
    "stores": set(),
    "console": {"knowledge", "understanding"},
    "tools": {"knowledge", "understanding", "channels"},
    "bench": {"knowledge", "understanding", "channels", "tools"},
    "tests": set(PACKAGES),
}
# Within channels: the core imports no channel; a channel imports no other channel.
CHANNEL_PACKAGES = ("rest", "wechat", "voice", "web")


def modules(package):
    return sorted(
        path for path in (ROOT / package).rglob("*.py") if "__pycache__" not in path.parts
    )


def imported(path):
    """The modules a file imports, absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("package", [p for p in PACKAGES if (ROOT / p).is_dir()])
def test_imports_point_one_way(package):
    wrong = []
    for path in modules(package):
        for name in imported(path):
            top = name.split(".")[0]
            if top in PACKAGES and top != package and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_channels_build_on_the_core_and_not_on_each_other():
    wrong = []
    for path in modules("channels"):
        parts = path.relative_to(ROOT / "channels").parts
        own = parts[0] if len(parts) > 1 else None
        for name in imported(path):
            pieces = name.split(".")
            if pieces[0] != "channels" or len(pieces) < 2 or pieces[1] == own:
                continue
            if own == "core" or (pieces[1] in CHANNEL_PACKAGES and own in CHANNEL_PACKAGES):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def closure(package):
    """The project's packages a package needs, itself included."""
    needed, todo = set(), [package]
    while todo:
        current = todo.pop()
        if current in needed:
            continue
        needed.add(current)
        for path in modules(current):
            todo += [
                name.split(".")[0] for name in imported(path) if name.split(".")[0] in PACKAGES
            ]
    return needed


def copied(dockerfile):
    text = (ROOT / "docker" / dockerfile).read_text(encoding="utf-8")
    return set(re.findall(r"^COPY (\w+)/ ", text, re.M)) & set(PACKAGES)


@pytest.mark.parametrize(
    "dockerfile, servers",
    [
        ("actions.Dockerfile", {"actions"}),
        ("rasa.Dockerfile", {"channels", "nlp", "policies", "stores"}),
    ],
)
def test_each_image_copies_the_packages_its_server_runs_and_no_others(dockerfile, servers):
    needed = set().union(*(closure(package) for package in servers))
    assert copied(dockerfile) == needed
