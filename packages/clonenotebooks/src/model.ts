/** The gallery's state and server calls; the React components only render it. */
import { jsonBody, requestAPI } from '@jupyterlab-hpc/common';
import { URLExt } from '@jupyterlab/coreutils';
import * as nbformat from '@jupyterlab/nbformat';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { filterNotebooks } from './filter';
import type {
  IClonePlan,
  ICloneRequest,
  ICloneResult,
  INotebookInfo,
  INotebookListing,
  IParameter,
  ISource,
  ISourceError,
  IStatus
} from './tokens';

const FEATURE = 'clone';

/** `?a=1&b=2` (with the question mark). */
function query(params: Record<string, string>): string {
  return URLExt.objectToQueryString(params);
}

export class GalleryModel {
  constructor() {
    // Listings are cheap (the server re-reads only changed notebooks), so a
    // slow poll keeps cards and "update available" marks current.
    this._poll = new Poll({
      factory: () => this.refresh(),
      frequency: { interval: 60 * 1000, backoff: true, max: 10 * 60 * 1000 },
      standby: 'when-hidden',
      name: '@jupyterlab-hpc/clonenotebooks:poll'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get sources(): ISource[] {
    return this._sources;
  }
  get notebooks(): INotebookInfo[] {
    return this._notebooks;
  }
  /** The cards shown: notebooks filtered by the search box and the source filter. */
  get visible(): INotebookInfo[] {
    return filterNotebooks(this._notebooks, this._query, this._sourceFilter);
  }
  /** Sources that could not be listed, with the reason. */
  get errors(): ISourceError[] {
    return this._errors;
  }
  /** A failure of the whole gallery (server unreachable...). */
  get error(): string | null {
    return this._error;
  }
  get loading(): boolean {
    return this._loading;
  }
  get status(): IStatus | null {
    return this._status;
  }
  get query(): string {
    return this._query;
  }
  set query(value: string) {
    this._query = value;
    this._changed.emit();
  }
  get sourceFilter(): string {
    return this._sourceFilter;
  }
  set sourceFilter(value: string) {
    this._sourceFilter = value;
    this._changed.emit();
  }

  sourceName(id: string): string {
    return this._sources.find(s => s.id === id)?.name ?? id;
  }

  /** Where a clone of this source lands (the server's `clone_dir`). */
  cloneDir(source: string): string {
    return (this._status?.clone_dir ?? 'gallery/{source}').replace(
      '{source}',
      source
    );
  }

  async refresh(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      const [status, sources, listing] = await Promise.all([
        requestAPI<IStatus>(FEATURE, 'status'),
        requestAPI<ISource[]>(FEATURE, 'sources'),
        requestAPI<INotebookListing>(FEATURE, 'notebooks')
      ]);
      this._status = status;
      this._sources = sources;
      this._notebooks = listing.notebooks;
      this._errors = listing.errors;
      this._error = null;
      if (
        this._sourceFilter &&
        !sources.some(s => s.id === this._sourceFilter)
      ) {
        this._sourceFilter = '';
      }
    } catch (error) {
      this._error = (error as Error).message;
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  /** Fetch git sources again now instead of waiting for the refresh interval. */
  async fetchSources(): Promise<void> {
    await requestAPI<ISource[]>(FEATURE, 'refresh', jsonBody('POST', {}));
    await this.refresh();
  }

  find(source: string, path: string): INotebookInfo | undefined {
    return this._notebooks.find(n => n.source === source && n.path === path);
  }

  preview(nb: INotebookInfo): Promise<nbformat.INotebookContent> {
    return requestAPI<nbformat.INotebookContent>(
      FEATURE,
      'preview' + query({ source: nb.source, path: nb.path })
    );
  }

  async parameters(nb: INotebookInfo): Promise<IParameter[]> {
    const reply = await requestAPI<{ parameters: IParameter[] }>(
      FEATURE,
      'parameters' + query({ source: nb.source, path: nb.path })
    );
    return reply.parameters;
  }

  /** Folder, free name, kernel and why, copies and parameters for the clone dialog. */
  plan(nb: INotebookInfo, targetDir?: string): Promise<IClonePlan> {
    const params: Record<string, string> = { source: nb.source, path: nb.path };
    if (targetDir) {
      params.target_dir = targetDir;
    }
    return requestAPI<IClonePlan>(FEATURE, 'plan' + query(params));
  }

  async clone(
    nb: INotebookInfo,
    request?: Partial<ICloneRequest>
  ): Promise<ICloneResult> {
    const body: Record<string, unknown> = { source: nb.source, path: nb.path };
    if (request?.parameters && Object.keys(request.parameters).length > 0) {
      body.parameters = request.parameters;
    }
    if (request?.target_dir) {
      body.target_dir = request.target_dir;
    }
    if (request?.name) {
      body.name = request.name;
    }
    const result = await requestAPI<ICloneResult>(
      FEATURE,
      'clone',
      jsonBody('POST', body)
    );
    void this.refresh(); // the card now lists the clone
    return result;
  }

  async addSource(name: string, path: string): Promise<ISource> {
    const source = await requestAPI<ISource>(
      FEATURE,
      'sources',
      jsonBody('POST', { name, path, type: 'directory' })
    );
    await this.refresh();
    return source;
  }

  async removeSource(id: string): Promise<void> {
    await requestAPI<void>(FEATURE, 'sources' + query({ id }), {
      method: 'DELETE'
    });
    await this.refresh();
  }

  dispose(): void {
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _changed = new Signal<this, void>(this);
  private _poll: Poll;
  private _sources: ISource[] = [];
  private _notebooks: INotebookInfo[] = [];
  private _errors: ISourceError[] = [];
  private _error: string | null = null;
  private _loading = false;
  private _status: IStatus | null = null;
  private _query = '';
  private _sourceFilter = '';
}
