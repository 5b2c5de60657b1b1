/**
 * The job history: types of `GET history` and `GET history/{id}`, its
 * columns, sorting and filtering (array-aware ids, keys computed once per
 * list so that 10,000 jobs sort and filter at typing speed).
 */

import { IEfficiency } from './efficiency';
import { IExitCode, IJobRecord } from './jobRecord';
import { formatDuration, formatTime, idKey } from './jobs';
import { formatBytes, formatPercent } from './units';

/** Why a job ended (`ended` of the API); words in `explain.ts`. */
export interface IEnded {
  cause:
    | 'completed'
    | 'exit_code'
    | 'signal'
    | 'launch_failed'
    | 'time_limit'
    | 'out_of_memory'
    | 'cancelled'
    | 'node_fail'
    | 'preempted'
    | 'boot_fail'
    | 'deadline'
    | 'revoked'
    | 'failed'
    | string;
  code?: number;
  signal?: number;
  step?: string | null;
  failed_step?: string;
  limit?: number | null;
  used?: number | null;
  requested?: number | null;
  by?: string | null;
  by_you?: boolean | null;
  at?: number | null;
  started?: boolean;
  reason?: string | null;
  /** launch_failed: the output file's folder that does not exist (details only). */
  missing_folder?: string;
}

/** One job of `GET history`. */
export interface IHistoryJob extends IJobRecord {
  cancelled_by: string | null;
  derived_exit_code: IExitCode | null;
  submit: number | null;
  start: number | null;
  end: number | null;
  elapsed: number | null;
  total_cpu: number | null;
  req_mem: string;
  mem_requested: number | null;
  mem_requested_per: string | null;
  gpus: number | null;
  efficiency: IEfficiency;
  ended: IEnded;
}

export interface IStep {
  id: string;
  name: string;
  state: string;
  exit_code: IExitCode | null;
  start: number | null;
  end: number | null;
  elapsed: number | null;
  cpus: number | null;
  nodes: number | null;
  tasks: number | null;
  total_cpu: number | null;
  max_rss: number | null;
  mem_total: number | null;
  nodelist: string;
}

/** `GET history/{id}`. */
export interface IHistoryDetails extends IHistoryJob {
  steps: IStep[];
  submit_line: string;
  stdout: string;
  stdout_path: string | null;
  stdout_exists: boolean | null;
  stderr: string;
  stderr_path: string | null;
  stderr_exists: boolean | null;
  memory_request_explicit: boolean | null;
  memory_schedules: boolean | null;
  resubmit: {
    available: boolean;
    reason: string | null;
    options: Record<string, string | boolean>;
    not_carried: string[];
    script_args: string[];
    script: string | null;
    cwd: string | null;
  };
}

/** `GET history`. */
export interface IHistoryReply {
  accounting: boolean;
  message?: string;
  jobs: IHistoryJob[];
  updated_at: number;
  since?: number;
}

export type HistoryColumnId =
  | 'id'
  | 'name'
  | 'state'
  | 'exit'
  | 'submit'
  | 'start'
  | 'end'
  | 'elapsed'
  | 'time_limit'
  | 'cpus'
  | 'nodes'
  | 'cpu_eff'
  | 'mem_eff'
  | 'partition'
  | 'account'
  | 'work_dir';

export interface IHistoryColumn {
  id: HistoryColumnId;
  label: string;
  width: number;
  /** The text shown (and searched). */
  text: (job: IHistoryJob) => string;
  /** The sort key (numbers for numbers: unknown sorts last). */
  key: (job: IHistoryJob) => number | string;
}

/** `3:0` -> `3`, `0:9` -> `signal 9`, `0:0` -> `0`. */
export function exitText(exit: IExitCode | null): string {
  if (!exit) {
    return '';
  }
  return exit.signal ? `${exit.code}:${exit.signal}` : String(exit.code);
}

function num(value: number | null | undefined): number {
  return value === null || value === undefined || !isFinite(value)
    ? Infinity
    : value;
}

function text(
  id: HistoryColumnId,
  label: string,
  width: number,
  get: (job: IHistoryJob) => string
): IHistoryColumn {
  return { id, label, width, text: get, key: get };
}

function timeColumn(
  id: HistoryColumnId,
  label: string,
  get: (job: IHistoryJob) => number | null
): IHistoryColumn {
  return {
    id,
    label,
    width: 170,
    text: job => formatTime(get(job)),
    key: job => num(get(job))
  };
}

