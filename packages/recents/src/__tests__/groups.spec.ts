import {
  filterEntries,
  groupEntries,
  groupOf,
  isExcluded,
  nameContexts,
  recentType,
  shortTime
} from '../groups';
import { IRecentEntry } from '../types';

const now = new Date(2026, 10, 27, 10, 30); // Friday 27 Nov 2026, 10:30 local

function at(year: number, month: number, day: number, hour = 12): number {
  return new Date(year, month, day, hour).getTime() / 1000;
}

function entry(path: string, when: number, pinned = false): IRecentEntry {
  return {
    path,
    type: 'file',
    last_opened: when,
    pinned,
    exists: true
  };
}

describe('groupOf', () => {
  it('sorts times into calendar days', () => {
    expect(groupOf(at(2026, 10, 27, 0), now)).toBe('today');
    expect(groupOf(at(2026, 10, 26, 23), now)).toBe('yesterday');
    expect(groupOf(at(2026, 10, 26, 0), now)).toBe('yesterday');
    expect(groupOf(at(2026, 10, 25, 23), now)).toBe('week');
    expect(groupOf(at(2026, 10, 21, 1), now)).toBe('week');
    expect(groupOf(at(2026, 10, 20, 23), now)).toBe('older');
    expect(groupOf(at(2025, 0, 1), now)).toBe('older');
  });
});

describe('groupEntries', () => {
  it('puts pinned first, then time groups newest first, skipping empty ones', () => {
    const groups = groupEntries(
      [
        entry('old.txt', at(2026, 9, 1)),
        entry('today-early.txt', at(2026, 10, 27, 8)),
        entry('pinned-old.txt', at(2024, 0, 1), true),
        entry('today-late.txt', at(2026, 10, 27, 10)),
        entry('yesterday.txt', at(2026, 10, 26))
      ],
      now
    );
    expect(groups.map(g => g.key)).toEqual([
      'pinned',
      'today',
      'yesterday',
      'older'
    ]);
    expect(groups[1].entries.map(e => e.path)).toEqual([
      'today-late.txt',
      'today-early.txt'
    ]);
    expect(groups[0].entries.map(e => e.path)).toEqual(['pinned-old.txt']);
  });
});

describe('filterEntries', () => {
  const list = [
    entry('project/run2/analysis.ipynb', 1),
    entry('project/run1/analysis.ipynb', 2),
    entry('Data/README.md', 3)
  ];
  it('keeps everything for an empty query', () => {
    expect(filterEntries(list, '  ')).toHaveLength(3);
  });
  it('matches every word, case-insensitively', () => {
    expect(filterEntries(list, 'RUN2 ipynb').map(e => e.path)).toEqual([
      'project/run2/analysis.ipynb'
    ]);
    expect(filterEntries(list, 'data readme')).toHaveLength(1);
    expect(filterEntries(list, 'nothing')).toEqual([]);
  });
});

describe('isExcluded', () => {
  it('matches a bare name against any part of the path', () => {
    const patterns = ['.ipynb_checkpoints', '*.log'];
    expect(
      isExcluded('a/.ipynb_checkpoints/x-checkpoint.ipynb', patterns)
    ).toBe(true);
    expect(isExcluded('.ipynb_checkpoints', patterns)).toBe(true);
    expect(isExcluded('runs/job.log', patterns)).toBe(true);
    expect(isExcluded('runs/job.log.txt', patterns)).toBe(false);
    expect(isExcluded('a/ipynb_checkpoints', patterns)).toBe(false);
  });
  it('anchors patterns with a slash at the root', () => {
    expect(isExcluded('tmp/x', ['/tmp/*'])).toBe(true);
    expect(isExcluded('tmp/x/y.txt', ['/tmp/*'])).toBe(true);
    expect(isExcluded('tmp', ['/tmp/*'])).toBe(false);
    expect(isExcluded('home/tmp/x', ['/tmp/*'])).toBe(false);
    expect(isExcluded('scratch/a/b/c.nc', ['scratch/**/*.nc'])).toBe(true);
    expect(isExcluded('scratch/c.txt', ['scratch/**/*.nc'])).toBe(false);
  });
  it('treats regular expression characters literally', () => {
    expect(isExcluded('a+b', ['a+b'])).toBe(true);
    expect(isExcluded('aab', ['a+b'])).toBe(false);
    expect(isExcluded('anything', ['', '  '])).toBe(false);
  });
});

describe('recentType', () => {
  it('maps JupyterLab content types to the server types', () => {
    expect(recentType('notebook')).toBe('notebook');
    expect(recentType('directory')).toBe('directory');
    expect(recentType('file')).toBe('file');
    expect(recentType('text')).toBe('file');
  });
});

describe('nameContexts', () => {
  it('shows the folder, and the tail that tells repeated names apart', () => {
    const t = now.getTime() / 1000;
    const contexts = nameContexts([
      entry('project/run1/analysis.ipynb', t),
      entry('project/run2/analysis.ipynb', t),
      entry('old/run1/analysis.ipynb', t),
      entry('analysis.ipynb', t),
      entry('notes/todo.md', t),
      entry('top.txt', t)
    ]);
    expect(contexts.get('project/run1/analysis.ipynb')).toEqual({
      text: 'project/run1',
      repeated: true
    });
    expect(contexts.get('project/run2/analysis.ipynb')).toEqual({
      text: '…/run2',
      repeated: true
    });
    expect(contexts.get('old/run1/analysis.ipynb')).toEqual({
      text: 'old/run1',
      repeated: true
    });
    expect(contexts.get('analysis.ipynb')).toEqual({
      text: '/',
      repeated: true
    });
    expect(contexts.get('notes/todo.md')).toEqual({
      text: 'notes',
      repeated: false
    });
    expect(contexts.get('top.txt')).toEqual({ text: '', repeated: false });
  });
});

describe('shortTime', () => {
  it('clock time today and yesterday, weekday this week, date before', () => {
    const today = new Date(2026, 10, 27, 9, 5).getTime() / 1000;
    expect(shortTime(today, now, 'en-GB')).toBe('9:05');
    expect(shortTime(today, now, 'en-US')).toMatch(/^9:05\sAM$/);
    const yesterday = new Date(2026, 10, 26, 18, 40).getTime() / 1000;
    expect(shortTime(yesterday, now, 'en-GB')).toBe('18:40');
    expect(shortTime(at(2026, 10, 23), now, 'en-GB')).toBe('Mon');
    expect(shortTime(at(2026, 9, 3), now, 'en-GB')).toBe('3 Oct');
    expect(shortTime(at(2025, 9, 3), now, 'en-GB')).toBe('3 Oct 2025');
  });
});
