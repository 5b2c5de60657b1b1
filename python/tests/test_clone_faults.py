"""Gallery faults: a source that cannot be fetched or has vanished shows its error; the others still list."""

import subprocess

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook


@pytest.fixture
def hpc_config(hpc_config, tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.ipynb").write_text(nbformat.writes(new_notebook(cells=[new_markdown_cell("# A")])))
    hpc_config["CloneNotebooks"] = {
        "sources": [
            {"id": "good", "type": "directory", "path": str(good)},
            {"id": "gone", "type": "directory", "path": str(tmp_path / "vanished")},
            {"id": "nogit", "type": "git", "url": f"file://{tmp_path}/no-repo", "ref": "main"},
        ],
        "data_dir": str(tmp_path / "state"),
    }
    return hpc_config


async def test_failing_sources_show_their_error(api, tmp_path):
    code, sources = await api("clone", "sources")
    assert code == 200
    status = {s["id"]: s for s in sources}
    assert status["good"]["available"] is True
    assert status["gone"]["available"] is False and "does not exist" in status["gone"]["error"]
    assert status["nogit"]["available"] is False and "git clone" in status["nogit"]["error"]
    code, data = await api("clone", "notebooks")
    assert code == 200
    assert [n["path"] for n in data["notebooks"]] == ["a.ipynb"]
    assert {e["source"] for e in data["errors"]} == {"gone", "nogit"}
    code, data = await api("clone", "clone", method="POST", body={"source": "nogit", "path": "a.ipynb"})
    assert code == 503 and "git clone" in data["message"]
    assert not (tmp_path / "state" / "git").exists() or not any((tmp_path / "state" / "git").iterdir())


@pytest.fixture
def allow_file_git(hpc_config, tmp_path):
    """The site lets users add git repositories with file:// URLs; one is ready."""
    hpc_config["CloneNotebooks"]["allowed_remote_schemes"] = ["file"]
    repo = tmp_path / "mine"
    repo.mkdir()
    (repo / "b.ipynb").write_text(nbformat.writes(new_notebook(cells=[new_markdown_cell("# Mine")])))
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=T"]
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "c"]):
        subprocess.run([*git, *args], cwd=repo, check=True)
    return repo


async def test_user_git_source_only_with_allowed_scheme(allow_file_git, api):
    def add(**body):
        return api("clone", "sources", method="POST", body={"type": "git", **body})

    code, data = await add(name="Web", url="https://x/y")
    assert code == 403 and "not allowed" in data["message"]
    code, data = await add(name="Opt", url="--upload-pack=x")
    assert code == 400
    code, added = await add(name="Mine", url=f"file://{allow_file_git}")
    assert code == 201 and added["available"], added
    code, data = await api("clone", "notebooks", params={"source": "user-mine"})
    assert [n["title"] for n in data["notebooks"]] == ["Mine"]
