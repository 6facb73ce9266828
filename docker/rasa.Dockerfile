# The Rasa server: Rasa 3.6.21 with the Chinese pipeline and the trained model baked in.
# Build from the repository root: docker build -f docker/rasa.Dockerfile -t assistant-rasa .
FROM rasa/rasa:3.6.21

USER root
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential python3-dev \
    && rm -rf /var/lib/apt/lists/*

# The image's own virtual environment (/opt/venv) gets the project's exact pins.
COPY requirements/ requirements/
COPY scripts/install-pkuseg scripts/
RUN /opt/venv/bin/pip install --no-cache-dir -r requirements/build.txt \
    && scripts/install-pkuseg /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir -r requirements/lock.txt

COPY knowledge/ knowledge/
COPY understanding/ understanding/
COPY inference/ inference/
COPY nlp/ nlp/
COPY policies/ policies/
COPY data/ data/
COPY channels/ channels/
COPY stores/ stores/
COPY config.yml domain.yml credentials.yml endpoints.yml endpoints.production.yml ./
RUN /opt/venv/bin/python -m nlp.build_spacy_zh --out models/spacy_zh \
    && RASA_TELEMETRY_ENABLED=false /opt/venv/bin/rasa train --fixed-model-name assistant --out models \
    && mkdir -p var && chown -R 1001 /app/var

USER 1001
ENV RASA_TELEMETRY_ENABLED=false PYTHONPATH=/app
EXPOSE 5005
# The HTTP API stays off; add --enable-api --auth-token "$RASA_API_TOKEN" to enable it.
ENTRYPOINT ["rasa"]
CMD ["run", "--model", "models/assistant.tar.gz", "--port", "5005", \
     "--credentials", "credentials.yml", "--endpoints", "endpoints.production.yml"]
