"""Slurm job ids as the API accepts them: ``123``, ``123_4``, ``123_[1-3]``."""

from __future__ import annotations

import re

from .. import errors

MAX_IDS = 1000
# An array task range is Slurm's own syntax: numbers, ranges and commas inside brackets.
_RANGE = r"[0-9]{1,7}(?:-[0-9]{1,7})?"
_ID = re.compile(rf"^[1-9][0-9]{{0,9}}(?:_(?:[0-9]{{1,7}}|\[{_RANGE}(?:,{_RANGE})*\]))?$")


def is_job_id(value: object) -> bool:
    return isinstance(value, str) and _ID.match(value) is not None


def check_job_id(value: object) -> str:
    """One job id, or a 400 that quotes what was wrong."""
    if not is_job_id(value):
        shown = value if isinstance(value, str) else repr(value)
        raise errors.InvalidInput(f"'{shown[:80]}' is not a Slurm job id (expected 123, 123_4 or 123_[1-3]).")
    return value  # type: ignore[return-value]


def check_job_ids(values: object) -> list[str]:
    """A non-empty list of job ids, duplicates merged in order; 400 / 413 otherwise."""
    if not isinstance(values, list) or not values:
        raise errors.InvalidInput("Field 'ids' must be a non-empty list of job ids.")
    if len(values) > MAX_IDS:
        raise errors.TooLarge(f"At most {MAX_IDS} job ids per request ({len(values)} given).")
    return list(dict.fromkeys(check_job_id(value) for value in values))
