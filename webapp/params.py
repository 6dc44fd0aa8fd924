"""Numbers read from a request (ids, page numbers), kept within what the database can compare.

An id or a page number far beyond PostgreSQL's INTEGER (or SQLite's 64 bits) makes the driver
raise instead of finding nothing: such a number is simply no id, and such a page an empty one.
"""

from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the type of every primary key
MAX_PAGE = 100_000  # far beyond the last page of any list; the offset still fits


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number beyond MAX_ID matches no route, so it is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def db_id(value) -> int | None:
    """An id sent as a JSON number or decimal text; None for anything else (a boolean, a fraction,
    a negative number, a number beyond MAX_ID, "²")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()):
            return None
    elif not isinstance(value, int):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def page_number() -> int:
    """?page= from 1 to MAX_PAGE; 1 when missing or not a number."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def arg_id(name: str) -> int | None:
    """An id in the query string (e.g. ?done=<work item id>), or None."""
    return db_id(request.args.get(name))
