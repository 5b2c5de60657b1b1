"""The Slurm core without a cluster: the backend interface (a fake backend chosen with
c.Slurm.backend_class), domain errors, the submission policy, output reads, secrets."""

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from traitlets import TraitError

from jupyterlab_hpc import errors
from jupyterlab_hpc.slurm import output, submit
from jupyterlab_hpc.slurm.commands import Runner, without_secrets
from jupyterlab_hpc.slurm.config import Slurm
from jupyterlab_hpc.slurm.details import summarize
from jupyterlab_hpc.slurm.interface import SlurmBackend
from jupyterlab_hpc.slurm.parse import JobList
from jupyterlab_hpc.slurm.records import ActionResult, JobDetails
from jupyterlab_hpc.validate import RootPaths

PACKAGE = Path(__file__).resolve().parents[1] / "jupyterlab_hpc" / "slurm"


def queue_job(job_id, user="alice", **extra):
    job = {
        "id": job_id,
        "array_job_id": None,
        "array_task_id": None,
        "name": f"job {job_id}",
        "user": user,
        "account": "",
        "partition": "debug",
        "qos": "",
        "state": "PENDING",
        "reason": "Priority",
        "time_used": 0,
        "time_limit": 60,
        "nodes": 1,
        "nodelist": "",
        "submit_time": 1795785517,
        "start_time": None,
        "work_dir": "/w",
        "work_dir_path": None,
        "stdout": "",
        "stderr": "",
    }
    return {**job, **extra}


class FakeBackend(SlurmBackend):
    """A backend written against the interface alone, as slurmrestd or the queue service would be."""

    def __init__(self, config, root_dir=None):
        super().__init__(config, root_dir)
        self.user = "alice"
        self.submitted = []
        self.fields = {}  # job id -> scontrol-like fields of the jobs this fake knows
        FakeBackend.last = self

    async def status(self):
        return {"available": True, "version": "99.1.0", "cluster": "fake", "user": self.user}

    async def list_jobs(self, scope, on_fragments=None):
        jobs = [queue_job("1"), queue_job("2", user="bob")]
        if scope == "mine":
            jobs = [job for job in jobs if job["user"] == self.user]
        listing = JobList.from_jobs(jobs, 1234.5, self.user)
        if on_fragments is not None and scope == "all":
            on_fragments(listing.fragments)  # streamed, as a backend that reads a long listing does
        return listing

    async def job(self, job_id):
        fields = self.fields.get(job_id)
        if fields is None:
            return None
        return JobDetails(fields, summarize(fields, job_id, RootPaths(self.root_dir).api_text))

    async def act(self, action, ids):
        # The kind of refusal is the backend's to say; the message need not contain any keyword.
        refusals = {"13": ActionResult("13", False, "Not yours.", errors.Forbidden)}
        return [refusals.get(job_id, ActionResult(job_id, True)) for job_id in ids]

    async def partitions(self):
        return [{"name": "debug", "state": "up", "default": True, "time_limit": 3600, "nodes": {"idle": 1, "total": 1}}]

    async def submit(self, submission):
        self.submitted.append(submission)
        return {"id": "77", "cluster": None}

    async def history(self, scope, days, states):
        if days == 2:
            raise errors.Unavailable("accounting is down")
        return b'{"jobs":[],"accounting":true,"updated_at":1.0,"user":"alice","since":0}'

    async def history_job(self, job_id, scope):
        return {"id": job_id, "steps": []} if job_id == "5" else None

    async def cluster_status(self):
        return []


@pytest.fixture
def hpc_config(hpc_config, tmp_path):
    hpc_config["Slurm"] = {
        "backend_class": f"{__name__}.FakeBackend",
        "user_templates_path": str(tmp_path / "state" / "slurm_templates.json"),
        "max_user_templates": 2,
    }
    return hpc_config


