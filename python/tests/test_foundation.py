"""The four server extensions load, answer their status, and require authentication."""

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_hpc import errors
from jupyterlab_hpc.slurm.cli import CliBackend
from jupyterlab_hpc.slurm.config import Slurm
from jupyterlab_hpc.validate import RootPaths


@pytest.mark.parametrize("feature", ["favorites", "recents", "clone"])
async def test_status_of_store_features(api, feature):
    code, body = await api(feature, "status")
    assert code == 200
    assert body["available"] is True


async def test_favorites_and_recents_report_their_store(api, hpc_config):
    _, fav = await api("favorites", "status")
    _, rec = await api("recents", "status")
    assert fav["store"] == hpc_config["Favorites"]["store_path"]
    assert rec["store"] == hpc_config["Recents"]["store_path"]


@pytest.mark.slurm_cluster
async def test_slurm_status_reports_the_real_cluster(api):
    code, body = await api("slurm", "status")
    assert code == 200
    assert body["available"] is True, body
    assert body["version"].startswith(("22.", "23.", "24.", "25."))
    assert body["cluster"]
    assert body["user"]


async def test_slurm_status_without_slurm():
    config = Slurm(commands={"sinfo": "/nonexistent/sinfo", "scontrol": "/nonexistent/scontrol"})
    body = await CliBackend(config).status()
    assert body["available"] is False
    assert "/nonexistent/sinfo" in body["reason"]
    assert body["commands"]["sinfo"] == "/nonexistent/sinfo"


@pytest.mark.parametrize("feature", ["favorites", "recents", "slurm", "clone"])
async def test_status_requires_authentication(jp_fetch, feature):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("hpc", feature, "status", headers={"Authorization": ""})
    assert error.value.code in (401, 403)


async def test_errors_are_json_messages(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("hpc", "favorites", "status", method="POST", body=b"{}")
    assert error.value.code == 405
    assert "message" in json.loads(error.value.response.body)


def test_root_paths_confine_to_root(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "link").symlink_to("/etc")
    paths = RootPaths(tmp_path)
    assert paths.to_api(paths.to_disk("a/../a/")) == "a"
    assert paths.to_api(paths.to_disk("/" + str(tmp_path / "a").lstrip("/"))) == "a"
    assert paths.api_text(str(tmp_path.resolve() / "a")) == "a" and paths.api_text("/etc") is None
    for bad in ("../x", "/etc/passwd", "link/passwd", "a/../../x"):
        with pytest.raises(errors.Forbidden):
            paths.to_disk(bad)
    for bad in ("", "  ", "a\x00b", "x" * 5000):
        with pytest.raises(errors.InvalidInput):
            paths.to_disk(bad)


async def test_domain_errors_get_their_status_in_one_place(jp_serverapp, jp_fetch):
    """A domain error raised anywhere becomes its status and a JSON message; a bug stays a 500."""
    from tornado import web

    from jupyterlab_hpc import errors
    from jupyterlab_hpc.base import HpcHandler, add_feature_handlers

    class Raiser(HpcHandler):
        @web.authenticated
        async def get(self, kind):
            if kind == "bug":
                raise KeyError("internal detail")
            raise getattr(errors, kind)(f"{kind} happened")

    add_feature_handlers(jp_serverapp, "test-errors", [("(.+)", Raiser, {})])
    expected = {"InvalidInput": 400, "Forbidden": 403, "NotFound": 404, "Conflict": 409, "TooLarge": 413}
    expected |= {"InvalidNotebook": 422, "BackendFailed": 502, "Unavailable": 503, "TimedOut": 504}
    for kind, status in expected.items():
        response = await jp_fetch("hpc", "test-errors", kind, raise_error=False)
        assert response.code == status
        assert json.loads(response.body) == {"message": f"{kind} happened"}
    response = await jp_fetch("hpc", "test-errors", "bug", raise_error=False)
    assert response.code == 500
    assert "internal detail" not in response.body.decode()


async def test_offload_runs_blocking_work_off_the_event_loop():
    import threading

    from jupyterlab_hpc.offload import blocking

    loop_thread = threading.get_ident()
    assert await blocking(threading.get_ident) != loop_thread
    assert await blocking(lambda a, b=0: a + b, 2, b=3) == 5


@pytest.mark.parametrize(
    "feature", ["favorites", "recents", "clone/sources", "slurm/jobs", "slurm/templates", "slurm/notebook-runs"]
)
async def test_deeply_nested_body_is_400(api, feature):
    """200,000 nested '[' used to raise RecursionError in json.loads: a 500."""
    code, body = await api(*feature.split("/"), method="POST", body="[" * 200_000)
    assert code == 400 and "nested more than" in body["message"]
    code, body = await api(*feature.split("/"), method="POST", body='{"a": ' + "[" * 150 + "]" * 150 + "}")
    assert code == 400 and "nested more than" in body["message"]


async def test_request_body_over_the_cap_is_413(api, hpc_config):
    big = json.dumps({"path": "x", "padding": "y" * (4 * 1024 * 1024)})
    for feature in ("favorites", "recents", "clone/clone", "slurm/jobs", "slurm/notebook-runs", "slurm/jobs/actions"):
        code, body = await api(*feature.split("/"), method="POST", body=big)
        assert code == 413 and "limit" in body["message"], feature


CAPS = {"favorites": "Favorites", "recents": "Recents", "clone/clone": "CloneNotebooks", "slurm/templates": "Slurm"}


@pytest.fixture
def small_caps(hpc_config):
    for section in CAPS.values():
        hpc_config[section]["max_body_size"] = 1000


@pytest.mark.parametrize("feature", CAPS)
async def test_each_features_body_cap_is_configurable(small_caps, api, feature):
    code, body = await api(*feature.split("/"), method="POST", body={"padding": "y" * 1000})
    assert code == 413 and "limit of 1000" in body["message"]
    code, body = await api(*feature.split("/"), method="POST", body={"padding": "y" * 900})
    assert code != 413, body  # parsed, then refused for what it holds (or accepted)


def test_parse_json_refuses_deep_nesting_without_recursion():
    from jupyterlab_hpc.validate import MAX_JSON_DEPTH, parse_json

    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    for text in ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "[" * 200_000, '{"a":' * 5000):
        with pytest.raises(ValueError, match="nested more than"):
            parse_json(text)


