import { JupyterFrontEnd } from '@jupyterlab/application';
import { IDocumentManager, IRecentsManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { Contents } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';

import { FolderVisits } from './folders';
import { recentType } from './groups';
import { RecentsModel } from './model';

/**
 * Records what the user opens into the server-side list:
 *
 * - documents, from JupyterLab's own `IRecentsManager` (which the core
 *   "File > Open Recent" menu uses): one POST when a document is opened, none
 *   when the user merely switches tabs;
 * - folders of the default file browser, as the `recordFolders` setting
 *   says (`FolderVisits`): by default when the user opens or creates
 *   something there, or stays there, not when merely passing through;
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
    this._folders = new FolderVisits(async path => {
      try {
        await this.model.record(path, 'directory');
      } catch (error) {
        console.warn('Recents: could not record', error);
      }
    });
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
      if (browser) {
        const contents = this.app.serviceManager.contents;
        this._folders.settle(contents.localPath(browser.model.path));
      }
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
    this._folders.dispose();
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
    // The folder first (when it counts), so the document lands above it.
    void this._usedIn(newest.path)
      .then(() =>
        this.model.record(
          newest.path,
          recentType(newest.contentType),
          newest.factory
        )
      )
      .catch(error => console.warn('Recents: could not record', error));
  }

  private _usedIn(path: string): Promise<void> {
    this._folders.rule = this.model.settings.recordFolders;
    return this._folders.used(path);
  }

  private _onPathChanged(): void {
    const path = this.browser?.model.path ?? '';
    this._folders.rule = this.model.settings.recordFolders;
    this._folders.enter(this.app.serviceManager.contents.localPath(path));
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
    } else if (change.type === 'new' && change.newValue?.path) {
      // Creating or uploading something in the folder shown uses it.
      if (!contents.driveName(change.newValue.path)) {
        void this._usedIn(change.newValue.path);
      }
    } else if (change.type === 'delete' && this.model.loaded) {
      // The entry stays, greyed as missing.
      this.model.refresh().catch(() => undefined);
    }
  }

  private _folders: FolderVisits;
  private _open = new Set<string>();
  private _lastClosed: string | null = null;
  private _isDisposed = false;
}
