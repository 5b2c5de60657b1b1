"""Favorites REST API against a real Jupyter server and real files."""
# ruff: noqa: ASYNC240  (tests inspect the real store file between requests)

import asyncio
import grp
import json
import os
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_hpc.favorites.catalog import unix_groups


@pytest.fixture
def hpc_config(hpc_config, jp_root_dir, tmp_path):
    hpc_config["Favorites"].update(
        legacy_settings_path=str(tmp_path / "user-settings" / "favorites.jupyterlab-settings"),
        site_favorites=[
            {"path": "$HPC_TEST_SCRATCH", "name": "Scratch"},
            {"path": "$HPC_TEST_UNSET/data", "name": "Nowhere"},
        ],
        group_favorites=str(jp_root_dir / "projects" / "{group}"),
        # the site favorites' own variables ($HPC_TEST_SCRATCH...) are expanded without being listed
        expand_variables=["HOME", "MYPROJ", "MY_API_TOKEN"],
    )
    return hpc_config


@pytest.fixture
def store_file(hpc_config):
    return Path(hpc_config["Favorites"]["store_path"])


@pytest.fixture(autouse=True)
def tree(jp_root_dir, monkeypatch):
    (jp_root_dir / "scratch" / "run1").mkdir(parents=True)
    (jp_root_dir / "notes.txt").write_text("hello")
    monkeypatch.setenv("HPC_TEST_SCRATCH", str(jp_root_dir / "scratch"))
    monkeypatch.delenv("HPC_TEST_UNSET", raising=False)
    return jp_root_dir


async def listing(api):
    code, body = await api("favorites")
    assert code == 200, body
    return body


def by_path(body, path):
    return next(f for f in body["favorites"] if f["path"] == path)


async def test_add_list_rename_move_delete(api):
    code, run1 = await api("favorites", method="POST", body={"path": "scratch/run1"})
    assert code == 201, run1
    assert run1 == {
        "id": run1["id"],
        "path": "scratch/run1",
        "resolved": "scratch/run1",
        "name": "run1",
        "type": "directory",
        "exists": True,
        "reason": None,
        "source": "user",
        "hidden": False,
    }
    code, notes = await api("favorites", method="POST", body={"path": "notes.txt", "name": "My notes"})
    assert code == 201 and notes["type"] == "file" and notes["name"] == "My notes"

    body = await listing(api)
    users = [f for f in body["favorites"] if f["source"] == "user"]
    assert [f["id"] for f in users] == [run1["id"], notes["id"]]

    code, renamed = await api("favorites", run1["id"], method="PATCH", body={"name": "Run one"})
    assert code == 200 and renamed["name"] == "Run one"
    code, _ = await api("favorites", notes["id"], method="PATCH", body={"index": 0})
    assert code == 200
    users = [f for f in (await listing(api))["favorites"] if f["source"] == "user"]
    assert [(f["id"], f["name"]) for f in users] == [(notes["id"], "My notes"), (run1["id"], "Run one")]

    code, _ = await api("favorites", notes["id"], method="DELETE")
    assert code == 204
    users = [f for f in (await listing(api))["favorites"] if f["source"] == "user"]
    assert [f["id"] for f in users] == [run1["id"]]


async def test_same_target_twice_is_409(api):
    assert (await api("favorites", method="POST", body={"path": "scratch/run1"}))[0] == 201
    code, body = await api("favorites", method="POST", body={"path": "./scratch//run1/"})
    assert code == 409 and "already" in body["message"]
    # the site favorite $HPC_TEST_SCRATCH is the same directory as "scratch"
    code, _ = await api("favorites", method="POST", body={"path": "scratch"})
    assert code == 409


