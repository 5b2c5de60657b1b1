import { requestAPI } from '@jupyterlab-hpc/common';

import { IHistoryDetails, IHistoryJob, IHistoryReply } from './history';
import { Polled } from './polled';

/** The user's finished jobs of the last `days` days (`GET history`). */
export class HistoryModel extends Polled<IHistoryReply> {
  constructor(options: HistoryModel.IOptions = {}) {
    super('@jupyterlab-hpc/slurm:history', options.interval ?? 60);
    this._days = options.days ?? 7;
  }

  get jobs(): ReadonlyArray<IHistoryJob> {
    return this._jobs;
  }
  /** False when the cluster keeps no accounting (then `message` says so); null before the first answer. */
  get accounting(): boolean | null {
    return this._accounting;
  }
  get message(): string {
    return this._message;
  }
  get days(): number {
    return this._days;
  }
  set days(days: number) {
    if (days === this._days) {
      return;
    }
    this._days = days;
    this._jobs = [];
    this._changed.emit();
    void this.refresh().catch(() => undefined);
  }

  /** One job with its steps, why it ended, its files and "submit again". */
  details(id: string): Promise<IHistoryDetails> {
    return requestAPI<IHistoryDetails>(
      'slurm',
      `history/${encodeURIComponent(id)}`
    );
  }

  /**
   * A job of the user left the queue: slurmdbd has it a few seconds later
   * (sacct's time-window query a little after the job itself), so look
   * again shortly, twice, however many jobs end together.
   */
  jobEnded(): void {
    window.clearTimeout(this._soon);
    window.clearTimeout(this._later);
    const refresh = () => void this.refresh().catch(() => undefined);
    this._soon = window.setTimeout(refresh, 4000);
    this._later = window.setTimeout(refresh, 15000);
  }

  dispose(): void {
    window.clearTimeout(this._soon);
    window.clearTimeout(this._later);
    super.dispose();
  }

  protected fetch(): Promise<IHistoryReply> {
    return requestAPI<IHistoryReply>('slurm', `history?days=${this._days}`);
  }

  protected accept(reply: IHistoryReply): void {
    this._accounting = reply.accounting;
    this._message = reply.message ?? '';
    this._jobs = reply.jobs;
  }

  private _jobs: IHistoryJob[] = [];
  private _accounting: boolean | null = null;
  private _message = '';
  private _days: number;
  private _soon = 0;
  private _later = 0;
}

export namespace HistoryModel {
  export interface IOptions {
    /** Poll interval in seconds while the History tab shows. */
    interval?: number;
    days?: number;
  }
}
