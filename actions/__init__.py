"""Custom actions served by the rasa_sdk action server (`make actions`)."""
