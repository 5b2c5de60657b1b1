"""Reading, parameterizing and copying a notebook into the user's space, never overwriting."""

from __future__ import annotations

import ast
import copy
import json
import keyword
import logging
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NBFormatError
from nbformat.reader import get_version
from papermill import __version__ as papermill_version
from papermill.exceptions import PapermillException
from papermill.inspection import _infer_parameters
from papermill.parameterize import parameterize_notebook

from .. import errors
from ..jsonstore import JsonStore
from ..safefile import NotRegularFile, copy_regular, open_regular
from ..validate import RootPaths, parse_json
from .sources import DirectorySource

MAX_PARAMETERS = 200
#: papermill reads the parameters cell with a regular expression that backtracks over runs of
#: blanks inside a line (seconds for a few thousand spaces, minutes beyond): a cell with a longer
#: run, or bigger than MAX_PARAMETERS_CELL characters, is not inspected (no parameters offered).
MAX_BLANK_RUN = 64
MAX_PARAMETERS_CELL = 256 * 1024
_BLANKS = re.compile(r"[^\S\n]+")  # each match is a maximal run: one linear pass
log = logging.getLogger("jupyterlab_hpc")


def read_notebook(disk: Path, max_size: int) -> nbformat.NotebookNode:
    """A valid v4 notebook from the disk: 413 too large, 422 not a notebook."""
    if not disk.name.endswith(".ipynb"):
        raise errors.InvalidNotebook(f"'{disk.name}' is not a notebook (.ipynb).")
    try:
        # never blocks on a named pipe put in place of the notebook; reads at most max_size bytes
        with open_regular(disk) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_size:
                raise errors.TooLarge(
                    f"'{disk.name}' is {size / 1e6:.1f} MB, more than the gallery's limit of {max_size / 1e6:.1f} MB."
                )
            raw = handle.read(max_size + 1)
    except NotRegularFile as error:
        raise errors.InvalidNotebook(f"'{disk.name}' {error.strerror}.") from None
    except FileNotFoundError:
        raise errors.NotFound(f"'{disk.name}' does not exist (any more).") from None
    if len(raw) > max_size:
        raise errors.TooLarge(f"'{disk.name}' grew beyond the gallery's limit of {max_size / 1e6:.1f} MB.")
    try:
        data = parse_json(raw)
    except ValueError as error:  # UnicodeDecodeError too
        raise errors.InvalidNotebook(f"'{disk.name}' is not valid JSON: {error}") from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise errors.InvalidNotebook(f"'{disk.name}' is JSON but not a Jupyter notebook.")
    try:
        # nbformat.reads without parsing the JSON a second time (notebooks may be large)
        major, minor = get_version(data)
        if major not in nbformat.versions:
            raise NBFormatError(f"unsupported nbformat version {major}")
        nb = nbformat.convert(nbformat.versions[major].to_notebook_json(data, minor=minor), 4)
        nbformat.validate(nb)
    except (
        nbformat.ValidationError,
        NBFormatError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
    ) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise errors.InvalidNotebook(f"'{disk.name}' is not a valid notebook (nbformat): {first}") from None
    return nb


def _literal(text: str) -> Any:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return None
    return value


def _with_tags(nb: nbformat.NotebookNode) -> set[int]:
    """Give every cell a ``tags`` list as papermill's loader does; returns the cells that had none."""
    added = set()
    for cell in nb.cells:
        if not isinstance(cell.metadata.get("tags"), list):
            cell.metadata["tags"] = []
            added.add(id(cell))
    return added


def _not_inspectable(nb: nbformat.NotebookNode) -> str | None:
    """Why papermill must not read the parameters cell (see MAX_BLANK_RUN), or None."""
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    source = cell.get("source", "") if cell is not None else ""
    if isinstance(source, list):  # papermill joins the lines of a cell read as a list
        source = "".join(line for line in source if isinstance(line, str))
    if not isinstance(source, str):
        return None
    if len(source) > MAX_PARAMETERS_CELL:
        return f"it has {len(source)} characters, more than {MAX_PARAMETERS_CELL}"
    longest = max((match.end() - match.start() for match in _BLANKS.finditer(source)), default=0)
    if longest > MAX_BLANK_RUN:
        return f"it has a run of {longest} blanks in a line, more than {MAX_BLANK_RUN}"
    return None


