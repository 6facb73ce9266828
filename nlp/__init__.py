"""Chinese language pipeline: the spaCy + pkuseg model that Rasa's SpacyNLP loads."""
