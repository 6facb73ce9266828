"""`make bench`: NLU quality against the community Chinese pipeline, dialogue, speed and memory."""