async def test_environment_variables_are_expanded_at_each_listing(api, jp_root_dir, monkeypatch):
    monkeypatch.setenv("MYPROJ", str(jp_root_dir / "scratch"))
    code, fav = await api("favorites", method="POST", body={"path": "${MYPROJ}/run1"})
    assert code == 201, fav
    assert fav["path"] == "${MYPROJ}/run1" and fav["resolved"] == "scratch/run1" and fav["exists"]

    # the variable changes: the favorite follows it
    (jp_root_dir / "elsewhere" / "run1").mkdir(parents=True)
    monkeypatch.setenv("MYPROJ", str(jp_root_dir / "elsewhere"))
    assert by_path(await listing(api), "${MYPROJ}/run1")["resolved"] == "elsewhere/run1"

    # unset: kept, greyed, with the reason
    monkeypatch.delenv("MYPROJ")
    gone = by_path(await listing(api), "${MYPROJ}/run1")
    assert gone["exists"] is False and gone["resolved"] is None
    assert "$MYPROJ" in gone["reason"] and "not set" in gone["reason"]

    # outside the root: kept, greyed
    monkeypatch.setenv("MYPROJ", "/usr")
    out = by_path(await listing(api), "${MYPROJ}/run1")
    assert out["exists"] is False and out["resolved"] is None and "outside" in out["reason"]


async def test_missing_target_is_kept_with_a_reason(api, jp_root_dir):
    _, fav = await api("favorites", method="POST", body={"path": "scratch/run1"})
    (jp_root_dir / "scratch" / "run1").rmdir()  # e.g. an unmounted file system
    item = by_path(await listing(api), "scratch/run1")
    assert item["id"] == fav["id"] and item["exists"] is False and item["type"] is None
    assert item["resolved"] == "scratch/run1" and "does not exist" in item["reason"]
    (jp_root_dir / "scratch" / "run1").mkdir()
    assert by_path(await listing(api), "scratch/run1")["exists"] is True


async def test_site_favorites_from_config(api, jp_root_dir):
    body = await listing(api)
    scratch = by_path(body, "$HPC_TEST_SCRATCH")
    assert scratch["source"] == "site" and scratch["name"] == "Scratch"
    assert scratch["resolved"] == "scratch" and scratch["type"] == "directory" and scratch["hidden"] is False
    nowhere = by_path(body, "$HPC_TEST_UNSET/data")
    assert nowhere["exists"] is False and "$HPC_TEST_UNSET" in nowhere["reason"]
    # site favorites come first, in the configured order
    assert [f["source"] for f in body["favorites"][:2]] == ["site", "site"]


async def test_hide_and_restore_site_favorite(api, store_file):
    scratch = by_path(await listing(api), "$HPC_TEST_SCRATCH")
    code, body = await api("favorites", scratch["id"], method="PATCH", body={"hidden": True})
    assert code == 200 and body["hidden"] is True
    assert by_path(await listing(api), "$HPC_TEST_SCRATCH")["hidden"] is True
    # they cannot break them
    before = store_file.read_bytes()
    assert (await api("favorites", scratch["id"], method="DELETE"))[0] == 400
    assert (await api("favorites", scratch["id"], method="PATCH", body={"name": "x"}))[0] == 400
    assert (await api("favorites", scratch["id"], method="PATCH", body={"index": 3}))[0] == 400
    assert store_file.read_bytes() == before
    code, _ = await api("favorites", scratch["id"], method="PATCH", body={"hidden": False})
    assert code == 200
    assert by_path(await listing(api), "$HPC_TEST_SCRATCH")["hidden"] is False


async def test_group_favorites_only_where_the_directory_exists(api, jp_root_dir):
    group = grp.getgrgid(os.getgid()).gr_name
    assert group in unix_groups()
    template = str(jp_root_dir / "projects" / "{group}")
    assert not [f for f in (await listing(api))["favorites"] if f["source"] == "group"]

    (jp_root_dir / "projects" / group).mkdir(parents=True)
    (jp_root_dir / "projects" / "not-my-group").mkdir()
    groups = [f for f in (await listing(api))["favorites"] if f["source"] == "group"]
    assert groups == [
        {
            "id": groups[0]["id"],
            "path": template.replace("{group}", group),
            "resolved": f"projects/{group}",
            "name": group,
            "type": "directory",
            "exists": True,
            "reason": None,
            "source": "group",
            "hidden": False,
        }
    ]


async def test_ten_concurrent_clients_adding_100_each_lose_none(api, jp_root_dir):
    for c in range(10):
        for i in range(100):
            (jp_root_dir / "many" / f"c{c}" / f"d{i}").mkdir(parents=True)

    async def client(c):
        for i in range(100):
            code, body = await api("favorites", method="POST", body={"path": f"many/c{c}/d{i}"})
            assert code == 201, body

    await asyncio.gather(*(client(c) for c in range(10)))
    users = [f for f in (await listing(api))["favorites"] if f["source"] == "user"]
    assert len(users) == 1000
    assert {f["path"] for f in users} == {f"many/c{c}/d{i}" for c in range(10) for i in range(100)}
    assert len({f["id"] for f in users}) == 1000


