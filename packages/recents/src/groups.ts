/**
 * Pure helpers of the Recent panel: grouping by time, filtering and the
 * exclude patterns of the settings. No JupyterLab imports, so they are unit
 * tested with jest.
 */
import { distinctTails, parentParts } from '@jupyterlab-hpc/common';

import { IRecentEntry, RecentType } from './types';

export type GroupKey = 'pinned' | 'today' | 'yesterday' | 'week' | 'older';

export interface IGroup {
  key: GroupKey;
  entries: IRecentEntry[];
}

const ORDER: GroupKey[] = ['pinned', 'today', 'yesterday', 'week', 'older'];

function startOfDay(date: Date): number {
  return new Date(
    date.getFullYear(),
    date.getMonth(),
    date.getDate()
  ).getTime();
}

/** Which group an unpinned entry opened at `epochSeconds` falls in, seen at `now`. */
export function groupOf(epochSeconds: number, now: Date): GroupKey {
  const today = startOfDay(now);
  const opened = epochSeconds * 1000;
  const day = 24 * 60 * 60 * 1000;
  if (opened >= today) {
    return 'today';
  }
  // Local calendar days, so daylight-saving days still count as one day.
  const yesterday = startOfDay(new Date(today - day / 2));
  if (opened >= yesterday) {
    return 'yesterday';
  }
  const weekAgo = startOfDay(new Date(today - 6 * day + day / 2));
  return opened >= weekAgo ? 'week' : 'older';
}

/**
 * Pinned entries first, then Today, Yesterday, This week, Older; newest first
 * inside each group; empty groups are left out.
 */
export function groupEntries(entries: IRecentEntry[], now: Date): IGroup[] {
  const groups = new Map<GroupKey, IRecentEntry[]>();
  for (const entry of entries) {
    const key = entry.pinned ? 'pinned' : groupOf(entry.last_opened, now);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return ORDER.filter(key => groups.has(key)).map(key => ({
    key,
    entries: groups
      .get(key)!
      .slice()
      .sort((a, b) => b.last_opened - a.last_opened)
  }));
}

/**
 * Entries whose path contains every word of `query` (case-insensitive), so
 * "run2 ipynb" finds "project/run2/analysis.ipynb".
 */
export function filterEntries(
  entries: IRecentEntry[],
  query: string
): IRecentEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return entries;
  }
  return entries.filter(entry => {
    const path = entry.path.toLowerCase();
    return words.every(word => path.includes(word));
  });
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else {
      out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return out;
}

/**
 * Whether `path` (relative to the root) matches one of the exclude patterns.
 *
 * - a pattern without "/" matches any one part of the path:
 *   `.ipynb_checkpoints` excludes everything inside such folders, `*.log`
 *   any log file;
 * - a pattern starting with "/" matches from the root: `/tmp/*`;
 * - any other pattern matches the whole path: `scratch/**`.
 *
 * `*` stays within one folder, `**` crosses folders, `?` is one character.
 */
export function isExcluded(path: string, patterns: string[]): boolean {
  const clean = path.replace(/^\/+/, '');
  const parts = clean.split('/');
  return patterns.some(raw => {
    const pattern = raw.trim();
    if (!pattern) {
      return false;
    }
    if (!pattern.includes('/')) {
      const re = new RegExp(`^${globToRegExp(pattern)}$`);
      return parts.some(part => re.test(part));
    }
    const anchored = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
    // "dir/*" also excludes what lies deeper below "dir".
    const re = new RegExp(`^${globToRegExp(anchored)}(/.*)?$`);
    return re.test(clean);
  });
}

/**
 * What to show after each entry's name, by path: where several entries share
 * a name (`run1/analysis.ipynb`, `run2/analysis.ipynb`), the shortest tail of
 * their folders that tells them apart (`run1`, `run2`), with `repeated` set;
 * otherwise the whole folder ('' at the root), which may be cut from the left.
 */
export function nameContexts(
  entries: ReadonlyArray<IRecentEntry>
): Map<string, { text: string; repeated: boolean }> {
  const byName = new Map<string, IRecentEntry[]>();
  for (const entry of entries) {
    const name = entry.path.split('/').filter(Boolean).pop() ?? entry.path;
    byName.set(name, [...(byName.get(name) ?? []), entry]);
  }
  const result = new Map<string, { text: string; repeated: boolean }>();
  for (const group of byName.values()) {
    if (group.length === 1) {
      result.set(group[0].path, {
        text: parentParts(group[0].path).join('/'),
        repeated: false
      });
      continue;
    }
    const tails = distinctTails(group.map(entry => parentParts(entry.path)));
    group.forEach((entry, i) =>
      result.set(entry.path, { text: tails[i], repeated: true })
    );
  }
  return result;
}

/**
 * A short time for the list (the group already says which day): the clock
 * time today and yesterday, the weekday this week, the date before.
 */
export function shortTime(
  epochSeconds: number,
  now: Date,
  locale?: string
): string {
  const date = new Date(epochSeconds * 1000);
  const group = groupOf(epochSeconds, now);
  if (group === 'today' || group === 'yesterday') {
    return date.toLocaleTimeString(locale, {
      hour: 'numeric',
      minute: '2-digit'
    });
  }
  if (group === 'week') {
    return date.toLocaleDateString(locale, { weekday: 'short' });
  }
  return date.toLocaleDateString(locale, {
    day: 'numeric',
    month: 'short',
    year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric'
  });
}

/** The server's type for a JupyterLab content type. */
export function recentType(contentType: string): RecentType {
  return contentType === 'directory' || contentType === 'notebook'
    ? contentType
    : 'file';
}
