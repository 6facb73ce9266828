"""The console in a real browser (Debian's Chromium, tests/browser.py): log in, read the
overview, open an unanswered group, mark it, export, and find the example in the training file.
The screenshots of docs/console/ are taken here."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
import yaml

from tests.console.conftest import (
    ROOT,
    TOKEN,
    console_environment,
    copy_of_sqlite,
    start_console,
)

pytestmark = pytest.mark.server
SCREENSHOTS = ROOT / "docs" / "console"


def test_a_reviewer_marks_a_missed_question_and_exports_it(
    sqlite_assistant, browser_page, tmp_path
):
    said = sqlite_assistant.conversations
    endpoints = copy_of_sqlite(sqlite_assistant, tmp_path)  # the marks stay in this copy
    console = start_console(
        endpoints,
        tmp_path,
        name="browser-console",
        env=console_environment(rasa_url=sqlite_assistant.server.url),
    )
    page = browser_page
    try:
        first = page.goto(console.url + "/")
        assert first.status == 401 and page.locator("input[name=token]").is_visible()
        # Chromium logs the 401 of the login page as a failed resource: expected, not an error.
        assert all("401" in error for error in page.errors)
        page.errors.clear()
        page.fill("input[name=token]", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_selector("#conversations")
        assert page.inner_text("#conversations") == str(len(said.said) + 1)
        assert page.locator("svg.chart").count() >= 6
        page.screenshot_to(SCREENSHOTS / "overview.png")

        page.click("nav >> text=Unanswered")
        page.wait_for_selector("table.groups")
        assert page.locator("table.groups a.group-link").count() >= 4
        page.screenshot_to(SCREENSHOTS / "unanswered.png")
        with page.expect_download() as download:
            page.click("text=Download (CSV)")
        rows = list(csv.reader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
        assert any(row[3] == said.fallback_text for row in rows)

        page.click(f"table.groups a.group-link:text-is('{said.fallback_text}')")
        page.wait_for_selector("form.review select[name=intent]")
        assert page.inner_text("h1.group-text") == said.fallback_text
        page.select_option("select[name=intent]", "help")
        page.click("button[value=intent]")
        page.wait_for_selector("p.notice")
        assert page.inner_text("p.notice") == "Marked as help."

        page.click("nav >> text=Reviewed")
        page.wait_for_selector("span.mark")
        assert page.inner_text("span.mark") == "help"
        assert "checked with the model" in page.inner_text("p.model-check")
        assert page.errors == []
    finally:
        console.stop()

    training, regression = tmp_path / "data" / "reviewed.yml", tmp_path / "tests" / "reviewed.yml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "console.export",
            "--endpoints",
            str(endpoints),
            "--nlu-out",
            str(training),
            "--test-out",
            str(regression),
        ],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    blocks = yaml.safe_load(training.read_text(encoding="utf-8"))["nlu"]
    assert {"intent": "help", "examples": f"- {said.fallback_text}\n"} in blocks
    assert yaml.safe_load(regression.read_text(encoding="utf-8"))["nlu"] == blocks