export const HISTORY_COLUMNS: Record<HistoryColumnId, IHistoryColumn> = {
  id: {
    id: 'id',
    label: 'Job ID',
    width: 100,
    text: job => job.id,
    key: job => idKey(job.id)
  },
  name: text('name', 'Name', 180, job => job.name),
  state: text('state', 'State', 110, job => job.state),
  exit: {
    id: 'exit',
    label: 'Exit',
    width: 60,
    text: job => exitText(job.exit_code),
    key: job =>
      job.exit_code ? job.exit_code.code * 1000 + job.exit_code.signal : -1
  },
  submit: timeColumn('submit', 'Submitted', job => job.submit),
  start: timeColumn('start', 'Started', job => job.start),
  end: timeColumn('end', 'Ended', job => job.end),
  elapsed: {
    id: 'elapsed',
    label: 'Elapsed',
    width: 90,
    text: job => formatDuration(job.elapsed),
    key: job => num(job.elapsed)
  },
  time_limit: {
    id: 'time_limit',
    label: 'Time limit',
    width: 90,
    text: job =>
      job.time_limit === null ? '' : formatDuration(job.time_limit),
    key: job => num(job.time_limit)
  },
  cpus: {
    id: 'cpus',
    label: 'CPUs',
    width: 60,
    text: job => (job.cpus === null ? '' : String(job.cpus)),
    key: job => num(job.cpus)
  },
  nodes: {
    id: 'nodes',
    label: 'Nodes',
    width: 60,
    text: job => (job.nodes === null ? '' : String(job.nodes)),
    key: job => num(job.nodes)
  },
  cpu_eff: {
    id: 'cpu_eff',
    label: 'CPU use',
    width: 90,
    text: job => formatPercent(job.efficiency.cpu.ratio),
    key: job => num(job.efficiency.cpu.ratio)
  },
  mem_eff: {
    id: 'mem_eff',
    label: 'Memory use',
    width: 100,
    text: job =>
      job.efficiency.memory.used === null
        ? ''
        : `${formatPercent(job.efficiency.memory.ratio)} ${formatBytes(job.efficiency.memory.used)}`.trim(),
    key: job => num(job.efficiency.memory.ratio)
  },
  partition: text('partition', 'Partition', 90, job => job.partition),
  account: text('account', 'Account', 90, job => job.account),
  work_dir: text('work_dir', 'Working directory', 220, job => job.work_dir)
};

export const HISTORY_ALL_COLUMNS: HistoryColumnId[] = [
  'id',
  'name',
  'state',
  'exit',
  'submit',
  'start',
  'end',
  'elapsed',
  'time_limit',
  'cpus',
  'nodes',
  'cpu_eff',
  'mem_eff',
  'partition',
  'account',
  'work_dir'
];

/** Ended states that mean something went wrong (shown in the error colour). */
export const BAD_STATES = new Set([
  'FAILED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'BOOT_FAIL',
  'DEADLINE'
]);

/** Filter groups of the state menu, as the server knows them. */
export const STATE_GROUPS: Record<string, string[]> = {
  failed: [...BAD_STATES],
  cancelled: ['CANCELLED', 'PREEMPTED', 'REVOKED'],
  completed: ['COMPLETED']
};

export interface IHistorySort {
  column: HistoryColumnId;
  descending: boolean;
}

/** A sorted copy; ties broken by job id so the order never flickers. */
export function sortHistory(
  jobs: ReadonlyArray<IHistoryJob>,
  sort: IHistorySort
): IHistoryJob[] {
  const key = HISTORY_COLUMNS[sort.column].key;
  const keys = jobs.map(key);
  const ids = jobs.map(job => idKey(job.id));
  const sign = sort.descending ? -1 : 1;
  const order = jobs.map((_, i) => i);
  order.sort((x, y) => {
    const a = keys[x];
    const b = keys[y];
    let c = a < b ? -1 : a > b ? 1 : 0;
    if (c === 0) {
      c = ids[x] - ids[y];
    }
    return c * sign;
  });
  return order.map(i => jobs[i]);
}

/** Lower-cased searchable text per job (every column), built once per list. */
export function historyIndex(jobs: ReadonlyArray<IHistoryJob>): string[] {
  const getters = HISTORY_ALL_COLUMNS.map(id => HISTORY_COLUMNS[id].text);
  return jobs.map(job =>
    getters
      .map(get => get(job))
      .join('\u0000')
      .toLowerCase()
  );
}

export interface IHistoryFilter {
  text: string;
  /** '' (all), a group of STATE_GROUPS, or one state. */
  state: string;
}

export function filterHistory(
  jobs: ReadonlyArray<IHistoryJob>,
  index: ReadonlyArray<string>,
  filter: IHistoryFilter
): IHistoryJob[] {
  const terms = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const states = filter.state
    ? new Set(STATE_GROUPS[filter.state] ?? [filter.state.toUpperCase()])
    : null;
  if (!terms.length && !states) {
    return jobs.slice();
  }
  const out: IHistoryJob[] = [];
  for (let i = 0; i < jobs.length; i++) {
    if (states && !states.has(jobs[i].state)) {
      continue;
    }
    if (terms.every(term => index[i].includes(term))) {
      out.push(jobs[i]);
    }
  }
  return out;
}