async def test_corrupt_store_is_set_aside_and_reported(api, store_file):
    store_file.parent.mkdir(parents=True, exist_ok=True)
    store_file.write_text('{"favorites": [ {"id": "abc", "pa')
    body = await listing(api)
    assert body["store_error"] is not None
    backup = Path(body["store_error"]["backup"])
    assert backup.exists() and backup.read_text() == '{"favorites": [ {"id": "abc", "pa'
    assert backup.name.startswith("favorites.json.corrupt-")
    assert "damaged" in body["store_error"]["message"]
    # the user starts from the site defaults
    assert {f["source"] for f in body["favorites"]} == {"site"}
    code, _ = await api("favorites", method="POST", body={"path": "notes.txt"})
    assert code == 201
    assert json.loads(store_file.read_text())["favorites"][0]["path"] == "notes.txt"
    assert backup.read_text() == '{"favorites": [ {"id": "abc", "pa'


async def test_foreign_json_document_is_set_aside(api, store_file):
    store_file.parent.mkdir(parents=True, exist_ok=True)
    store_file.write_text("[1, 2, 3]")
    body = await listing(api)
    assert body["store_error"] is not None
    assert Path(body["store_error"]["backup"]).read_text() == "[1, 2, 3]"
    assert body["legacy_import"] is False


BAD_POSTS = [
    ({}, 400, "Missing field 'path'"),
    ({"path": ""}, 400, "non-empty"),
    ({"path": "   "}, 400, "non-empty"),
    ({"path": 42}, 400, "must be a string"),
    ({"path": "a" * 4097}, 400, "longer than"),
    ({"path": "scratch\x00/run1"}, 400, "NUL"),
    ({"path": "scratch/run1", "name": ["x"]}, 400, "must be a string"),
    ({"path": "../outside"}, 403, "outside"),
    ({"path": "/etc"}, 403, "outside"),
    ({"path": "no/such/dir"}, 404, "does not exist"),
]


@pytest.mark.parametrize(("body", "code", "text"), BAD_POSTS)
async def test_bad_post_is_refused_with_store_unchanged(api, store_file, body, code, text):
    assert (await api("favorites", method="POST", body={"path": "notes.txt"}))[0] == 201
    before = store_file.read_bytes()
    got, answer = await api("favorites", method="POST", body=body)
    assert got == code and text in answer["message"]
    assert store_file.read_bytes() == before


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"path"'])
async def test_malformed_json_is_400(api, store_file, raw):
    assert (await api("favorites", method="POST", body={"path": "notes.txt"}))[0] == 201
    before = store_file.read_bytes()
    code, answer = await api("favorites", method="POST", body=raw)
    assert code == 400 and answer["message"]
    _, fav = await api("favorites")
    fid = by_path(fav, "notes.txt")["id"]
    code, answer = await api("favorites", fid, method="PATCH", body=raw)
    assert code == 400
    assert store_file.read_bytes() == before


BAD_PATCHES = [
    ({}, "Nothing to change"),
    ({"name": ""}, "must not be empty"),
    ({"name": 3}, "must be a string"),
    ({"index": -1}, "non-negative"),
    ({"index": "1"}, "non-negative"),
    ({"index": True}, "non-negative"),
    ({"hidden": "yes"}, "true or false"),
    ({"hidden": True}, "Only site favorites"),
    ({"colour": "red"}, "Unknown field"),
]


@pytest.mark.parametrize(("body", "text"), BAD_PATCHES)
async def test_bad_patch_is_400_with_store_unchanged(api, store_file, body, text):
    _, fav = await api("favorites", method="POST", body={"path": "notes.txt"})
    before = store_file.read_bytes()
    code, answer = await api("favorites", fav["id"], method="PATCH", body=body)
    assert code == 400 and text in answer["message"]
    assert store_file.read_bytes() == before


