"""What a gallery card shows about a notebook, read from its JSON and the source's manifest."""

from __future__ import annotations

import re
from typing import Any

MAX_DESCRIPTION = 400
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# Markdown decorations dropped from the description (it is shown as plain text).
INLINE_MARKUP = re.compile(r"(\*\*|__|`|\*)")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _source_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _cell_tags(cell: dict[str, Any]) -> list[str]:
    tags = (cell.get("metadata") or {}).get("tags") or []
    return [t for t in tags if isinstance(t, str)]


def title_and_description(cells: list[dict[str, Any]]) -> tuple[str | None, str]:
    """The first Markdown heading and the first paragraph of prose after it."""
    title: str | None = None
    paragraph: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        for line in _source_text(cell).splitlines():
            match = HEADING.match(line)
            if match:
                if paragraph:
                    break
                if title is None:
                    title = match.group(2).strip()
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
    description = LINK.sub(r"\1", " ".join(paragraph))
    description = INLINE_MARKUP.sub("", description)
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
