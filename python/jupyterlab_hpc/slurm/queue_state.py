"""The queue as a versioned table, so that a client holding version N gets only what changed since.

Used twice with the same rules: by the queue service for the whole cluster, and by each
single-user server for what it shows its browser (whether its jobs come from the service or
from its own ``squeue``). Jobs are rows (tuples in a fixed column order, the id first); the
table remembers, per refresh that changed something, which ids changed or left, for
``history`` seconds. A ``since`` older than that, or unknown, gets the full table.

Versions are integers that only grow, also across restarts: a new table starts at the
current time in milliseconds and adds one per change, so a version handed out by an
earlier process (whose changes were far fewer than the milliseconds it ran) is always
below the new table's floor and gets a full answer, never a wrong delta.

A running job's elapsed time (squeue's TimeUsed) changes at every refresh; counted as a
change it would put every running job in every delta. With ``elapsed`` (the positions of
the state and the elapsed time in a row) a RUNNING job whose row differs only there is not
a change: the table keeps the new row (a full answer is exact) and the browser counts the
seconds on from the row it holds. ``revision`` changes whenever any row held changed, also
then, for whoever caches a full answer.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Row = tuple
Keep = Callable[[Row], bool]


@dataclass
class Changes:
    """What a client with ``since`` needs: the rows changed or added (all rows if ``full``)
    and the ids of jobs that left the queue."""

    version: int
    full: bool
    rows: list[Row]
    removed: list[str] = field(default_factory=list)
    updated_at: float | None = None


class QueueState:
    def __init__(
        self,
        history: float = 900.0,
        clock: Callable[[], float] = time.time,
        elapsed: tuple[int, int] | None = None,
    ):
        self._clock = clock
        self._elapsed = elapsed
        #: Grows whenever a row held changed, elapsed times included (``version`` does not for those).
        self.revision = 0
        self.history = history
        self.version = int(clock() * 1000)
        #: The oldest ``since`` answered with a delta; older ones get the full table.
        self.floor = self.version
        self.updated_at: float | None = None  # when the squeue behind the table started
        self._rows: dict[str, Row] = {}
        self._gone: dict[str, tuple[int, Row]] = {}  # id -> (version it left at, its last row)
        self._log: deque[tuple[int, float, list[str]]] = deque()  # (version, when, ids changed or gone)
        self._logged = 0  # ids in the log, to bound its memory

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def empty(self) -> bool:
        return self.updated_at is None

    def rows(self) -> list[Row]:
        return list(self._rows.values())

    # ------------------------------------------------------------------ updates
    def replace(self, rows: Iterable[Row], updated_at: float) -> bool:
        """The whole queue as read now; True if anything changed."""
        old = self._rows
        new: dict[str, Row] = {}
        changed = []
        kept = ticked = 0
        for row in rows:
            job_id = row[0]
            new[job_id] = row
            before = old.get(job_id)
            if before is None:
                changed.append(job_id)
                continue
            kept += 1
            if before is not row and before != row:
                if self._only_elapsed(before, row):
                    ticked += 1
                else:
                    changed.append(job_id)
        gone = [job_id for job_id in old if job_id not in new] if kept < len(old) else []
        return self._commit(new, changed, gone, old, updated_at, ticked)

    def apply(self, rows: Iterable[Row], removed: Iterable[str], updated_at: float) -> bool:
        """Changes read elsewhere (the service's delta); True if anything changed."""
        new = dict(self._rows)
        changed = []
        ticked = 0
        for row in rows:
            before = new.get(row[0])
            if before != row:
                new[row[0]] = row
                if before is not None and self._only_elapsed(before, row):
                    ticked += 1
                else:
                    changed.append(row[0])
        gone = [job_id for job_id in dict.fromkeys(removed) if job_id in new]
        old = {job_id: new.pop(job_id) for job_id in gone}
        return self._commit(new, changed, gone, old, updated_at, ticked)

    def _only_elapsed(self, before: Row, row: Row) -> bool:
        """Whether two different rows of a job differ only in a running job's elapsed time."""
        if self._elapsed is None:
            return False
        state, used = self._elapsed
        return (
            row[state] == "RUNNING"
            and before[state] == "RUNNING"
            and before[:used] == row[:used]
            and before[used + 1 :] == row[used + 1 :]
        )

    def _commit(
        self, new: dict[str, Row], changed: list[str], gone: list[str], old: dict, updated_at: float, ticked: int = 0
    ) -> bool:
        self._rows = new
        self.updated_at = updated_at
        now = self._clock()
        self._prune(now)
        if ticked or changed or gone:
            self.revision += 1
        if not changed and not gone:
            return False
        self.version += 1
        for job_id in gone:
            self._gone[job_id] = (self.version, old[job_id])
        for job_id in changed:
            self._gone.pop(job_id, None)  # back in the queue (requeued): a change, not a removal
        ids = changed + gone
        self._log.append((self.version, now, ids))
        self._logged += len(ids)
        return True

    def _prune(self, now: float) -> None:
        # Forget changes older than ``history``, and the oldest ones while the log holds more
        # ids than a few full tables would: a full answer is then the cheaper one anyway.
        limit = 4 * len(self._rows) + 10000
        floor = self.floor
        while self._log and (self._log[0][1] < now - self.history or self._logged > limit):
            version, _, ids = self._log.popleft()
            self._logged -= len(ids)
            self.floor = version
        if self.floor != floor and self._gone:
            for job_id in [job_id for job_id, (version, _) in self._gone.items() if version <= self.floor]:
                del self._gone[job_id]

    def forget_changes(self) -> None:
        """What a client sees changed other than by the jobs (which users' jobs it may see): every
        version handed out so far gets a full answer next."""
        self.version += 1
        self.floor = self.version
        self._log.clear()
        self._logged = 0
        self._gone.clear()

    # ------------------------------------------------------------------ reading
    def changes(self, since: int | None, keep: Keep | None = None) -> Changes:
        """A delta for a client at ``since``, or the full table when ``since`` is None, older than
        the history kept, or not a version of this table (ahead of it: another process's)."""
        if since is None or since < self.floor or since > self.version:
            return self.full(keep)
        ids: dict[str, None] = {}
        for version, _, changed in reversed(self._log):
            if version <= since:
                break
            ids.update(dict.fromkeys(changed))
        if len(ids) > max(len(self._rows) // 2, 1000):
            return self.full(keep)  # so much changed that the full table is about as small
        rows, removed = [], []
        for job_id in ids:
            row = self._rows.get(job_id)
            if row is not None:
                if keep is None or keep(row):
                    rows.append(row)
            else:
                gone = self._gone.get(job_id)
                if gone is not None and (keep is None or keep(gone[1])):
                    removed.append(job_id)
        return Changes(self.version, False, rows, removed, self.updated_at)

    def full(self, keep: Keep | None = None) -> Changes:
        rows = list(self._rows.values()) if keep is None else [row for row in self._rows.values() if keep(row)]
        return Changes(self.version, True, rows, [], self.updated_at)
