"""Entry-time telemetry: how long an entry took on the phone, from opening New contact to
saving, and whether a template was used. Durations only, never content; a timing that cannot
be true is not kept, and never stands in the way of the entry it came with."""

from __future__ import annotations

MIN_SECONDS, MAX_SECONDS = 1, 4 * 60 * 60  # a form left open longer was not being filled in
TIMING_IGNORED = (
    f"The entry was stored; its timing was not kept: it must be "
    f'{{"seconds": {MIN_SECONDS} to {MAX_SECONDS}, "template_used": true or '
    f"false}}."
)


def check_timing(value: object) -> tuple[dict | None, str | None]:
    """The timing as kept ({"seconds", "template_used"}), or None and why it was not kept
    (no timing sent: None and None)."""
    if value is None:
        return None, None
    seconds = value.get("seconds") if isinstance(value, dict) else None
    template_used = value.get("template_used") if isinstance(value, dict) else None
    if (
        type(seconds) is not int
        or not MIN_SECONDS <= seconds <= MAX_SECONDS
        or not isinstance(template_used, bool)
    ):
        return None, TIMING_IGNORED
    return {"seconds": seconds, "template_used": template_used}, None
