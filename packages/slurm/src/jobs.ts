/**
 * Pure job-list logic: columns, array-aware id ordering, filtering, sorting
 * and the state transitions that trigger notifications. No JupyterLab
 * imports, so jest can test it directly.
 */

/** One job as `GET hpc/slurm/jobs` lists it. */
export interface IJob {
  id: string;
  array_job_id?: string | null;
  array_task_id?: string | null;
  name: string;
  user: string;
  account?: string | null;
  partition?: string | null;
  qos?: string | null;
  state: string;
  reason?: string | null;
  /** Seconds. */
  time_used?: number | null;
  /** Seconds, or null when unlimited. */
  time_limit?: number | null;
  nodes?: number | string | null;
  nodelist?: string | null;
  /** Epoch seconds. */
  submit_time?: number | null;
  start_time?: number | null;
  work_dir?: string | null;
  /** The working directory relative to the Jupyter root; null outside it. */
  work_dir_path?: string | null;
  stdout?: string | null;
  stderr?: string | null;
}

export type ColumnId =
  | 'id'
  | 'name'
  | 'user'
  | 'account'
  | 'partition'
  | 'qos'
  | 'state'
  | 'reason'
  | 'time'
  | 'nodes'
  | 'nodelist'
  | 'submit_time'
  | 'start_time';

export interface IColumn {
  id: ColumnId;
  /** English label; translated where rendered. */
  label: string;
  /** Width in pixels of the rendered column where the panel has room (it shares what it has in these proportions). */
  width: number;
  /** The narrowest it gets before the table scrolls: its usual values still readable. */
  min: number;
  /** The cell's text (also what the text filter searches). */
  text: (job: IJob) => string;
  /**
   * What the text filter matches in this column: the cell's text, except
   * where it changes by itself (the Time column's running clock).
   */
  search: (job: IJob) => string;
  /**
   * The sort key of a job in this column (computed once per job per sort,
   * so that sorting 100,000 rows compares plain values).
   */
  key: (job: IJob) => number | string;
}

/** In the order shown: what tells jobs apart and how far they are first, so a narrow panel shows that. */
export const ALL_COLUMNS: ColumnId[] = [
  'id',
  'name',
  'state',
  'time',
  'reason',
  'user',
  'account',
  'partition',
  'qos',
  'nodes',
  'nodelist',
  'submit_time',
  'start_time'
];

export const DEFAULT_COLUMNS: ColumnId[] = [
  'id',
  'name',
  'state',
  'time',
  'reason',
  'user',
  'partition',
  'nodes',
  'nodelist'
];

/** States after which a job no longer changes. */
export const FINAL_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'BOOT_FAIL',
  'DEADLINE',
  'PREEMPTED',
  'REVOKED',
  'SPECIAL_EXIT'
]);

const FAILED_STATES = new Set([
  'FAILED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'BOOT_FAIL',
  'DEADLINE',
  'PREEMPTED',
  'SPECIAL_EXIT'
]);

/** The leading state word: squeue may print `CANCELLED by 0`. */
export function baseState(state: string | null | undefined): string {
  return (state ?? '').trim().split(/\s+/)[0].toUpperCase();
}

/** Whether a job is pending or running (not yet finished). */
export function isActive(job: IJob): boolean {
  return !FINAL_STATES.has(baseState(job.state));
}

