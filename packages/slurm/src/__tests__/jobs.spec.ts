import {
  COLUMNS,
  IJob,
  filterJobs,
  finalKind,
  formatDuration,
  normalizeColumns,
  rangeIds,
  searchIndex,
  snapshot,
  sortJobs,
  statesOf,
  transitions
} from '../jobs';

function job(id: string, extra: Partial<IJob> = {}): IJob {
  return { id, name: `job ${id}`, user: 'alice', state: 'PENDING', ...extra };
}

// Rows as the server answers them for a real 22.05 queue (array tasks one
// per line, a pending task range, a name with spaces and markup).
const RECORDED: IJob[] = [
  job('121', { name: 'post process', state: 'PENDING', reason: 'JobHeldUser' }),
  job('120_10', { state: 'RUNNING', time_used: 65, time_limit: 3600 }),
  job('120_9', { state: 'RUNNING', time_used: 3725, time_limit: null }),
  job('120_[11-20]', { state: 'PENDING', reason: 'Resources' }),
  job('99', { name: '<b>x</b>', user: 'bob', state: 'CANCELLED by 0' }),
  job('1000', { name: 'ünïcode ✓', partition: 'long', state: 'RUNNING' })
];

describe('job ids', () => {
  it('sorts numerically and array-aware', () => {
    const ids = ['121', '120_10', '120_9', '9', '120', '1000', '120_[11-20]'];
    const sorted = sortJobs(
      ids.map(id => job(id)),
      { column: 'id', descending: false }
    );
    expect(sorted.map(j => j.id)).toEqual([
      '9',
      '120',
      '120_9',
      '120_10',
      '120_[11-20]',
      '121',
      '1000'
    ]);
  });
});

describe('sorting', () => {
  it('sorts by the id column by default order, and descending', () => {
    const up = sortJobs(RECORDED, { column: 'id', descending: false });
    expect(up.map(j => j.id)).toEqual([
      '99',
      '120_9',
      '120_10',
      '120_[11-20]',
      '121',
      '1000'
    ]);
    const down = sortJobs(RECORDED, { column: 'id', descending: true });
    expect(down.map(j => j.id)).toEqual(up.map(j => j.id).reverse());
  });

  it('sorts by time used with ties broken by id, unknown last', () => {
    const sorted = sortJobs(RECORDED, { column: 'time', descending: false });
    expect(sorted.slice(0, 2).map(j => j.id)).toEqual(['120_10', '120_9']);
  });

  it('does not modify its input', () => {
    const before = RECORDED.map(j => j.id);
    sortJobs(RECORDED, { column: 'name', descending: true });
    expect(RECORDED.map(j => j.id)).toEqual(before);
  });
});

describe('filtering', () => {
  const columns = normalizeColumns(['name', 'id', 'state', 'user']);
  const index = searchIndex(RECORDED, columns);

  it('matches every term in any shown column, case-insensitively', () => {
    expect(filterJobs(RECORDED, index, { text: 'POST', state: '' })).toEqual([
      RECORDED[0]
    ]);
    expect(
      filterJobs(RECORDED, index, { text: 'bob <b>', state: '' }).map(j => j.id)
    ).toEqual(['99']);
    expect(
      filterJobs(RECORDED, index, { text: '120_', state: '' })
    ).toHaveLength(3);
  });

  it('ignores columns that are not shown', () => {
    expect(filterJobs(RECORDED, index, { text: 'long', state: '' })).toEqual(
      []
    );
    const withPartition = searchIndex(RECORDED, ['partition']);
    expect(
      filterJobs(RECORDED, withPartition, { text: 'long', state: '' }).map(
        j => j.id
      )
    ).toEqual(['1000']);
  });

  it('filters by base state', () => {
    expect(
      filterJobs(RECORDED, index, { text: '', state: 'cancelled' }).map(
        j => j.id
      )
    ).toEqual(['99']);
    expect(
      filterJobs(RECORDED, index, { text: '120', state: 'RUNNING' }).map(
        j => j.id
      )
    ).toEqual(['120_10', '120_9']);
    expect(statesOf(RECORDED)).toEqual(['CANCELLED', 'PENDING', 'RUNNING']);
  });

  it('needs every term, each anywhere in the row (100,000 rows)', () => {
    const many = Array.from({ length: 100000 }, (_, i) => job(String(i)));
    const big = searchIndex(many, columns);
    const found = filterJobs(many, big, { text: 'job 9999', state: '' });
    // 9999, x9999 (9 of them) and 99990-99998 (9)
    expect(found).toHaveLength(19);
    expect(found[0].id).toBe('9999');
    expect(filterJobs(many, big, { text: '99999 bob', state: '' })).toEqual([]);
  });

  it('keeps known column ids in canonical order and never none', () => {
    expect(normalizeColumns(['state', 'bogus', 'id'])).toEqual(['id', 'state']);
    expect(normalizeColumns([])).toEqual(['id']);
  });
});