async def test_unknown_id_is_404_with_store_unchanged(api, store_file):
    await api("favorites", method="POST", body={"path": "notes.txt"})
    before = store_file.read_bytes()
    code, answer = await api("favorites", "deadbeef0000", method="PATCH", body={"name": "x"})
    assert code == 404 and "deadbeef0000" in answer["message"]
    code, answer = await api("favorites", "deadbeef0000", method="DELETE")
    assert code == 404
    assert store_file.read_bytes() == before


async def test_import_happens_once(api):
    old = [{"path": "scratch/run1", "name": "Run"}, {"path": "notes.txt"}, {"path": "scratch/run1"}]
    code, body = await api("favorites", "import", method="POST", body={"source": "old", "favorites": old})
    assert code == 200 and body["added"] == 2
    users = [f for f in (await listing(api))["favorites"] if f["source"] == "user"]
    assert [(f["path"], f["name"]) for f in users] == [("scratch/run1", "Run"), ("notes.txt", "notes.txt")]
    # removed after the import: never comes back
    await api("favorites", users[0]["id"], method="DELETE")
    code, body = await api("favorites", "import", method="POST", body={"source": "old", "favorites": old})
    assert code == 200 and body["added"] == 0
    assert len([f for f in (await listing(api))["favorites"] if f["source"] == "user"]) == 1


@pytest.mark.parametrize(
    ("method", "parts", "body"),
    [
        ("GET", ("favorites",), None),
        ("POST", ("favorites",), {"path": "notes.txt"}),
        ("PATCH", ("favorites", "abc"), {"name": "x"}),
        ("DELETE", ("favorites", "abc"), None),
        ("POST", ("favorites", "import"), {"source": "x", "favorites": []}),
    ],
)
async def test_authentication_required(jp_fetch, store_file, method, parts, body):
    kwargs = {"method": method, "headers": {"Authorization": ""}}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("hpc", *parts, **kwargs)
    assert error.value.code in (401, 403)
    assert not store_file.exists()


async def test_legacy_jlab_enhanced_favorites_imported_once(api, hpc_config, jp_root_dir, tmp_path):
    legacy = Path(hpc_config["Favorites"]["legacy_settings_path"])
    legacy.parent.mkdir(parents=True)
    legacy.write_text(
        """{
    // written by @jlab-enhanced/favorites
    "favorites": [
        {"root": "ROOT", "path": "scratch/run1", "contentType": "directory", "iconLabel": "ui-components:folder",
         "name": "Run 1"},
        {"root": "/", "path": "home", "contentType": "directory", "iconLabel": "ui-components:folder",
         "default": true},
        {"root": "ROOT", "path": "notes.txt", "contentType": "file", "iconLabel": "ui-components:file"},
    ],
}""".replace("ROOT", str(jp_root_dir))
    )
    body = await listing(api)
    assert body["legacy_import"] is True
    code, answer = await api("favorites", "import", method="POST", body={"source": "@jlab-enhanced/favorites"})
    assert code == 200 and answer["added"] == 2
    body = await listing(api)
    assert body["legacy_import"] is False
    users = [(f["resolved"], f["name"], f["exists"]) for f in body["favorites"] if f["source"] == "user"]
    assert users == [("scratch/run1", "Run 1", True), ("notes.txt", "notes.txt", True)]
    code, answer = await api("favorites", "import", method="POST", body={"source": "@jlab-enhanced/favorites"})
    assert answer["added"] == 0


async def test_symlinks_are_followed_and_confined(api, jp_root_dir, tmp_path):
    outside = tmp_path / "outside-root"
    outside.mkdir()
    (jp_root_dir / "escape").symlink_to(outside)
    (jp_root_dir / "shortcut").symlink_to(jp_root_dir / "scratch" / "run1")
    # adding through a link that leaves the root is refused
    code, body = await api("favorites", method="POST", body={"path": "escape"})
    assert code == 403 and "outside" in body["message"]
    code, fav = await api("favorites", method="POST", body={"path": "shortcut"})
    assert code == 201 and fav["resolved"] == "scratch/run1" and fav["type"] == "directory"
    # a link retargeted outside the root later: kept, greyed
    (jp_root_dir / "shortcut").unlink()
    (jp_root_dir / "shortcut").symlink_to(outside)
    item = by_path(await listing(api), "shortcut")
    assert item["exists"] is False and item["resolved"] is None and "outside" in item["reason"]


