# PartyFlow. The two commands of the README:
#   make run    set up everything, migrate the SQLite database, load the demo data, print the
#               demo logins and serve http://127.0.0.1:5000 (with the timer worker beside it)
#   make test   set up everything and run the whole test suite on SQLite, then on PostgreSQL
# The other targets are the pieces those two are made of.

SHELL := /bin/bash
FLASK := .venv/bin/flask --app webapp

.PHONY: run test setup db chromium lint

run: db
	@echo
	@echo "PartyFlow: open http://127.0.0.1:5000 and log in as one of these users:"
	@$(FLASK) users list
	@echo
	@# the timer worker beside the web server, stopped with it
	$(FLASK) timers run --interval 60 & worker=$$!; trap 'kill $$worker' EXIT; \
		PARTYFLOW_SHOW_DEMO_LOGINS=true $(FLASK) run --host 127.0.0.1 --port 5000

test: setup chromium
	scripts/test.sh

# .venv with the pinned packages, npm packages, compiled translations (quick when up to date)
setup:
	@scripts/setup.sh

# the schema through the Alembic migrations, the shipped definitions, the lane registry, the demo data
db: setup
	$(FLASK) init
	$(FLASK) seed-demo

# Debian's Chromium for the browser tests (Playwright must never download a browser here)
chromium:
	@{ command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1; } || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

lint: setup
	.venv/bin/ruff check .