async def test_a_backend_class_serves_every_endpoint_through_the_interface(api, jp_root_dir):
    code, status = await api("slurm", "status")
    assert code == 200 and status["cluster"] == "fake"
    code, mine = await api("slurm", "jobs", params={"scope": "mine"})
    assert code == 200 and [job["id"] for job in mine["jobs"]] == ["1"] and mine["updated_at"] == 1234.5
    code, everything = await api("slurm", "jobs", params={"scope": "all"})  # streamed
    assert code == 200 and [job["id"] for job in everything["jobs"]] == ["1", "2"] and everything["user"] == "alice"
    assert everything["jobs"][1] == queue_job("2", user="bob")
    code, body = await api("slurm", "partitions")
    assert code == 200 and body["partitions"][0]["name"] == "debug"
    before = time.time()
    code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "hold", "ids": ["12", "13"]})
    assert code == 200
    # "at": the server's clock after the action, for the browser's "a list read after it"
    assert before <= body.pop("at") <= time.time()
    assert body == {
        "results": [{"id": "12", "ok": True, "message": ""}, {"id": "13", "ok": False, "message": "Not yours."}]
    }
    assert (await api("slurm", "jobs", "404"))[0] == 404
    code, body = await api("slurm", "history", params={"days": "3"})
    assert code == 200 and body["accounting"] is True
    assert (await api("slurm", "history", params={"days": "2"}))[0] == 503
    assert (await api("slurm", "history", "5"))[1] == {"id": "5", "steps": []}
    assert (await api("slurm", "history", "6"))[0] == 404
    assert await api("slurm", "cluster") == (200, {"partitions": [], "updated_at": pytest.approx(0, abs=1e10)})


async def test_delete_takes_its_status_from_the_kind_of_refusal_not_from_its_words(api):
    code, body = await api("slurm", "jobs", "13", method="DELETE")
    assert code == 403 and body == {"message": "Not yours."}
    code, body = await api("slurm", "jobs", "12", method="DELETE")
    assert code == 200 and body == {"id": "12", "ok": True, "message": ""}


async def test_the_submission_policy_is_decided_before_the_backend(api, jp_root_dir):
    (jp_root_dir / "proj").mkdir()
    (jp_root_dir / "proj" / "run.sh").write_text("#!/bin/bash\ntrue\n")
    code, body = await api("slurm", "jobs", method="POST", body={"path": "proj/run.sh"})
    assert code == 201 and body == {"id": "77", "cluster": None, "at": pytest.approx(time.time(), abs=60)}
    (submission,) = FakeBackend.last.submitted
    root = jp_root_dir.resolve()
    assert submission.script == "#!/bin/bash\ntrue\n" and submission.cwd == str(root / "proj")
    assert dict(submission.options) == {"job-name": "run.sh", "chdir": str(root / "proj")}


async def test_a_script_near_the_size_limit_fits_in_a_request(api):
    # 1,000,000 bytes of script whose JSON text is twice as long (every other character escaped).
    script = "#!/bin/bash\n" + '"\n' * 499_990
    assert len(script.encode()) <= submit.MAX_SCRIPT_BYTES
    code, body = await api("slurm", "jobs", method="POST", body={"script": script})
    assert code == 201, body
    assert FakeBackend.last.submitted[-1].script == script
    code, body = await api("slurm", "templates", method="POST", body={"name": "big", "script": script})
    assert code == 201
    code, body = await api("slurm", "jobs", method="POST", body={"script": script + "x" * 100_000})
    assert code == 413


def test_backend_class_must_implement_the_interface():
    assert Slurm().backend_class.__name__ == "CliBackend"
    with pytest.raises(TraitError):
        Slurm(backend_class="builtins.dict")


def test_the_interface_is_what_the_handlers_call():
    # Every abstract method takes what the handlers pass (list_jobs streams through on_fragments).
    import inspect

    assert list(inspect.signature(SlurmBackend.list_jobs).parameters) == ["self", "scope", "on_fragments"]
    assert list(inspect.signature(SlurmBackend.submit).parameters) == ["self", "submission"]
    assert SlurmBackend.__abstractmethods__ == {
        "status",
        "list_jobs",
        "job",
        "act",
        "partitions",
        "submit",
        "history",
        "history_job",
        "cluster_status",
    }


