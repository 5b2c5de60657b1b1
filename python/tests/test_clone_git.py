"""Git sources: URLs read as git reads them, credentials never shown, git run restricted and stoppable."""

import json
import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from jupyterlab_hpc import errors
from jupyterlab_hpc.clonenotebooks.sources import GitSource, SourceError, check_spec
from jupyterlab_hpc.validate import redact_url, redact_urls

SECRET = "s3cret-t0ken"


def make_repo(path: Path, attributes: str | None = None) -> Path:
    path.mkdir(parents=True)
    (path / "a.ipynb").write_text(nbformat.writes(new_notebook(cells=[new_markdown_cell("# A")])))
    if attributes:
        (path / ".gitattributes").write_text(attributes)
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=T"]
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "c"]):
        subprocess.run([*git, *args], cwd=path, check=True)
    return path


# -- URLs users give ------------------------------------------------------------------------------

REFUSED = [
    ("https:host/repo", errors.InvalidInput),  # git reads it as an SSH address
    ("https::ftp://host/repo", errors.InvalidInput),  # git's remote-helper syntax
    ("ext::sh -c touch% /tmp/pwned", errors.InvalidInput),
    ("https://host/re\npo", errors.InvalidInput),
    ("https://host/repo\x00", errors.InvalidInput),
    ("https://host/repo\x7f", errors.InvalidInput),
    ("https://host/my repo", errors.InvalidInput),
    ("https:///path-without-host", errors.InvalidInput),
    ("https://-oProxyCommand=x/repo", errors.InvalidInput),
    ("https://host", errors.InvalidInput),
    ("HTTPS://host/repo", errors.InvalidInput),
    ("git@host:org/repo.git", errors.InvalidInput),
    ("/srv/repos/tutorials", errors.InvalidInput),
    ("ssh://host/repo", errors.Forbidden),  # well formed, scheme not allowed
    ("file:///srv/repo", errors.Forbidden),
]
ACCEPTED = [
    "https://github.com/org/tutorials.git",
    f"https://alice:{SECRET}@git.example.org:8443/org/repo.git",
    "https://[2001:db8::1]/repo",
    "https://host/path::with-colons",
]


@pytest.mark.parametrize(("url", "error"), REFUSED)
def test_user_urls_in_any_other_form_are_refused(url, error):
    with pytest.raises(error):
        check_spec({"id": "x", "type": "git", "url": url}, ["https"])


@pytest.mark.parametrize("url", ACCEPTED)
def test_user_urls_in_the_strict_form_pass(url):
    check_spec({"id": "x", "type": "git", "url": url}, ["https"])


def test_site_urls_may_take_any_form_git_reads_but_one_line():
    check_spec({"id": "x", "type": "git", "url": "git@host:org/repo.git"})
    for url in ("https://host/re\npo", "--upload-pack=x"):
        with pytest.raises(errors.InvalidInput):
            check_spec({"id": "x", "type": "git", "url": url})
    with pytest.raises(errors.InvalidInput):
        check_spec({"id": "x", "type": "git", "url": "https://h/r", "ref": "main\n[core]"})


def test_redaction():
    assert redact_url(f"https://alice:{SECRET}@host/r.git") == "https://***@host/r.git"
    assert redact_url("https://host/a@b") == "https://host/a@b"  # '@' in the path is not user info
    assert redact_url("git@host:org/r.git") == "git@host:org/r.git"
    text = f"fatal: unable to access 'https://{SECRET}@host/r/': and http://u:{SECRET}@h2 too"
    assert SECRET not in redact_urls(text) and "https://***@host/r/" in redact_urls(text)


# -- credentials in a site source's URL --------------------------------------------------------


@pytest.fixture
def hpc_config(hpc_config, tmp_path):
    hpc_config["CloneNotebooks"] = {
        "sources": [
            # nothing listens on port 9: the fetch fails at once, with the URL in git's message
            {"id": "private", "type": "git", "url": f"https://alice:{SECRET}@127.0.0.1:9/org/repo.git"},
        ],
        "data_dir": str(tmp_path / "state"),
        "allowed_remote_schemes": ["https", "file"],
    }
    return hpc_config


