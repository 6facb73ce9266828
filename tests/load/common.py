"""What the Locust files of tests/load/ share: reading the stored conversation back."""

import requests


def user_events(host, sender, token):
    """The user messages the tracker store holds for `sender` (Rasa's HTTP API)."""
    response = requests.get(
        f"{host}/conversations/{sender}/tracker", params={"token": token}, timeout=60
    )
    response.raise_for_status()
    return [event for event in response.json()["events"] if event["event"] == "user"]
