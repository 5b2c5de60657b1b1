"""Versions and deltas (``GET jobs?since=``), the queue service and the server reading through it,
against the real local cluster. The service runs in-process; JupyterHub's token check
(``HubAuth``) asks a small stand-in for the hub's ``GET /hub/api/user`` here (the real hub is
in hub/tests/test_queue_service.py)."""

import asyncio
import contextlib
import gzip
import json
import socket
import subprocess
import time
import urllib.parse

import pytest
from test_slurm_faults import script
from test_slurm_jobs import (
    HELD,
    OTHER_USER,
    ensure_other_user,
    no_leftover_jobs,  # noqa: F401 (autouse fixture: cancel leftovers)
    sbatch,
    scancel,
)
from tornado import web
from tornado.httpclient import AsyncHTTPClient
from traitlets.config import Config

from jupyterlab_hpc.slurm.service.app import QueueService
from jupyterlab_hpc.slurm.service.poller import private_jobs
from jupyterlab_hpc.slurm.wire import decode

pytestmark = pytest.mark.slurm_cluster

SCOPE = "access:services!service=hpc-queue"
ALICE = "hpc-alice"
TOKENS = {
    "alice-token": {"kind": "user", "name": ALICE, "scopes": [SCOPE]},
    "bob-token": {"kind": "user", "name": OTHER_USER, "scopes": [SCOPE]},
    "root-token": {"kind": "user", "name": "root", "scopes": [SCOPE]},
    "no-scope-token": {"kind": "user", "name": ALICE, "scopes": [f"read:users:name!user={ALICE}"]},
    "service-token": {"kind": "service", "name": "other", "scopes": [SCOPE]},
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeHubUser(web.RequestHandler):
    """``GET /hub/api/user``: the owner of the request's token, as JupyterHub answers it."""

    def get(self):
        model = TOKENS.get(self.request.headers.get("Authorization", "").partition(" ")[2])
        if model is None:
            self.set_status(403)
            self.finish({"status": 403, "message": "Missing or invalid credentials."})
        else:
            self.finish(model)


@contextlib.asynccontextmanager
async def fake_hub():
    port = free_port()
    server = web.Application([(r"/hub/api/user", FakeHubUser)]).listen(port, address="127.0.0.1")
    try:
        yield f"http://127.0.0.1:{port}/hub/api"
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def queue_service(hub_url, port=None, slurm=None, **settings):
    """The service on ``port``, reading the real cluster; yields the app (its poller, its URL)."""
    config = Config()
    port = port or free_port()
    config.QueueService.url = f"http://127.0.0.1:{port}"
    config.QueueService.prefix = "/services/hpc-queue/"
    for name, value in {"interval": 1.0, "min_interval": 0.2, **settings}.items():
        setattr(config.QueueService, name, value)
    config.HubAuth.api_url = hub_url
    config.HubAuth.api_token = "the-service-token"
    config.HubAuth.access_scopes = {SCOPE}
    for name, value in (slurm or {}).items():
        setattr(config.Slurm, name, value)
    app = QueueService(config=config)
    app.initialize([])
    ready, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.ensure_future(app.serve(ready, stop))
    await asyncio.wait_for(ready.wait(), 10)
    app.base = f"http://127.0.0.1:{port}/services/hpc-queue/"
    try:
        yield app
    finally:
        stop.set()
        await task


async def ask(app, token=None, path="jobs", **params):
    headers = {"Authorization": f"token {token}"} if token else {}
    url = app.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    response = await AsyncHTTPClient().fetch(url, headers=headers, raise_error=False, request_timeout=60)
    return response.code, json.loads(response.body)


def jobs_of(answer):
    columns, rows = decode(answer)
    return {values[0]: dict(zip(columns, values)) for values in rows}


def ticking(jobs):
    """``jobs`` without running jobs' elapsed time, which alone is no change (docs/slurm-api.md)."""
    return {
        job_id: {k: v for k, v in job.items() if not (k == "time_used" and job["state"] == "RUNNING")}
        for job_id, job in jobs.items()
    }


def check_delta(mirror, answer):
    """Apply ``answer`` to ``mirror`` (id -> job), checking that a delta holds only real changes."""
    changed = jobs_of(answer)
    if answer["full"]:
        mirror.clear()
    else:
        for job_id, job in changed.items():
            assert mirror.get(job_id) != job, f"job {job_id} did not change but was sent"
        assert not set(answer["removed"]) & set(changed)
    mirror.update(changed)
    for job_id in answer["removed"]:
        mirror.pop(job_id, None)
    return changed


async def since(api, version, scope="all", fmt="columns"):
    """``GET jobs?since=`` of the server under test."""
    return await api("slurm", "jobs", params={"scope": scope, "since": str(version), "format": fmt})


HELD_OPTIONS = {"hold": True, "begin": "now+1hour", "time": "5", "job-name": "delta"}


@pytest.fixture
def created():
    """Job ids to cancel after the test."""
    ids = []
    yield ids
    if ids:
        scancel(*ids)


def sbatch_as(user, name):
    return sbatch("-J", name, *HELD, user=user, cwd="/tmp")


# -------------------------------------------------------------------- the extension alone


def make_squeue(tmp_path):
    """squeue that hangs while the file ``hang`` exists, and counts its runs in ``calls``."""
    real = subprocess.run(["which", "squeue"], capture_output=True, text=True).stdout.strip()
    return script(
        tmp_path / "squeue",
        f'echo x >> "{tmp_path}/calls"\n[ -e "{tmp_path}/hang" ] && exec sleep 27.1828\nexec {real} "$@"\n',
    )


SERVICE_PORT = free_port()
SETTINGS = {  # test -> c.Slurm of its server
    "test_stale_table_when_this_servers_squeue_hangs": lambda tmp: {
        "commands": {"squeue": make_squeue(tmp)}, "timeout": 1.0, "min_refresh_interval": 0.0},
    "test_server_reads_through_the_service_falls_back_and_returns": lambda tmp: {
        "queue_service_url": f"http://127.0.0.1:{SERVICE_PORT}/services/hpc-queue/", "queue_service_retry": 1.0,
        "min_refresh_interval": 0.0, "commands": {"squeue": make_squeue(tmp)}},
}  # fmt: skip


@pytest.fixture
def hpc_config(hpc_config, request, tmp_path):
    make = SETTINGS.get(request.node.originalname)
    hpc_config["Slurm"] = make(tmp_path) if make else {"min_refresh_interval": 5.0}
    return hpc_config


@pytest.fixture
def hung_squeue(tmp_path):
    return make_squeue(tmp_path)


async def test_browser_deltas_after_submit_state_change_and_cancel(api, created):
    ensure_other_user()
    code, first = await since(api, "0")
    assert code == 200 and first["full"] is True and first["source"] == "squeue" and first["user"] == "root"
    mirror = {}
    check_delta(mirror, first)

    code, body = await api("slurm", "jobs", method="POST", body={"script": "#!/bin/bash\n", "options": HELD_OPTIONS})
    assert code == 201, body
    mine = body["id"]
    created.append(mine)
    theirs = sbatch_as(OTHER_USER, "delta-theirs")
    created.append(theirs)
    # The submission makes the next answer read the queue again: both new jobs are in it.
    code, delta = await since(api, first["version"])
    assert code == 200 and delta["full"] is False and delta["version"] > first["version"]
    changed = check_delta(mirror, delta)
    assert {mine, theirs} <= set(changed)
    assert changed[mine]["reason"] == "JobHeldUser" and changed[theirs]["user"] == OTHER_USER
    # The table the deltas built is the table itself.
    code, full = await since(api, "0")
    assert full["version"] == delta["version"] and ticking(jobs_of(full)) == ticking(mirror)

    # A state change (released: waits for its begin time now) is one changed job, not a new list.
    code, results = await api("slurm", "jobs", "actions", method="POST", body={"action": "release", "ids": [mine]})
    assert results["results"][0]["ok"], results
    code, delta2 = await since(api, delta["version"])
    changed = check_delta(mirror, delta2)
    assert mine in changed and changed[mine]["reason"] != "JobHeldUser" and theirs not in changed

    # Cancelled: its id is in "removed"; "mine" never held the other user's job.
    code, mine_first = await api("slurm", "jobs", params={"scope": "mine", "since": "0"})
    assert {job["user"] for job in mine_first["jobs"]} == {"root"} and theirs not in {
        j["id"] for j in mine_first["jobs"]
    }
    await api("slurm", "jobs", "actions", method="POST", body={"action": "cancel", "ids": [mine]})
    code, delta3 = await since(api, delta2["version"])
    check_delta(mirror, delta3)
    assert mine in delta3["removed"] and mine not in mirror and theirs in mirror
    code, mine_delta = await api("slurm", "jobs", params={"scope": "mine", "since": mine_first["version"]})
    assert mine in mine_delta["removed"] and theirs not in mine_delta["removed"]
    assert all(job["user"] == "root" for job in mine_delta["jobs"])

    # Too old (below what the table remembers) or ahead of it: the documented full answer.
    for old in (first["version"] - 10**6, 0, delta3["version"] + 10**6):
        code, again = await since(api, old)
        assert code == 200 and again["full"] is True and jobs_of(again).keys() == mirror.keys()


async def test_bad_since_and_format_and_the_first_contract(api, jp_fetch):
    for params in ({"since": "abc"}, {"since": "-1"}, {"since": "1.5"}, {"since": "9" * 30}, {"format": "xml"}):
        code, body = await api("slurm", "jobs", params={"scope": "all", **params})
        assert code == 400 and body["message"], params
    # Without since: the answer of the first contract, unchanged.
    code, body = await api("slurm", "jobs", params={"scope": "all"})
    assert code == 200 and set(body) == {"jobs", "updated_at", "user"}
    # gzip where it pays: a big answer for a client that accepts it, never a small one.
    response = await jp_fetch(
        "hpc", "slurm", "jobs", params={"scope": "all", "since": "0"},
        headers={"Accept-Encoding": "gzip"}, decompress_response=False,
    )  # fmt: skip
    size = len(response.body)
    encoded = response.headers.get("Content-Encoding")
    text = gzip.decompress(response.body) if encoded == "gzip" else response.body
    answer = json.loads(text)
    assert answer["full"] is True
    assert (encoded == "gzip") == (len(text) >= 65536), (size, len(text))
    response = await jp_fetch(
        "hpc", "slurm", "jobs", params={"scope": "all", "since": answer["version"]},
        headers={"Accept-Encoding": "gzip"}, decompress_response=False,
    )  # fmt: skip
    assert response.headers.get("Content-Encoding") is None and json.loads(response.body)["full"] is False


async def test_first_screen_limit_newest_jobs_with_the_total(api, created):
    """``limit`` (the panel's first screen): the newest jobs of a full answer in the panel's
    array-aware id order, with the total; deltas whole; bad values refused."""
    array = sbatch("-J", "limit-array", "--array=1-3", *HELD)
    created.append(array)
    single = sbatch("-J", "limit-single", *HELD)
    created.append(single)
    ours = {single, f"{array}_1", f"{array}_2", f"{array}_3"}

    def newest_first(job_id):  # written out here: ids descending, a job before its tasks reversed
        head, _, task = job_id.partition("_")
        return int(head), int(task.strip("[").split("-")[0]) if task else -1

    for _ in range(3):  # both answers of one table version (other checkouts submit too)
        code, full = await since(api, "0")
        everything = list(jobs_of(full))
        expected = sorted(everything, key=newest_first, reverse=True)
        n = expected.index(f"{array}_1") + 1  # down to our oldest task
        params = {"scope": "all", "since": "0", "format": "columns", "limit": str(n)}
        code, first = await api("slurm", "jobs", params=params)
        if first["version"] == full["version"]:
            break
    assert code == 200 and first["full"] is True and first["total"] == len(everything)
    ids = list(jobs_of(first))
    assert ids == expected[:n]
    assert [job_id for job_id in ids if job_id in ours] == [single, f"{array}_3", f"{array}_2", f"{array}_1"]
    assert first["partial"] is True if n < len(everything) else "partial" not in first
    # the whole list when it is not longer than the limit (no "partial")
    code, whole = await api("slurm", "jobs", params={**params, "limit": str(len(everything))})
    assert code == 200 and "partial" not in whole and whole["total"] == len(jobs_of(whole)) >= len(ours)
    # a delta comes whole whatever the limit
    code, delta = await api("slurm", "jobs", params={**params, "since": str(first["version"]), "limit": "1"})
    assert code == 200 and delta["full"] is False and "partial" not in delta and "total" not in delta
    for bad in ("0", "-1", "1.5", "abc", "10001", "9" * 30, ""):
        code, body = await api("slurm", "jobs", params={**params, "limit": bad})
        assert code == 400 and "limit" in body["message"], bad


async def test_stale_table_when_this_servers_squeue_hangs(api, tmp_path):
    code, first = await api("slurm", "jobs", params={"scope": "all", "since": "0"})
    assert code == 200
    (tmp_path / "hang").touch()
    code, body = await api("slurm", "jobs", params={"scope": "all", "since": first["version"]})
    assert code == 504 and "did not answer within 1 s" in body["message"]
    assert body["stale"] is True and body["age"] >= 1 and body["version"] == first["version"]
    assert body["jobs"] == [] and body["full"] is False
    code, body = await api("slurm", "jobs", params={"scope": "all", "since": "0"})
    assert code == 504 and body["stale"] and {j["id"] for j in body["jobs"]} == {j["id"] for j in first["jobs"]}
    (tmp_path / "hang").unlink()
    code, body = await api("slurm", "jobs", params={"scope": "all", "since": first["version"]})
    assert code == 200 and "stale" not in body and "message" not in body


# -------------------------------------------------------------------- the service


async def test_service_refuses_what_it_must(hung_squeue):
    async with fake_hub() as hub, queue_service(hub, slurm={"commands": {"squeue": hung_squeue}}) as app:
        code, body = await ask(app, None, scope="mine")
        assert code == 401 and "token" in body["message"]
        for token in ("wrong-token", "no-scope-token", "service-token"):
            code, body = await ask(app, token, scope="mine")
            assert code == 403 and body["message"], token
        code, body = await ask(app, "no-scope-token", scope="mine")
        assert SCOPE in body["message"]
        # Another user's token asking for that user's jobs.
        code, body = await ask(app, "bob-token", scope="mine", user=ALICE)
        assert code == 403 and ALICE in body["message"]
        for params in ({"since": "x"}, {"since": "-3"}, {"scope": "everyone"}, {"format": "csv"},
                       {"newer_than": "soon"}, {"newer_than": "nan"}):  # fmt: skip
            code, body = await ask(app, "alice-token", **{"scope": "mine", **params})
            assert code == 400 and body["message"], params
        code, body = await ask(app, "alice-token", scope="mine", user=ALICE, since="0")
        assert code == 200 and body["full"] is True and body["service"] == "jupyterlab-hpc-queue"


async def test_service_scopes_deltas_and_stale_data(hung_squeue, tmp_path, created):
    ensure_other_user()
    async with fake_hub() as hub, queue_service(
        hub, slurm={"commands": {"squeue": hung_squeue}, "timeout": 1.0}
    ) as app:  # fmt: skip
        code, all0 = await ask(app, "alice-token", scope="all", since="0", format="columns")
        code, mine0 = await ask(app, "alice-token", scope="mine", since="0")
        assert code == 200 and all(job["user"] == ALICE for job in mine0["jobs"])
        before = time.time()
        hers, his = sbatch_as(ALICE, "svc-hers"), sbatch_as(OTHER_USER, "svc-his")
        created += [hers, his]
        mirror = {}
        check_delta(mirror, all0)
        code, all1 = await ask(app, "alice-token", scope="all", since=all0["version"], format="columns",
                               newer_than=before)  # fmt: skip
        assert code == 200 and not all1["full"] and all1["updated_at"] >= before
        assert {hers, his} <= set(check_delta(mirror, all1))
        code, mine1 = await ask(app, "alice-token", scope="mine", since=mine0["version"])
        assert [job["id"] for job in mine1["jobs"]] == [hers]
        code, bobs = await ask(app, "bob-token", scope="mine", since="0")
        assert his in {job["id"] for job in bobs["jobs"]} and hers not in {job["id"] for job in bobs["jobs"]}

        scancel(his)
        cancelled = time.time()
        code, all2 = await ask(app, "alice-token", scope="all", since=all1["version"], format="columns",
                               newer_than=cancelled)  # fmt: skip
        check_delta(mirror, all2)
        assert his in all2["removed"] and his not in mirror and hers in mirror
        code, mine2 = await ask(app, "alice-token", scope="mine", since=mine1["version"])
        assert mine2["jobs"] == [] and mine2["removed"] == []  # his job is none of her business
        code, full = await ask(app, "alice-token", scope="all", since=all0["version"] - 10**6, format="columns")
        assert full["full"] is True and jobs_of(full).keys() >= {hers}

        # squeue hangs at the service: killed at its timeout; the last good queue, marked stale.
        (tmp_path / "hang").touch()
        code, stale = await ask(app, "alice-token", scope="all", since=all2["version"], newer_than=time.time())
        assert code == 504 and stale["stale"] is True and "did not answer within 1 s" in stale["message"]
        assert stale["version"] >= all2["version"] and stale["updated_at"] < time.time() - 1
        code, status = await ask(app, "alice-token", path="status")
        assert status["stale"] is True and status["jobs"] >= 1
        (tmp_path / "hang").unlink()
        code, fresh = await ask(app, "alice-token", scope="all", since=all2["version"], newer_than=time.time())
        assert code == 200 and "stale" not in fresh


async def test_site_switch_and_private_data():
    assert private_jobs("ClusterName = c\nPrivateData             = jobs,usage\n") is True
    assert private_jobs("PrivateData             = none\n") is False
    assert private_jobs("PrivateData = accounts,events\n") is False
    assert private_jobs("nothing here") is None
    async with fake_hub() as hub, queue_service(hub, allow_all=False) as app:
        code, body = await ask(app, "alice-token", scope="all", since="0")
        assert code == 200 and body["restricted"] and all(job["user"] == ALICE for job in body["jobs"])
        code, body = await ask(app, "alice-token", scope="mine", since="0")
        assert "restricted" not in body


async def test_ten_clients_for_a_minute_cost_one_squeue_per_interval(hung_squeue, tmp_path):
    interval, minute = 10.0, 60.0
    async with fake_hub() as hub, queue_service(
        hub, slurm={"commands": {"squeue": hung_squeue}}, interval=interval
    ) as app:  # fmt: skip
        stop = time.monotonic() + minute
        answers = []

        async def client(n):
            version = "0"
            while time.monotonic() < stop:
                code, body = await ask(app, ("alice-token", "bob-token")[n % 2], scope=("all", "mine")[n % 3 == 0],
                                       since=version, format="columns")  # fmt: skip
                answers.append(code)
                version = body["version"]
                await asyncio.sleep(1.0)

        await asyncio.gather(*(client(n) for n in range(10)))
        runs = len((tmp_path / "calls").read_text().splitlines())
    assert len(answers) >= 10 * 50 and set(answers) == {200}
    # One at start, then one per interval: 7 in a minute (a scheduling hiccup may cost one).
    assert minute / interval <= runs <= minute / interval + 2, runs


# -------------------------------------------------------------------- the server through the service


async def test_server_reads_through_the_service_falls_back_and_returns(api, monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "root-token")
    async with fake_hub() as hub:
        async with queue_service(hub, port=SERVICE_PORT) as app:
            code, first = await since(api, "0")
            assert code == 200 and first["source"] == "service" and first["user"] == "root"
            code, legacy = await api("slurm", "jobs", params={"scope": "all"})  # the first contract, via the service
            assert code == 200 and {j["id"] for j in legacy["jobs"]} == set(jobs_of(first))
            assert all("work_dir_path" in job for job in legacy["jobs"])
            mine_runs = app.poller.squeue_runs
        # The service is gone: this refresh already comes from the server's own squeue, as a delta.
        own_before = (tmp_path / "calls").read_text().count("x") if (tmp_path / "calls").exists() else 0
        code, fallback = await api(
            "slurm", "jobs", params={"scope": "all", "since": first["version"], "format": "columns"}
        )
        assert code == 200 and fallback["source"] == "squeue" and "does not answer" in fallback["service_problem"]
        assert fallback["full"] is False
        assert (tmp_path / "calls").read_text().count("x") > own_before
        mirror = jobs_of(first)
        check_delta(mirror, fallback)
        # Back: after queue_service_retry the server asks the service again.
        async with queue_service(hub, port=SERVICE_PORT) as app:
            await asyncio.sleep(1.1)
            code, back = await api(
                "slurm", "jobs", params={"scope": "all", "since": fallback["version"], "format": "columns"}
            )
            assert code == 200 and back["source"] == "service" and "service_problem" not in back
            assert app.poller.squeue_runs >= 1 and mine_runs >= 1
            check_delta(mirror, back)
            code, full = await since(api, "0")
            assert set(jobs_of(full)) == set(mirror)
