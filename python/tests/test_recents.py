# ruff: noqa: ASYNC240
"""Recents REST API against a real Jupyter server and real files."""

import asyncio
import json
import multiprocessing
from pathlib import Path

import pytest
from conftest import flock_waiters, held_flock, until

from jupyterlab_hpc.recents.store import RecentsStore


@pytest.fixture
def files(jp_root_dir):
    (jp_root_dir / "data" / "run1").mkdir(parents=True)
    (jp_root_dir / "analysis.ipynb").write_text("{}")
    (jp_root_dir / "data" / "run1" / "out.txt").write_text("x")
    (jp_root_dir / "script.py").write_text("print(1)")
    return jp_root_dir


def paths(body):
    return [e["path"] for e in body["recents"]]


def stored(hpc_config):
    return json.loads(Path(hpc_config["Recents"]["store_path"]).read_text())


async def test_record_list_and_upsert(api, files):
    code, body = await api(
        "recents", method="POST", body={"path": "analysis.ipynb", "type": "notebook", "factory": "Notebook"}
    )
    assert code == 200
    assert body["entry"]["path"] == "analysis.ipynb"
    await api("recents", method="POST", body={"path": "data", "type": "directory"})
    await api("recents", method="POST", body={"path": "script.py", "type": "file", "factory": "Editor"})
    code, body = await api("recents")
    assert code == 200
    assert paths(body) == ["script.py", "data", "analysis.ipynb"]
    nb = body["recents"][2]
    assert nb == {
        "path": "analysis.ipynb",
        "type": "notebook",
        "factory": "Notebook",
        "last_opened": nb["last_opened"],
        "pinned": False,
        "exists": True,
    }
    assert "factory" not in body["recents"][1]

    # opening again moves it to the top, no duplicate
    _, body = await api(
        "recents", method="POST", body={"path": "analysis.ipynb", "type": "notebook", "factory": "JSON"}
    )
    assert paths(body) == ["analysis.ipynb", "script.py", "data"]
    assert body["recents"][0]["factory"] == "JSON"
    assert body["recents"][0]["last_opened"] >= body["recents"][1]["last_opened"]


async def test_paths_are_stored_relative_to_root(api, files, hpc_config):
    await api(
        "recents", method="POST", body={"path": "/" + str(files / "data" / "run1").lstrip("/"), "type": "directory"}
    )
    await api("recents", method="POST", body={"path": "data/./run1/../run1/out.txt", "type": "file"})
    _, body = await api("recents")
    assert paths(body) == ["data/run1/out.txt", "data/run1"]
    assert [e["path"] for e in stored(hpc_config)["entries"]] == ["data/run1/out.txt", "data/run1"]


async def test_missing_entries_are_kept_and_flagged(api, files):
    await api("recents", method="POST", body={"path": "script.py", "type": "file"})
    await api("recents", method="POST", body={"path": "data/run1", "type": "directory"})
    (files / "script.py").unlink()
    _, body = await api("recents")
    assert {e["path"]: e["exists"] for e in body["recents"]} == {"script.py": False, "data/run1": True}
    code, body = await api("recents", method="DELETE", params={"path": "script.py"})
    assert code == 200
    assert body["removed"] == 1
    assert paths(body) == ["data/run1"]
    code, body = await api("recents", method="DELETE", params={"path": "script.py"})
    assert code == 404


async def test_eviction_keeps_pins_and_newest(api, files):
    for i in range(6):
        (files / f"f{i}.txt").write_text("")
    await api("recents", method="POST", body={"path": "f0.txt", "type": "file"})
    code, _ = await api("recents", method="PATCH", body={"path": "f0.txt", "pinned": True})
    assert code == 200
    for i in range(1, 6):
        await api("recents", method="POST", body={"path": f"f{i}.txt", "type": "file", "max_length": 3})
    _, body = await api("recents")
    # the pinned (oldest) one is kept on top and not counted; f1 and f2 were evicted
    assert paths(body) == ["f0.txt", "f5.txt", "f4.txt", "f3.txt"]
    assert [e["pinned"] for e in body["recents"]] == [True, False, False, False]
    # re-opening a pinned entry keeps it pinned
    _, body = await api("recents", method="POST", body={"path": "f0.txt", "type": "file", "max_length": 3})
    assert body["recents"][0] == {**body["recents"][0], "path": "f0.txt", "pinned": True}


async def test_server_default_max_length(api, files, hpc_config):
    for i in range(55):
        await api("recents", method="POST", body={"path": f"f{i}.txt", "type": "file"})
    _, body = await api("recents")
    assert len(body["recents"]) == 50
    assert body["recents"][0]["path"] == "f54.txt"
    assert body["recents"][-1]["path"] == "f5.txt"


