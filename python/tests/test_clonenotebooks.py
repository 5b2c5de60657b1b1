"""The notebook gallery's REST API against a real server, real directories and a real git repository."""

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import flock_waiters, held_flock, until
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from tornado.httpclient import HTTPClientError

from jupyterlab_hpc import errors
from jupyterlab_hpc.clonenotebooks.clone import read_notebook
from jupyterlab_hpc.clonenotebooks.metadata import MAX_CELL_CHARS, describe
from jupyterlab_hpc.clonenotebooks.sources import DirectorySource

PY = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def write_nb(path: Path, cells, metadata=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=cells, metadata=metadata or dict(PY))
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return nb


def git(repo, *args):
    return subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=Test", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.fixture
def shared(tmp_path):
    root = tmp_path / "shared"
    write_nb(
        root / "intro.ipynb",
        [
            new_markdown_cell("# Intro to tomography\n\nReconstruct a **sample** from projections.\n\nMore text."),
            new_code_cell("print('hello')"),
        ],
    )
    write_nb(
        root / "sub" / "params.ipynb",
        [
            new_markdown_cell("## Bragg disks\nFind Bragg disks in 4D-STEM data."),
            new_code_cell('alpha: float = 0.5  # threshold\nname = "sample"\nn = 3', metadata={"tags": ["parameters"]}),
            new_code_cell("print(alpha, name, n)"),
        ],
    )
    write_nb(root / ".hidden" / "h.ipynb", [new_markdown_cell("# Hidden")])
    write_nb(root / ".ipynb_checkpoints" / "intro-checkpoint.ipynb", [new_markdown_cell("# Checkpoint")])
    (root / "bad.ipynb").write_text("{ not json", encoding="utf-8")
    (root / "invalid.ipynb").write_text(
        json.dumps({"cells": [{"cell_type": "code"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    (root / "big.ipynb").write_text(
        nbformat.writes(new_notebook(cells=[new_code_cell("x = 1\n" * 10000)], metadata=dict(PY)))
    )
    (root / "notes.txt").write_text("not a notebook")
    (root / "data").mkdir()
    (root / "data" / "sample.csv").write_text("a,b\n1,2\n")
    (root / "gallery.json").write_text(
        json.dumps({"notebooks": {"intro.ipynb": {"tags": ["tomography", "beginner"], "data": ["data/sample.csv"]}}})
    )
    outside = tmp_path / "outside"
    write_nb(outside / "secret.ipynb", [new_markdown_cell("# Secret")])
    os.symlink(outside / "secret.ipynb", root / "escape.ipynb")
    return root


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_nb(repo / "notebooks" / "analysis.ipynb", [new_markdown_cell("# Git analysis\n\nFrom git.")])
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    return repo


@pytest.fixture
def hpc_config(hpc_config, tmp_path, shared, repo):
    hpc_config["CloneNotebooks"] = {
        "sources": [
            {"id": "shared", "name": "Shared", "type": "directory", "path": str(shared), "kernel": "python3"},
            {
                "id": "tut",
                "name": "Tutorials",
                "type": "git",
                "url": f"file://{repo}",
                "ref": "main",
                "subdir": "notebooks",
                "kernel": "no-such-kernel",
            },
        ],
        "data_dir": str(tmp_path / "clone-state"),
        "max_notebook_size": 50_000,
        "git_refresh_interval": 3600,
    }
    return hpc_config


def files_under(root: Path):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


async def listing(api, **params):
    code, data = await api("clone", "notebooks", params=params or None)
    assert code == 200, data
    return data


async def test_sources_and_listing(api, shared):
    code, sources = await api("clone", "sources")
    assert code == 200
    assert [(s["id"], s["type"], s["available"]) for s in sources] == [
        ("shared", "directory", True),
        ("tut", "git", True),
    ]
    data = await listing(api)
    assert data["errors"] == []
    paths = {(n["source"], n["path"]) for n in data["notebooks"]}
    assert paths == {
        ("shared", "intro.ipynb"),
        ("shared", "sub/params.ipynb"),
        ("shared", "bad.ipynb"),
        ("shared", "invalid.ipynb"),
        ("shared", "big.ipynb"),
        ("tut", "analysis.ipynb"),
    }  # no hidden, checkpoint, non-notebook or symlinked-out files
    intro = next(n for n in data["notebooks"] if n["path"] == "intro.ipynb")
    assert intro["title"] == "Intro to tomography"
    assert intro["description"] == "Reconstruct a sample from projections."
    assert intro["tags"] == ["tomography", "beginner"]
    assert (intro["kernel"], intro["language"], intro["parameters"]) == ("python3", "python", False)
    assert intro["size"] == (shared / "intro.ipynb").stat().st_size
    assert intro["modified"].endswith("Z")
    params = next(n for n in data["notebooks"] if n["path"] == "sub/params.ipynb")
    assert params["title"] == "Bragg disks" and params["parameters"] is True
    assert "error" in next(n for n in data["notebooks"] if n["path"] == "bad.ipynb")


async def test_search_and_source_filter(api):
    data = await listing(api, q="BRAGG")
    assert [n["path"] for n in data["notebooks"]] == ["sub/params.ipynb"]
    data = await listing(api, q="tomography beginner")
    assert [n["path"] for n in data["notebooks"]] == ["intro.ipynb"]
    data = await listing(api, source="tut")
    assert [(n["source"], n["title"]) for n in data["notebooks"]] == [("tut", "Git analysis")]
    code, _ = await api("clone", "notebooks", params={"source": "nope"})
    assert code == 404


async def test_preview(api):
    code, nb = await api("clone", "preview", params={"source": "shared", "path": "intro.ipynb"})
    assert code == 200
    assert nb["nbformat"] == 4 and nb["cells"][1]["source"] == "print('hello')"


async def test_clone_with_kernel_provenance_and_data(api, jp_root_dir, shared):
    code, result = await api("clone", "clone", method="POST", body={"source": "shared", "path": "intro.ipynb"})
    assert code == 201, result
    assert result["path"] == "gallery/shared/intro.ipynb"
    nb = json.loads((jp_root_dir / result["path"]).read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    prov = nb["metadata"]["jupyterlab_hpc"]["clone"]
    assert prov["source"] == "shared" and prov["path"] == "intro.ipynb"
    assert prov["version"] == f"mtime:{(shared / 'intro.ipynb').stat().st_mtime_ns}"
    assert prov["mtime"].endswith("Z") and prov["cloned_at"].endswith("Z")
    assert (jp_root_dir / "gallery/shared/data/sample.csv").read_text() == "a,b\n1,2\n"
    assert result["data_files"] == [{"path": "gallery/shared/data/sample.csv", "status": "copied"}]


async def test_clone_never_overwrites(api, jp_root_dir):
    body = {"source": "shared", "path": "intro.ipynb"}
    _, first = await api("clone", "clone", method="POST", body=body)
    first_file = jp_root_dir / first["path"]
    first_file.write_text(first_file.read_text().replace("hello", "my edit"))
    edited = first_file.read_bytes()
    code, second = await api("clone", "clone", method="POST", body=body)
    assert code == 201 and second["path"] == "gallery/shared/intro-Copy1.ipynb"
    _, third = await api("clone", "clone", method="POST", body=body)
    assert third["path"] == "gallery/shared/intro-Copy2.ipynb"
    assert first_file.read_bytes() == edited
    assert second["data_files"][0]["status"] == "kept"


async def test_clone_into_target_dir(api, jp_root_dir):
    code, result = await api(
        "clone", "clone", method="POST", body={"source": "shared", "path": "intro.ipynb", "target_dir": "work/x"}
    )
    assert code == 201 and result["path"] == "work/x/intro.ipynb"
    assert (jp_root_dir / "work/x/intro.ipynb").is_file()


async def test_parameters_form_and_injection(api, jp_root_dir, shared):
    code, data = await api("clone", "parameters", params={"source": "shared", "path": "sub/params.ipynb"})
    assert code == 200
    assert [(p["name"], p["type"], p["value"], p["help"]) for p in data["parameters"]] == [
        ("alpha", "float", 0.5, "threshold"),
        ("name", "str", "sample", ""),
        ("n", "int", 3, ""),
    ]
    params = {"alpha": 0.9, "name": "run 7"}
    code, result = await api(
        "clone", "clone", method="POST", body={"source": "shared", "path": "sub/params.ipynb", "parameters": params}
    )
    assert code == 201, result
    clone = nbformat.read(jp_root_dir / result["path"], as_version=4)
    source_nb = load_notebook_node(str(shared / "sub" / "params.ipynb"))
    expected = parameterize_notebook(source_nb, params, kernel_name="python3", language="python")
    injected = clone.cells[2]
    assert injected.metadata.tags == ["injected-parameters"]
    assert injected.source == expected.cells[2].source
    assert "alpha = 0.9" in injected.source and 'name = "run 7"' in injected.source
    assert [c.source for c in clone.cells] == [c.source for c in expected.cells]
    assert clone.metadata.papermill.parameters == params
    assert clone.metadata.jupyterlab_hpc.clone.parameters == params


async def test_git_source_clone_and_update(api, jp_root_dir, repo):
    data = await listing(api, source="tut")
    [entry] = data["notebooks"]
    assert entry["clones"] == [] and entry["update_available"] is False
    code, result = await api("clone", "clone", method="POST", body={"source": "tut", "path": "analysis.ipynb"})
    assert code == 201, result
    nb = json.loads((jp_root_dir / result["path"]).read_text())
    prov = nb["metadata"]["jupyterlab_hpc"]["clone"]
    assert prov["commit"] == git(repo, "rev-parse", "HEAD")
    assert prov["blob"] == git(repo, "rev-parse", "HEAD:notebooks/analysis.ipynb")
    # the source's kernel is unknown to this server: nothing is installed, the kernelspec stays the notebook's
    assert nb["metadata"]["kernelspec"]["name"] == "python3" and result["kernel"] is None
    [entry] = (await listing(api, source="tut"))["notebooks"]
    assert entry["clones"] == [result["path"]] and entry["update_available"] is False

    write_nb(repo / "notebooks" / "analysis.ipynb", [new_markdown_cell("# Git analysis v2")])
    git(repo, "commit", "-q", "-am", "second")
    code, status = await api("clone", "refresh", method="POST", body={"source": "tut"})
    assert code == 200 and status[0]["commit"] == git(repo, "rev-parse", "HEAD")
    [entry] = (await listing(api, source="tut"))["notebooks"]
    assert entry["title"] == "Git analysis v2" and entry["update_available"] is True
    before = (jp_root_dir / result["path"]).read_bytes()
    code, newer = await api("clone", "clone", method="POST", body={"source": "tut", "path": "analysis.ipynb"})
    assert newer["path"] == "gallery/tut/analysis-Copy1.ipynb"
    assert (jp_root_dir / result["path"]).read_bytes() == before
    [entry] = (await listing(api, source="tut"))["notebooks"]
    assert entry["update_available"] is False and len(entry["clones"]) == 2


async def test_directory_update_detection(api, shared):
    await api("clone", "clone", method="POST", body={"source": "shared", "path": "intro.ipynb"})
    intro = next(n for n in (await listing(api, q="intro"))["notebooks"])
    assert intro["update_available"] is False
    stat = (shared / "intro.ipynb").stat()
    os.utime(shared / "intro.ipynb", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    intro = next(n for n in (await listing(api, q="intro"))["notebooks"])
    assert intro["update_available"] is True


BAD = [
    ({"source": "shared", "path": "../outside/secret.ipynb"}, 403, "outside the source"),
    ({"source": "shared", "path": "/etc/passwd"}, 403, "relative"),
    ({"source": "shared", "path": "escape.ipynb"}, 403, "outside the source"),
    ({"source": "nope", "path": "intro.ipynb"}, 404, "Unknown notebook source"),
    ({"source": "shared", "path": "missing.ipynb"}, 404, "No notebook"),
    ({"source": "shared", "path": "notes.txt"}, 422, "not a notebook"),
    ({"source": "shared", "path": "bad.ipynb"}, 422, "not valid JSON"),
    ({"source": "shared", "path": "invalid.ipynb"}, 422, "not a valid notebook"),
    ({"source": "shared", "path": "big.ipynb"}, 413, "limit"),
    ({"source": "shared", "path": "intro.ipynb", "target_dir": "../elsewhere"}, 403, "outside the Jupyter root"),
    ({"source": "shared", "path": "intro.ipynb", "target_dir": "/tmp"}, 403, "outside the Jupyter root"),
    ({"source": "shared", "path": "sub/params.ipynb", "parameters": {"x=1;import os": 1}}, 400, "not a valid"),
    ({"source": "shared", "path": "sub/params.ipynb", "parameters": [1]}, 400, "parameters"),
    ({"source": "shared"}, 400, "path"),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD)
async def test_bad_clone_input_writes_nothing(api, jp_root_dir, tmp_path, body, status, message):
    before = files_under(tmp_path)
    code, data = await api("clone", "clone", method="POST", body=body)
    assert code == status, data
    assert message in data["message"]
    assert files_under(tmp_path) == before


@pytest.mark.parametrize(("body", "status", "message"), BAD[:9])
async def test_bad_preview_input(api, body, status, message):
    code, data = await api("clone", "preview", params=body)
    assert code == status and message in data["message"]


async def test_get_clone_is_405(api, jp_root_dir):
    code, _ = await api("clone", "clone", params={"source": "shared", "path": "intro.ipynb"})
    assert code == 405
    assert not (jp_root_dir / "gallery").exists()


async def test_link_redirects_to_lab_with_confirmation(jp_fetch, jp_base_url):
    response = await jp_fetch(
        "hpc",
        "clone",
        "link",
        params={"source": "shared", "path": "sub/params.ipynb"},
        follow_redirects=False,
        raise_error=False,
    )
    assert response.code == 302
    assert response.headers["Location"] == (
        f"{jp_base_url}lab?hpc-clone-source=shared&hpc-clone-path=sub%2Fparams.ipynb"
    )
    for params, code in [
        ({"source": "nope", "path": "a.ipynb"}, 404),
        ({"source": "shared", "path": "../x"}, 403),
        ({"source": "shared", "path": "escape.ipynb"}, 403),
    ]:
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch("hpc", "clone", "link", params=params, follow_redirects=False)
        assert info.value.code == code


async def test_user_directory_sources(api, tmp_path):
    group = tmp_path / "group"
    write_nb(group / "ours.ipynb", [new_markdown_cell("# Our notebook")])
    code, added = await api("clone", "sources", method="POST", body={"name": "My group", "path": str(group)})
    assert code == 201 and added["id"] == "user-my-group" and added["available"] and added["user"]
    data = await listing(api, source="user-my-group")
    assert [n["title"] for n in data["notebooks"]] == ["Our notebook"]
    code, _ = await api("clone", "sources", method="POST", body={"name": "x", "path": "relative/dir"})
    assert code == 400
    code, data = await api("clone", "sources", method="POST", body={"name": "r", "type": "git", "url": "https://x/y"})
    assert code == 403 and "disabled" in data["message"]
    code, _ = await api("clone", "sources", method="DELETE", params={"id": "user-my-group"})
    assert code == 204
    code, _ = await api("clone", "sources", method="DELETE", params={"id": "shared"})
    assert code == 404
    code, _ = await api("clone", "notebooks", params={"source": "user-my-group"})
    assert code == 404


@pytest.fixture
def two_user_sources(hpc_config):
    hpc_config["CloneNotebooks"]["max_user_sources"] = 2


async def test_user_sources_beyond_the_limit_are_413(two_user_sources, api, tmp_path):
    for n in (1, 2):
        code, _ = await api("clone", "sources", method="POST", body={"name": f"g{n}", "path": str(tmp_path)})
        assert code == 201
    code, body = await api("clone", "sources", method="POST", body={"name": "g3", "path": str(tmp_path)})
    assert code == 413 and "remove one first" in body["message"]
    code, sources = await api("clone", "sources")
    assert sorted(s["id"] for s in sources if s["user"]) == ["user-g1", "user-g2"]


def test_index_cache_rereads_only_changed(shared):
    source = DirectorySource({"id": "s", "path": str(shared)}, max_size=50_000)
    first = source.notebooks()
    assert source.reads == 4  # intro, params, bad, invalid (big is over the limit: never opened)
    assert source.notebooks() == first and source.reads == 4
    stat = (shared / "intro.ipynb").stat()
    write_nb(shared / "intro.ipynb", [new_markdown_cell("# Renamed")])
    os.utime(shared / "intro.ipynb", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    titles = {n["path"]: n["title"] for n in source.notebooks()}
    assert source.reads == 5 and titles["intro.ipynb"] == "Renamed"


def test_index_cache_follows_deletions_and_manifest(shared):
    source = DirectorySource({"id": "s", "path": str(shared)}, max_size=50_000)
    assert "bad.ipynb" in {n["path"] for n in source.notebooks()}
    (shared / "bad.ipynb").unlink()
    assert "bad.ipynb" not in {n["path"] for n in source.notebooks()}
    manifest = shared / "gallery.json"
    manifest.write_text(json.dumps({"notebooks": [{"path": "intro.ipynb", "title": "From the manifest"}]}))
    os.utime(manifest, ns=(0, manifest.stat().st_mtime_ns + 1_000_000_000))
    intro = next(n for n in source.notebooks() if n["path"] == "intro.ipynb")
    assert intro["title"] == "From the manifest" and intro["tags"] == []
    manifest.unlink()
    intro = next(n for n in source.notebooks() if n["path"] == "intro.ipynb")
    assert intro["title"] == "Intro to tomography"
    assert source.reads == 4  # none of this re-opened a notebook


def test_scan_limit_lists_part_with_a_warning(shared):
    source = DirectorySource({"id": "s", "path": str(shared)}, max_size=50_000)
    source.max_entries = 100
    assert len(source.notebooks()) == 5 and source.warning is None
    source.max_entries = 3  # the top folder alone has more entries
    assert source.notebooks() == [] and "Only part of" in source.warning
    assert source.status()["available"] is True and "Only part of" in source.status()["error"]


async def test_adding_a_folder_waits_off_the_event_loop(api, tmp_path):
    """Adding a source checks the folder and writes the user's store in a worker thread."""
    folder = tmp_path / "group"
    write_nb(folder / "ours.ipynb", [new_markdown_cell("# Ours")])
    lock = tmp_path / "clone-state" / "user-sources.json.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with held_flock(lock) as held:
        add = asyncio.ensure_future(api("clone", "sources", method="POST", body={"name": "G", "path": str(folder)}))
        await until(lambda: flock_waiters(lock) > 0, held)
        code, _ = await api("favorites", "status")
        assert code == 200 and not held["released"], "the server stopped answering while a source was added"
    code, added = await add
    assert code == 201 and added["available"]


def blocking_git(tmp_path, monkeypatch):
    """A ``git`` first on PATH that waits for the test (as a fetch from a slow server would), then runs git."""
    real = shutil.which("git")
    folder = tmp_path / "slow-git"
    folder.mkdir()
    script = folder / "git"
    script.write_text(
        f"""#!/bin/sh
touch {folder}/started
i=0
while [ ! -e {folder}/release ]; do
  i=$((i + 1)); [ $i -gt 600 ] && touch {folder}/gave-up && break
  sleep 0.05
done
exec {real} "$@"
"""
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    return folder


@pytest.fixture
def refresh_always(hpc_config):
    hpc_config["CloneNotebooks"]["git_refresh_interval"] = 0


async def test_link_fetches_off_the_event_loop(refresh_always, api, jp_fetch, tmp_path, monkeypatch):
    """A stale git source is fetched when a link names it: other requests are answered meanwhile."""
    await listing(api, source="tut")  # cloned with the real git
    slow = blocking_git(tmp_path, monkeypatch)
    link = asyncio.ensure_future(
        jp_fetch(
            "hpc",
            "clone",
            "link",
            params={"source": "tut", "path": "analysis.ipynb"},
            follow_redirects=False,
            raise_error=False,
        )
    )
    await until(lambda: (slow / "started").exists(), {"released": False})
    code, _ = await api("favorites", "status")
    assert code == 200 and not (slow / "gave-up").exists(), "the server stopped answering during a git fetch"
    (slow / "release").touch()
    response = await link
    assert response.code == 302


# -- hostile sources: special files, pathological text, deep JSON, limits -----------------------


@pytest.mark.timeout(60)
async def test_named_pipes_in_a_source_do_not_block_the_listing(api, shared, fifo):
    """A FIFO called x.ipynb (or gallery.json) blocked the reader forever."""
    fifo(shared / "pipe.ipynb")
    fifo(shared / "sub" / "gallery.json")
    (shared / "gallery.json").rename(shared / "manifest.bak")
    fifo(shared / "gallery.json")
    code, data = await asyncio.wait_for(api("clone", "notebooks"), 30)
    assert code == 200, data
    paths = {(n["source"], n["path"]) for n in data["notebooks"]}
    assert ("shared", "intro.ipynb") in paths and ("tut", "analysis.ipynb") in paths
    assert ("shared", "pipe.ipynb") not in paths  # not a notebook: not listed
    code, data = await asyncio.wait_for(api("clone", "preview", params={"source": "shared", "path": "pipe.ipynb"}), 30)
    assert code == 404


@pytest.mark.timeout(60)
def test_a_notebook_replaced_by_a_named_pipe_is_not_waited_for(shared, fifo):
    source = DirectorySource({"id": "s", "path": str(shared)}, max_size=50_000)
    stat = (shared / "intro.ipynb").stat()
    (shared / "intro.ipynb").unlink()
    pipe = fifo(shared / "intro.ipynb")
    card = source._read(pipe, "intro.ipynb", stat)  # as if the scan had seen the notebook
    assert card["error"] == "This file cannot be read." and "named pipe" in card["error_detail"]
    with pytest.raises(errors.InvalidNotebook, match="named pipe"):
        read_notebook(pipe, 50_000)


@pytest.mark.timeout(30, method="thread")  # "thread": a regular expression cannot be interrupted
def test_pathological_markdown_is_read_in_linear_time():
    """Regular expressions took seconds (cubic in the spaces of a heading, quadratic in '[')."""
    spaces = "# Intro" + " " * 5_000 + "end"
    brackets = "[" * 200_000
    unclosed = "[a](" * 50_000
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": [spaces + "\n", "\n"]},
            {"cell_type": "markdown", "source": brackets + unclosed},
            {"cell_type": "markdown", "source": "#" + " " * 50_000 + "x\n" + "![" * 100_000},
        ]
    }
    card = describe(nb, "fallback")
    assert card["title"].startswith("Intro") and len(card["title"]) <= MAX_CELL_CHARS
    assert card["description"].startswith("[[[") and len(card["description"]) <= 400
    assert (
        describe({"cells": [{"cell_type": "markdown", "source": "# T\n\nSee [the docs](http://x) **now**."}]}, "f")[
            "description"
        ]
        == "See the docs now."
    )


@pytest.mark.timeout(20, method="thread")  # "thread": a regular expression cannot be interrupted
async def test_a_parameters_cell_made_to_backtrack_is_not_inspected(api, shared):
    """papermill's parameter pattern took about 40 s over 45,000 blanks in an annotation."""
    cell = new_code_cell("x: a" + " " * 45_000 + "b\nn = 3", metadata={"tags": ["parameters"]})
    write_nb(shared / "blanks.ipynb", [cell])
    for route in ("parameters", "plan"):
        code, body = await api("clone", route, params={"source": "shared", "path": "blanks.ipynb"})
        assert code == 200 and body["parameters"] == [], body
    code, body = await api("clone", "parameters", params={"source": "shared", "path": "sub/params.ipynb"})
    assert [p["name"] for p in body["parameters"]] == ["alpha", "name", "n"]


@pytest.fixture
def deep(shared):
    # 20,000 levels: past json.loads' recursion limit, within the size limit of the test sources
    (shared / "deep.ipynb").write_text('{"cells": ' + "[" * 20_000 + "]" * 20_000 + "}")
    (shared / "deeper-metadata.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {"x": "X"}, "nbformat": 4, "nbformat_minor": 5}).replace(
            '"X"', "[" * 500 + "]" * 500
        )
    )


async def test_deeply_nested_notebooks_are_invalid_and_the_others_still_list(api, deep):
    """RecursionError escaped the listing: a 500 for every source."""
    code, data = await api("clone", "notebooks")
    assert code == 200, data
    cards = {n["path"]: n for n in data["notebooks"] if n["source"] == "shared"}
    assert "nested more than" in cards["deep.ipynb"]["error_detail"]
    assert "nested more than" in cards["deeper-metadata.ipynb"]["error_detail"]
    assert "intro.ipynb" in cards and any(n["source"] == "tut" for n in data["notebooks"])
    for name in ("deep.ipynb", "deeper-metadata.ipynb"):
        code, body = await api("clone", "preview", params={"source": "shared", "path": name})
        assert code == 422 and "nested more than" in body["message"]


@pytest.fixture
def small_data_limits(hpc_config):
    hpc_config["CloneNotebooks"]["max_data_size"] = 5  # data/sample.csv has 8 bytes


async def test_data_files_over_the_size_limit_are_413(small_data_limits, api, jp_root_dir, tmp_path):
    before = files_under(tmp_path)
    code, body = await api("clone", "clone", method="POST", body={"source": "shared", "path": "intro.ipynb"})
    assert code == 413 and "data files" in body["message"]
    assert files_under(tmp_path) == before


@pytest.fixture
def no_data_files(hpc_config):
    hpc_config["CloneNotebooks"]["max_data_files"] = 0


async def test_data_files_over_the_count_limit_are_413(no_data_files, api, tmp_path):
    before = files_under(tmp_path)
    code, body = await api("clone", "clone", method="POST", body={"source": "shared", "path": "intro.ipynb"})
    assert code == 413 and "declares 1 data files" in body["message"]
    assert files_under(tmp_path) == before
    code, _ = await api("clone", "clone", method="POST", body={"source": "shared", "path": "sub/params.ipynb"})
    assert code == 201  # no data files: not concerned


async def test_data_files_are_never_copied_through_a_link_out_of_the_root(api, jp_root_dir, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (jp_root_dir / "gallery" / "shared").mkdir(parents=True)
    (jp_root_dir / "gallery" / "shared" / "data").symlink_to(outside)
    code, body = await api("clone", "clone", method="POST", body={"source": "shared", "path": "intro.ipynb"})
    assert code == 403 and "outside the Jupyter root" in body["message"]
    assert list(outside.iterdir()) == []
    assert not (jp_root_dir / "gallery" / "shared" / "intro.ipynb").exists()


async def test_listing_says_which_files_are_not_notebooks(api, shared):
    """Broken files are found when listing: a short message for the card, the technical reason apart."""
    (shared / "not-a-notebook.ipynb").write_text(json.dumps({"hello": "world"}))
    write_nb(
        shared / "markup.ipynb",
        [new_markdown_cell("# <img src=x onerror=alert(1)> Markup <b>title</b>\n\nA <i>b</i> c.")],
    )
    cards = {n["path"]: n for n in (await listing(api, source="shared"))["notebooks"]}
    for path, detail in [
        ("bad.ipynb", "Not valid JSON"),
        ("invalid.ipynb", "Not valid for nbformat 4"),
        ("not-a-notebook.ipynb", "not a Jupyter notebook"),
    ]:
        assert cards[path]["error"] == "This file is not a valid notebook.", path
        assert detail in cards[path]["error_detail"], (path, cards[path]["error_detail"])
    assert "size limit" in cards["big.ipynb"]["error"]
    assert "error" not in cards["intro.ipynb"] and "error_detail" not in cards["intro.ipynb"]
    # a heading with markup is a title in words
    assert cards["markup.ipynb"]["title"] == "Markup title"
    assert cards["markup.ipynb"]["description"] == "A b c."


async def test_plan_offers_folder_name_kernel_and_copies(api, jp_root_dir):
    code, plan = await api("clone", "plan", params={"source": "shared", "path": "intro.ipynb"})
    assert code == 200, plan
    assert (plan["target_dir"], plan["default_dir"], plan["name"], plan["copies"]) == (
        "gallery/shared",
        "gallery/shared",
        "intro.ipynb",
        [],
    )
    assert plan["kernel"]["name"] == "python3" and plan["kernel"]["installed"] is True
    assert 'The source "Shared" sets this kernel' in plan["kernel"]["reason"]
    assert plan["parameters"] == []
    # the git source asks for a kernel this server does not have: the copy keeps the notebook's own
    code, plan = await api("clone", "plan", params={"source": "tut", "path": "analysis.ipynb"})
    assert code == 200
    assert plan["kernel"]["name"] == "python3" and plan["kernel"]["installed"] is True
    assert '"no-such-kernel", which this server does not have; the copy keeps' in plan["kernel"]["reason"]

    # two copies: the plan counts them and offers the next free name
    for _ in range(2):
        code, result = await api("clone", "clone", method="POST", body={"source": "shared", "path": "intro.ipynb"})
        assert code == 201
    assert result["kernel_choice"]["name"] == "python3"
    _, plan = await api("clone", "plan", params={"source": "shared", "path": "intro.ipynb"})
    assert plan["copies"] == ["gallery/shared/intro.ipynb", "gallery/shared/intro-Copy1.ipynb"]
    assert plan["name"] == "intro-Copy2.ipynb"


async def test_clone_with_a_name_and_a_remembered_folder(api, jp_root_dir):
    body = {"source": "shared", "path": "intro.ipynb", "target_dir": "mine/studies", "name": "my study"}
    code, result = await api("clone", "clone", method="POST", body=body)
    assert code == 201, result
    assert result["path"] == "mine/studies/my study.ipynb"
    # the folder is remembered for this source (not for the others)
    _, plan = await api("clone", "plan", params={"source": "shared", "path": "intro.ipynb"})
    assert (plan["target_dir"], plan["default_dir"]) == ("mine/studies", "gallery/shared")
    _, other = await api("clone", "plan", params={"source": "tut", "path": "analysis.ipynb"})
    assert other["target_dir"] == "gallery/tut"
    # a name the user typed is never suffixed: an existing file is a conflict, and nothing is written
    before = files_under(jp_root_dir)
    code, error = await api("clone", "clone", method="POST", body=body)
    assert code == 409 and "already exists" in error["message"]
    assert files_under(jp_root_dir) == before
    # back to the site's folder: forgotten again
    body.update(target_dir="gallery/shared", name="again")
    code, _ = await api("clone", "clone", method="POST", body=body)
    assert code == 201
    _, plan = await api("clone", "plan", params={"source": "shared", "path": "intro.ipynb"})
    assert plan["target_dir"] == "gallery/shared"


@pytest.mark.parametrize(
    "name",
    ["", "  ", "../x.ipynb", "a/b.ipynb", ".hidden.ipynb", "x" * 300],
)
async def test_bad_clone_names_write_nothing(api, jp_root_dir, name):
    before = files_under(jp_root_dir)
    code, error = await api(
        "clone", "clone", method="POST", body={"source": "shared", "path": "intro.ipynb", "name": name}
    )
    assert code == 400, error
    assert files_under(jp_root_dir) == before


@pytest.mark.timeout(30, method="thread")
def test_strip_tags_keeps_comparisons_and_stays_linear():
    from jupyterlab_hpc.clonenotebooks.metadata import strip_tags

    assert " ".join(strip_tags("<img src=x onerror=alert(1)> Beamline <b>quick</b> look").split()) == (
        "Beamline quick look"
    )
    assert strip_tags("a < b and c > d, x<3") == "a < b and c > d, x<3"
    assert strip_tags("<!-- note --> text").strip() == "text"
    # many '<' and no '>': each looks at a bounded window only
    text = "<a" * 200_000
    assert strip_tags(text) == text
