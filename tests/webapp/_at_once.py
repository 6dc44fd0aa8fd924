"""Two (or more) workers doing the same thing at the same instant, each in its own app context and
database session: what concurrency tests of the timer worker, notifications and e-mail share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from webapp.extensions import db


def at_once(app, work: Callable[[], Any], workers: int = 2) -> list[Any]:
    """Run ``work`` in ``workers`` threads released together; their results (in no particular order).
    An exception in a worker fails the caller with that exception."""
    barrier, results, errors = threading.Barrier(workers), [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(work())
            except Exception as err:  # noqa: BLE001 (raised again below, in the test's thread)
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    assert len(results) == workers, "a worker did not finish"
    return results