async def test_unpin(api, files):
    await api("recents", method="POST", body={"path": "script.py", "type": "file"})
    await api("recents", method="POST", body={"path": "data", "type": "directory"})
    _, body = await api("recents", method="PATCH", body={"path": "script.py", "pinned": True})
    assert paths(body) == ["script.py", "data"]
    assert body["entry"]["pinned"] is True
    _, body = await api("recents", method="PATCH", body={"path": "script.py", "pinned": False})
    assert paths(body) == ["data", "script.py"]
    code, body = await api("recents", method="PATCH", body={"path": "analysis.ipynb", "pinned": True})
    assert code == 404
    assert "not in the recent list" in body["message"]


async def test_rename_follows_file_and_children(api, files):
    await api("recents", method="POST", body={"path": "data/run1/out.txt", "type": "file"})
    await api("recents", method="POST", body={"path": "data/run1", "type": "directory"})
    await api("recents", method="POST", body={"path": "data", "type": "directory"})
    await api("recents", method="POST", body={"path": "database.txt", "type": "file"})
    await api("recents", method="PATCH", body={"path": "data", "pinned": True})
    (files / "data").rename(files / "results")
    code, body = await api("recents", method="PATCH", body={"path": "data", "new_path": "results"})
    assert code == 200
    assert body["moved"] == 3
    got = {e["path"]: (e["pinned"], e["exists"]) for e in body["recents"]}
    # database.txt shares the prefix "data" but is not below data/: untouched
    assert got == {
        "results": (True, True),
        "results/run1": (False, True),
        "results/run1/out.txt": (False, True),
        "database.txt": (False, False),
    }
    # a file rename, then a rename of something not listed: nothing to move, not an error
    code, body = await api("recents", method="PATCH", body={"path": "results/run1/out.txt", "new_path": "out2.txt"})
    assert body["moved"] == 1
    assert "out2.txt" in paths(body)
    code, body = await api("recents", method="PATCH", body={"path": "nothing.txt", "new_path": "else.txt"})
    assert (code, body["moved"]) == (200, 0)


async def test_rename_onto_existing_entry_merges(api, files):
    await api("recents", method="POST", body={"path": "a.txt", "type": "file"})
    await api("recents", method="PATCH", body={"path": "a.txt", "pinned": True})
    await api("recents", method="POST", body={"path": "b.txt", "type": "file"})
    _, body = await api("recents", method="PATCH", body={"path": "a.txt", "new_path": "b.txt"})
    assert [(e["path"], e["pinned"]) for e in body["recents"]] == [("b.txt", True)]


async def test_clear_keeps_pinned_unless_all(api, files):
    for name in ("analysis.ipynb", "script.py", "data"):
        await api("recents", method="POST", body={"path": name, "type": "file"})
    await api("recents", method="PATCH", body={"path": "analysis.ipynb", "pinned": True})
    code, body = await api("recents", method="DELETE")
    assert code == 200
    assert body["removed"] == 2
    assert paths(body) == ["analysis.ipynb"]
    _, body = await api("recents")
    assert paths(body) == ["analysis.ipynb"]
    code, body = await api("recents", method="DELETE", params={"all": "true"})
    assert (code, body["removed"], body["recents"]) == (200, 1, [])


async def test_concurrent_requests_lose_nothing(api, files):
    posts = [
        api("recents", method="POST", body={"path": f"c{i}.txt", "type": "file", "max_length": 100}) for i in range(40)
    ]
    results = await asyncio.gather(*posts)
    assert all(code == 200 for code, _ in results)
    _, body = await api("recents")
    assert sorted(paths(body)) == sorted(f"c{i}.txt" for i in range(40))


def _writer(store_path, root, worker, count):
    store = RecentsStore(store_path, root)
    for i in range(count):
        store.record(f"w{worker}/f{i}.txt", "file", None, 1000)


def test_concurrent_processes_lose_nothing(tmp_path):
    """Two servers of the same user (say, on two nodes sharing a home) write the same store."""
    store_path = tmp_path / "state" / "recents.json"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(store_path), str(tmp_path), w, 25)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    got = {e["path"] for e in RecentsStore(store_path, tmp_path).entries()}
    assert got == {f"w{w}/f{i}.txt" for w in range(4) for i in range(25)}


