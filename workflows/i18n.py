"""Translation marker for engine messages.

The engine never translates: it returns ``N_()``-marked templates and the web layer extracts them
with Babel (keyword ``N_``) and translates them at display time.
"""


def N_(message: str) -> str:
    """Mark ``message`` for extraction and return it unchanged."""
    return message
