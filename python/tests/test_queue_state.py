"""The versioned queue table and the compact encoding (no Slurm needed)."""

import gzip
import json

import pytest

from jupyterlab_hpc.slurm.queue_state import QueueState
from jupyterlab_hpc.slurm.wire import (
    ELAPSED,
    JOB_COLUMNS,
    FragmentRows,
    decode,
    encode,
    newest,
    parse_limit,
    parse_since,
)


class Clock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def row(job_id, user="alice", state="PENDING", **fields):
    job = dict.fromkeys(JOB_COLUMNS)
    job.update({"id": job_id, "user": user, "state": state, "name": "job", "time_used": 0, "work_dir": "/home/x"})
    job.update(fields)
    return tuple(job[name] for name in JOB_COLUMNS)


def ids(rows):
    return sorted(r[0] for r in rows)


def test_versions_grow_and_deltas_hold_exactly_what_changed():
    clock = Clock()
    state = QueueState(clock=clock)
    assert state.empty and state.version == int(clock.now * 1000)
    state.replace([row("1"), row("2"), row("3")], clock.now)
    v1 = state.version
    assert v1 > state.floor

    # nothing changed: same version, an empty delta
    assert state.replace([row("1"), row("2"), row("3")], clock.now + 10) is False
    assert state.version == v1
    delta = state.changes(v1)
    assert not delta.full and delta.rows == [] and delta.removed == []
    assert delta.updated_at == clock.now + 10

    # one added, one changed, one removed
    clock.now += 20
    state.replace([row("1"), row("2", state="RUNNING"), row("4")], clock.now)
    v2 = state.version
    delta = state.changes(v1)
    assert not delta.full and ids(delta.rows) == ["2", "4"] and delta.removed == ["3"]
    assert state.changes(v2).rows == [] and state.changes(v2).removed == []

    # from the start: the union; a job added and removed after since is "removed"
    clock.now += 10
    state.replace([row("1"), row("2", state="RUNNING")], clock.now)
    delta = state.changes(v1)
    assert ids(delta.rows) == ["2"] and sorted(delta.removed) == ["3", "4"]


def test_missing_old_or_future_since_gets_the_full_table():
    clock = Clock()
    state = QueueState(history=60, clock=clock)
    state.replace([row("1"), row("2")], clock.now)
    first = state.version
    for since in (None, 0, first - 5, state.version + 1, 10**17):
        answer = state.changes(since)
        assert answer.full and ids(answer.rows) == ["1", "2"], since
    # changes older than the history are forgotten: that since is too old now
    clock.now += 30
    state.replace([row("1")], clock.now)
    assert not state.changes(first).full
    clock.now += 100
    state.replace([row("1"), row("5")], clock.now)
    answer = state.changes(first)
    assert answer.full and ids(answer.rows) == ["1", "5"]
    assert not state.changes(state.version - 1).full


def test_a_restarted_table_never_takes_an_old_version_for_its_own():
    clock = Clock()
    old = QueueState(clock=clock)
    for n in range(50):
        clock.now += 1
        old.replace([row(str(n))], clock.now)
    clock.now += 1
    new = QueueState(clock=clock)
    new.replace([row("7")], clock.now)
    assert old.version < new.floor
    assert new.changes(old.version).full


def test_forgetting_changes_makes_every_earlier_version_full():
    clock = Clock()
    state = QueueState(clock=clock)
    state.replace([row("1")], clock.now)
    held = state.version
    state.forget_changes()
    assert state.changes(held).full and not state.changes(state.version).full


def test_apply_deltas_from_elsewhere_and_requeued_jobs():
    clock = Clock()
    state = QueueState(clock=clock)
    state.replace([row("1"), row("2")], clock.now)
    v1 = state.version
    state.apply([row("3"), row("1")], ["2", "nope"], clock.now)  # row 1 unchanged
    delta = state.changes(v1)
    assert ids(delta.rows) == ["3"] and delta.removed == ["2"]
    v2 = state.version
    state.apply([row("2", state="RUNNING")], [], clock.now)  # back (requeued): a change
    delta = state.changes(v2)
    assert ids(delta.rows) == ["2"] and delta.removed == []
    assert state.apply([], [], clock.now) is False


def test_a_running_jobs_elapsed_time_alone_is_no_change():
    """Issue 15: TimeUsed ticks at every refresh; counted, every running job was in every delta."""
    clock = Clock()
    state = QueueState(clock=clock, elapsed=ELAPSED)
    state.replace([row("1", state="RUNNING", time_used=60), row("2", state="RUNNING", time_used=5), row("3")], 1.0)
    v1, r1 = state.version, state.revision
    clock.now += 10
    assert (
        state.replace([row("1", state="RUNNING", time_used=70), row("2", state="RUNNING", time_used=15), row("3")], 2.0)
        is False
    )
    delta = state.changes(v1)
    assert state.version == v1 and not delta.full and delta.rows == [] and delta.removed == []
    assert state.revision > r1 and delta.updated_at == 2.0  # whoever caches a full answer sees it is older
    used = JOB_COLUMNS.index("time_used")
    assert {r[0]: r[used] for r in state.full().rows} == {"1": 70, "2": 15, "3": 0}

    # a state change of a running job (and any other change with the time) still counts, with the newest time
    clock.now += 10
    state.replace(
        [row("1", state="COMPLETING", time_used=75), row("2", state="RUNNING", time_used=25, reason="x"), row("3")], 3.0
    )
    delta = state.changes(v1)
    assert {r[0]: r[used] for r in delta.rows} == {"1": 75, "2": 25}

    # a pending job starting (time 0 -> running) is a change; deltas from elsewhere follow the same rule
    v2 = state.version
    state.apply([row("3", state="RUNNING", time_used=1)], [], 4.0)
    assert ids(state.changes(v2).rows) == ["3"]
    v3 = state.version
    assert state.apply([row("2", state="RUNNING", time_used=40, reason="x")], [], 5.0) is False
    assert state.changes(v3).rows == [] and state.full().rows[1][used] == 40

    # without ``elapsed`` (a table of other rows) every difference is a change
    plain = QueueState(clock=clock)
    plain.replace([row("1", state="RUNNING", time_used=1)], 1.0)
    assert plain.replace([row("1", state="RUNNING", time_used=2)], 2.0) is True