async def test_undo_of_a_removal_puts_the_entry_back_in_its_place(api, files):
    """The panel's Undo sends the removed entry's own time: it goes back where it was."""
    await api("recents", method="POST", body={"path": "analysis.ipynb", "type": "notebook"})
    await api("recents", method="POST", body={"path": "script.py", "type": "file"})
    _, body = await api("recents", method="POST", body={"path": "data", "type": "directory"})
    removed = next(e for e in body["recents"] if e["path"] == "script.py")
    await api("recents", method="DELETE", params={"path": "script.py"})
    code, body = await api(
        "recents",
        method="POST",
        body={"path": "script.py", "type": "file", "last_opened": removed["last_opened"]},
    )
    assert code == 200
    assert paths(body) == ["data", "script.py", "analysis.ipynb"]
    assert body["entry"]["last_opened"] == removed["last_opened"]


@pytest.mark.parametrize(
    ("method", "body", "params", "code", "words"),
    [
        ("POST", {"path": "../outside.txt", "type": "file"}, None, 403, "outside the Jupyter root"),
        ("POST", {"path": "/etc/passwd", "type": "file"}, None, 403, "outside the Jupyter root"),
        ("POST", {"path": "data/../../x", "type": "directory"}, None, 403, "outside"),
        ("POST", {"path": "", "type": "file"}, None, 400, "non-empty"),
        ("POST", {"path": ".", "type": "directory"}, None, 400, "not the root itself"),
        ("POST", {"path": "a\x00b", "type": "file"}, None, 400, "NUL"),
        ("POST", {"path": "x" * 5000, "type": "file"}, None, 400, "longer than"),
        ("POST", {"path": 42, "type": "file"}, None, 400, "must be a string"),
        ("POST", {"type": "file"}, None, 400, "Missing field 'path'"),
        ("POST", {"path": "a.txt", "type": "symlink"}, None, 400, "Field 'type'"),
        ("POST", {"path": "a.txt"}, None, 400, "Field 'type'"),
        ("POST", {"path": "a.txt", "type": "file", "factory": 3}, None, 400, "'factory'"),
        ("POST", {"path": "a.txt", "type": "file", "factory": "F" * 201}, None, 400, "'factory'"),
        ("POST", {"path": "a.txt", "type": "file", "max_length": 0}, None, 400, "max_length"),
        ("POST", {"path": "a.txt", "type": "file", "last_opened": "1"}, None, 400, "'last_opened'"),
        ("POST", {"path": "a.txt", "type": "file", "last_opened": True}, None, 400, "'last_opened'"),
        ("POST", {"path": "a.txt", "type": "file", "last_opened": -1}, None, 400, "'last_opened'"),
        ("POST", {"path": "a.txt", "type": "file", "last_opened": 1e12}, None, 400, "not in the future"),
        ("POST", {"path": "a.txt", "type": "file", "max_length": "9"}, None, 400, "max_length"),
        ("POST", {"path": "a.txt", "type": "file", "max_length": 10**6}, None, 400, "max_length"),
        ("POST", "{not json", None, 400, "Malformed JSON"),
        ("POST", "[1, 2]", None, 400, "JSON object"),
        ("PATCH", {"path": "script.py"}, None, 400, "Nothing to change"),
        ("PATCH", {"path": "script.py", "pinned": "yes"}, None, 400, "'pinned'"),
        ("PATCH", {"path": "script.py", "new_path": "../../etc"}, None, 403, "outside"),
        ("PATCH", {"path": "script.py", "new_path": ""}, None, 400, "new_path"),
        ("PATCH", {"path": "/etc/hosts", "pinned": True}, None, 403, "outside"),
        ("PATCH", "nope", None, 400, "Malformed JSON"),
        ("DELETE", None, {"path": "../../etc/passwd"}, 403, "outside"),
        ("DELETE", None, {"path": ""}, 400, "non-empty"),
        ("DELETE", None, {"all": "maybe"}, 400, "'all'"),
    ],
)
async def test_bad_input_changes_nothing(api, files, hpc_config, method, body, params, code, words):
    await api("recents", method="POST", body={"path": "script.py", "type": "file"})
    await api("recents", method="PATCH", body={"path": "script.py", "pinned": True})
    await api("recents", method="POST", body={"path": "data", "type": "directory"})
    before = Path(hpc_config["Recents"]["store_path"]).read_bytes()
    got, answer = await api("recents", method=method, body=body, params=params)
    assert got == code, answer
    assert words in answer["message"]
    assert Path(hpc_config["Recents"]["store_path"]).read_bytes() == before


