import { HpcRequestError, jsonBody, requestAPI } from '@jupyterlab-hpc/common';
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IJob,
  ITransition,
  baseState,
  finalKind,
  isActive,
  markReceived,
  snapshot,
  transitions
} from './jobs';
import { hasMovingJob, pollSeconds } from './polling';
import {
  IJobsAnswer,
  QueueTable,
  decodeJobs,
  isJobsAnswer
} from './queueTable';
import { IListChange } from './sortedJobs';
import {
  IActionResult,
  IJobDetails,
  IJobSummary,
  IOutputChunk,
  IPartition,
  ISlurmQueue,
  ISlurmStatus,
  ISubmission,
  ITemplate,
  JobAction,
  Scope
} from './tokens';

/** The server accepts at most this many ids per action request. */
const MAX_IDS_PER_REQUEST = 1000;
/** Jobs in the first screen's answer (`limit`): a few screens of rows. */
export const FIRST_SCREEN = 200;
/** Longest wait between retries while Slurm is down. */
const MAX_BACKOFF_MS = 120 * 1000;

/** A problem reaching Slurm, shown as a banner until a refresh succeeds. */
export interface IProblem {
  message: string;
  /** HTTP status (503 controller down, 504 timeout, 0 server unreachable). */
  status: number;
  /** The site's authorizer refuses Slurm to this account (retrying will not help). */
  notAuthorized?: boolean;
  /** The list shown is the one last read, this many seconds old (the server kept it). */
  staleAge?: number;
}

/** Where the list comes from, when worth a note in the panel. */
export interface IQueueNote {
  /** Why the center's queue service is not used now (the user's own squeue lists). */
  serviceProblem: string | null;
  /** Why "All jobs" holds only the user's own jobs. */
  restricted: string | null;
}

/** A job whose state changed in a way worth a notification. */
export interface IJobEvent {
  kind: ITransition['kind'] | 'finished';
  job: IJob;
}

/** Pending with no reason yet: Slurm has not looked at the job since it changed. */
function awaitsScheduler(job: IJob): boolean {
  return baseState(job.state) === 'PENDING' && !job.reason;
}

/** After the next frame (or 50 ms, in a hidden tab without frames). */
function nextPaint(): Promise<void> {
  return new Promise(resolve => {
    const done = () => window.setTimeout(resolve, 0);
    const timer = window.setTimeout(done, 50);
    window.requestAnimationFrame?.(() => {
      window.clearTimeout(timer);
      done();
    });
  });
}

function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  return requestAPI<T>('slurm', path, init);
}

/**
 * The queue: status, the job list and the calls that steer jobs.
 *
 * One instance per JupyterLab page. It polls while the panel is visible,
 * and, when notifications are on, keeps polling the user's own jobs (Slurm
 * filters them) while the panel is hidden so that state changes can be
 * announced. Nothing polls while the browser tab itself is hidden.
 */
