import { jsonBody, requestAPI } from '@jupyterlab-hpc/common';
import { ISignal, Signal } from '@lumino/signaling';

import { FolderRule } from './folders';
import { isExcluded } from './groups';
import { IRecentEntry, IRecentsReply, RecentType } from './types';

/** The user's settings of the recents extension (`schema/plugin.json`). */
export interface IRecentsSettings {
  maxLength: number;
  recordFolders: FolderRule;
  excludePatterns: string[];
}

export const DEFAULT_SETTINGS: IRecentsSettings = {
  maxLength: 50,
  recordFolders: 'used',
  excludePatterns: ['.ipynb_checkpoints']
};

/**
 * The recent list and every server call about it.
 *
 * Every change answers the whole, existence-checked list, so the view is
 * refreshed by the reply itself: opening a document costs one POST and no
 * extra GET.
 */
export class RecentsModel {
  settings: IRecentsSettings = { ...DEFAULT_SETTINGS };

  /** The entries as last listed by the server, pinned first, newest first. */
  get entries(): ReadonlyArray<IRecentEntry> {
    return this._entries;
  }

  /** The last failure to talk to the server, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Whether the list has been fetched at least once. */
  get loaded(): boolean {
    return this._loaded;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Fetch the list (with existence checks) from the server. */
  async refresh(): Promise<void> {
    await this._call('');
  }

  /** Record an open; excluded paths (settings) are not sent at all. */
  async record(
    path: string,
    type: RecentType,
    factory?: string
  ): Promise<boolean> {
    if (!path || isExcluded(path, this.settings.excludePatterns)) {
      return false;
    }
    if (type === 'directory' && this.settings.recordFolders === 'never') {
      return false;
    }
    const body: Record<string, unknown> = {
      path,
      type,
      max_length: this.settings.maxLength
    };
    if (factory) {
      body.factory = factory;
    }
    await this._call('', jsonBody('POST', body));
    return true;
  }

  /** Put a removed entry back as it was: its time, its viewer, its pin. */
  async restore(entry: IRecentEntry): Promise<void> {
    const body: Record<string, unknown> = {
      path: entry.path,
      type: entry.type,
      last_opened: entry.last_opened,
      max_length: this.settings.maxLength
    };
    if (entry.factory) {
      body.factory = entry.factory;
    }
    await this._call('', jsonBody('POST', body));
    if (entry.pinned) {
      await this.setPinned(entry.path, true);
    }
  }

  async setPinned(path: string, pinned: boolean): Promise<void> {
    await this._call('', jsonBody('PATCH', { path, pinned }));
  }

  /** Follow a rename or move done in JupyterLab (children of a folder too). */
  async rename(path: string, newPath: string): Promise<void> {
    await this._call('', jsonBody('PATCH', { path, new_path: newPath }));
  }

  async remove(path: string): Promise<void> {
    await this._call(`?path=${encodeURIComponent(path)}`, {
      method: 'DELETE'
    });
  }

  /** Remove the unpinned entries, or all of them with `includePinned`. */
  async clear(includePinned: boolean): Promise<void> {
    await this._call(includePinned ? '?all=true' : '', { method: 'DELETE' });
  }

  private async _call(path: string, init: RequestInit = {}): Promise<void> {
    try {
      const reply = await requestAPI<IRecentsReply>('recents', path, init);
      this._entries = reply.recents;
      this._error = null;
      this._loaded = true;
    } catch (error) {
      this._error = (error as Error).message ?? String(error);
      this._changed.emit();
      throw error;
    }
    this._changed.emit();
  }

  private _entries: IRecentEntry[] = [];
  private _error: string | null = null;
  private _loaded = false;
  private _changed = new Signal<this, void>(this);
}
