import { IJob, markReceived } from './jobs';
import { IListChange } from './sortedJobs';

/**
 * `GET jobs?scope=&since=&format=columns` (docs/slurm-api.md): a full list or
 * the jobs changed since a version, and the ids removed.
 */
export interface IJobsAnswer {
  /** With `limit`: the whole list's length (docs/slurm-api.md). */
  total?: number;
  /** With `limit`: only the newest `limit` jobs are in `jobs`. */
  partial?: boolean;
  /** Absent in the first contract's answer (no `since`): a full list. */
  version?: number;
  full?: boolean;
  format?: 'objects' | 'columns';
  columns?: string[];
  /** Per indexed column, its distinct values (rows hold indexes). */
  values?: Record<string, unknown[]>;
  jobs: unknown[];
  removed?: string[];
  updated_at: number;
  user: string;
  /** Where the server read the queue: its own squeue or the center's queue service. */
  source?: 'service' | 'squeue';
  /** Why the configured queue service is not used right now. */
  service_problem?: string;
  /** Why "all" holds only the user's own jobs. */
  restricted?: string;
  /** The queue could not be read now: this is the table as last read, `age` seconds ago. */
  stale?: boolean;
  age?: number;
  message?: string;
}

/** Whether an error body carries a (stale) table rather than just a message. */
export function isJobsAnswer(body: unknown): body is IJobsAnswer {
  return (
    !!body &&
    typeof body === 'object' &&
    Array.isArray((body as IJobsAnswer).jobs) &&
    typeof (body as IJobsAnswer).version === 'number'
  );
}

/** The jobs of an answer in either format, as job objects. */
export function decodeJobs(answer: IJobsAnswer): IJob[] {
  if (answer.format !== 'columns') {
    return answer.jobs as IJob[];
  }
  const columns = answer.columns ?? [];
  const values = answer.values ?? {};
  const lookups = columns.map(name => values[name]);
  const width = columns.length;
  const rows = answer.jobs as unknown[][];
  const jobs = new Array<IJob>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const job: Record<string, unknown> = {};
    for (let i = 0; i < width; i++) {
      const lookup = lookups[i];
      job[columns[i]] = lookup ? lookup[row[i] as number] : row[i];
    }
    jobs[r] = job as unknown as IJob;
  }
  return jobs;
}

/**
 * The jobs of one scope as the server's versions say: a full answer replaces
 * them, a delta changes, adds and removes single jobs. The list keeps its
 * identity when nothing changed, and unchanged jobs keep theirs, so the
 * panel's selection, sort, filter and scroll position are untouched.
 */
export class QueueTable {
  /** The version to send as `since` (null: nothing held, ask for everything). */
  get version(): number | null {
    return this._version;
  }
  get jobs(): IJob[] {
    return this._list;
  }
  /**
   * What the last delta changed, from the list before it to `jobs` (null
   * after a full answer): the panel merges it into its sorted rows.
   */
  get change(): IListChange | null {
    return this._change;
  }
  /** When the squeue behind the table ran (ms since epoch). */
  get updatedAt(): number | null {
    return this._updatedAt;
  }

  /** Apply an answer; true if the list changed. */
  apply(answer: IJobsAnswer): boolean {
    if (answer === this._applied) {
      return false; // a request two polls shared: applied once
    }
    this._applied = answer;
    const jobs = decodeJobs(answer);
    // a running job's Time counts on from here (its time_used alone is sent no more)
    const now = Date.now();
    for (const job of jobs) {
      markReceived(job, now);
    }
    this._updatedAt = answer.updated_at * 1000;
    this._version = answer.version ?? null;
    if (answer.version === undefined || answer.full) {
      this._jobs = new Map(jobs.map(job => [job.id, job]));
      this._list = jobs;
      this._change = null;
      this._own = null;
      return true;
    }
    const removed = answer.removed ?? [];
    if (jobs.length === 0 && removed.length === 0) {
      return false;
    }
    const dropped = new Set<IJob>();
    for (const job of jobs) {
      const old = this._jobs.get(job.id);
      if (old) {
        dropped.add(old);
      }
      this._jobs.set(job.id, job); // a known id keeps its place
    }
    for (const id of removed) {
      const old = this._jobs.get(id);
      if (old) {
        dropped.add(old);
        this._jobs.delete(id);
      }
    }
    const before = this._list;
    this._list = Array.from(this._jobs.values());
    // a record listed twice or removed in the same answer is not new
    const added = jobs.filter(job => this._jobs.get(job.id) === job);
    this._change = { before, after: this._list, added, dropped };
    const own = this._own;
    if (own) {
      for (const old of dropped) {
        if (own.jobs.get(old.id) === old) {
          own.jobs.delete(old.id);
        }
      }
      for (const job of added) {
        if (job.user === own.user) {
          own.jobs.set(job.id, job);
        }
      }
      own.list = null;
    }
    return true;
  }

  /**
   * The jobs of `user` (the refresh pace and notifications look at them):
   * found once per full answer, then kept through deltas.
   */
  jobsOf(user: string): IJob[] {
    if (this._own?.user !== user) {
      const jobs = new Map<string, IJob>();
      for (const job of this._list) {
        if (job.user === user) {
          jobs.set(job.id, job);
        }
      }
      this._own = { user, jobs, list: null };
    }
    return (this._own.list ??= Array.from(this._own.jobs.values()));
  }

  /** Forget everything: the next request asks for a full list. */
  reset(): void {
    this._version = null;
    this._jobs = new Map();
    this._list = [];
    this._change = null;
    this._applied = null;
    this._own = null;
    this._updatedAt = null;
  }

  private _version: number | null = null;
  private _jobs = new Map<string, IJob>();
  private _list: IJob[] = [];
  private _change: IListChange | null = null;
  private _applied: IJobsAnswer | null = null;
  private _own: {
    user: string;
    jobs: Map<string, IJob>;
    list: IJob[] | null;
  } | null = null;
  private _updatedAt: number | null = null;
}
