import { HpcRequestError } from '@jupyterlab-hpc/common';
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

/** A failed refresh, shown as a banner until one succeeds. */
export interface IProblem {
  message: string;
  /** 503: accounting (slurmdbd) does not answer; 0: server unreachable. */
  status: number;
}

/** Longest wait between retries while accounting is down. */
const MAX_BACKOFF_MS = 120 * 1000;

/**
 * A list fetched from the server while a tab shows it: polled at a slow
 * pace (it changes when jobs end, or as nodes come and go), refreshed when
 * shown, backing off while the server answers 503, standing by while hidden.
 */
export abstract class Polled<T> implements IDisposable {
  constructor(name: string, seconds: number) {
    this._poll = new Poll({
      factory: () => this._tick(),
      frequency: {
        interval: seconds * 1000,
        backoff: true,
        max: MAX_BACKOFF_MS
      },
      standby: () => document.hidden || !this._visible,
      name
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get problem(): IProblem | null {
    return this._problem;
  }
  get loading(): boolean {
    return this._loading;
  }
  /** When the server last answered (ms since epoch). */
  get updatedAt(): number | null {
    return this._updatedAt;
  }
  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  set visible(visible: boolean) {
    if (visible === this._visible) {
      return;
    }
    this._visible = visible;
    if (visible) {
      void this.refresh().catch(() => undefined);
    }
  }

  /** Seconds between refreshes from now on (a model polls faster while its jobs run). */
  protected set interval(seconds: number) {
    const interval = seconds * 1000;
    if (this._poll.frequency.interval !== interval) {
      this._poll.frequency = { ...this._poll.frequency, interval };
    }
  }

  async refresh(): Promise<void> {
    await this._poll.refresh();
    await this._poll.tick;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    Signal.clearData(this);
  }

  protected abstract fetch(): Promise<T>;
  protected abstract accept(reply: T): void;

  private async _tick(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      this.accept(await this.fetch());
      this._updatedAt = Date.now();
      this._problem = null;
    } catch (error) {
      this._problem = {
        message: (error as Error).message ?? String(error),
        status: error instanceof HpcRequestError ? error.status : 0
      };
      throw error; // the Poll backs off
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  protected _changed = new Signal<this, void>(this);
  private _poll: Poll;
  private _visible = false;
  private _problem: IProblem | null = null;
  private _loading = false;
  private _updatedAt: number | null = null;
}