def test_domain_modules_raise_domain_errors_and_offload_one_way():
    """Stores, catalogs, sources and registries raise jupyterlab_hpc.errors, never tornado's HTTPError;
    blocking work goes through jupyterlab_hpc.offload.blocking, never an ad-hoc executor."""
    import ast
    from pathlib import Path

    package = Path(__file__).parents[1] / "jupyterlab_hpc"
    # where HTTP lives: the base handler, the features' handlers, the queue service's web app
    http_level = {"base.py", "slurm/service/app.py"}
    offenders = []
    for module in sorted(package.rglob("*.py")):
        rel = module.relative_to(package).as_posix()
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            executor = isinstance(node, ast.Attribute) and node.attr in ("to_thread", "run_in_executor")
            if executor and rel != "offload.py":
                offenders.append(f"{rel}: {node.attr}")
            if module.name == "handlers.py" or rel in http_level:
                continue
            # tornado's web module (HTTPError, handlers); an HTTP client of a service is fine
            if isinstance(node, ast.ImportFrom) and node.module == "tornado":
                if any(alias.name == "web" for alias in node.names):
                    offenders.append(f"{rel}: imports tornado.web")
            elif isinstance(node, ast.ImportFrom) and node.module == "tornado.web":
                offenders.append(f"{rel}: imports tornado.web")
            elif isinstance(node, ast.Import) and any(a.name == "tornado.web" for a in node.names):
                offenders.append(f"{rel}: imports tornado.web")
            elif isinstance(node, ast.Attribute) and node.attr == "HTTPError":
                offenders.append(f"{rel}: HTTPError")
    assert offenders == []


@pytest.mark.timeout(60)
def test_copies_are_bounded_while_copying_and_never_wait_on_a_pipe(tmp_path, fifo):
    """What a clone copies: at most the budget (checked on the open file), never over a file, never from a pipe."""
    from jupyterlab_hpc import errors
    from jupyterlab_hpc.safefile import NotRegularFile, copy_regular

    source = tmp_path / "data.bin"
    source.write_bytes(b"x" * 10)
    assert copy_regular(source, tmp_path / "ok.bin", 10) == 10 and (tmp_path / "ok.bin").read_bytes() == b"x" * 10
    with pytest.raises(errors.TooLarge):
        copy_regular(source, tmp_path / "big.bin", 5)
    assert not (tmp_path / "big.bin").exists()  # nothing half-copied is left
    with pytest.raises(FileExistsError):
        copy_regular(source, tmp_path / "ok.bin", 10)  # never overwrites
    with pytest.raises(NotRegularFile):
        copy_regular(fifo(tmp_path / "pipe.bin"), tmp_path / "p.bin", 10)
    assert not (tmp_path / "p.bin").exists()
