"""The example GroupAuthorizer: a feature refused to accounts outside its groups (403 with
a clear message and a marker the panels recognise); the other features keep working."""

import grp
import os

import pytest

from jupyterlab_hpc.authorizer import GroupAuthorizer


def my_group():
    return grp.getgrgid(os.getgid()).gr_name


@pytest.fixture
def jp_server_config(jp_server_config, request):
    groups = request.param
    return {
        **jp_server_config,
        "ServerApp": {**jp_server_config["ServerApp"], "authorizer_class": "jupyterlab_hpc.authorizer.GroupAuthorizer"},
        "GroupAuthorizer": {"feature_groups": {"hpc_slurm": groups}},
    }


@pytest.mark.parametrize("jp_server_config", [["no-such-group-jlhpc"]], indirect=True)
async def test_feature_refused_outside_the_group(api, jp_root_dir):
    for call in (("slurm", "status"), ("slurm", "jobs")):
        code, body = await api(*call)
        assert code == 403
        assert body["reason"] == "not-authorized"
        assert "Slurm is not available to this account" in body["message"] and "no-such-group-jlhpc" in body["message"]
    code, body = await api("slurm", "jobs", "actions", method="POST", body={"action": "cancel", "ids": ["1"]})
    assert code == 403 and body["reason"] == "not-authorized"
    # The other features are not affected.
    assert (await api("favorites", "status"))[0] == 200
    (jp_root_dir / "project").mkdir()
    code, body = await api("favorites", method="POST", body={"path": "project"})
    assert code in (200, 201), body
    assert (await api("recents", "status"))[0] == 200


@pytest.mark.parametrize("jp_server_config", [[my_group()]], indirect=True)
async def test_feature_allowed_to_members(api):
    code, body = await api("slurm", "status")
    assert code == 200, body


def test_groups_are_the_accounts():
    auth = GroupAuthorizer(feature_groups={"hpc_slurm": [my_group()], "hpc_recents": ["no-such-group-jlhpc"]})
    assert my_group() in auth.account_groups()
    assert auth.is_authorized(None, None, "read", "hpc_slurm")
    assert not auth.is_authorized(None, None, "read", "hpc_recents")
    assert auth.is_authorized(None, None, "write", "hpc_favorites")
