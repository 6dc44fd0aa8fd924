#!/usr/bin/env bash
# Set up everything the app and the tests need; quick when nothing changed since the last run:
# .venv with the pinned Python packages (pyproject.toml, extra "dev"), the npm packages
# (package-lock.json) copied into webapp/static/vendor, and the compiled translations.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/pip ]; then
    rm -rf .venv
    python3 -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
    .venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
    touch .venv/.installed
fi

if [ -f package-lock.json ]; then
    if ! command -v npm >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
    fi
    # npm writes node_modules/.package-lock.json on every install: newer than the lock file = up to date.
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error
    fi
    if [ -f scripts/vendor.mjs ]; then
        node scripts/vendor.mjs >/dev/null
    fi
fi

if compgen -G 'webapp/translations/*/LC_MESSAGES/messages.po' >/dev/null; then
    .venv/bin/pybabel -q compile -d webapp/translations
fi