def parameters_of(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """The parameters cell as papermill infers it, with the default decoded when it is a plain literal."""
    nb = copy.deepcopy(nb)
    _with_tags(nb)
    why = _not_inspectable(nb)
    if why:
        log.warning("jupyterlab-hpc: parameters cell not inspected: %s", why)
        return []
    try:
        params = _infer_parameters(nb)
    except (PapermillException, ValueError):
        return []
    result = []
    for param in params:
        item = param._asdict()
        item["value"] = _literal(item["default"])
        # papermill only knows annotated types; the form needs one for plain literals too
        declared = item.get("inferred_type_name") or "None"
        item["type"] = declared if declared != "None" else type(item["value"]).__name__
        result.append(item)
    return result


def check_parameters(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise errors.InvalidInput("Field 'parameters' must be an object of names to values.")
    if len(value) > MAX_PARAMETERS:
        raise errors.InvalidInput(f"At most {MAX_PARAMETERS} parameters.")
    for name in value:
        # the name becomes the left-hand side of an assignment: only identifiers
        if not name.isidentifier() or keyword.iskeyword(name):
            raise errors.InvalidInput(f"'{name}' is not a valid parameter name.")
    return value


MAX_NAME = 255


def check_file_name(name: Any) -> str:
    """The clone's file name as the user typed it: one name (no folder), ``.ipynb`` added if missing."""
    if not isinstance(name, str) or not name.strip():
        raise errors.InvalidInput("Give the copy a file name.")
    name = name.strip()
    if "/" in name or "\\" in name or "\x00" in name or name in {".", ".."}:
        raise errors.InvalidInput("The file name must be a name only, without a folder (choose the folder above).")
    if name.startswith("."):
        raise errors.InvalidInput("The file name must not start with a dot (such files are hidden).")
    if not name.endswith(".ipynb"):
        name += ".ipynb"
    if len(name.encode()) > MAX_NAME:
        raise errors.InvalidInput(f"The file name is longer than {MAX_NAME} bytes.")
    return name


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class Cloner:
    """Clones notebooks from sources into the server root and remembers what it cloned."""

    def __init__(self, config: Any, root_dir: str, kernel_spec_manager: Any, records: JsonStore):
        self.config = config
        self.root = RootPaths(root_dir)
        self.ksm = kernel_spec_manager
        self.records = records

    def kernelspec(self, name: str | None) -> dict[str, str] | None:
        """The kernelspec metadata for a kernel the server knows; None for any other name."""
        if not name or self.ksm is None:
            return None
        try:
            if name not in self.ksm.find_kernel_specs():
                return None
            spec = self.ksm.get_kernel_spec(name)
        except Exception:  # noqa: BLE001 (a broken kernel dir must not break cloning)
            return None
        return {"name": name, "display_name": spec.display_name, "language": spec.language}

    def kernel_choice(self, source: DirectorySource, nb: dict[str, Any]) -> dict[str, Any]:
        """The kernel a clone gets and why, in words for the clone dialog.

        The source's kernel wins when this server has it; otherwise the clone
        keeps the notebook's own kernelspec (which JupyterLab may not have either).
        """
        own = (nb.get("metadata") or {}).get("kernelspec") or {}
        own_name = own.get("name") if isinstance(own, dict) and isinstance(own.get("name"), str) else None
        wanted = self.kernelspec(source.kernel)
        if wanted:
            return {
                "name": wanted["name"],
                "display_name": wanted["display_name"],
                "installed": True,
                "reason": f'The source "{source.name}" sets this kernel for its notebooks.',
            }
        installed = self.kernelspec(own_name)
        if source.kernel:
            reason = f'The source asks for the kernel "{source.kernel}", which this server does not have'
            reason += (
                "; the copy keeps the notebook's own kernel."
                if installed
                else (f', nor the notebook\'s own kernel "{own_name}"' if own_name else ", and the notebook names none")
                + ": JupyterLab will ask you to choose one when you open the copy."
            )
        elif installed:
            reason = "The notebook's own kernel."
        elif own_name:
            reason = (
                f'The notebook asks for the kernel "{own_name}", which this server does not have: '
                "JupyterLab will ask you to choose one when you open the copy."
            )
        else:
            reason = "The notebook names no kernel: JupyterLab will ask you to choose one when you open the copy."
        display = installed["display_name"] if installed else (own.get("display_name") if own_name else None)
        return {
            "name": own_name,
            "display_name": display if isinstance(display, str) else own_name,
            "installed": bool(installed),
            "reason": reason,
        }

    def default_dir(self, source: DirectorySource) -> str:
        return self.config.clone_dir.replace("{source}", source.id)

    def remembered_dir(self, source: DirectorySource) -> str:
        """The folder this user last cloned this source's notebooks into, else the site's clone folder."""
        data = self.records.read()
        saved = (data.get("destinations") or {}) if isinstance(data, dict) else {}
        folder = saved.get(source.id) if isinstance(saved, dict) else None
        return folder if isinstance(folder, str) else self.default_dir(source)

    def _remember_dir(self, source: DirectorySource, folder: str) -> None:
        def save(data: dict[str, Any]) -> None:
            saved = data.get("destinations")
            if not isinstance(saved, dict):
                saved = data["destinations"] = {}
            if folder == self.default_dir(source):
                saved.pop(source.id, None)
            else:
                saved[source.id] = folder

        try:
            self.records.update(save)
        except (errors.Unavailable, AttributeError, TypeError) as error:
            log.warning("jupyterlab-hpc gallery: could not remember the clone folder: %s", error)

    def copies(self, source: DirectorySource, path: str) -> list[str]:
        """The user's clones of this notebook still on disk."""
        return self.annotations([{"source": source.id, "path": path, "version": None}])[0][0]

    def plan(self, source: DirectorySource, path: str, target_dir: str | None = None) -> dict[str, Any]:
        """What the clone dialog offers: folder (remembered), a free file name, the kernel and why, copies."""
        disk = source.resolve(path)
        nb = read_notebook(disk, source.max_size)
        folder = target_dir if target_dir else self.remembered_dir(source)
        try:
            dest = self.target_dir(source, folder)
        except (errors.Conflict, errors.Forbidden):
            if target_dir:
                raise
            folder = self.default_dir(source)  # the remembered folder became unusable
            dest = self.target_dir(source, folder)
        return {
            "target_dir": folder,
            "default_dir": self.default_dir(source),
            "name": self._free_name(dest, disk.name),
            "kernel": self.kernel_choice(source, nb),
            "copies": self.copies(source, path),
            "parameters": parameters_of(nb),
        }

    @staticmethod
    def _free_name(dest_dir: Path, name: str) -> str:
        """``name`` if no file has it in ``dest_dir`` yet, else the next ``stem-CopyN.ipynb``."""
        stem, suffix = os.path.splitext(name)
        for n in range(10000):
            candidate = name if n == 0 else f"{stem}-Copy{n}{suffix}"
            if not (dest_dir / candidate).exists():
                return candidate
        return name

    def target_dir(self, source: DirectorySource, target_dir: str | None) -> Path:
        text = target_dir if target_dir else self.default_dir(source)
        disk = self.root.to_disk(text or ".", "target_dir")
        if disk.exists() and not disk.is_dir():
            raise errors.Conflict(f"'{text}' exists and is not a folder.")
        return disk

    def clone(
        self,
        source: DirectorySource,
        path: str,
        target_dir: str | None = None,
        parameters: Any = None,
        name: str | None = None,
    ) -> dict[str, Any]:
        parameters = check_parameters(parameters)
        name = check_file_name(name) if name is not None else None
        disk = source.resolve(path)
        nb = read_notebook(disk, source.max_size)
        data_files = self._data_files(source, disk, source.declared_data(path, nb))
        dest_dir = self.target_dir(source, target_dir)
        self._check_targets(data_files, dest_dir)

        choice = self.kernel_choice(source, nb)
        kernel = self.kernelspec(source.kernel)
        if kernel:
            nb.metadata["kernelspec"] = kernel
        if parameters:
            nb = self._parameterize(nb, parameters)
        provenance = {"source": source.id, "source_name": source.name, "path": path}
        provenance.update(source.provenance(path, disk))
        provenance["cloned_at"] = now_iso()
        if parameters:
            provenance["parameters"] = parameters
        hpc = nb.metadata.get("jupyterlab_hpc")
        nb.metadata["jupyterlab_hpc"] = {**(hpc if isinstance(hpc, dict) else {}), "clone": provenance}
        text = nbformat.writes(nb)

        # Everything is checked; only now is anything written.
        try:
            dest_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise errors.Forbidden(f"Cannot create the folder {self.root.to_api(dest_dir)}: {error.strerror}") from None
        if name is None:
            target = self._write_new(dest_dir, disk.name, text)
        else:  # the name the user typed: theirs exactly, or a conflict to resolve in the dialog
            target = self._write_new(dest_dir, name, text, suffix=False)
        copied = self._copy_data(data_files, dest_dir)
        api_path = self.root.to_api(target) or target.name
        record = {
            "path": api_path,
            "source": source.id,
            "source_path": path,
            "version": provenance["version"],
            "cloned_at": provenance["cloned_at"],
        }
        try:
            self.records.update(lambda data: data.setdefault("clones", []).append(record))
        except (errors.Unavailable, AttributeError, TypeError) as error:
            # the clone exists and is what the user asked for; only the update marker will miss it
            log.warning("jupyterlab-hpc gallery: could not record the clone %s: %s", api_path, error)
        if target_dir:
            self._remember_dir(source, target_dir)
        return {
            "path": api_path,
            "kernel": kernel["name"] if kernel else None,
            "kernel_choice": choice,
            "data_files": copied,
            "provenance": provenance,
        }

    def _parameterize(self, nb: nbformat.NotebookNode, parameters: dict[str, Any]) -> nbformat.NotebookNode:
        nb = copy.deepcopy(nb)
        if not isinstance(nb.metadata.get("papermill"), dict):
            nb.metadata["papermill"] = nbformat.from_dict(
                {"default_parameters": {}, "parameters": {}, "environment_variables": {}, "version": papermill_version}
            )
        added = _with_tags(nb)
        kernelspec = nb.metadata.get("kernelspec") or {}
        try:
            nb = parameterize_notebook(
                nb, parameters, kernel_name=kernelspec.get("name"), language=kernelspec.get("language")
            )
        except (PapermillException, ValueError) as error:
            raise errors.InvalidNotebook(f"Cannot set parameters in this notebook: {error}") from None
        for cell in nb.cells:  # papermill needs the empty tag lists, the user's copy does not
            if id(cell) in added and cell.metadata.get("tags") == []:
                del cell.metadata["tags"]
        return nb

    def _data_files(self, source: DirectorySource, notebook: Path, declared: list[str]) -> list[tuple[Path, str]]:
        """(disk path, path relative to the clone folder) of each declared data file, all checked first."""
        limit_files, limit_bytes = self.config.max_data_files, self.config.max_data_size
        if len(declared) > limit_files:
            raise errors.TooLarge(
                f"This notebook declares {len(declared)} data files, more than the gallery's limit of {limit_files}."
            )
        base = notebook.parent
        result, total = [], 0
        for rel in declared:
            disk = (base / rel).resolve()
            root = source.root
            if root not in disk.parents or base not in disk.parents:
                raise errors.Forbidden(f"The data file '{rel}' is outside the notebook's folder in the source.")
            if not disk.is_file():  # a regular file: a named pipe or a device is not data
                raise errors.InvalidNotebook(
                    f"The data file '{rel}' declared for this notebook is missing in the source."
                )
            total += disk.stat().st_size
            if total > limit_bytes:
                raise errors.TooLarge(
                    f"The data files of this notebook are more than the gallery's limit of {limit_bytes / 1e6:.1f} MB."
                )
            result.append((disk, disk.relative_to(base).as_posix()))
        return result

    def _check_targets(self, files: list[tuple[Path, str]], dest_dir: Path) -> None:
        """Before anything is written: no data file may land outside the root (through a linked folder)."""
        for _disk, rel in files:
            if not self.root.contains((dest_dir / rel).resolve()):
                raise errors.Forbidden(f"The data file '{rel}' would be copied outside the Jupyter root directory.")

    @staticmethod
    def _write_new(dest_dir: Path, name: str, text: str, suffix: bool = True) -> Path:
        """Create ``name``, else ``stem-Copy1.ipynb``, ``stem-Copy2.ipynb``...: never an existing file.

        With ``suffix=False`` an existing ``name`` is a Conflict instead.
        """
        stem, ext = os.path.splitext(name)
        for n in range(10000 if suffix else 1):
            target = dest_dir / (name if n == 0 else f"{stem}-Copy{n}{ext}")
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                if not suffix:
                    raise errors.Conflict(f"{name} already exists in that folder: choose another name.") from None
                continue
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            return target
        raise errors.Conflict(f"Too many copies of {name} in {dest_dir}.")

    def _copy_data(self, files: list[tuple[Path, str]], dest_dir: Path) -> list[dict[str, str]]:
        copied = []
        budget = self.config.max_data_size
        for disk, rel in files:
            target = dest_dir / rel
            api = self.root.to_api(target) or rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                # O_EXCL: the user's copy (maybe edited, maybe a link) stays; bounded: a file growing
                # since the check cannot fill the disk
                budget -= copy_regular(disk, target, budget)
            except FileExistsError:
                copied.append({"path": api, "status": "kept"})
                continue
            copied.append({"path": api, "status": "copied"})
        return copied

    # -- update detection ----------------------------------------------------------------
    def annotations(self, entries: list[dict[str, Any]]) -> list[tuple[list[str], bool]]:
        """For each listed notebook: the user's clones still on disk, and whether a newer version exists."""
        data = self.records.read()
        records = data.get("clones", []) if isinstance(data, dict) else []
        by_notebook: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for record in records:
            if isinstance(record, dict) and isinstance(record.get("path"), str):
                by_notebook.setdefault((record.get("source"), record.get("source_path")), []).append(record)
        result = []
        for entry in entries:
            mine = by_notebook.get((entry["source"], entry["path"]))
            if not mine:
                result.append(([], False))
                continue
            # one entry per file (a path cloned again after its file was deleted is recorded twice)
            unique = {r["path"]: r for r in mine}
            clones = [r for r in unique.values() if (self.root.root / r["path"]).is_file()]
            update = bool(clones) and all(r.get("version") != entry.get("version") for r in clones)
            result.append(([r["path"] for r in clones], update))
        return result