def test_slurm_domain_modules_raise_domain_errors_not_http_errors():
    for module in PACKAGE.glob("*.py"):
        text = module.read_text()
        assert "HTTPError" not in text, module.name
        if module.name != "handlers.py":
            assert "tornado" not in text, module.name
    from jupyterlab_hpc.slurm.errors import CommandMissing, CommandTimeout, SlurmFailed, SlurmRefused, SlurmUnavailable

    assert issubclass(CommandMissing, errors.Unavailable) and issubclass(SlurmUnavailable, errors.Unavailable)
    assert issubclass(CommandTimeout, errors.TimedOut) and issubclass(SlurmRefused, errors.InvalidInput)
    assert issubclass(SlurmFailed, errors.BackendFailed)


def test_no_status_is_chosen_from_message_text():
    handlers = (PACKAGE / "handlers.py").read_text()
    assert not re.search(r"""["'](?:permission|not owner|denied)["']""", handlers, re.IGNORECASE)


# -- templates ---------------------------------------------------------------------------------


async def test_user_templates_are_capped(api):
    for name in ("one", "two"):
        assert (await api("slurm", "templates", method="POST", body={"name": name, "script": "true"}))[0] == 201
    code, body = await api("slurm", "templates", method="POST", body={"name": "three", "script": "true"})
    assert code == 413 and "delete one" in body["message"]
    # Replacing one of them is still fine.
    assert (await api("slurm", "templates", method="POST", body={"name": "two", "script": "false"}))[0] == 201
    names = [t["name"] for t in (await api("slurm", "templates"))[1]["templates"]]
    assert names == ["one", "two"]


# -- output reads ------------------------------------------------------------------------------


class FifoGuard:
    """Opens the FIFO's other end after ``seconds`` if a reader is still blocked on it, so
    that code which blocks on it (the bug) ends the test with a failure, not a hang."""

    def __init__(self, fifo, seconds=10.0):
        self.fifo = fifo
        self.fired = False
        self.timer = threading.Timer(seconds, self.release)
        self.timer.daemon = True

    def release(self):
        self.fired = True
        reader = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
        os.close(os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK))
        os.close(reader)

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()


def test_read_chunk_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "slurm-1.out"
    os.mkfifo(fifo)
    with FifoGuard(fifo) as guard:
        with pytest.raises(errors.Forbidden, match="not a regular file"):
            output.read_chunk(fifo, 0, 1024)
    assert not guard.fired


def test_read_chunk_refuses_a_link_and_reads_at_most_the_limit(tmp_path):
    (tmp_path / "real.out").write_bytes(b"x" * 5000)
    (tmp_path / "link.out").symlink_to(tmp_path / "real.out")
    with pytest.raises(errors.Forbidden, match="symbolic link"):
        output.read_chunk(tmp_path / "link.out", 0, 1024)
    chunk = output.read_chunk(tmp_path / "real.out", 100, 1024)
    assert len(chunk["data"]) == 1024 and chunk["offset"] == 1124 and chunk["size"] == 5000 and not chunk["eof"]
    with pytest.raises(errors.Forbidden, match="not a regular file"):
        output.read_chunk(tmp_path, 0, 10)
    assert output.read_chunk(tmp_path / "missing.out", 7, 10)["exists"] is False


@pytest.mark.timeout(60)
def test_named_pipes_as_a_script_or_a_template_are_refused_not_waited_for(tmp_path, fifo):
    from jupyterlab_hpc.slurm import templates

    (tmp_path / "root").mkdir()
    fifo(tmp_path / "root" / "job.sh")
    with pytest.raises(errors.InvalidInput, match="named pipe"):
        submit.plan({"path": "job.sh"}, RootPaths(tmp_path / "root"), [])
    site = tmp_path / "site"
    site.mkdir()
    (site / "cpu.sh").write_text("#!/bin/bash\n# Description: one CPU\ntrue\n")
    pipe = fifo(site / "gpu.sh")
    assert [t["name"] for t in templates.site_templates([str(site)])] == ["cpu"]
    assert templates._from_file(pipe) is None  # even if it became a pipe after the listing


