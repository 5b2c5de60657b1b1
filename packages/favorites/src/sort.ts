import { distinctTails, parentParts } from '@jupyterlab-hpc/common';

import type { IFavorite } from './tokens';

/** How the Favorites section orders its entries (the `sortBy` setting). */
export type SortBy = 'manual' | 'name' | 'path';

const collator = new Intl.Collator(undefined, {
  numeric: true,
  sensitivity: 'base'
});

/**
 * The favorites to show, in display order.
 *
 * Hidden site favorites are left out. In `manual` order the server's order is
 * kept (site and group favorites first, then the user's in their chosen order).
 */
export function displayed(
  favorites: ReadonlyArray<IFavorite>,
  sortBy: SortBy
): IFavorite[] {
  const shown = favorites.filter(f => !f.hidden);
  if (sortBy === 'name') {
    return shown.sort(
      (a, b) =>
        collator.compare(a.name, b.name) || collator.compare(a.path, b.path)
    );
  }
  if (sortBy === 'path') {
    return shown.sort((a, b) =>
      collator.compare(a.resolved ?? a.path, b.resolved ?? b.path)
    );
  }
  return shown;
}

/**
 * The server index (among the user's own favorites) that puts `id` where
 * `target` is now in the manual list; null when the move makes no sense.
 */
export function moveIndex(
  favorites: ReadonlyArray<IFavorite>,
  id: string,
  target: string
): number | null {
  const own = favorites.filter(f => f.source === 'user');
  const from = own.findIndex(f => f.id === id);
  const to = own.findIndex(f => f.id === target);
  if (from < 0 || to < 0 || from === to) {
    return null;
  }
  return to;
}

/** What the tooltip of a favorite says: where it points, or why it cannot be used. */
export function tooltip(favorite: IFavorite): string {
  const where =
    favorite.resolved !== null && favorite.resolved !== favorite.path
      ? `${favorite.path}\n→ /${favorite.resolved}`
      : favorite.resolved !== null
        ? `/${favorite.resolved}`
        : favorite.path;
  return favorite.reason ? `${where}\n${favorite.reason}` : where;
}

/** A favorite the user can open now. */
export function usable(favorite: IFavorite): boolean {
  return favorite.exists && favorite.resolved !== null;
}

/**
 * What tells apart favorites shown under the same name (two "run1"), by id:
 * the shortest tail of their folders that differs (`…/analysis`), or of their
 * own paths when the folders end alike. Names that do not repeat get nothing.
 */
export function nameHints(
  shown: ReadonlyArray<IFavorite>
): Map<string, string> {
  const byName = new Map<string, IFavorite[]>();
  for (const favorite of shown) {
    const key = favorite.name.toLocaleLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), favorite]);
  }
  const hints = new Map<string, string>();
  for (const group of byName.values()) {
    if (group.length < 2) {
      continue;
    }
    const paths = group.map(f => f.resolved ?? f.path);
    let tails = distinctTails(paths.map(parentParts));
    if (new Set(tails).size < tails.length) {
      tails = distinctTails(paths.map(p => p.split('/').filter(Boolean)));
    }
    group.forEach((f, i) => hints.set(f.id, tails[i]));
  }
  return hints;
}
