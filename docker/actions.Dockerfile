# The action server: rasa-sdk 3.6.2 with the consultation actions and their data.
# Build from the repository root: docker build -f docker/actions.Dockerfile -t assistant-actions .
FROM rasa/rasa-sdk:3.6.2

USER root
WORKDIR /app
# The actions need only the standard library, PyYAML and rasa-sdk, which the image has, and the
# knowledge and understanding packages with their data.
COPY actions/ actions/
COPY knowledge/ knowledge/
COPY understanding/ understanding/
COPY data/topics.yml data/questions.yml data/replies.yml data/
COPY data/policy/ data/policy/
COPY data/entities/ data/entities/
USER 1001
ENV PYTHONPATH=/app
EXPOSE 5055
# In the container the action server listens on every interface of the private network.
ENV SANIC_HOST=0.0.0.0
CMD ["start", "--actions", "actions", "--port", "5055"]
