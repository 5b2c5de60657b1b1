"""Gallery faults: a source that cannot be fetched or has vanished shows its error; the others still list."""

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
