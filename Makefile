# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format dev daemon webserver dagster-home clean

# Install into a local venv when missing or when the pins changed.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Full refresh on the shipped data: documents → raw tables → marts → publish → briefing.
run: install
	$(BIN)/nq57 refresh

## Every test (unit, pipeline, dbt, browser), on both cores: a module's tests stay on one worker.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadscope

DAGSTER_HOME ?= $(CURDIR)/.dagster_home

## The Dagster instance: run history, schedule and sensor state; its settings are deploy/dagster.yaml.
dagster-home:
	mkdir -p $(DAGSTER_HOME)
	ln -sfn $(CURDIR)/deploy/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

DAGSTER_PORT ?= 3000
# Each Dagster target runs through pipelines/dagster_launcher.py, exec'd so that it is make's own
# child: SIGTERM to make, SIGINT or SIGTERM to its group (Ctrl-C), SIGINT to a make that handles it,
# all stop Dagster and everything it started, also after `make dev &` in a script (SIGINT ignored).
# A make started with SIGINT ignored drops a SIGINT sent to it alone: nothing below it hears it.
# A busy port is refused before anything starts.
LAUNCH := $(BIN)/python -m pipelines.dagster_launcher

## The Dagster UI on http://127.0.0.1:3000 with the daemon (schedule, sensor, asset graph, checks).
dev: install dagster-home
	DAGSTER_HOME=$(DAGSTER_HOME) exec $(LAUNCH) dev --port $(DAGSTER_PORT)

## Unattended: the daemon alone (02:00 schedule, input sensor, run queue, retries), and the UI alone.
## deploy/systemd/ runs these two as services.
daemon: install dagster-home
	DAGSTER_HOME=$(DAGSTER_HOME) exec $(LAUNCH) daemon

webserver: install dagster-home
	DAGSTER_HOME=$(DAGSTER_HOME) exec $(LAUNCH) webserver --port $(DAGSTER_PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs .pytest_cache