async def test_url_credentials_are_never_shown_or_logged(api, caplog):
    caplog.set_level(logging.DEBUG)
    answers = [
        await api("clone", "status"),
        await api("clone", "sources"),
        await api("clone", "notebooks"),
        await api("clone", "refresh", method="POST", body={}),
        await api("clone", "preview", params={"source": "private", "path": "a.ipynb"}),
        await api("clone", "clone", method="POST", body={"source": "private", "path": "a.ipynb"}),
        await api(
            "clone",
            "sources",
            method="POST",
            body={"name": "Mine", "type": "git", "url": f"https://bob:{SECRET}@127.0.0.1:9/r.git"},
        ),
    ]
    text = json.dumps(answers)
    assert "127.0.0.1:9" in text and "https://***@127.0.0.1:9/org/repo.git" in text
    assert SECRET not in text
    assert SECRET not in caplog.text


def test_provenance_never_records_url_credentials(tmp_path):
    source = GitSource(
        {"id": "p", "type": "git", "url": f"https://alice:{SECRET}@host/r.git"},
        max_size=10_000,
        cache_dir=tmp_path,
        interval=3600,
        timeout=10,
    )
    (tmp_path / "a.ipynb").write_text("{}")
    assert SECRET not in json.dumps(source.provenance("a.ipynb", tmp_path / "a.ipynb"))
    assert SECRET not in json.dumps(source.public())


# -- how git runs -------------------------------------------------------------------------------


def git_source(tmp_path, url, **kwargs):
    return GitSource(
        {"id": "g", "type": "git", "url": url}, max_size=100_000, cache_dir=tmp_path / "cache", interval=0, **kwargs
    )


def test_no_hooks_and_no_lfs_smudge_from_the_users_git_config(tmp_path, monkeypatch):
    """A global config with a hooks path and an LFS-style smudge filter: neither runs for a gallery clone."""
    repo = make_repo(tmp_path / "repo", attributes="*.ipynb filter=lfs\n")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "post-checkout").write_text(f"#!/bin/sh\ntouch {tmp_path}/hook-ran\n")
    (hooks / "post-checkout").chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(
        f"[core]\n\thooksPath = {hooks}\n"
        f"[filter \"lfs\"]\n\tsmudge = sh -c 'touch {tmp_path}/smudge-ran; cat'\n\trequired = true\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    source = git_source(tmp_path, f"file://{repo}", timeout=60)
    assert [n["title"] for n in source.notebooks()] == ["A"]
    assert not (tmp_path / "hook-ran").exists()
    assert not (tmp_path / "smudge-ran").exists()


def test_git_speaks_only_the_allowed_protocols(tmp_path):
    repo = make_repo(tmp_path / "repo")
    source = git_source(tmp_path, f"file://{repo}", timeout=60, protocols=("https",))
    with pytest.raises(SourceError, match="not allowed"):
        source.prepare()
    assert [n["title"] for n in git_source(tmp_path, f"file://{repo}", timeout=60).notebooks()] == ["A"]


@pytest.fixture
def git_with_a_helper(tmp_path, monkeypatch):
    """A ``git`` that starts a helper holding its output (as git-remote-https does), then hangs."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "git").write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {folder}/helper.pid\nsleep 300\n")
    (folder / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    yield folder / "helper.pid"
    pid = folder / "helper.pid"
    if pid.exists():
        try:
            os.kill(int(pid.read_text()), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


@pytest.mark.timeout(60, method="thread")  # "thread": a wait() that never returns is not interrupted twice
def test_a_timeout_stops_git_and_its_helpers(tmp_path, git_with_a_helper):
    """subprocess.run killed git only and then waited for the pipes its helper still held (300 s)."""
    source = git_source(tmp_path, "https://host/repo.git", timeout=1)
    with pytest.raises(SourceError, match="took longer than 1 s"):
        source.prepare()
    helper = int(git_with_a_helper.read_text())
    for _ in range(100):  # reaped by init once its parent is gone
        if gone(helper):
            break
        time.sleep(0.05)
    assert gone(helper)
