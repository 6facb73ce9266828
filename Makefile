# Single entry point: `make shell` to chat, `make test` to run every check.
# Everything runs inside .venv, created by `make install`.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?=
export PYTHON

MODEL := models/assistant.tar.gz
SPACY_PIPELINE := models/spacy_zh
SPACY_STAMP := $(SPACY_PIPELINE)/meta.json
INSTALL_STAMP := $(VENV)/.installed
# The action server's port; it must match action_endpoint in endpoints.yml.
ACTIONS_PORT := 5055
RASA_PORT ?= 5005
# embedded: endpoints.yml (SQLite under var/, local action server);
# production: endpoints.production.yml (PostgreSQL, Redis, ACTION_SERVER_URL).
PROFILE ?= embedded
ENDPOINTS_embedded := endpoints.yml
ENDPOINTS_production := endpoints.production.yml
ENDPOINTS = $(ENDPOINTS_$(PROFILE))
# Held-out NLU sets (tests/nlu/) and the intent accuracy each must reach.
NLU_SETS := test_nlu real_questions phone_style
NLU_MIN_test_nlu ?= 0.92
NLU_MIN_real_questions ?= 0.91
NLU_MIN_phone_style ?= 0.88

TRAINING_DATA := $(shell find data/nlu data/rules data/stories -name '*.yml')
PIPELINE_INPUTS := nlp/build_spacy_zh.py nlp/segmenter.py knowledge/regions.py knowledge/data.py \
  data/segmentation/user_dict.txt data/entities/regions.yml

# Quiet, offline-friendly defaults for Rasa and TensorFlow.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore
# The action server listens on loopback only unless told otherwise.
export SANIC_HOST ?= 127.0.0.1

.PHONY: help install pipeline train shell run call actions policy bench load test test-unit \
  test-servers lint validate test-nlu test-core lock clean var
.PHONY: console review-export
# The operations console (docs/console.md): its port, on 127.0.0.1.
CONSOLE_PORT ?= 5006

help:
	@echo "make shell          chat with the assistant in the terminal (installs and trains first if needed)"
	@echo "make test           every check: lint, data validation, unit and server tests, NLU and dialogue tests"
	@echo "make install        create .venv with exact pins and build the Chinese spaCy pipeline"
	@echo "make pipeline       build the Chinese spaCy pipeline (models/spacy_zh)"
	@echo "make train          train models/assistant.tar.gz when data or configuration changed"
	@echo "make run            the Rasa server with its channels on port $(RASA_PORT), plus the action server"
	@echo "                    (PROFILE=production: PostgreSQL and Redis, action server elsewhere)"
	@echo "make call           call the voice line of a running server (make run) from the terminal"
	@echo "make actions        the action server alone, on 127.0.0.1:$(ACTIONS_PORT)"
	@echo "make policy         list every policy statement with its source"
	@echo "make lint           ruff: lint and formatting"
	@echo "make validate       rasa data validate --fail-on-warnings"
	@echo "make test-unit      the tests that start no server (about a minute)"
	@echo "make test-servers   the tests through real servers, PostgreSQL and Redis"
	@echo "make test-nlu       intent accuracy on the held-out sets of tests/nlu/"
	@echo "make test-core      the test conversations of tests/stories/"
	@echo "make bench          measure NLU against the jieba baseline, dialogue, latency and memory"
	@echo "make load           load test: 50 concurrent conversations, report in reports/load/"
	@echo "make lock           re-resolve requirements/app.txt into requirements/lock.txt"
	@echo "make clean          remove the virtual environments, models and reports"
	@echo "make console        the operations console on 127.0.0.1:$(CONSOLE_PORT) (needs CONSOLE_TOKEN; docs/console.md)"
	@echo "make review-export  write the console's review marks to data/nlu/reviewed.yml and tests/nlu/reviewed.yml"

install: $(INSTALL_STAMP) $(SPACY_STAMP)

