#!/usr/bin/env bash
# Make sure the local PostgreSQL answers on 127.0.0.1:5432; start the Debian cluster if it does not.
set -euo pipefail

pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
for _ in $(seq 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
    sleep 1
done
echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2
exit 1
