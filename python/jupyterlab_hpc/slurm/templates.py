"""Submission templates: the site's (files from ``c.Slurm.templates``) and the user's own (a JSON store)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from .. import errors
from ..jsonstore import JsonStore
from ..safefile import read_regular
from ..validate import has_control_chars
from .submit import MAX_SCRIPT_BYTES, check_options, check_script

log = logging.getLogger("jupyterlab_hpc")
SCRIPT_SUFFIXES = (".sh", ".sbatch", ".slurm", ".job", ".bash")


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise errors.InvalidInput("Field 'name' must be a non-empty string.")
    name = name.strip()
    if len(name) > 100 or has_control_chars(name):
        raise errors.InvalidInput("Field 'name' must be at most 100 characters, without control characters.")
    return name


def _from_file(path: Path) -> dict | None:
    try:
        text = read_regular(path, MAX_SCRIPT_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, errors.TooLarge) as error:
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

    def __init__(self, locations: list[str], store_path: str, flags: list[str], max_user: int):
        self.locations = locations
        self.store = JsonStore(store_path, lambda: {"templates": []})
        self.flags = flags
        self.max_user = max_user

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
            raise errors.InvalidInput("Field 'description' must be a string of at most 1000 characters.")
        template = {"name": name, "description": description, "script": script, "options": options}

        def put(data: dict) -> None:
            others = [t for t in self._user(data) if t["name"] != name]
            if len(others) >= self.max_user:
                raise errors.TooLarge(
                    f"You have {len(others)} templates, the most this server keeps; delete one to save another."
                )
            data["templates"] = [*others, template]

        self.store.update(put)
        return {**template, "source": "user"}

    def delete(self, name: str) -> None:
        if any(t["name"] == name for t in site_templates(self.locations)) and not any(
            t["name"] == name for t in self._user(self.store.read())
        ):
            raise errors.Forbidden(f"'{name}' is a site template; it cannot be deleted.")

        def remove(data: dict) -> bool:
            before = self._user(data)
            data["templates"] = [t for t in before if t["name"] != name]
            return len(before) != len(data["templates"])

        if not self.store.update(remove):
            raise errors.NotFound(f"No template of yours is named '{name}'.")
