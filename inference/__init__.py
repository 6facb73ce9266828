"""Rasa's TensorFlow models built for answering, without Rasa's training step at loading."""
