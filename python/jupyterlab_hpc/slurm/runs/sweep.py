"""A sweep: parameter values per task, as all combinations (grid) or pairwise (zip).

``{"mode": "grid"|"zip", "values": {"name": [v, ...] | {"start", "stop", "step"}}}``: each name
gets a list of values or a range (``stop`` included when a step lands on it). Grid makes one task
per combination, the first name varying slowest (like nested loops in the order given); zip makes
task *i* from the *i*-th value of each list. The task count is known before anything is expanded,
so an oversized sweep is refused without building it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ... import errors
from .parameters import check_names, parse_value

MODES = ("grid", "zip")


@dataclass
class Sweep:
    mode: str
    values: dict[str, list[Any]] = field(default_factory=dict)  # each list parsed to its parameter's type

    @property
    def count(self) -> int:
        if not self.values:
            return 1
        lengths = [len(values) for values in self.values.values()]
        if self.mode == "zip":
            return lengths[0]
        total = 1
        for length in lengths:
            total *= length
        return total

    def tasks(self, base: dict[str, Any]) -> list[dict[str, Any]]:
        """One parameter set per task: ``base`` with this task's swept values."""
        names = list(self.values)
        lists = list(self.values.values())
        rows = zip(*lists, strict=True) if self.mode == "zip" else itertools.product(*lists)
        return [{**base, **dict(zip(names, row, strict=True))} for row in rows]

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "values": self.values}


def _range(name: str, spec: dict[str, Any], kind: str, cap: int) -> list[Any]:
    unknown = set(spec) - {"start", "stop", "step"}
    if unknown or not {"start", "stop"} <= set(spec):
        raise errors.InvalidInput(f'Sweep of \'{name}\': a range is {{"start", "stop", "step"}} (step default 1).')
    if kind not in ("int", "float", "any"):
        raise errors.InvalidInput(f"Sweep of '{name}': a range needs a number parameter; give a list of values.")
    try:
        start, stop, step = (Decimal(str(spec.get(key, 1))) for key in ("start", "stop", "step"))
        if isinstance(spec.get("start"), bool) or not all(n.is_finite() for n in (start, stop, step)):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise errors.InvalidInput(f"Sweep of '{name}': start, stop and step must be numbers.") from None
    if step == 0 or (stop - start) * step < 0:
        raise errors.InvalidInput(f"Sweep of '{name}': the step {step} never gets from {start} to {stop}.")
    count = int((stop - start) / step) + 1
    if count > cap:
        raise errors.TooLarge(f"Sweep of '{name}': the range has {count:,} values; at most {cap:,} tasks are allowed.")
    integral = all(n == n.to_integral_value() for n in (start, step))
    if kind == "int" and not integral:
        raise errors.InvalidInput(f"Sweep of '{name}': the parameter is an int; use whole numbers.")
    values = [start + step * i for i in range(count)]
    # An untyped parameter swept over whole numbers gets ints, as its literal would be.
    return [int(v) for v in values] if kind == "int" or (kind == "any" and integral) else [float(v) for v in values]


def parse_sweep(raw: Any, known: dict[str, dict[str, Any]], cap: int) -> Sweep | None:
    """The ``sweep`` of a request, each value parsed to its parameter's type; TooLarge above ``cap`` tasks."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"mode", "values"}:
        raise errors.InvalidInput('Field \'sweep\' must be {"mode": "grid"|"zip", "values": {name: [...]}}.')
    mode = raw.get("mode", "grid")
    if mode not in MODES:
        raise errors.InvalidInput(f"Sweep mode {str(mode)[:20]!r} is unknown; use 'grid' (all combinations) or 'zip'.")
    values = raw.get("values")
    if not isinstance(values, dict) or not values:
        raise errors.InvalidInput("Field 'sweep.values' must name at least one parameter with its values.")
    check_names(values, known, "sweep.values")
    parsed: dict[str, list[Any]] = {}
    for name, given in values.items():
        param = known[name]
        if isinstance(given, dict):
            parsed[name] = _range(name, given, param["kind"], cap)
        elif isinstance(given, list) and given:
            if len(given) > cap:
                raise errors.TooLarge(f"Sweep of '{name}': {len(given):,} values; at most {cap:,} tasks are allowed.")
            parsed[name] = [parse_value(param, value) for value in given]
        else:
            raise errors.InvalidInput(f"Sweep of '{name}': give a non-empty list of values or a range.")
    if mode == "zip":
        lengths = {name: len(v) for name, v in parsed.items()}
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{name}: {n}" for name, n in lengths.items())
            raise errors.InvalidInput(f"A pairwise (zip) sweep needs lists of equal length ({shown}).")
    sweep = Sweep(mode, parsed)
    if sweep.count > cap:
        raise errors.TooLarge(f"This sweep makes {sweep.count:,} tasks; at most {cap:,} are allowed.")
    return sweep


def array_spec(indices: list[int], throttle: int | None) -> str:
    """sbatch's ``--array`` value for task indices: ``0-999%50``, ``3,7-9``."""
    ordered = sorted(set(indices))
    parts = []
    start = previous = ordered[0]
    for index in ordered[1:] + [None]:
        if index is not None and index == previous + 1:
            previous = index
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if index is not None:
            start = previous = index
    text = ",".join(parts)
    return f"{text}%{throttle}" if throttle and throttle < len(ordered) else text