def test_slurm_commands_are_looked_up_once(monkeypatch):
    """shutil.which searched PATH (network folders at some sites) on the event loop at every command."""
    lookups = []
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: lookups.append(name) or real(name))
    runner = Runner(Slurm(commands={"sinfo": "sh"}))
    assert runner.resolve("sinfo") == runner.resolve("sinfo") == real("sh") and lookups == ["sh"]


def own_job(jp_root_dir, stdout):
    return {"JobId": "5", "UserId": "alice(1000)", "WorkDir": str(jp_root_dir), "StdOut": stdout, "JobState": "RUNNING"}


async def test_output_endpoint_answers_for_a_fifo_and_reads_off_the_event_loop(api, jp_root_dir, monkeypatch):
    from jupyterlab_hpc.slurm import handlers

    fifo = jp_root_dir / "slurm-5.out"
    os.mkfifo(fifo)
    FakeBackend.last.fields["5"] = own_job(jp_root_dir.resolve(), str(fifo.resolve()))
    threads = []
    real = handlers.read_output

    def recording(*args):
        threads.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(handlers, "read_output", recording)
    with FifoGuard(fifo) as guard:
        code, body = await api("slurm", "jobs", "5", "output")
    assert not guard.fired, "the read blocked on the FIFO"
    assert code == 403 and "not a regular file" in body["message"]
    assert threads and threads[0] != threading.get_ident()  # not on the event loop's thread
    fifo.unlink()
    fifo.write_text("done\n")
    code, body = await api("slurm", "jobs", "5", "output")
    assert code == 200 and body["data"] == "done\n" and body["path"] == "slurm-5.out"


async def test_the_root_is_resolved_once_not_per_request(api, jp_root_dir, monkeypatch):
    """Each Slurm request resolved the server root (a realpath, on a slow file system) on the event loop."""
    made = []
    real = RootPaths.__init__

    def counting(self, root_dir):
        made.append(sys._getframe(1).f_code.co_filename)
        real(self, root_dir)

    monkeypatch.setattr(RootPaths, "__init__", counting)
    (jp_root_dir / "out.txt").write_text("x")
    FakeBackend.last.fields["5"] = own_job(jp_root_dir.resolve(), str((jp_root_dir / "out.txt").resolve()))
    code, body = await api("slurm", "jobs", "5", "output")
    assert code == 200 and body["data"] == "x"
    code, body = await api("slurm", "jobs", method="POST", body={"script": "#!/bin/bash\ntrue\n"})
    assert code == 201, body
    assert made and not [name for name in made if name.endswith(os.path.join("slurm", "handlers.py"))]


# -- submission policy ---------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path):
    (tmp_path / "root" / "logs").mkdir(parents=True)
    return RootPaths(tmp_path / "root")


def plan(root, **body):
    return submit.plan({"script": "#!/bin/bash\ntrue\n", **body}, root, [])


@pytest.mark.parametrize("name", ["../../escape", "../x", "logs/../../x"])
def test_output_patterns_are_checked_as_slurm_expands_them(root, name):
    with pytest.raises(errors.Forbidden, match="outside the Jupyter root"):
        plan(root, options={"job-name": name, "output": "%x.out"})
    with pytest.raises(errors.Forbidden):
        plan(root, options={"job-name": name, "error": "logs/../%x-%j.err"})


def test_output_patterns_with_names_that_stay_inside(root):
    options = dict(plan(root, options={"job-name": "logs/a", "output": "%x-%j.out"}).options)
    assert options["output"] == f"{root.root}/%x-%j.out"  # Slurm still expands it
    with pytest.raises(errors.InvalidInput, match="'missing' does not exist"):
        plan(root, options={"job-name": "missing/a", "output": "%x.out"})
    with pytest.raises(errors.InvalidInput, match="names a directory"):
        plan(root, options={"job-name": "..", "output": "logs/%x"})
    # "%%x" is a literal "%x", not the name.
    assert plan(root, options={"job-name": "../../x", "output": "%%x.out"}).options[1][1] == f"{root.root}/%%x.out"


