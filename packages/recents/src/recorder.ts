import { JupyterFrontEnd } from '@jupyterlab/application';
import { IDocumentManager, IRecentsManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { Contents } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { Debouncer } from '@lumino/polling';

import { recentType } from './groups';
import { RecentsModel } from './model';

/** How long the file browser must stay in a folder before it counts as opened. */
export const DIRECTORY_DELAY = 1500;

/**
 * Records what the user opens into the server-side list:
 *
 * - documents, from JupyterLab's own `IRecentsManager` (which the core
 *   "File > Open Recent" menu uses): one POST when a document is opened, none
 *   when the user merely switches tabs;
 * - folders the default file browser stays in for `DIRECTORY_DELAY` ms;
 * - renames and moves done through JupyterLab (PATCH `new_path`).
 */
export class Recorder implements IDisposable {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly model: RecentsModel,
    private readonly recents: IRecentsManager | null,
    private readonly docManager: IDocumentManager | null,
    private readonly browser: IDefaultFileBrowser | null
  ) {
    this._directory = new Debouncer(
      () => this._recordDirectory(),
      DIRECTORY_DELAY
    );
    app.serviceManager.contents.fileChanged.connect(this._onFileChanged, this);
    // Start after the layout is restored: documents and the folder the
    // previous session left open are not new opens.
    void Promise.all([app.restored, browser?.model.restored]).then(() => {
      if (this.isDisposed) {
        return;
      }
      this._seedOpenDocuments();
      recents?.changed.connect(this._onRecentsChanged, this);
      browser?.model.pathChanged.connect(this._onPathChanged, this);
    });
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._directory.dispose();
    this.app.serviceManager.contents.fileChanged.disconnect(
      this._onFileChanged,
      this
    );
    this.recents?.changed.disconnect(this._onRecentsChanged, this);
    this.browser?.model.pathChanged.disconnect(this._onPathChanged, this);
  }

  private _seedOpenDocuments(): void {
    if (!this.docManager) {
      return;
    }
    for (const widget of this.app.shell.widgets('main')) {
      const context = this.docManager.contextForWidget(widget);
      if (context) {
        this._open.add(context.path);
      }
    }
    this._lastClosed = this.recents?.recentlyClosed[0]?.path ?? null;
  }

  private _onRecentsChanged(manager: IRecentsManager): void {
    // A document closed: opening it again is a new open.
    const closed = manager.recentlyClosed[0]?.path ?? null;
    if (closed !== this._lastClosed) {
      this._lastClosed = closed;
      if (closed !== null) {
        this._open.delete(closed);
      }
    }
    // The core manager also lists the parent folder of each document; folders
    // are recorded from the file browser instead.
    const newest = manager.recentlyOpened.find(
      r => r.contentType !== 'directory'
    );
    if (!newest || this._open.has(newest.path)) {
      return;
    }
    this._open.add(newest.path);
    this.model
      .record(newest.path, recentType(newest.contentType), newest.factory)
      .catch(error => console.warn('Recents: could not record', error));
  }

  private _onPathChanged(): void {
    void this._directory.invoke();
  }

  private async _recordDirectory(): Promise<void> {
    const path = this.browser?.model.path ?? '';
    const local = this.app.serviceManager.contents.localPath(path);
    if (local === this._lastDirectory) {
      return;
    }
    this._lastDirectory = local;
    // The root itself is always one click away: not recorded.
    if (!local) {
      return;
    }
    try {
      await this.model.record(local, 'directory');
    } catch (error) {
      console.warn('Recents: could not record', error);
    }
  }

  private _onFileChanged(
    _: Contents.IManager,
    change: Contents.IChangedArgs
  ): void {
    const contents = this.app.serviceManager.contents;
    if (
      change.type === 'rename' &&
      change.oldValue?.path &&
      change.newValue?.path
    ) {
      const oldPath = change.oldValue.path;
      const newPath = change.newValue.path;
      if (contents.driveName(oldPath) || contents.driveName(newPath)) {
        return; // another drive: not a path of the server's file system
      }
      if (this._open.delete(oldPath)) {
        this._open.add(newPath);
      }
      this.model
        .rename(oldPath, newPath)
        .catch(error =>
          console.warn('Recents: could not follow rename', error)
        );
    } else if (change.type === 'delete' && this.model.loaded) {
      // The entry stays, greyed as missing.
      this.model.refresh().catch(() => undefined);
    }
  }

  private _directory: Debouncer;
  private _open = new Set<string>();
  private _lastClosed: string | null = null;
  private _lastDirectory: string | null = null;
  private _isDisposed = false;
}
