#!/usr/bin/env bash
# The whole test suite on SQLite, then again on PostgreSQL in a new database partyflow_test.
# Fails if either run fails, including pytest's exit code 5 ("no tests collected").
# Extra arguments go to pytest, e.g. scripts/test.sh tests/webapp -x
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== tests on SQLite"
env -u TEST_DATABASE_URL .venv/bin/python -m pytest "$@"

echo "== tests on PostgreSQL"
scripts/ensure_postgres.sh
export PGOPTIONS="--client-min-messages=warning"
psql -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS partyflow_test WITH (FORCE)" -c "CREATE DATABASE partyflow_test"
TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/partyflow_test .venv/bin/python -m pytest "$@"
