"""A notebook's parameters (papermill's inference, shared with the gallery) and their values, typed.

The parameters cell is read with the gallery's code (:func:`clonenotebooks.clone.parameters_of`,
which asks papermill), so the form and the API see the same names, defaults and types as a clone
does. Each value sent for a parameter is parsed to that type here; a value that does not fit is a
400 naming the parameter, before anything is written or submitted.
"""

from __future__ import annotations

import ast
import json
import math
import re
from typing import Any

from ... import errors
from ...clonenotebooks.clone import parameters_of

MAX_VALUE_CHARS = 65536  # one value, as JSON
_OPTIONAL = re.compile(r"^(?:typing\.)?Optional\[(.+)\]$")
_GENERIC = re.compile(r"^(?:typing\.)?([A-Za-z_][A-Za-z0-9_]*)\[.*\]$")
# The kinds the form offers an input for; anything else is passed as the JSON value given.
KINDS = {
    "int": "int",
    "float": "float",
    "str": "str",
    "bool": "bool",
    "list": "list",
    "List": "list",
    "tuple": "list",
    "Tuple": "list",
    "dict": "dict",
    "Dict": "dict",
}


def kind_of(type_name: str) -> tuple[str, bool]:
    """``(kind, optional)`` for papermill's type name (``float``, ``Optional[int]``, ``list[str]``...)."""
    text = (type_name or "").strip().strip("'\"")
    optional = False
    match = _OPTIONAL.match(text)
    if match:
        text, optional = match.group(1).strip(), True
    else:
        # "X | None" or "None | X", split on the bar with string operations (a regular
        # expression here took seconds over a long run of blanks in the annotation)
        left, bar, right = text.rpartition("|")
        if bar and left.strip() and right.strip() == "None":
            text, optional = left.strip(), True
        else:
            left, bar, right = text.partition("|")
            if bar and left.strip() == "None" and right.strip():
                text, optional = right.strip(), True
    generic = _GENERIC.match(text)
    if generic:
        text = generic.group(1)
    if text in ("NoneType", "None", ""):
        return "any", True
    return KINDS.get(text.removeprefix("typing."), "any"), optional


def describe(nb: Any) -> list[dict[str, Any]]:
    """The parameters cell: ``[{name, type, kind, optional, default, value, help}]`` in the cell's order.

    ``default`` is the source text of the default; ``value`` the default decoded when it is a
    literal (None otherwise); ``kind`` one of int, float, str, bool, list, dict or any.
    """
    described = []
    for param in parameters_of(nb):
        kind, optional = kind_of(param["type"])
        described.append(
            {
                "name": param["name"],
                "type": param["type"],
                "kind": kind,
                "optional": optional or param["value"] is None,
                "default": param["default"],
                "value": param["value"],
                "help": param["help"],
            }
        )
    return described


def _bad(name: str, raw: Any, expected: str) -> errors.InvalidInput:
    shown = raw if isinstance(raw, str) else json.dumps(raw)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return errors.InvalidInput(f"Parameter '{name}': {shown!r} is not {expected}.")


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOTHING


_NOTHING = object()


def parse_value(param: dict[str, Any], raw: Any) -> Any:
    """``raw`` (a JSON value from the browser or a script) as a value of the parameter's type.

    Text is accepted for every kind (the form sends what was typed): ``"3"`` for an int,
    ``"1e-3"`` for a float, ``"true"`` for a bool, ``"[1, 2]"`` for a list. Strings stay exactly
    as given, whatever they contain.
    """
    name, kind = param["name"], param["kind"]
    try:
        encoded = json.dumps(raw, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        raise _bad(name, str(raw), "a JSON value (numbers must be finite)") from None
    if len(encoded) > MAX_VALUE_CHARS:
        raise errors.TooLarge(f"Parameter '{name}': the value is longer than {MAX_VALUE_CHARS} characters.")
    if raw is None or (param["optional"] and kind != "str" and isinstance(raw, str) and raw.strip() == "None"):
        if param["optional"] or kind == "any":
            return None
        raise _bad(name, "null", f"allowed: the parameter is {_article(kind)}")
    if kind == "any":
        return raw
    if kind == "str":
        if not isinstance(raw, str):
            raise _bad(name, raw, "text (this parameter is a string; send it in quotes)")
        return raw
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        raise _bad(name, raw, "true or false")
    if kind == "int":
        value = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d{1,300}\s*", raw):
            value = int(raw)
        if value is None:
            raise _bad(name, raw, "a whole number (int)")
        return value
    if kind == "float":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return float(raw)
        if isinstance(raw, str) and len(raw) < 100:
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if math.isfinite(value):
                return value
        raise _bad(name, raw, "a number (float)")
    # list / dict: JSON arrays and objects, or their Python literal text
    wanted = list if kind == "list" else dict
    value = raw
    if isinstance(raw, str):
        value = _literal(raw)
        if isinstance(value, tuple):
            value = list(value)
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            value = _NOTHING
    if not isinstance(value, wanted):
        raise _bad(name, raw, "a list like [1, 2, 3]" if kind == "list" else 'a dict like {"a": 1}')
    return value


def _article(kind: str) -> str:
    return {"int": "an int", "float": "a float", "str": "a str", "bool": "a bool"}.get(kind, f"a {kind}")


def check_names(given: dict[str, Any], known: dict[str, dict[str, Any]], field: str) -> None:
    """Every name given is a parameter of the notebook (a typo would otherwise be ignored quietly)."""
    for name in given:
        if name not in known:
            listed = ", ".join(known) if known else "none: the notebook has no cell tagged 'parameters'"
            raise errors.InvalidInput(
                f"Field '{field}': the notebook has no parameter '{str(name)[:60]}' (its parameters: {listed})."
            )


def parse_parameters(raw: Any, known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The ``parameters`` object of a request: names checked, each value parsed to its type."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise errors.InvalidInput("Field 'parameters' must be an object of parameter names to values.")
    check_names(raw, known, "parameters")
    return {name: parse_value(known[name], value) for name, value in raw.items()}
