import { jsonBody, requestAPI } from '@jupyterlab-hpc/common';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import type { IFavorite, IFavorites } from './tokens';

/** What the star of the current folder stands for. */
export interface IStar {
  state: 'own' | 'site' | 'hidden-site' | 'none';
  favorite: IFavorite | null;
}

/** The answer of `GET hpc/favorites`. */
export interface IListing {
  favorites: IFavorite[];
  /** Set when the store file was damaged and set aside. */
  store_error: { message: string; backup: string } | null;
  /** Bookmarks of @jlab-enhanced/favorites wait to be imported. */
  legacy_import: boolean;
}

const LEGACY_SOURCE = '@jlab-enhanced/favorites';

/**
 * The favorites as the server has them, and every change to them.
 *
 * Each change is one per-item request, followed by a fresh listing, so what
 * is shown is always what the server holds (also after another tab changed it).
 */
export class FavoritesModel implements IFavorites {
  constructor() {
    this._poll = new Poll({
      factory: () => this._refresh(),
      frequency: { interval: 60 * 1000, backoff: true, max: 10 * 60 * 1000 },
      standby: 'when-hidden',
      name: '@jupyterlab-hpc/favorites:refresh'
    });
  }

  get favorites(): ReadonlyArray<IFavorite> {
    return this._favorites;
  }

  get changed(): ISignal<IFavorites, void> {
    return this._changed;
  }

  /** The damaged-store notice of the server, if any. */
  get storeError(): IListing['store_error'] {
    return this._storeError;
  }

  /** Why the last listing failed (server unreachable...), or null. */
  get loadError(): string | null {
    return this._loadError;
  }

  get loaded(): boolean {
    return this._loaded;
  }

  async list(): Promise<ReadonlyArray<IFavorite>> {
    await this._refresh();
    return this._favorites;
  }

  async add(path: string, name?: string): Promise<IFavorite> {
    const body: { path: string; name?: string } = { path };
    if (name) {
      body.name = name;
    }
    try {
      return await requestAPI<IFavorite>(
        'favorites',
        '',
        jsonBody('POST', body)
      );
    } finally {
      await this._refresh();
    }
  }

  /** Remove the favorite of `path` (a site favorite is hidden instead). */
  async remove(path: string): Promise<void> {
    const favorite = this.find(path);
    if (favorite) {
      await this.removeById(favorite.id);
    }
  }

  async removeById(id: string): Promise<void> {
    const favorite = this._favorites.find(f => f.id === id);
    try {
      if (favorite && favorite.source !== 'user') {
        await this._patch(id, { hidden: true });
      } else {
        await requestAPI<void>('favorites', encodeURIComponent(id), {
          method: 'DELETE'
        });
      }
    } finally {
      await this._refresh();
    }
  }

  async rename(id: string, name: string): Promise<void> {
    await this._change(id, { name });
  }

  /** Move one of the user's favorites to `index` among the user's favorites. */
  async move(id: string, index: number): Promise<void> {
    // Show the new order at once; the listing that follows confirms it.
    const own = this._favorites.filter(f => f.source === 'user');
    const moving = own.find(f => f.id === id);
    if (moving) {
      const rest = own.filter(f => f.id !== id);
      rest.splice(index, 0, moving);
      this._favorites = [
        ...this._favorites.filter(f => f.source !== 'user'),
        ...rest
      ];
      this._changed.emit();
    }
    await this._change(id, { index });
  }

  /** Show again every site favorite the user hid. */
  async restoreDefaults(): Promise<void> {
    const hidden = this._favorites.filter(f => f.hidden);
    try {
      for (const favorite of hidden) {
        await this._patch(favorite.id, { hidden: false });
      }
    } finally {
      await this._refresh();
    }
  }

  has(path: string): boolean {
    return this.find(path) !== undefined;
  }

  /** The user's own favorite pointing at `path`, if any. */
  findOwn(path: string): IFavorite | undefined {
    const wanted = normalize(path);
    return this._favorites.find(
      f =>
        f.source === 'user' &&
        f.resolved !== null &&
        normalize(f.resolved) === wanted
    );
  }

  /**
   * What the star of the folder `path` stands for: the user's own favorite,
   * a site (or group) favorite shown or hidden, or nothing.
   */
  starOf(path: string): IStar {
    const own = this.findOwn(path);
    if (own) {
      return { state: 'own', favorite: own };
    }
    const wanted = normalize(path);
    const site = this._favorites.filter(
      f =>
        f.source !== 'user' &&
        f.resolved !== null &&
        normalize(f.resolved) === wanted
    );
    const shown = site.find(f => !f.hidden);
    if (shown) {
      return { state: 'site', favorite: shown };
    }
    return site[0]
      ? { state: 'hidden-site', favorite: site[0] }
      : { state: 'none', favorite: null };
  }

  /** Hide a site favorite, or show it again. */
  async setHidden(id: string, hidden: boolean): Promise<void> {
    await this._change(id, { hidden });
  }

  /**
   * Bring back a removed favorite of the user's (undo): same path, name and
   * place among the user's favorites.
   */
  async addBack(favorite: IFavorite, index: number): Promise<void> {
    const added = await this.add(favorite.path, favorite.name);
    const own = this._favorites.filter(f => f.source === 'user');
    if (index < own.length - 1) {
      await this._change(added.id, { index });
    }
  }

  /** The visible favorite pointing at `path` (relative to the server root). */
  find(path: string): IFavorite | undefined {
    const wanted = normalize(path);
    return this._favorites.find(
      f => !f.hidden && f.resolved !== null && normalize(f.resolved) === wanted
    );
  }

  dispose(): void {
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async _change(id: string, body: object): Promise<void> {
    try {
      await this._patch(id, body);
    } finally {
      await this._refresh();
    }
  }

  private _patch(id: string, body: object): Promise<IFavorite> {
    return requestAPI<IFavorite>(
      'favorites',
      encodeURIComponent(id),
      jsonBody('PATCH', body)
    );
  }

  private async _refresh(): Promise<void> {
    let listing: IListing;
    try {
      listing = await requestAPI<IListing>('favorites');
    } catch (error) {
      // Keep showing the last list: a hiccup must not make bookmarks vanish.
      this._loadError = String((error as Error).message ?? error);
      this._changed.emit();
      return;
    }
    if (listing.legacy_import && !this._importTried) {
      this._importTried = true;
      try {
        await requestAPI('favorites', 'import', {
          method: 'POST',
          body: JSON.stringify({ source: LEGACY_SOURCE })
        });
        listing = await requestAPI<IListing>('favorites');
      } catch (error) {
        console.warn('Favorites: import of old bookmarks failed', error);
      }
    }
    this._favorites = listing.favorites;
    this._storeError = listing.store_error;
    this._loadError = null;
    this._loaded = true;
    this._changed.emit();
  }

  private _favorites: IFavorite[] = [];
  private _storeError: IListing['store_error'] = null;
  private _loadError: string | null = null;
  private _loaded = false;
  private _importTried = false;
  private _poll: Poll;
  private _changed = new Signal<IFavorites, void>(this);
}

/** `/a/b/` and `a/b` are the same browser path. */
export function normalize(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
