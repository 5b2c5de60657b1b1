/**
 * A delta merged into the panel's sorted rows (issue 15's panel goals): the
 * result equals sorting and filtering the new list from scratch, for every
 * sort and with filters on, while only the changed jobs get a sort key,
 * search text and filter match computed.
 */
import {
  COLUMNS,
  ColumnId,
  IFilter,
  IJob,
  ISort,
  filterJobs,
  searchIndex,
  sortJobs,
  statesOf
} from '../jobs';
import { IJobsAnswer, QueueTable } from '../queueTable';
import { SortedJobs } from '../sortedJobs';

const STATES = ['PENDING', 'RUNNING', 'COMPLETING', 'CANCELLED by 0'];
const USERS = ['alice', 'bob', 'carol'];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function makeJob(id: string, rnd: () => number): IJob {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  return {
    id,
    name: `job ${pick(['a', 'b', 'train', 'eval'])}`,
    user: pick(USERS),
    state: pick(STATES),
    nodes: rnd() < 0.1 ? null : 1 + Math.floor(rnd() * 4),
    submit_time: 1800000000 + Math.floor(rnd() * 100),
    time_used: 0,
    time_limit: 3600
  } as IJob;
}

function answer(
  version: number,
  full: boolean,
  jobs: IJob[],
  removed: string[] = []
): IJobsAnswer {
  return { version, full, jobs, removed, updated_at: 1, user: 'alice' };
}

const COLS: ColumnId[] = ['id', 'name', 'user', 'state', 'nodes'];

