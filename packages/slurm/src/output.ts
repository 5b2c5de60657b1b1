import { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import { Widget } from '@lumino/widgets';

import { FINAL_STATES, baseState } from './jobs';
import { SlurmModel } from './model';
import { IOutputChunk } from './tokens';

/** Stop keeping more than this many characters in the view. */
const MAX_CHARS = 5 * 1024 * 1024;

/**
 * A job's StdOut or StdErr, following the file while the job runs: each
 * tick asks only for the bytes after the last offset. Text is appended as
 * text nodes, never parsed as HTML.
 */
export class OutputViewer extends Widget {
  constructor(options: OutputViewer.IOptions) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this.jobId = options.id;
    this.stream = options.stream;
    this.addClass('jp-hpc-SlurmOutput');
    this._info = document.createElement('div');
    this._info.className = 'jp-hpc-SlurmOutput-info';
    this._pre = document.createElement('pre');
    this._pre.className = 'jp-hpc-SlurmOutput-text';
    this.node.append(this._info, this._pre);
    this.title.label =
      options.stream === 'stdout'
        ? this._trans.__('Output of %1', options.id)
        : this._trans.__('Errors of %1', options.id);
    this.title.closable = true;
    this._poll = new Poll({
      factory: () => this._tick(),
      frequency: { interval: 2000, backoff: true, max: 30000 },
      standby: 'when-hidden',
      name: '@jupyterlab-hpc/slurm:output'
    });
  }

  readonly jobId: string;
  readonly stream: 'stdout' | 'stderr';

  /** The file shown, relative to the Jupyter root, once known. */
  get path(): string | null {
    return this._path;
  }

  dispose(): void {
    this._poll.dispose();
    super.dispose();
  }

  private async _tick(): Promise<void> {
    // read what is new; large backlogs arrive in several chunks
    let chunk: IOutputChunk | null = null;
    for (let i = 0; i < 16 && (!chunk || !chunk.eof); i++) {
      try {
        chunk = await this._model.output(this.jobId, this.stream, this._offset);
      } catch (error) {
        this._setInfo((error as Error).message, true);
        const status = (error as any).status;
        if (status === 403 || status === 404 || status === 400) {
          // nothing will change by asking again
          this._poll.dispose();
          return;
        }
        throw error;
      }
      this._path = chunk.path;
      if (chunk.reset) {
        this._pre.textContent = '';
        this._chars = 0;
      }
      if (chunk.data) {
        this._append(chunk.data);
      }
      this._offset = chunk.offset;
    }
    const running = await this._running();
    const where = chunk!.path ?? chunk!.disk_path ?? '';
    if (!chunk!.exists) {
      this._setInfo(
        running
          ? this._trans.__(
              '%1 does not exist yet; waiting for the job to write it.',
              where
            )
          : this._trans.__('%1 does not exist.', where),
        false
      );
    } else {
      this._setInfo(
        running
          ? this._trans.__('%1 · following while the job runs', where)
          : this._trans.__('%1 · job finished', where),
        false
      );
    }
    this.node.dataset.state = 'running';
    if (!running && chunk!.eof) {
      // one more read: the job may have written its last bytes between
      // this tick's read and the state check
      if (this._finalRead) {
        this.node.dataset.state = 'finished';
        this._poll.dispose();
      }
      this._finalRead = true;
    }
  }

  /**
   * Whether the job may still write. Asked from Slurm at most every 10 s
   * (the output itself is polled every 2 s, and costs Slurm nothing).
   */
  private async _running(): Promise<boolean> {
    const now = Date.now();
    if (now - this._checkedAt < 10000) {
      return this._isRunning;
    }
    this._checkedAt = now;
    try {
      const { fields, summary } = await this._model.details(this.jobId);
      this._isRunning = !FINAL_STATES.has(
        baseState(summary?.state ?? fields.JobState)
      );
    } catch {
      this._isRunning = false;
    }
    return this._isRunning;
  }

  private _append(text: string): void {
    const atBottom =
      this.node.scrollTop + this.node.clientHeight >=
      this.node.scrollHeight - 4;
    this._pre.append(document.createTextNode(text));
    this._chars += text.length;
    if (this._chars > MAX_CHARS) {
      // keep the tail: drop the oldest text nodes
      while (this._chars > MAX_CHARS / 2 && this._pre.firstChild) {
        this._chars -= this._pre.firstChild.textContent?.length ?? 0;
        this._pre.firstChild.remove();
      }
    }
    if (atBottom) {
      this.node.scrollTop = this.node.scrollHeight;
    }
  }

  private _setInfo(text: string, error: boolean): void {
    this._info.textContent = text;
    this._info.classList.toggle('jp-mod-error', error);
  }

  private _model: SlurmModel;
  private _trans: TranslationBundle;
  private _poll: Poll;
  private _offset = 0;
  private _checkedAt = 0;
  private _isRunning = true;
  private _finalRead = false;
  private _chars = 0;
  private _path: string | null = null;
  private _info: HTMLDivElement;
  private _pre: HTMLPreElement;
}

export namespace OutputViewer {
  export interface IOptions {
    model: SlurmModel;
    id: string;
    stream: 'stdout' | 'stderr';
    trans: TranslationBundle;
  }
}
