"""身份证号 (ID numbers): masked on every list and page; in full only for those allowed
(permissions.can_see_id_numbers), in the printed dossier and the API's case."""

from __future__ import annotations

from typing import Any

# Keys whose values are ID numbers, wherever they sit: form data, case variables, audit event data.
ID_NUMBER_KEYS = frozenset({"id_number"})


def mask_id_number(value: Any) -> str:
    """The first 4 and last 4 characters, the rest as *: 6209**********1234 (short values unchanged)."""
    text = "" if value is None else str(value)
    return text[:4] + "*" * (len(text) - 8) + text[-4:] if len(text) > 8 else text


def mask_id_numbers(data: Any) -> Any:
    """A copy of ``data`` (dicts and lists, nested) with every ID number masked."""
    if isinstance(data, dict):
        return {key: mask_id_number(value) if key in ID_NUMBER_KEYS and value else mask_id_numbers(value)
                for key, value in data.items()}
    if isinstance(data, list):
        return [mask_id_numbers(value) for value in data]
    return data