describe('SortedJobs merges a delta', () => {
  const sorts: ISort[] = [
    { column: 'id', descending: true },
    { column: 'id', descending: false },
    { column: 'name', descending: false },
    { column: 'user', descending: true },
    { column: 'nodes', descending: false },
    { column: 'submit_time', descending: true }
  ];
  const filters: IFilter[] = [
    { text: '', state: '' },
    { text: 'train', state: '' },
    { text: 'bob 1', state: 'RUNNING' },
    { text: '', state: 'cancelled' }
  ];

  for (const sort of sorts) {
    for (const filter of filters) {
      it(`equals a full sort and filter (${sort.column} ${
        sort.descending ? 'desc' : 'asc'
      }, "${filter.text}" ${filter.state})`, () => {
        const rnd = random(sort.column.length * 7 + filter.text.length);
        const table = new QueueTable();
        let next = 1;
        const initial = Array.from({ length: 300 }, () =>
          makeJob(
            rnd() < 0.2 ? `${next++}_${Math.floor(rnd() * 12)}` : `${next++}`,
            rnd
          )
        );
        table.apply(answer(1, true, initial));
        let view = SortedJobs.sort(table.jobs, sort);
        view.texts(COLS);
        view.states();
        view.filter(filter, COLS);

        for (let round = 2; round < 8; round++) {
          const ids = table.jobs.map(j => j.id);
          const changed = ids
            .filter(() => rnd() < 0.05)
            .map(id => makeJob(id, rnd));
          const removed = ids.filter(
            id => rnd() < 0.05 && !changed.some(j => j.id === id)
          );
          const added = Array.from({ length: 10 }, () =>
            makeJob(String(next++), rnd)
          );
          const unchanged = table.jobs.filter(
            j => !removed.includes(j.id) && !changed.some(c => c.id === j.id)
          );
          expect(
            table.apply(answer(round, false, [...changed, ...added], removed))
          ).toBe(true);

          const search = jest.spyOn(COLUMNS.name, 'search');
          const key = jest.spyOn(COLUMNS[sort.column], 'key');
          const merged = view.next(table.jobs, sort, table.change);
          // only the new records were indexed, and keyed with the ones they
          // replace or remove (to find them): nothing was sorted afresh
          expect(search).toHaveBeenCalledTimes(changed.length + added.length);
          expect(key).toHaveBeenCalledTimes(
            2 * changed.length + added.length + removed.length
          );
          search.mockRestore();
          key.mockRestore();

          const expected = sortJobs(table.jobs, sort);
          expect(merged.jobs).toEqual(expected);
          // unchanged jobs are the same objects (selection, details)
          for (const job of unchanged) {
            expect(merged.jobs).toContain(job);
          }
          expect(merged.texts(COLS)).toEqual(searchIndex(expected, COLS));
          expect(merged.states()).toEqual(statesOf(table.jobs));
          expect(merged.filter(filter, COLS)).toEqual(
            filterJobs(expected, searchIndex(expected, COLS), filter)
          );
          view = merged;
        }
      });
    }
  }

  it('sorts afresh without a change that leads from its list, or for a new sort', () => {
    const rnd = random(3);
    const table = new QueueTable();
    table.apply(answer(1, true, [makeJob('1', rnd), makeJob('2', rnd)]));
    const sort: ISort = { column: 'id', descending: true };
    const view = SortedJobs.sort(table.jobs, sort);
    expect(view.next(table.jobs, sort, table.change)).toBe(view);
    // a full answer: no change to merge
    table.apply(answer(2, true, [makeJob('3', rnd), makeJob('1', rnd)]));
    expect(table.change).toBeNull();
    const key = jest.spyOn(COLUMNS.id, 'key');
    const full = view.next(table.jobs, sort, table.change);
    expect(key).toHaveBeenCalledTimes(2);
    key.mockRestore();
    expect(full.jobs.map(j => j.id)).toEqual(['3', '1']);
    // another sort of the same list
    const byName = full.next(
      table.jobs,
      { column: 'name', descending: false },
      null
    );
    expect(byName.jobs).toEqual(
      sortJobs(table.jobs, { column: 'name', descending: false })
    );
    // a change from another list than the view's (two deltas in between)
    table.apply(answer(3, false, [makeJob('4', rnd)]));
    table.apply(answer(4, false, [makeJob('5', rnd)], ['3']));
    expect(
      full.next(table.jobs, sort, table.change).jobs.map(j => j.id)
    ).toEqual(['5', '4', '1']);
  });

  it('sorts by Time afresh: a running job’s key grows with the clock', () => {
    let now = 1800000000000;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => now);
    const table = new QueueTable();
    const run = (id: string, used: number) =>
      ({
        ...makeJob(id, random(1)),
        state: 'RUNNING',
        time_used: used
      }) as IJob;
    const done = (id: string, used: number) =>
      ({
        ...makeJob(id, random(1)),
        state: 'COMPLETING',
        time_used: used
      }) as IJob;
    table.apply(answer(1, true, [run('1', 10), done('2', 30)]));
    const sort: ISort = { column: 'time', descending: false };
    const view = SortedJobs.sort(table.jobs, sort);
    expect(view.jobs.map(j => j.id)).toEqual(['1', '2']);
    now += 60000; // job 1 is now at 70 s, past job 2's 30 s
    table.apply(answer(2, false, [done('3', 40)]));
    expect(
      view.next(table.jobs, sort, table.change).jobs.map(j => j.id)
    ).toEqual(['2', '3', '1']);
    spy.mockRestore();
  });
});

describe('the text filter and the ticking Time column', () => {
  it('matches the time limit, not the elapsed time that ticks', () => {
    const running = {
      ...makeJob('1', random(2)),
      state: 'RUNNING',
      time_used: 65,
      time_limit: 3600
    } as IJob;
    const view = SortedJobs.sort([running], { column: 'id', descending: true });
    expect(COLUMNS.time.text(running)).toBe('0:01:05 / 1:00:00');
    expect(view.filter({ text: '1:00:00', state: '' }, ['time'])).toEqual([
      running
    ]);
    expect(view.filter({ text: '0:01:05', state: '' }, ['time'])).toEqual([]);
  });
});
