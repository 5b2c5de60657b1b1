import { SharedCommandIDs } from '@jupyterlab-hpc/common';
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import type { IJobRecord } from './jobRecord';
import type { IJob } from './jobs';

export type { IJob } from './jobs';

/** Command ids, for menus and other extensions. */
export namespace CommandIDs {
  export const open = 'hpc-slurm:open';
  export const refresh = 'hpc-slurm:refresh';
  export const submitFile = 'hpc-slurm:submit-file';
  export const submitEditor = 'hpc-slurm:submit-editor';
  export const openOutput = 'hpc-slurm:open-output';
  export const openWorkDir = 'hpc-slurm:open-workdir';
  /** Run a notebook (args `{path}`, else the current notebook or the file browser's selection). */
  export const runNotebook = SharedCommandIDs.runNotebook;
  /** Open the panel on its Runs tab. */
  export const showRuns = 'hpc-slurm:show-runs';
}

/** `GET hpc/slurm/status`. */
export interface ISlurmStatus {
  available: boolean;
  version?: string;
  cluster?: string | null;
  user?: string;
  reason?: string;
  /** Configured command paths, given when Slurm is unavailable. */
  commands?: Record<string, string>;
  /** The administrator's floor for the poll interval, in seconds. */
  min_refresh_interval?: number;
  /** sbatch boolean flags the form may offer. */
  submit_flags?: string[];
  /** The History tab's first window and the site's cap, in days; whether `scope=all` is offered. */
  history?: { days: number; max_days: number; all_users: boolean };
}

export type Scope = 'mine' | 'all';
export type JobAction = 'cancel' | 'hold' | 'release' | 'requeue';

/** One per-id answer of `POST jobs/actions`. */
export interface IActionResult {
  id: string;
  ok: boolean;
  message: string;
}

export interface IPartition {
  name: string;
  state: string;
  default: boolean;
  time_limit: number | null;
  nodes: { idle: number; total: number };
  /** What a job that does not ask gets (seconds); null: unset, it gets `time_limit`. */
  default_time?: number | null;
  /** Bytes per `default_memory_per`; null: unlimited (all of a node's memory) or unknown. */
  default_memory?: number | null;
  default_memory_per?: 'cpu' | 'node' | null;
}

export interface ITemplate {
  name: string;
  source: 'site' | 'user';
  description?: string;
  script: string;
  options?: Record<string, string | number | boolean>;
}

/** `POST jobs` body. */
export interface ISubmission {
  script?: string;
  path?: string;
  cwd?: string;
  options?: Record<string, string | number | boolean>;
}

/** The `summary` of `GET jobs/{id}`: one job, typed (docs/slurm-api.md). */
export interface IJobSummary extends IJobRecord {
  /** Epoch seconds; for a pending job start/end are Slurm's estimates. */
  submit_time: number | null;
  eligible_time: number | null;
  start_time: number | null;
  end_time: number | null;
  run_time: number;
  memory: string;
  memory_per: 'node' | 'cpu' | 'gpu' | null;
  memory_bytes: number | null;
  tres: string;
  gres: string;
  stdout: string;
  stdout_path: string | null;
  stderr: string;
  stderr_path: string | null;
  command: string;
  comment: string;
  dependency: string;
  batch_host: string;
}

/** `GET jobs/{id}`: Slurm's own fields, verbatim, and the typed summary. */
export interface IJobDetails {
  fields: Record<string, string>;
  /** null from a server without it. */
  summary: IJobSummary | null;
}

/** `GET jobs/{id}/output`. */
export interface IOutputChunk {
  path: string | null;
  disk_path?: string;
  exists: boolean;
  offset: number;
  start?: number;
  size?: number;
  data: string;
  eof: boolean;
  reset?: boolean;
}

/** The queue as other extensions may read it. */
export interface ISlurmQueue {
  /** Jobs of the last refresh (scope as chosen in the panel). */
  readonly jobs: ReadonlyArray<IJob>;
  readonly status: ISlurmStatus | null;
  /** Emitted after every refresh or state change. */
  readonly changed: ISignal<ISlurmQueue, void>;
  /** Ask for a fresh list now. */
  refresh(): Promise<void>;
  /** Submit a job; resolves to its id, rejects with sbatch's message. */
  submit(submission: ISubmission): Promise<string>;
}

export const ISlurmQueue = new Token<ISlurmQueue>(
  '@jupyterlab-hpc/slurm:ISlurmQueue',
  'The Slurm queue of the jupyterlab-hpc Slurm panel.'
);