async def test_corrupt_store_is_set_aside(api, files, hpc_config):
    store = Path(hpc_config["Recents"]["store_path"])
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("{ half written")
    code, body = await api("recents")
    assert (code, body["recents"]) == (200, [])
    code, body = await api("recents", method="POST", body={"path": "script.py", "type": "file"})
    assert code == 200
    assert paths(body) == ["script.py"]
    backups = list(store.parent.glob("recents.json.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_text() == "{ half written"


async def test_foreign_json_is_set_aside(api, files, hpc_config):
    store = Path(hpc_config["Recents"]["store_path"])
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("[1, 2, 3]")
    code, body = await api("recents", method="POST", body={"path": "script.py", "type": "file"})
    assert (code, paths(body)) == (200, ["script.py"])
    assert [b.read_text() for b in store.parent.glob("recents.json.corrupt-*")] == ["[1, 2, 3]"]


async def test_mutations_require_xsrf_and_auth(jp_fetch):
    from tornado.httpclient import HTTPClientError

    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("hpc", "recents", headers={"Authorization": ""})
    assert error.value.code in (401, 403)
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "hpc",
            "recents",
            method="POST",
            body=json.dumps({"path": "x", "type": "file"}),
            headers={"Authorization": ""},
        )
    assert error.value.code in (401, 403)


async def test_trailing_slash_before_query(jp_fetch, api, files):
    """The browser's URLExt.join writes ``hpc/recents/?path=...``."""
    await api("recents", method="POST", body={"path": "script.py", "type": "file"})
    response = await jp_fetch("hpc", "recents/", method="DELETE", params={"path": "script.py"})
    assert json.loads(response.body)["removed"] == 1


async def test_list_sees_writes_of_another_server(api, files, hpc_config, jp_root_dir):
    """The parsed list is cached per file version: a write by another process shows at once."""
    await api("recents", method="POST", body={"path": "script.py", "type": "file"})
    _, body = await api("recents")
    assert paths(body) == ["script.py"]
    other = RecentsStore(hpc_config["Recents"]["store_path"], jp_root_dir)
    other.record("analysis.ipynb", "notebook", "Notebook", 50)
    _, body = await api("recents")
    assert paths(body) == ["analysis.ipynb", "script.py"]
    other.set_pinned("script.py", True)
    _, body = await api("recents")
    assert [(e["path"], e["pinned"]) for e in body["recents"]] == [("script.py", True), ("analysis.ipynb", False)]


def test_listing_json_matches_listing(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / 'quote"d é.txt').write_text("")
    store = RecentsStore(tmp_path / "state" / "recents.json", tmp_path)
    store.record('dir/quote"d é.txt', "file", "Editor", 10, now=100)
    store.record("gone.ipynb", "notebook", None, 10, now=200)
    store.record("dir", "directory", None, 10, now=50)
    store.set_pinned("dir", True)
    expected = store.listing()
    assert [(e["path"], e["exists"]) for e in expected] == [
        ("dir", True),
        ("gone.ipynb", False),
        ('dir/quote"d é.txt', True),
    ]
    assert json.loads(store.listing_json()) == {"recents": expected}


async def test_writes_wait_off_the_event_loop(api, files, hpc_config):
    """Another server of the user holds the store's lock (or fsync is slow): the others' requests go on."""
    lock = Path(hpc_config["Recents"]["store_path"] + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with held_flock(lock) as held:
        post = asyncio.ensure_future(api("recents", method="POST", body={"path": "script.py", "type": "file"}))
        await until(lambda: flock_waiters(lock) > 0, held)
        code, _ = await api("favorites", "status")
        assert code == 200 and not held["released"], "the server stopped answering while a write waited"
    code, body = await post
    assert code == 200 and paths(body) == ["script.py"]


async def test_deeply_nested_store_is_set_aside(api, files, hpc_config):
    store = Path(hpc_config["Recents"]["store_path"])
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text('{"entries": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, body = await api("recents")
    assert (code, body["recents"]) == (200, [])
    assert len(list(store.parent.glob("recents.json.corrupt-*"))) == 1


@pytest.fixture
def two_pins(hpc_config):
    hpc_config["Recents"]["max_pinned"] = 2


async def test_pinning_beyond_the_limit_is_413(two_pins, api, files, hpc_config):
    for name in ("a.txt", "b.txt", "c.txt"):
        await api("recents", method="POST", body={"path": name, "type": "file"})
    for name in ("a.txt", "b.txt"):
        assert (await api("recents", method="PATCH", body={"path": name, "pinned": True}))[0] == 200
    before = Path(hpc_config["Recents"]["store_path"]).read_bytes()
    code, body = await api("recents", method="PATCH", body={"path": "c.txt", "pinned": True})
    assert code == 413 and "At most 2" in body["message"]
    assert Path(hpc_config["Recents"]["store_path"]).read_bytes() == before
    assert (await api("recents", method="PATCH", body={"path": "a.txt", "pinned": True}))[0] == 200  # already
    assert (await api("recents", method="PATCH", body={"path": "a.txt", "pinned": False}))[0] == 200
    assert (await api("recents", method="PATCH", body={"path": "c.txt", "pinned": True}))[0] == 200
