"""Rasa's dialogue policies, predicting each next action once."""
