"""The REST channel: Rasa's REST protocol with every request checked (channel.py)."""

from channels.rest.channel import CheckedRestInput

__all__ = ["CheckedRestInput"]