export class SlurmModel implements ISlurmQueue, IDisposable {
  constructor(options: SlurmModel.IOptions = {}) {
    this._interval = options.interval ?? 30;
    this._activeInterval = options.activeInterval ?? 5;
    this._poll = new Poll({
      factory: () => this._tick(),
      frequency: {
        interval: this._intervalMs(),
        backoff: true,
        max: MAX_BACKOFF_MS
      },
      standby: () =>
        document.hidden || (!this._visible && !this._notifications),
      name: '@jupyterlab-hpc/slurm:queue'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Emitted when one of the user's jobs starts or ends. */
  get jobEvent(): ISignal<this, IJobEvent> {
    return this._jobEvent;
  }
  get status(): ISlurmStatus | null {
    return this._status;
  }
  get jobs(): ReadonlyArray<IJob> {
    return this._jobs;
  }
  /**
   * How the last delta turned the previous `jobs` into these (null when they
   * came whole): the panel merges it into its sorted rows.
   */
  get jobsChange(): IListChange | null {
    const change = this._tables[this._scope].change;
    return change && change.after === this._jobs ? change : null;
  }
  /**
   * While the first screen is shown and the whole list still loads: how many
   * jobs the whole list has (`jobs` holds the newest of them); else null.
   */
  get partialTotal(): number | null {
    return this._partialTotal;
  }
  /**
   * Whether the panel shows ids newest first without a filter, so that the
   * server's first screen (`limit`, the newest jobs) is what it would show.
   */
  get firstScreen(): boolean {
    return this._firstScreen;
  }
  set firstScreen(value: boolean) {
    this._firstScreen = value;
  }
  /** The Slurm user the server runs as (whose jobs are "mine"). */
  get user(): string | null {
    return this._user ?? this._status?.user ?? null;
  }
  /** When the `squeue` behind the list ran (ms since epoch). */
  get updatedAt(): number | null {
    return this._updatedAt;
  }
  get problem(): IProblem | null {
    return this._problem;
  }
  /** Notes on where the list comes from (null when there is nothing to say). */
  get note(): IQueueNote | null {
    return this._note;
  }
  get loading(): boolean {
    return this._loading;
  }
  get scope(): Scope {
    return this._scope;
  }
  set scope(scope: Scope) {
    if (scope === this._scope) {
      return;
    }
    this._scope = scope;
    // What this scope showed last, until the refresh brings what changed since.
    this._jobs = this._tables[scope].jobs;
    this._partialTotal = null;
    this._updatedAt = this._tables[scope].updatedAt;
    this._note = null;
    this._changed.emit();
    void this.refresh();
  }
  /** The job to highlight (just submitted). */
  get highlight(): string | null {
    return this._highlight;
  }
  set highlight(id: string | null) {
    this._highlight = id;
    this._changed.emit();
  }
  /** Poll interval in seconds (the server's floor applies). */
  get interval(): number {
    return this._interval;
  }
  set interval(seconds: number) {
    this._interval = seconds;
    this._applyInterval();
  }
  /** Poll interval in seconds while one of the user's jobs runs or starts soon. */
  get activeInterval(): number {
    return this._activeInterval;
  }
  set activeInterval(seconds: number) {
    this._activeInterval = seconds;
    this._applyInterval();
  }
  /** Seconds between refreshes now (faster while the user's jobs move). */
  get pollInterval(): number {
    return this._intervalMs() / 1000;
  }
  get notifications(): boolean {
    return this._notifications;
  }
  set notifications(on: boolean) {
    this._notifications = on;
  }
  /** Whether the panel is showing; a hidden panel only polls for notifications. */
  set visible(visible: boolean) {
    if (visible === this._visible) {
      return;
    }
    this._visible = visible;
    // opening the panel shows a fresh list unless the last one is recent
    const floor = (this._status?.min_refresh_interval ?? 5) * 1000;
    const old =
      this._updatedAt === null || Date.now() - this._updatedAt > floor;
    if (visible && (this._stale || this._problem || old)) {
      void this.refresh().catch(() => undefined);
    }
  }
  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    window.clearTimeout(this._retryTimer);
    Signal.clearData(this);
  }

  /** Refresh now (the manual button, after actions). */
  async refresh(): Promise<void> {
    await this._poll.refresh();
    await this._poll.tick;
  }

  /** Job details: every field `scontrol show job` prints, and the typed summary. */
  async details(id: string): Promise<IJobDetails> {
    const reply = await call<Record<string, unknown>>(
      `jobs/${encodeURIComponent(id)}`
    );
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(reply)) {
      if (typeof value === 'string') {
        fields[key] = value;
      }
    }
    const summary = reply.summary;
    return {
      fields,
      summary:
        summary && typeof summary === 'object' ? (summary as IJobSummary) : null
    };
  }

  /**
   * Run one action on many jobs: one request per 1,000 ids (the server's
   * limit), results in the order given.
   */
  async act(action: JobAction, ids: string[]): Promise<IActionResult[]> {
    const results: IActionResult[] = [];
    let at: number | undefined;
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_REQUEST) {
      const chunk = ids.slice(i, i + MAX_IDS_PER_REQUEST);
      const reply = await call<{ results: IActionResult[]; at?: number }>(
        'jobs/actions',
        jsonBody('POST', { action, ids: chunk })
      );
      results.push(...reply.results);
      at = reply.at;
    }
    const done = new Set(results.filter(r => r.ok).map(r => r.id));
    // A cancelled running job lingers as COMPLETING for a moment; a released
    // (or requeued) job waits with no reason until the scheduler's next pass
    // says why it waits, or starts it: refresh until then.
    this._expectChange(
      jobs =>
        jobs.every(
          j =>
            !done.has(j.id) ||
            (action === 'cancel' ? !isActive(j) : !awaitsScheduler(j))
        ),
      at
    );
    return results;
  }

  /** Submit a job; resolves to its id. Rejects with sbatch's message. */
  async submit(submission: ISubmission): Promise<string> {
    const reply = await call<{ id: string; at?: number }>(
      'jobs',
      jsonBody('POST', submission)
    );
    const id = String(reply.id);
    this._highlight = id;
    // listed once squeue has seen it (array jobs list as `id_N`)
    this._expectChange(
      jobs => jobs.some(j => j.id === id || j.array_job_id === id),
      reply.at
    );
    return id;
  }

  partitions(): Promise<IPartition[]> {
    return call<{ partitions: IPartition[] }>('partitions').then(
      r => r.partitions
    );
  }

  templates(): Promise<ITemplate[]> {
    return call<{ templates: ITemplate[] }>('templates').then(r => r.templates);
  }