describe('cell text', () => {
  it('formats durations and limits like Slurm', () => {
    expect(formatDuration(65)).toBe('0:01:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(2 * 86400 + 3 * 3600)).toBe('2-03:00:00');
    expect(COLUMNS.time.text(RECORDED[2])).toBe('1:02:05 / UNLIMITED');
    expect(COLUMNS.time.text(RECORDED[1])).toBe('0:01:05 / 1:00:00');
  });

  it('keeps markup as plain text', () => {
    expect(COLUMNS.name.text(RECORDED[4])).toBe('<b>x</b>');
  });
});

describe('notification transitions', () => {
  it('reports starts and final states of known jobs only', () => {
    const before = snapshot(
      [
        job('1', { state: 'PENDING' }),
        job('2', { state: 'RUNNING' }),
        job('3', { state: 'RUNNING' }),
        job('4', { state: 'RUNNING' }),
        job('5', { state: 'COMPLETED' })
      ],
      'alice'
    );
    const { changes, vanished } = transitions(before, [
      job('1', { state: 'RUNNING' }),
      job('2', { state: 'COMPLETED' }),
      job('3', { state: 'CANCELLED by 0' }),
      job('5', { state: 'COMPLETED' }),
      job('6', { state: 'RUNNING' })
    ]);
    expect(changes.map(c => [c.job.id, c.kind])).toEqual([
      ['1', 'started'],
      ['2', 'completed'],
      ['3', 'cancelled']
    ]);
    expect(vanished.map(j => j.id)).toEqual(['4']);
  });

  it('reports failures and nothing on a first load', () => {
    const before = snapshot([job('7', { state: 'RUNNING' })], 'alice');
    expect(
      transitions(before, [job('7', { state: 'TIMEOUT' })]).changes[0].kind
    ).toBe('failed');
    expect(transitions(new Map(), RECORDED)).toEqual({
      changes: [],
      vanished: []
    });
  });

  it("ignores other users' jobs", () => {
    const before = snapshot(RECORDED, 'alice');
    expect(before.has('99')).toBe(false);
    expect(before.has('121')).toBe(true);
  });

  it('maps final states to kinds', () => {
    expect(finalKind('OUT_OF_MEMORY')).toBe('failed');
    expect(finalKind('CANCELLED by 1000')).toBe('cancelled');
    expect(finalKind('RUNNING')).toBeNull();
  });
});

describe('range selection', () => {
  it('selects between two rows in either direction', () => {
    const rows = sortJobs(RECORDED, { column: 'id', descending: false });
    expect(rangeIds(rows, '120_9', '121')).toEqual([
      '120_9',
      '120_10',
      '120_[11-20]',
      '121'
    ]);
    expect(rangeIds(rows, '121', '120_10')).toEqual([
      '120_10',
      '120_[11-20]',
      '121'
    ]);
  });
});
