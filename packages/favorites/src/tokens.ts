import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

/** One favorite as the server lists it (`GET hpc/favorites`). */
export interface IFavorite {
  id: string;
  /** The path as the user or the site wrote it (may hold `$VARS`). */
  path: string;
  /** The path relative to the server root, or null when it cannot be resolved. */
  resolved: string | null;
  name: string;
  type: 'directory' | 'file' | null;
  exists: boolean;
  /** Why the favorite is unusable right now (unset variable, missing, outside root). */
  reason: string | null;
  source: 'user' | 'site' | 'group';
  hidden: boolean;
}

/**
 * The favorites service, for other extensions (recents, the Slurm job view)
 * that want to offer "Add to Favorites".
 */
export interface IFavorites {
  /** The favorites as last listed by the server. */
  readonly favorites: ReadonlyArray<IFavorite>;
  /** Emitted whenever the list changes. */
  readonly changed: ISignal<IFavorites, void>;
  /** Ask the server for the current list. */
  list(): Promise<ReadonlyArray<IFavorite>>;
  /** Bookmark a path (relative to the server root, or with `$VARS`). */
  add(path: string, name?: string): Promise<IFavorite>;
  /** Remove the favorite whose resolved path is `path`. */
  remove(path: string): Promise<void>;
  /** Whether `path` (relative to the server root) is a visible favorite. */
  has(path: string): boolean;
}

export const IFavorites = new Token<IFavorites>(
  '@jupyterlab-hpc/favorites:IFavorites',
  'Server-side favorites of the file browser.'
);