$(INSTALL_STAMP): requirements/build.txt requirements/lock.txt scripts/install-pkuseg scripts/find-python
	@interpreter=$$(scripts/find-python) && \
	  { [ -x $(BIN)/python ] || $$interpreter -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/build.txt
	scripts/install-pkuseg $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	touch $@

pipeline: $(SPACY_STAMP)

$(SPACY_STAMP): $(PIPELINE_INPUTS) $(INSTALL_STAMP)
	$(BIN)/python -m nlp.build_spacy_zh --out $(SPACY_PIPELINE)

train: $(MODEL)

# SpacyNLP fingerprints the pipeline by its path only, so a rebuilt pipeline forces a full retrain.
$(MODEL): config.yml domain.yml $(TRAINING_DATA) $(SPACY_STAMP)
	$(BIN)/rasa train --fixed-model-name assistant --out models \
	  $(if $(filter $(SPACY_STAMP),$?),--force)
	@touch $@

# Conversations of the embedded profile (SQLite) and the logs of `make run`; not in git.
var:
	@mkdir -p var/log

shell: $(MODEL) var
	scripts/with-action-server $(ACTIONS_PORT) $(BIN)/rasa shell --model $(MODEL)

# The HTTP API is enabled only when RASA_API_TOKEN is set (scripts/run-rasa).
# The voice line's token: $$VOICE_GATEWAY_TOKEN, or a local one kept in var/voice-token.
run: $(MODEL) var
	$(if $(ENDPOINTS),,$(error PROFILE must be embedded or production, not '$(PROFILE)'))
ifeq ($(PROFILE),production)
	VOICE_GATEWAY_TOKEN="$$(scripts/voice-token)" scripts/run-rasa $(MODEL) $(RASA_PORT) $(ENDPOINTS)
else
	VOICE_GATEWAY_TOKEN="$$(scripts/voice-token)" scripts/with-action-server $(ACTIONS_PORT) \
	  scripts/run-rasa $(MODEL) $(RASA_PORT) $(ENDPOINTS)
endif

call: install
	$(BIN)/python -m tools.voice_call --url http://127.0.0.1:$(RASA_PORT) --token "$$(scripts/voice-token)"

actions: install
	$(BIN)/rasa run actions --port $(ACTIONS_PORT)

# Writes reports/bench/ and refreshes docs/benchmarks.md (about half an hour on 2 cores).
bench: $(MODEL)
	$(BIN)/python -m bench

policy: install
	$(BIN)/python scripts/list-policy

test: lint validate test-unit test-servers test-nlu test-core

validate: install
	$(BIN)/rasa data validate --fail-on-warnings

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Tests are told apart by the `server` marker (tests/conftest.py): unit tests start nothing.
test-unit: install
	$(BIN)/python -m pytest -m "not server" tests

test-servers: $(MODEL) var
	$(BIN)/python -m pytest -m server tests

test-nlu: $(MODEL)
	@mkdir -p reports/nlu
	@for set in $(NLU_SETS); do \
	  $(BIN)/rasa test nlu --model $(MODEL) --nlu tests/nlu/$$set.yml --out reports/nlu/$$set \
	    > reports/nlu/$$set.log 2>&1 || { cat reports/nlu/$$set.log; exit 1; }; \
	done
	$(BIN)/python scripts/check-nlu-report $(foreach set,$(NLU_SETS),reports/nlu/$(set)/intent_report.json=$(NLU_MIN_$(set)))
	$(BIN)/python -m console.regression --model $(MODEL) tests/nlu/reviewed.yml

test-core: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories --out reports/core --fail-on-prediction-errors

# The load test's own environment: Locust and its pins, apart from the assistant's.
LOAD_VENV := .venv-load
$(LOAD_VENV)/.installed: requirements/load.txt
	@interpreter=$$(scripts/find-python) && { [ -x $(LOAD_VENV)/bin/python ] || $$interpreter -m venv $(LOAD_VENV); }
	$(LOAD_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/load.txt
	touch $@

# 50 concurrent conversations of about 8 turns against the REST channel: reports/load/report.md.
# LOAD_REPLICAS=2 with LOAD_POSTGRES_URL and LOAD_REDIS_URL: two replicas on shared stores.
# LOAD_CHANNEL=wechat: the same conversations in signed WeChat XML: reports/load/wechat/report.md.
load: $(MODEL) $(LOAD_VENV)/.installed
	scripts/load-test

# The operations console, reading the conversations of the profile's tracker store (PROFILE).
console: install
	$(if $(ENDPOINTS),,$(error PROFILE must be embedded or production, not '$(PROFILE)'))
	$(BIN)/python -m console --endpoints $(ENDPOINTS) --host 127.0.0.1 --port $(CONSOLE_PORT)

# The console's review marks as NLU training data and a regression set for test-nlu.
review-export: install
	$(BIN)/python -m console.export --endpoints $(ENDPOINTS)

# Re-resolves requirements/app.txt in a scratch environment and rewrites requirements/lock.txt.
lock:
	scripts/lock-requirements

clean:
	rm -rf $(VENV) $(LOAD_VENV) models/*.tar.gz $(SPACY_PIPELINE) reports results .rasa
