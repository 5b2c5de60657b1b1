import { jsonBody, requestAPI } from '@jupyterlab-hpc/common';
import { ISignal, Signal } from '@lumino/signaling';

import { Polled } from '../polled';
import { isActiveState } from './sweep';
import {
  INotebookRun,
  IRunDetail,
  IRunForm,
  IRunList,
  IRunRequest,
  ISubmittedRun
} from './types';

function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  return requestAPI<T>('slurm', path, init);
}

/** Seconds between refreshes while a run has tasks queued or running, and otherwise. */
const ACTIVE_INTERVAL = 5;
const IDLE_INTERVAL = 30;

interface IRunsReply {
  list: IRunList;
  detail: IRunDetail | null;
}

/**
 * The user's notebook runs: the list, the selected run's tasks, submitting
 * and re-running. Polled while the Runs tab shows, every 5 s while a run has
 * tasks queued or running (the server shares one squeue between tabs), every
 * 30 s otherwise.
 */
export class RunsModel extends Polled<IRunsReply> {
  constructor() {
    super('@jupyterlab-hpc/slurm:runs', IDLE_INTERVAL);
  }

  /** Emitted after a submission or a re-run made here. */
  get submitted(): ISignal<this, ISubmittedRun> {
    return this._submitted;
  }
  get runs(): ReadonlyArray<INotebookRun> {
    return this._runs;
  }
  get selected(): string | null {
    return this._selected;
  }
  set selected(id: string | null) {
    if (id === this._selected) {
      return;
    }
    this._selected = id;
    this._detail = null;
    this._changed.emit();
    void this.refresh().catch(() => undefined);
  }
  /** The selected run with its tasks (null until loaded). */
  get detail(): IRunDetail | null {
    return this._detail;
  }
  /** What the server could not ask (the queue or accounting), in its words. */
  get notes(): string[] {
    const source = this._detail ?? this._list;
    return [source?.queue_error, source?.accounting_error].filter(
      (n): n is string => !!n
    );
  }

  /** What the run dialog needs for one notebook. */
  form(path: string): Promise<IRunForm> {
    return call<IRunForm>(
      `notebook-parameters?path=${encodeURIComponent(path)}`
    );
  }

  /** Submit a run; rejects with the server's message (400 naming the field, 413, ...). */
  async submit(request: IRunRequest): Promise<ISubmittedRun> {
    const answer = await call<ISubmittedRun>(
      'notebook-runs',
      jsonBody('POST', request)
    );
    this._selected = answer.id;
    this._detail = null;
    this._submitted.emit(answer);
    void this.refresh().catch(() => undefined);
    return answer;
  }

  /** Re-run tasks of a run (default: the failed ones) as one array. */
  async rerun(id: string, tasks?: number[]): Promise<ISubmittedRun> {
    const answer = await call<ISubmittedRun>(
      `notebook-runs/${encodeURIComponent(id)}/rerun`,
      jsonBody('POST', tasks ? { tasks } : {})
    );
    this._submitted.emit(answer);
    void this.refresh().catch(() => undefined);
    return answer;
  }

  protected async fetch(): Promise<IRunsReply> {
    const list = await call<IRunList>('notebook-runs');
    let selected = this._selected;
    if (!selected || !list.runs.some(r => r.id === selected)) {
      selected = list.runs.length > 0 ? list.runs[0].id : null;
    }
    const detail = selected
      ? await call<IRunDetail>(`notebook-runs/${encodeURIComponent(selected)}`)
      : null;
    return { list, detail };
  }

  protected accept(reply: IRunsReply): void {
    this._list = reply.list;
    this._runs = reply.list.runs;
    // the user may have picked another run while this answer was on its way
    const picked = this._selected;
    if (
      !picked ||
      !this._runs.some(r => r.id === picked) ||
      reply.detail?.id === picked
    ) {
      this._detail = reply.detail;
      this._selected = reply.detail?.id ?? null;
    }
    const active =
      this._detail?.tasks.some(t => isActiveState(t.state)) ||
      this._runs.some(r => Object.keys(r.counts).some(isActiveState));
    this.interval = active ? ACTIVE_INTERVAL : IDLE_INTERVAL;
  }

  private _list: IRunList | null = null;
  private _runs: INotebookRun[] = [];
  private _selected: string | null = null;
  private _detail: IRunDetail | null = null;
  private _submitted = new Signal<this, ISubmittedRun>(this);
}
