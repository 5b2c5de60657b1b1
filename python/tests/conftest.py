"""Shared pytest fixtures: a real Jupyter server with the four extensions on."""

import json

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]

FEATURES = ("favorites", "recents", "slurm", "clonenotebooks")


@pytest.fixture
def hpc_config(tmp_path):
    """Per-test site configuration; tests add to it before the server starts."""
    return {
        "Favorites": {"store_path": str(tmp_path / "state" / "favorites.json")},
        "Recents": {"store_path": str(tmp_path / "state" / "recents.json")},
        "CloneNotebooks": {"sources": []},
        "Slurm": {},
    }


@pytest.fixture
def jp_server_config(hpc_config):
    return {
        "ServerApp": {
            "jpserver_extensions": {f"jupyterlab_hpc.{f}": True for f in FEATURES},
            "allow_unauthenticated_access": False,
        },
        **hpc_config,
    }


@pytest.fixture
def api(jp_fetch):
    """Call ``hpc/...`` and decode the JSON answer; errors are returned, not raised."""

    async def call(*parts, method="GET", body=None, params=None):
        kwargs = {"method": method, "raise_error": False}
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
        elif method in ("POST", "PATCH", "PUT"):
            kwargs["body"] = b""
        if method == "DELETE" and body is not None:
            kwargs["allow_nonstandard_methods"] = True
        response = await jp_fetch("hpc", *parts, **kwargs)
        text = response.body.decode() if response.body else ""
        return response.code, (json.loads(text) if text else None)

    return call