/** The numeric parts of a job id: `120_10` -> [120, 10], `120_[1-3]` -> [120, 1]. */
function idParts(id: string): [number, number] {
  const match = /^(\d+)(?:_\[?(\d+))?/.exec(id);
  if (!match) {
    return [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  }
  // A task range (`120_[4-9]`, still pending) sorts after the array's
  // individual tasks that started: -1 would put it first, so keep its start.
  return [Number(match[1]), match[2] === undefined ? -1 : Number(match[2])];
}

/**
 * One number giving the numeric, array-aware id order (`120` < `120_9` <
 * `120_10` < `120_[11-20]` < `121`), job id then task: job ids
 * stay below 2^26 and task ids below 10^7, so it is exact in a double.
 */
export function idKey(id: string): number {
  const [job, task] = idParts(id);
  return job * 1e7 + (task + 1);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Unknown values sort last in ascending order. */
function num(value: number | string | null | undefined): number {
  const n =
    value === null || value === undefined || value === '' ? NaN : Number(value);
  return isNaN(n) ? Infinity : n;
}

/** When the browser received each job row (ms since epoch); see `timeUsed`. */
const received = new WeakMap<IJob, number>();

/** Note that `job` arrived now (a full answer or a delta brought it). */
export function markReceived(job: IJob, at: number = Date.now()): void {
  received.set(job, at);
}

/**
 * A job's elapsed seconds now. A running job's `time_used` alone is no
 * change in the server's deltas (docs/slurm-api.md), so its row is as old as
 * its last real change: count the seconds since that row arrived on top.
 */
export function timeUsed(
  job: IJob,
  now: number = Date.now()
): number | null | undefined {
  const at = received.get(job);
  if (job.state !== 'RUNNING' || at === undefined) {
    return job.time_used;
  }
  return (job.time_used ?? 0) + Math.max(0, Math.floor((now - at) / 1000));
}

/** `3725` -> `1:02:05`, days as `2-03:00:00` (Slurm's own notation). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) {
    return '';
  }
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${days ? pad(h) : h}:${pad(m)}:${pad(sec)}`;
  return days ? `${days}-${hms}` : hms;
}

/** Epoch seconds -> local `YYYY-MM-DD HH:MM:SS`, '' when unknown. */
export function formatTime(epoch: number | null | undefined): string {
  if (!epoch) {
    return '';
  }
  const d = new Date(epoch * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

function timeLimit(job: IJob): string {
  return job.time_limit === null || job.time_limit === undefined
    ? 'UNLIMITED'
    : formatDuration(job.time_limit);
}

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function textColumn(
  id: ColumnId,
  label: string,
  [width, min]: [number, number],
  get: (job: IJob) => unknown
): IColumn {
  const text = (job: IJob) => str(get(job));
  return {
    id,
    label,
    width,
    min,
    text,
    search: text,
    key: text
  };
}

export const COLUMNS: Record<ColumnId, IColumn> = {
  id: {
    id: 'id',
    label: 'Job ID',
    width: 110,
    min: 72, // 8 digits
    text: job => job.id,
    search: job => job.id,
    key: job => idKey(job.id)
  },
  name: textColumn('name', 'Name', [200, 96], job => job.name),
  user: textColumn('user', 'User', [100, 64], job => job.user),
  account: textColumn('account', 'Account', [100, 64], job => job.account),
  partition: textColumn(
    'partition',
    'Partition',
    [90, 64],
    job => job.partition
  ),
  qos: textColumn('qos', 'QOS', [80, 48], job => job.qos),
  // PENDING and RUNNING whole, with their dot
  state: textColumn('state', 'State', [100, 92], job => job.state),
  reason: textColumn('reason', 'Reason', [140, 80], job => job.reason),
  time: {
    id: 'time',
    label: 'Time used / limit',
    width: 150,
    min: 128, // 0:00:00 / 1:00:00
    text: job => `${formatDuration(timeUsed(job) ?? 0)} / ${timeLimit(job)}`,
    // a running job's elapsed time ticks in the cell but not in the search
    // text (built once per record): the filter matches the limit only
    search: job => `/ ${timeLimit(job)}`,
    key: job => num(timeUsed(job))
  },
  nodes: {
    id: 'nodes',
    label: 'Nodes',
    width: 60,
    min: 48,
    text: job => str(job.nodes),
    search: job => str(job.nodes),
    key: job => num(job.nodes)
  },
  nodelist: textColumn('nodelist', 'Node list', [120, 64], job => job.nodelist),
  submit_time: {
    id: 'submit_time',
    label: 'Submitted',
    width: 150,
    min: 104, // the date
    text: job => formatTime(job.submit_time),
    search: job => formatTime(job.submit_time),
    key: job => num(job.submit_time)
  },
  start_time: {
    id: 'start_time',
    label: 'Started',
    width: 150,
    min: 104,
    text: job => formatTime(job.start_time),
    search: job => formatTime(job.start_time),
    key: job => num(job.start_time)
  }
};

/** Keep only known column ids, in their canonical order, never empty. */
export function normalizeColumns(ids: ReadonlyArray<string>): ColumnId[] {
  const wanted = new Set(ids);
  const columns = ALL_COLUMNS.filter(id => wanted.has(id));
  return columns.length ? columns : ['id'];
}

export interface ISort {
  column: ColumnId;
  descending: boolean;
}

/** A sort key of one column (see `IColumn.key`). */
export type SortKey = number | string;

/** Sort key, then array-aware id, then id text: two jobs never tie. */
export function compareKeys(
  ka: SortKey,
  ia: number,
  a: IJob,
  kb: SortKey,
  ib: number,
  b: IJob
): number {
  const c = ka < kb ? -1 : ka > kb ? 1 : 0;
  return c || ia - ib || compareText(a.id, b.id);
}

/** Sorted jobs with the sort key and id key of each (`sortWithKeys`). */
export interface ISortedKeys {
  jobs: IJob[];
  keys: SortKey[];
  ids: number[];
}

/**
 * A sorted copy with each row's keys. Keys are computed once per job: with
 * 100,000 rows a comparator parsing ids would run millions of times.
 */
export function sortWithKeys(
  jobs: ReadonlyArray<IJob>,
  sort: ISort
): ISortedKeys {
  const key = COLUMNS[sort.column].key;
  const keys = jobs.map(key);
  const ids =
    sort.column === 'id' ? (keys as number[]) : jobs.map(j => idKey(j.id));
  const sign = sort.descending ? -1 : 1;
  const order = jobs.map((_, i) => i);
  order.sort(
    (x, y) =>
      sign * compareKeys(keys[x], ids[x], jobs[x], keys[y], ids[y], jobs[y])
  );
  return {
    jobs: order.map(i => jobs[i]),
    keys: order.map(i => keys[i]),
    ids: order.map(i => ids[i])
  };
}

/** A sorted copy; ties broken by job id (then id text) so the order never flickers. */
export function sortJobs(jobs: ReadonlyArray<IJob>, sort: ISort): IJob[] {
  return sortWithKeys(jobs, sort).jobs;
}

/**
 * Lower-cased text of the shown columns, one string per job, joined with a
 * separator no query can span. Built once per list so that a keystroke in
 * the filter only runs `includes` over 100,000 strings.
 */
export function searchIndex(
  jobs: ReadonlyArray<IJob>,
  columns: ReadonlyArray<ColumnId>
): string[] {
  return jobs.map(job => searchText(job, columns));
}

/**
 * The lower-cased searchable text of a job's shown columns (`IColumn.search`),
 * joined with a separator no query can span.
 */
export function searchText(
  job: IJob,
  columns: ReadonlyArray<ColumnId>
): string {
  let text = '';
  for (let i = 0; i < columns.length; i++) {
    text += (i ? '\u0000' : '') + COLUMNS[columns[i]].search(job);
  }
  return text.toLowerCase();
}

export interface IFilter {
  /** Free text, matched case-insensitively against every shown column. */
  text: string;
  /** Base state (`PENDING`, `RUNNING`...); empty for all. */
  state: string;
}

/** Jobs matching the filter; `index` is `searchIndex(jobs, shownColumns)`. */
export function filterJobs(
  jobs: ReadonlyArray<IJob>,
  index: ReadonlyArray<string>,
  filter: IFilter
): IJob[] {
  const terms = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const state = filter.state.toUpperCase();
  if (!terms.length && !state) {
    return jobs.slice();
  }
  const out: IJob[] = [];
  for (let i = 0; i < jobs.length; i++) {
    if (state && baseState(jobs[i].state) !== state) {
      continue;
    }
    const text = index[i];
    if (terms.every(term => text.includes(term))) {
      out.push(jobs[i]);
    }
  }
  return out;
}

/** The distinct base states of a list, for the state filter. */
export function statesOf(jobs: ReadonlyArray<IJob>): string[] {
  // few distinct raw states among 100,000 jobs: parse each once
  const raw = new Set<string>();
  for (const job of jobs) {
    raw.add(job.state);
  }
  const states = new Set([...raw].map(baseState));
  return [...states].filter(Boolean).sort();
}

export type TransitionKind = 'started' | 'completed' | 'failed' | 'cancelled';

export interface ITransition {
  kind: TransitionKind;
  job: IJob;
}

/** The notification kind of a final state, null if the state is not final. */
export function finalKind(state: string): TransitionKind | null {
  const base = baseState(state);
  if (base === 'COMPLETED') {
    return 'completed';
  }
  if (base === 'CANCELLED') {
    return 'cancelled';
  }
  return FAILED_STATES.has(base) ? 'failed' : null;
}

export interface ITransitions {
  /** Changes seen in the list itself. */
  changes: ITransition[];
  /**
   * Jobs that left the list while active: squeue stops listing finished
   * jobs, so how they ended must be asked (`GET jobs/{id}`).
   */
  vanished: IJob[];
}

/**
 * What happened to the user's jobs between two snapshots. Only jobs known
 * in the previous snapshot count, so a first load notifies nothing.
 */
export function transitions(
  previous: ReadonlyMap<string, IJob>,
  current: ReadonlyArray<IJob>
): ITransitions {
  const changes: ITransition[] = [];
  const vanished: IJob[] = [];
  const seen = new Set<string>();
  for (const job of current) {
    seen.add(job.id);
    const before = previous.get(job.id);
    if (!before) {
      continue;
    }
    const was = baseState(before.state);
    const now = baseState(job.state);
    if (was === now || FINAL_STATES.has(was)) {
      continue;
    }
    if (now === 'RUNNING') {
      changes.push({ kind: 'started', job });
      continue;
    }
    const kind = finalKind(now);
    if (kind) {
      changes.push({ kind, job });
    }
  }
  for (const [id, job] of previous) {
    if (!seen.has(id) && !FINAL_STATES.has(baseState(job.state))) {
      vanished.push(job);
    }
  }
  return { changes, vanished };
}

/** Snapshot of a user's jobs keyed by id, for `transitions`. */
export function snapshot(
  jobs: ReadonlyArray<IJob>,
  user: string | null
): Map<string, IJob> {
  const map = new Map<string, IJob>();
  for (const job of jobs) {
    if (user === null || job.user === user) {
      map.set(job.id, job);
    }
  }
  return map;
}

/**
 * Indices between two rows inclusive (shift-click ranges), in either
 * direction.
 */
export function rangeIds(
  rows: ReadonlyArray<IJob>,
  fromId: string,
  toId: string
): string[] {
  let from = rows.findIndex(job => job.id === fromId);
  const to = rows.findIndex(job => job.id === toId);
  if (to < 0) {
    return [];
  }
  if (from < 0) {
    from = to;
  }
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return rows.slice(lo, hi + 1).map(job => job.id);
}
