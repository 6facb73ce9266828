"""The telephone line, 12333-style, behind a voice gateway (docs/voice-gateway.md): the webhook
(channel.py), the gateway protocol (protocol.py), what each turn of a call does (call.py), how
messages are spoken (speech.py) and the keypad (keypad.py, data/voice_menu.yml)."""

from channels.voice.channel import VoiceInput

__all__ = ["VoiceInput"]