def test_walk_agrees_with_realpath(tmp_path):
    from jupyterlab_hpc.favorites.resolve import Walk

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "f.txt").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "link" / "b")
    walk = Walk(str(tmp_path))
    for rel in ["a", "a/b", "a/f.txt", "link", "link/b", "link/f.txt", "a/loop", "link/loop", "missing/x", "a/nope"]:
        path = str(tmp_path / rel)
        assert walk.realpath(path) == os.path.realpath(path), rel


@pytest.mark.timeout(60)
async def test_a_named_pipe_as_the_store_is_set_aside_not_waited_for(api, store_file, fifo):
    store_file.parent.mkdir(parents=True, exist_ok=True)
    fifo(store_file)
    code, body = await asyncio.wait_for(api("favorites"), 30)
    assert code == 200 and "damaged" in body["store_error"]["message"]
    assert Path(body["store_error"]["backup"]).is_fifo()
    assert (await api("favorites", method="POST", body={"path": "notes.txt"}))[0] == 201


@pytest.mark.timeout(60)
def test_a_named_pipe_as_the_old_settings_file_is_not_waited_for(tmp_path, fifo):
    from jupyterlab_hpc.favorites.legacy import read_legacy

    assert read_legacy(str(fifo(tmp_path / "favorites.jupyterlab-settings"))) is None


async def test_deeply_nested_store_and_old_settings_do_not_break_the_listing(api, store_file, hpc_config):
    """RecursionError from json.loads / json5 escaped: the listing answered 500."""
    store_file.parent.mkdir(parents=True, exist_ok=True)
    store_file.write_text('{"favorites": ' + "[" * 100_000 + "]" * 100_000 + "}")
    legacy = Path(hpc_config["Favorites"]["legacy_settings_path"])
    legacy.parent.mkdir(parents=True)
    legacy.write_text('{"favorites": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, body = await api("favorites")
    assert code == 200, body
    assert "damaged" in body["store_error"]["message"] and body["legacy_import"] is False


async def test_only_allowed_variables_are_expanded_and_secrets_never(api, jp_root_dir, monkeypatch):
    """Any variable of the server's environment was expanded and its value echoed in the reason."""
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "/hub-token-value")
    monkeypatch.setenv("MY_API_TOKEN", "/listed-token-value")  # listed by mistake: still a secret
    monkeypatch.setenv("UNLISTED", str(jp_root_dir / "scratch"))
    for path in ("$JUPYTERHUB_API_TOKEN/x", "${MY_API_TOKEN}", "$UNLISTED/run1"):
        code, fav = await api("favorites", method="POST", body={"path": path})
        assert code == 201, fav
        assert fav["exists"] is False and fav["resolved"] is None
        assert "is not a variable this server expands" in fav["reason"]
    text = json.dumps(await listing(api))
    assert "token-value" not in text and "is not a variable this server expands" in text
    code, fav = await api("favorites", method="POST", body={"path": "$HPC_TEST_SCRATCH/run1"})
    assert code == 201 and fav["resolved"] == "scratch/run1"  # a site favorite's variable


@pytest.fixture
def small_limits(hpc_config):
    hpc_config["Favorites"].update(max_favorites=3, max_import=2, max_body_size=2000)


async def test_limits_on_favorites_and_imports_are_413(small_limits, api, store_file, jp_root_dir):
    for name in ("a", "b", "c", "d"):
        (jp_root_dir / name).mkdir()
    for name in ("a", "b"):
        assert (await api("favorites", method="POST", body={"path": name}))[0] == 201
    before = store_file.read_bytes()
    three = [{"path": "c"}, {"path": "d"}, {"path": "notes.txt"}]
    code, body = await api("favorites", "import", method="POST", body={"source": "x", "favorites": three})
    assert code == 413 and "at most 2" in body["message"]
    code, body = await api("favorites", "import", method="POST", body={"source": "x", "favorites": three[:2]})
    assert code == 413 and "limit of 3" in body["message"]
    code, body = await api("favorites", method="POST", body={"path": "x" * 3000})
    assert code == 413 and "limit" in body["message"]
    assert store_file.read_bytes() == before
    assert (await api("favorites", method="POST", body={"path": "c"}))[0] == 201
    code, body = await api("favorites", method="POST", body={"path": "d"})
    assert code == 413 and "limit" in body["message"]