def test_the_name_from_the_scripts_own_directive_counts(root):
    script = "#!/bin/bash\n#SBATCH --job-name='../../escape'\n#SBATCH -D logs\necho\n#SBATCH -J late\n"
    with pytest.raises(errors.Forbidden):
        submit.plan({"script": script, "options": {"output": "%x.out"}}, root, [])
    assert submit.directives(script) == {"job-name": "../../escape", "chdir": "logs"}  # not "late": after a command
    assert submit.directives("#SBATCH -Jx --chdir=/a b\n") == {"job-name": "x", "chdir": "/a"}
    assert submit.directives("#!/bin/bash\n#SBATCH --job-name run\n") == {"job-name": "run"}


# -- secrets -------------------------------------------------------------------------------------


def test_secrets_of_the_servers_environment_are_not_passed_on(monkeypatch):
    environ = {
        "JUPYTERHUB_API_TOKEN": "t",
        "JPY_API_TOKEN": "t",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": "u",
        "JUPYTER_TOKEN": "t",
        "GITHUB_TOKEN": "t",
        "AWS_SECRET_ACCESS_KEY": "s",
        "my_db_password": "p",
        "OPENAI_API_KEY": "k",
        "PATH": "/usr/bin",
        "HOME": "/home/alice",
        "SCRATCH": "/scratch/alice",
        "OMP_NUM_THREADS": "4",
        "KEYBOARD": "us",
    }
    kept = without_secrets(environ, Slurm().exclude_env)
    assert kept == {"PATH": "/usr/bin", "HOME": "/home/alice", "SCRATCH": "/scratch/alice", "OMP_NUM_THREADS": "4",
                    "KEYBOARD": "us"}  # fmt: skip
    assert without_secrets(environ, []) == environ
    monkeypatch.setattr(os, "environ", {**environ, "SITE_X": "1"})
    runner = Runner(Slurm(exclude_env=["SITE_*", "JUPYTERHUB_*"], env={"SLURM_CONF": "/etc/site.conf"}))
    env = runner.environment(epoch_times=False)
    assert "SITE_X" not in env and "JUPYTERHUB_API_TOKEN" not in env and env["SLURM_CONF"] == "/etc/site.conf"
    assert "SLURM_TIME_FORMAT" not in env and env["GITHUB_TOKEN"] == "t"  # the site's own list, not the default
    assert runner.environment(epoch_times=True)["SLURM_TIME_FORMAT"] == "%s"


# -- tests that need the cluster -------------------------------------------------------------------


def slurm_down_env(tmp_path, case):
    """The environment of a machine without Slurm's commands, or with a controller that is down."""
    if case == "no commands":
        return {**os.environ, "PATH": str(Path(sys.executable).parent)}, "Slurm's client commands are not installed"
    conf = Path(os.environ.get("SLURM_CONF") or "/etc/slurm/slurm.conf")
    if shutil.which("scontrol") is None or not conf.is_file():
        pytest.skip("needs Slurm's commands and a slurm.conf to point at a controller that is not there")
    lines = [line for line in conf.read_text().splitlines() if not line.startswith("SlurmctldPort=")]
    (tmp_path / "slurm.conf").write_text("\n".join([*lines, "SlurmctldPort=9"]) + "\n")  # nothing listens there
    return {**os.environ, "SLURM_CONF": str(tmp_path / "slurm.conf")}, "the Slurm controller is not up"


@pytest.mark.parametrize("case", ["no commands", "controller down"])
def test_cluster_tests_skip_with_a_reason_where_slurm_is_missing(tmp_path, case):
    env, reason = slurm_down_env(tmp_path, case)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "python/tests/test_slurm_jobs.py"],
        cwd=PACKAGE.parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert reason in done.stdout and " skipped" in done.stdout
    summary = done.stdout.splitlines()[-1]
    assert "error" not in summary and "failed" not in summary and "passed" not in summary
