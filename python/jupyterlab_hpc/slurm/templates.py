"""Submission templates: the site's (files from ``c.Slurm.templates``) and the user's own (a JSON store)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from tornado import web

from ..jsonstore import JsonStore
from .submit import MAX_SCRIPT_BYTES, check_options

log = logging.getLogger("jupyterlab_hpc")
SCRIPT_SUFFIXES = (".sh", ".sbatch", ".slurm", ".job", ".bash")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise web.HTTPError(400, "Field 'name' must be a non-empty string.")
    name = name.strip()
    if len(name) > 100 or _CONTROL.search(name):
        raise web.HTTPError(400, "Field 'name' must be at most 100 characters, without control characters.")
    return name


def check_script(script: object) -> str:
    if not isinstance(script, str):
        raise web.HTTPError(400, "Field 'script' must be a string.")
    if "\x00" in script:
        raise web.HTTPError(400, "Field 'script' must not contain NUL bytes.")
    if len(script.encode("utf-8")) > MAX_SCRIPT_BYTES:
        raise web.HTTPError(413, f"The script is larger than {MAX_SCRIPT_BYTES // 1024} KB.")
    return script


def _from_file(path: Path) -> dict | None:
    try:
        if path.stat().st_size > MAX_SCRIPT_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        log.warning("jupyterlab-hpc: cannot read Slurm template %s: %s", path, error)
        return None
    if path.suffix == ".json":
        try:
            data = json.loads(text)
            return {
                "name": str(data["name"]),
                "description": str(data.get("description", "")),
                "script": str(data.get("script", "")),
                "options": dict(data.get("options") or {}),
                "source": "site",
            }
        except (ValueError, KeyError, TypeError) as error:
            log.warning("jupyterlab-hpc: Slurm template %s is not valid: %s", path, error)
            return None
    # A script file: its name is the file name; a "# Description: ..." line describes it.
    match = re.search(r"^#\s*Description:\s*(.+)$", text, re.MULTILINE)
    return {
        "name": path.stem.replace("_", " "),
        "description": match.group(1).strip() if match else "",
        "script": text,
        "options": {},
        "source": "site",
    }


def site_templates(locations: list[str]) -> list[dict]:
    found = []
    for location in locations:
        path = Path(location).expanduser()
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and (file.suffix in SCRIPT_SUFFIXES or file.suffix == ".json"):
                template = _from_file(file)
                if template:
                    found.append(template)
    return found


class Templates:
    """Site templates (read at each request, so an admin's edit shows at once) and user ones."""

    def __init__(self, locations: list[str], store_path: str, flags: list[str]):
        self.locations = locations
        self.store = JsonStore(store_path, lambda: {"templates": []})
        self.flags = flags

    def _user(self, data: object) -> list[dict]:
        templates = data.get("templates") if isinstance(data, dict) else None
        return [t for t in templates or [] if isinstance(t, dict) and isinstance(t.get("name"), str)]

    def all(self) -> list[dict]:
        user = [{**t, "source": "user"} for t in self._user(self.store.read())]
        return site_templates(self.locations) + user

    def save(self, body: dict) -> dict:
        name = check_name(body.get("name"))
        script = check_script(body.get("script", ""))
        options = body.get("options") or {}
        check_options(options, self.flags)  # same rules as a submission; paths are checked at submit time
        description = body.get("description") or ""
        if not isinstance(description, str) or len(description) > 1000:
            raise web.HTTPError(400, "Field 'description' must be a string of at most 1000 characters.")
        template = {"name": name, "description": description, "script": script, "options": options}

        def put(data: dict) -> None:
            if not isinstance(data.get("templates"), list):
                data["templates"] = []
            data["templates"] = [t for t in self._user(data) if t["name"] != name] + [template]

        self.store.update(put)
        return {**template, "source": "user"}

    def delete(self, name: str) -> None:
        if any(t["name"] == name for t in site_templates(self.locations)) and not any(
            t["name"] == name for t in self._user(self.store.read())
        ):
            raise web.HTTPError(403, f"'{name}' is a site template; it cannot be deleted.")

        def remove(data: dict) -> bool:
            before = self._user(data)
            data["templates"] = [t for t in before if t["name"] != name]
            return len(before) != len(data["templates"])

        if not self.store.update(remove):
            raise web.HTTPError(404, f"No template of yours is named '{name}'.")