  saveTemplate(template: Omit<ITemplate, 'source'>): Promise<ITemplate> {
    return call<{ template: ITemplate }>(
      'templates',
      jsonBody('POST', template)
    ).then(r => r.template);
  }

  output(
    id: string,
    stream: 'stdout' | 'stderr',
    offset: number
  ): Promise<IOutputChunk> {
    const query = new URLSearchParams({ stream, offset: String(offset) });
    return call(`jobs/${encodeURIComponent(id)}/output?${query}`);
  }

  /** One poll: status when unknown or after a failure, then the list. */
  private async _tick(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      if (!this._status?.available || this._problem) {
        this._status = await call<ISlurmStatus>('status');
        this._applyInterval();
        if (!this._status.available) {
          throw new HpcRequestError(
            this._status.reason ?? 'Slurm is not available.',
            503
          );
        }
      }
      // A hidden panel polls only for notifications: the user's own jobs.
      const scope: Scope = this._visible ? this._scope : 'mine';
      const table = this._tables[scope];
      const path = `jobs?scope=${scope}&since=${table.version ?? 0}&format=columns`;
      let first: Promise<void> | null = null;
      // Nothing held yet: the newest jobs first (small, shown at once), while
      // the whole list (18 MiB for 100,000 jobs) comes and is decoded.
      if (
        table.updatedAt === null &&
        this._visible &&
        scope === this._scope &&
        this._firstScreen
      ) {
        first = this._showFirstScreen(scope, table);
      }
      let reply: IJobsAnswer;
      let stale: HpcRequestError | null = null;
      try {
        reply = await this._list(path);
      } catch (error) {
        // Slurm cannot be read now, but the server sends the list as last read.
        if (!(error instanceof HpcRequestError) || !isJobsAnswer(error.body)) {
          throw error;
        }
        reply = error.body;
        stale = error;
      }
      if (first) {
        // the first screen is drawn before the whole list is decoded and sorted
        await first;
        await nextPaint();
      }
      const changed = table.apply(reply);
      const jobs = table.jobs;
      this._user = reply.user;
      // the user's own jobs, kept through deltas (not 100,000 jobs scanned)
      const own = table.jobsOf(reply.user);
      // an estimated start comes nearer without the list changing: look each time
      this._moving = hasMovingJob(own, reply.user, Date.now() / 1000);
      this._applyInterval();
      if (changed) {
        // after the new list is rendered
        window.setTimeout(() => this._announce(own, reply.user), 300);
      }
      if (scope === this._scope) {
        this._jobs = jobs;
        this._partialTotal = null;
        this._updatedAt = table.updatedAt;
        this._note =
          reply.service_problem || reply.restricted
            ? {
                serviceProblem: reply.service_problem ?? null,
                restricted: reply.restricted ?? null
              }
            : null;
        this._stale = false;
      } else {
        this._stale = true;
      }
      if (stale) {
        throw stale;
      }
      this._problem = null;
      if (scope === this._scope) {
        this._checkSettled(jobs, table.updatedAt ?? 0);
      }
    } catch (error) {
      this._problem = {
        message: (error as Error).message ?? String(error),
        status: error instanceof HpcRequestError ? error.status : 0,
        ...(error instanceof HpcRequestError && error.notAuthorized
          ? { notAuthorized: true }
          : {}),
        ...(error instanceof HpcRequestError &&
        isJobsAnswer(error.body) &&
        typeof error.body.age === 'number'
          ? { staleAge: error.body.age }
          : {})
      };
      // back off (the Poll doubles its interval while this rejects)
      throw error;
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  /**
   * `GET path`, shared with a request for the same path still under way: a
   * panel opened while the hidden poll's first (whole) list loads waits for
   * that one instead of loading it twice.
   */
  private _list(path: string): Promise<IJobsAnswer> {
    let request = this._requests.get(path);
    if (!request) {
      request = call<IJobsAnswer>(path);
      this._requests.set(path, request);
      const forget = () => this._requests.delete(path);
      request.then(forget, forget);
    }
    return request;
  }

  /**
   * Show the server's newest jobs (`limit`) until the whole list arrives;
   * nothing if the whole list came first or this fails (the whole list's
   * request reports problems).
   */
  private async _showFirstScreen(
    scope: Scope,
    table: QueueTable
  ): Promise<void> {
    let answer: IJobsAnswer;
    try {
      answer = await call<IJobsAnswer>(
        `jobs?scope=${scope}&since=0&format=columns&limit=${FIRST_SCREEN}`
      );
    } catch {
      return;
    }
    if (
      table.updatedAt !== null ||
      scope !== this._scope ||
      !this._firstScreen
    ) {
      return;
    }
    const jobs = decodeJobs(answer);
    const now = Date.now();
    for (const job of jobs) {
      markReceived(job, now);
    }
    this._jobs = jobs;
    this._partialTotal = answer.partial ? (answer.total ?? null) : null;
    this._user = answer.user;
    this._updatedAt = answer.updated_at * 1000;
    this._changed.emit();
  }

  /**
   * The server shares one `squeue` between requests of a refresh window, so
   * a list fetched right after a change may predate it, and Slurm itself
   * takes a moment (a cancelled job is COMPLETING first): ask again, once
   * per window, until `settled` holds for a list newer than the change (at
   * most a minute). "Newer" by the server's clock (`at`, its time after the
   * change): a browser clock some seconds behind the server's would take a
   * list read just before the change for one read after it.
   */
  private _expectChange(
    settled: (jobs: ReadonlyArray<IJob>) => boolean,
    at?: number
  ): void {
    const now = Date.now();
    const since = typeof at === 'number' ? at * 1000 : now;
    this._settle = { since, skew: since - now, until: now + 60000, settled };
    void this.refresh().catch(() => undefined);
  }

  private _checkSettled(jobs: ReadonlyArray<IJob>, updatedAt: number): void {
    const settle = this._settle;
    if (!settle) {
      return;
    }
    const fresh = updatedAt >= settle.since;
    if ((fresh && settle.settled(jobs)) || Date.now() > settle.until) {
      this._settle = null;
      return;
    }
    const span = (this._status?.min_refresh_interval ?? 5) * 1000;
    // until the server's shared read has aged out (its clock)
    const serverNow = Date.now() + settle.skew;
    const wait = fresh
      ? span
      : Math.min(span, Math.max(500, updatedAt + span - serverNow + 250));
    window.clearTimeout(this._retryTimer);
    this._retryTimer = window.setTimeout(() => {
      void this.refresh().catch(() => undefined);
    }, wait);
  }

  /** Compare with the previous list of the user's jobs and emit notifications. */
  private _announce(jobs: IJob[], user: string): void {
    const current = snapshot(jobs, user);
    const previous = this._mine;
    this._mine = current;
    if (!previous) {
      return;
    }
    const { changes, vanished } = transitions(previous, jobs);
    for (const change of changes) {
      this._jobEvent.emit(change);
    }
    // squeue forgets finished jobs: ask how the vanished ones ended
    for (const job of vanished.slice(0, 10)) {
      this.details(job.id)
        .then(({ fields, summary }) => {
          const kind = finalKind(summary?.state ?? fields.JobState ?? '');
          this._jobEvent.emit({ kind: kind ?? 'finished', job });
        })
        .catch(() => this._jobEvent.emit({ kind: 'finished', job }));
    }
  }

  private _intervalMs(): number {
    const intervals = {
      normal: this._interval,
      active: this._activeInterval,
      floor: this._status?.min_refresh_interval ?? 1
    };
    return pollSeconds(intervals, this._moving) * 1000;
  }

  private _applyInterval(): void {
    const interval = this._intervalMs();
    if (this._poll.frequency.interval !== interval) {
      this._poll.frequency = { ...this._poll.frequency, interval };
    }
  }

  private _poll: Poll;
  private _interval: number;
  private _activeInterval: number;
  /** Whether one of the user's jobs runs or starts soon (then polls are faster). */
  private _moving = false;
  private _status: ISlurmStatus | null = null;
  private _jobs: IJob[] = [];
  private _partialTotal: number | null = null;
  private _requests = new Map<string, Promise<IJobsAnswer>>();
  private _firstScreen = true;
  private _tables: Record<Scope, QueueTable> = {
    mine: new QueueTable(),
    all: new QueueTable()
  };
  private _note: IQueueNote | null = null;
  private _user: string | null = null;
  private _updatedAt: number | null = null;
  private _problem: IProblem | null = null;
  private _loading = false;
  private _scope: Scope = 'mine';
  private _highlight: string | null = null;
  private _visible = false;
  private _stale = true;
  private _notifications = true;
  private _mine: Map<string, IJob> | null = null;
  private _settle: {
    /** When the change was made, by the server's clock (ms). */
    since: number;
    /** The server's clock minus the browser's (ms), as far as known. */
    skew: number;
    until: number;
    settled: (jobs: ReadonlyArray<IJob>) => boolean;
  } | null = null;
  private _retryTimer = 0;
  private _changed = new Signal<this, void>(this);
  private _jobEvent = new Signal<this, IJobEvent>(this);
}

export namespace SlurmModel {
  export interface IOptions {
    /** Poll interval in seconds. */
    interval?: number;
    /** Poll interval in seconds while one of the user's jobs runs or starts soon. */
    activeInterval?: number;
  }
}