def test_a_filter_keeps_one_users_jobs_and_removals():
    clock = Clock()
    state = QueueState(clock=clock)
    state.replace([row("1", "alice"), row("2", "bob")], clock.now)
    v1 = state.version
    state.replace([row("3", "bob"), row("4", "alice")], clock.now)
    alice = state.changes(v1, lambda r: r[JOB_COLUMNS.index("user")] == "alice")
    assert ids(alice.rows) == ["4"] and alice.removed == ["1"]
    full = state.changes(None, lambda r: r[JOB_COLUMNS.index("user")] == "alice")
    assert full.full and ids(full.rows) == ["4"]


def test_when_most_of_the_queue_changed_the_answer_is_full():
    clock = Clock()
    state = QueueState(clock=clock)
    state.replace([row(str(n)) for n in range(3000)], clock.now)
    v1 = state.version
    state.replace([row(str(n), state="RUNNING") for n in range(3000)], clock.now)
    assert state.changes(v1).full


@pytest.mark.parametrize("fmt", ["objects", "columns"])
def test_both_formats_decode_to_the_same_jobs(fmt):
    clock = Clock()
    state = QueueState(clock=clock)
    rows = [
        row("1", "alice", work_dir_path="a", time_limit=3600, nodes=1),
        row("2_1", "bob", array_job_id="2", array_task_id="1", time_limit=None, name='quo"te ü'),
        row("2_2", "bob", array_job_id="2", array_task_id="2", time_limit=None),
    ]
    state.replace(rows, clock.now)
    body = encode(state.changes(None), JOB_COLUMNS, fmt, {"user": "alice"})
    answer = json.loads(body)
    assert answer["full"] is True and answer["user"] == "alice" and answer["removed"] == []
    columns, decoded = decode(answer)
    jobs = [dict(zip(columns, values)) for values in decoded]
    assert jobs == [dict(zip(JOB_COLUMNS, r)) for r in rows]
    if fmt == "columns":
        assert answer["values"]["user"] == ["alice", "bob"]
        assert all(isinstance(v, int) for v in (answer["jobs"][1][JOB_COLUMNS.index("user")],))


def test_compact_full_answer_is_much_smaller_and_gzip_pays():
    clock = Clock()
    state = QueueState(clock=clock)
    rows = [
        row(str(100000 + n), f"user{n % 50}", "PENDING", account="proj", partition="debug", qos="normal",
            time_limit=3600, nodes=1, submit_time=1_800_000_000 + n, stdout="/home/x/slurm-%j.out",
            stderr="/home/x/slurm-%j.out", reason="Priority")
        for n in range(20000)
    ]  # fmt: skip
    state.replace(rows, clock.now)
    objects = encode(state.changes(None), JOB_COLUMNS, "objects")
    columns = encode(state.changes(None), JOB_COLUMNS, "columns")
    assert len(columns) < len(objects) / 4
    assert len(gzip.compress(columns)) < len(columns) / 3


def test_fragment_rows_decode_only_new_fragments():
    rows = FragmentRows(["id", "state"])
    a, b = b'{"id":"1","state":"PENDING"}', b'{"id":"2","state":"RUNNING"}'
    first = rows.rows([a, b])
    assert first == [("1", "PENDING"), ("2", "RUNNING")]
    again = rows.rows([a])
    assert again[0] is first[0]


@pytest.mark.parametrize("raw", ["x", "-1", "1.5", "", " 1", "1e3", "١", "9" * 19])
def test_since_must_be_a_non_negative_integer(raw):
    with pytest.raises(ValueError):
        parse_since(raw)


def test_since_values():
    assert parse_since(None) is None and parse_since("0") == 0 and parse_since("1796238532123") == 1796238532123


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "", " 1", "1e3", "١", "10001", "9" * 30])
def test_limit_must_be_an_integer_from_1_to_10000(raw):
    with pytest.raises(ValueError, match="limit"):
        parse_limit(raw)


def test_limit_values():
    assert parse_limit(None) is None and parse_limit("1") == 1 and parse_limit("10000") == 10000


def test_newest_jobs_in_the_panels_array_aware_order():
    # packages/slurm/src/jobs.ts idKey: 120 < 120_9 < 120_10 < 120_[11-20] < 121; odd ids last ascending
    order = ["odd", "121", "120_[11-20]", "120_10", "120_9", "120", "99"]
    rows = [row(job_id) for job_id in ["120_9", "99", "121", "120", "odd", "120_[11-20]", "120_10"]]
    assert [r[0] for r in newest(rows, 7)] == order
    assert [r[0] for r in newest(rows, 3)] == order[:3]
