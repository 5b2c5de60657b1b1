"""What a gallery card shows about a notebook, read from its JSON and the source's manifest."""

from __future__ import annotations

from typing import Any

import nbformat
from nbformat.validator import ValidationError, get_validator

MAX_DESCRIPTION = 400
#: Longest HTML tag dropped from a title or a description (``# <img src=x> Title``).
MAX_TAG = 500
#: what a card says about a file that cannot be used; the technical reason goes in ``error_detail``
NOT_A_NOTEBOOK = "This file is not a valid notebook."
#: Characters of a Markdown cell looked at for a title and a description: they are at its top,
#: and a cell of megabytes (pasted data, an embedded image) must not cost more than this.
MAX_CELL_CHARS = 10_000

# Markdown is read with plain string operations, in one pass: regular expressions over text
# from a shared folder can backtrack for seconds on lines made for it (thousands of spaces
# inside a heading, thousands of '[').


def _source_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        parts, length = [], 0
        for piece in source:
            if not isinstance(piece, str):
                continue
            parts.append(piece)
            length += len(piece)
            if length >= MAX_CELL_CHARS:
                break
        source = "".join(parts)
    return str(source)[:MAX_CELL_CHARS]


def _cell_tags(cell: dict[str, Any]) -> list[str]:
    tags = (cell.get("metadata") or {}).get("tags") or []
    return [t for t in tags if isinstance(t, str)]


def heading_text(line: str) -> str | None:
    """The text of an ATX heading line (``## Title ##``), or None if the line is not one."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3:
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if not 1 <= level <= 6 or not rest or not rest[0].isspace():
        return None
    text = rest.strip()
    closed = text.rstrip("#")  # an optional closing sequence of '#'
    if closed != text and (not closed or closed[-1].isspace()):
        text = closed.rstrip()
    return text


def strip_links(text: str) -> str:
    """``[text](url)`` and ``![alt](url)`` become their text, in one pass."""
    out: list[str] = []
    i = 0
    while True:
        start = text.find("[", i)
        close = text.find("]", start + 1) if start >= 0 else -1
        if close < 0:
            out.append(text[i:])
            return "".join(out)
        if text.startswith("(", close + 1):
            end = text.find(")", close + 2)
            if end < 0:  # no ')' anywhere after: no more links
                out.append(text[i:])
                return "".join(out)
            bang = start > i and text[start - 1] == "!"
            out.append(text[i : start - 1 if bang else start])
            out.append(text[start + 1 : close])
            i = end + 1
        else:
            out.append(text[i : close + 1])
            i = close + 1


def strip_tags(text: str) -> str:
    """HTML tags (``<img src=x>``, ``<b>``, ``</b>``) become a space, in one pass: the card shows text only.

    A ``<`` not followed by a letter, ``/`` or ``!``, or without a ``>`` within
    ``MAX_TAG`` characters, is kept (``a < b``): each ``<`` costs at most that window.
    """
    out: list[str] = []
    i = 0
    while True:
        start = text.find("<", i)
        if start < 0:
            out.append(text[i:])
            return "".join(out)
        after = text[start + 1 : start + 2]
        end = text.find(">", start + 1, start + 2 + MAX_TAG) if after.isalpha() or after in "/!" and after else -1
        if end < 0:
            out.append(text[i : start + 1])
            i = start + 1
            continue
        out.append(text[i:start])
        out.append(" ")
        i = end + 1


def notebook_problem(nb: Any) -> str | None:
    """Why parsed JSON is not a usable notebook (nbformat's schema, as for preview and clone), or None.

    Run at listing so that a broken card says so before anyone clicks Clone; the
    schema check is fastjsonschema's (about 0.05 ms for a small notebook), and
    the listing only re-reads notebooks that changed.
    """
    if not isinstance(nb, dict):
        return "The file holds JSON, but not a JSON object."
    if "cells" not in nb and "worksheets" not in nb:
        return "The file holds JSON, but not a Jupyter notebook (it has no cells)."
    major, minor = nb.get("nbformat"), nb.get("nbformat_minor", 0)
    if not isinstance(major, int) or major not in nbformat.versions:
        return f"Unsupported notebook format version: {major!r}."
    if major != 4:
        return None  # older formats are converted when read; checked then
    if not isinstance(minor, int) or minor < 0:
        return f"Unsupported notebook format minor version: {minor!r}."
    try:
        get_validator(4, min(minor, nbformat.v4.nbformat_minor)).validate(nb)
    except ValidationError as error:
        first = str(error).strip().splitlines()
        return f"Not valid for nbformat 4: {first[0] if first else 'schema error'}"
    return None


def strip_inline_markup(text: str) -> str:
    """Drop ``**``, ``__``, ``*`` and backticks (the description is shown as plain text)."""
    return text.replace("`", "").replace("*", "").replace("__", "")


def title_and_description(cells: list[dict[str, Any]]) -> tuple[str | None, str]:
    """The first Markdown heading and the first paragraph of prose after it."""
    title: str | None = None
    paragraph: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        for line in _source_text(cell).splitlines():
            heading = heading_text(line)
            if heading is not None:
                if paragraph:
                    break
                if title is None:
                    title = " ".join(strip_tags(heading).split())
                continue
            stripped = line.strip()
            if not stripped:
                if paragraph:
                    break
                continue
            if stripped.startswith(("<", "---", "===", "|", "```")):
                continue  # HTML, rules, tables and code are not a description
            paragraph.append(stripped)
        if paragraph and title is not None:
            break
    description = " ".join(strip_inline_markup(strip_links(strip_tags(" ".join(paragraph)))).split())
    if len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1].rstrip() + "…"
    return title, description


def has_parameters(cells: list[dict[str, Any]]) -> bool:
    return any("parameters" in _cell_tags(cell) for cell in cells if cell.get("cell_type") == "code")


def kernel_and_language(metadata: dict[str, Any]) -> tuple[str | None, str | None]:
    kernelspec = metadata.get("kernelspec") or {}
    language_info = metadata.get("language_info") or {}
    kernel = kernelspec.get("name") if isinstance(kernelspec, dict) else None
    language = (kernelspec.get("language") if isinstance(kernelspec, dict) else None) or (
        language_info.get("name") if isinstance(language_info, dict) else None
    )
    return (kernel if isinstance(kernel, str) else None), (language if isinstance(language, str) else None)


def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def describe(nb: dict[str, Any], fallback_title: str, manifest_entry: dict[str, Any] | None = None) -> dict[str, Any]:
    """Card fields of one notebook: the manifest wins over per-notebook metadata, which wins over the cells."""
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    cells = [c for c in cells if isinstance(c, dict)]
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    own = metadata.get("gallery") if isinstance(metadata.get("gallery"), dict) else {}
    entry = {**own, **(manifest_entry or {})}
    title, description = title_and_description(cells)
    kernel, language = kernel_and_language(metadata)
    return {
        "title": entry.get("title") if isinstance(entry.get("title"), str) else (title or fallback_title),
        "description": entry.get("description") if isinstance(entry.get("description"), str) else description,
        "kernel": kernel,
        "language": language,
        "tags": _str_list(entry.get("tags")) or _str_list(metadata.get("tags")),
        "data": _str_list(entry.get("data")),
        "parameters": has_parameters(cells),
    }
