/**
 * Deltas applied to the queue (issue 15): the compact columns format decodes
 * to the same jobs, a delta adds, changes and removes single jobs, unchanged
 * jobs and an unchanged list keep their identity, and the model asks with the
 * version it holds, keeps sort and selection working on the new list, and
 * keeps the list when the server answers 503 with the table as last read.
 */
const calls: string[] = [];
let handler: (path: string) => any = () => ({});

jest.mock('@jupyterlab-hpc/common', () => {
  class HpcRequestError extends Error {
    constructor(
      message: string,
      readonly status: number,
      readonly body: unknown = null
    ) {
      super(message);
    }
  }
  return {
    HpcRequestError,
    jsonBody: (method: string, body: unknown) => ({
      method,
      body: JSON.stringify(body)
    }),
    requestAPI: async (_feature: string, path: string) => {
      calls.push(path);
      return handler(path);
    }
  };
});

import { HpcRequestError } from '@jupyterlab-hpc/common';
import { COLUMNS as JOB_COLUMNS, IJob, ISort, sortJobs } from '../jobs';
import { SlurmModel } from '../model';
import { IJobsAnswer, QueueTable, decodeJobs } from '../queueTable';

const COLUMNS = ['id', 'name', 'user', 'state', 'time_used', 'start_time'];

function job(
  id: string,
  state = 'PENDING',
  user = 'alice',
  time_used = 0
): IJob {
  return {
    id,
    name: `n${id}`,
    user,
    state,
    time_used,
    start_time: null
  } as unknown as IJob;
}

/** The server's columns encoding of ``jobs`` (indexes into per-column values). */
function columns(
  version: number,
  full: boolean,
  jobs: IJob[],
  removed: string[] = []
): IJobsAnswer {
  const values: Record<string, unknown[]> = { name: [], user: [], state: [] };
  const rows = jobs.map(j =>
    COLUMNS.map(c => {
      const value = (j as any)[c];
      const list = values[c];
      if (!list) {
        return value;
      }
      if (!list.includes(value)) {
        list.push(value);
      }
      return list.indexOf(value);
    })
  );
  return {
    version,
    full,
    format: 'columns',
    columns: COLUMNS,
    values,
    jobs: rows,
    removed,
    updated_at: 1800000000 + version,
    user: 'alice',
    source: 'service'
  };
}

const STATUS = {
  available: true,
  version: '22.05.8',
  cluster: 'c',
  user: 'alice',
  min_refresh_interval: 5
};

describe('QueueTable', () => {
  it('decodes the columns format to the same jobs as objects', () => {
    const jobs = [job('1'), job('2_3', 'RUNNING', 'bob', 61), job('4')];
    expect(decodeJobs(columns(1, true, jobs))).toEqual(jobs);
    expect(
      decodeJobs({ jobs, updated_at: 1, user: 'alice' } as IJobsAnswer)
    ).toBe(jobs);
  });

  it('adds, changes and removes single jobs; unchanged ones keep identity', () => {
    const table = new QueueTable();
    expect(table.version).toBeNull();
    table.apply(columns(10, true, [job('1'), job('2'), job('3')]));
    const before = table.jobs;
    const two = before[1];
    const changed = table.apply(
      columns(11, false, [job('1', 'RUNNING'), job('9')], ['3'])
    );
    expect(changed).toBe(true);
    expect(table.version).toBe(11);
    expect(table.jobs.map(j => [j.id, j.state])).toEqual([
      ['1', 'RUNNING'],
      ['2', 'PENDING'],
      ['9', 'PENDING']
    ]);
    expect(table.jobs[1]).toBe(two);
    expect(table.updatedAt).toBe((1800000000 + 11) * 1000);
    // nothing changed: the very same list
    const list = table.jobs;
    expect(table.apply(columns(11, false, []))).toBe(false);
    expect(table.jobs).toBe(list);
    // a full answer replaces everything
    table.apply(columns(20, true, [job('5')]));
    expect(table.jobs.map(j => j.id)).toEqual(['5']);
    table.reset();
    expect(table.version).toBeNull();
    expect(table.jobs).toEqual([]);
  });
});

describe('QueueTable.jobsOf', () => {
  it("keeps the user's own jobs through deltas, as the whole list has them", () => {
    const table = new QueueTable();
    const own = () =>
      table
        .jobsOf('alice')
        .map(j => [j.id, j.state])
        .sort();
    const expected = () =>
      table.jobs
        .filter(j => j.user === 'alice')
        .map(j => [j.id, j.state])
        .sort();
    table.apply(
      columns(1, true, [job('1'), job('2', 'PENDING', 'bob'), job('3')])
    );
    expect(own()).toEqual([
      ['1', 'PENDING'],
      ['3', 'PENDING']
    ]);
    table.apply(
      columns(
        2,
        false,
        [job('1', 'RUNNING'), job('4'), job('5', 'PENDING', 'bob')],
        ['3', '2']
      )
    );
    expect(own()).toEqual(expected());
    expect(own()).toEqual([
      ['1', 'RUNNING'],
      ['4', 'PENDING']
    ]);
    table.apply(columns(3, true, [job('6')]));
    expect(own()).toEqual([['6', 'PENDING']]);
  });
});

describe("a running job's Time", () => {
  afterEach(() => jest.restoreAllMocks());

  it('advances between deltas without a new row; a full answer resets it', () => {
    let now = 1800000000000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const time = JOB_COLUMNS.time;
    const table = new QueueTable();
    table.apply(
      columns(10, true, [
        job('1', 'RUNNING', 'alice', 60),
        job('2'),
        job('3', 'RUNNING', 'bob', 5)
      ])
    );
    const one = () => table.jobs.find(j => j.id === '1')!;
    expect(time.text(one())).toBe('0:01:00 / UNLIMITED');
    // 30 s later the server's delta is empty (time_used alone is no change)
    now += 30000;
    expect(table.apply(columns(10, false, []))).toBe(false);
    expect(time.text(one())).toBe('0:01:30 / UNLIMITED');
    expect(time.key(one())).toBe(90);
    expect(time.text(table.jobs[1])).toBe('0:00:00 / UNLIMITED'); // pending: no clock
    // sorted by the time shown: 3 (5+30) before 1 (60+30) before the pending 2 (0)
    expect(
      sortJobs(table.jobs, { column: 'time', descending: true }).map(j => j.id)
    ).toEqual(['1', '3', '2']);
    // a delta with the job (another change) brings its time as of now
    now += 10000;
    table.apply(columns(11, false, [job('1', 'RUNNING', 'carol', 100)]));
    expect(time.text(one())).toBe('0:01:40 / UNLIMITED');
    expect(time.key(table.jobs.find(j => j.id === '3')!)).toBe(45);
    // a full answer resets every row's clock
    now += 5000;
    table.apply(columns(12, true, [job('1', 'RUNNING', 'carol', 105)]));
    expect(time.key(one())).toBe(105);
  });
});

describe('SlurmModel with versions', () => {
  let model: SlurmModel;
  beforeEach(() => {
    calls.length = 0;
    model = new SlurmModel({ interval: 3600 });
    model.visible = true;
    model.scope = 'all';
  });
  afterEach(() => model.dispose());

  it('asks with the version it holds and applies the delta; sort and selection keep working', async () => {
    const answers = [
      columns(100, true, [job('10'), job('2'), job('7', 'RUNNING', 'bob')]),
      columns(101, false, [job('2', 'RUNNING'), job('11')], ['7'])
    ];
    handler = path =>
      path === 'status'
        ? STATUS
        : path.includes('limit=')
          ? { ...columns(100, true, [job('10')]), partial: true, total: 3 }
          : answers.shift();
    await model.refresh();
    const first = model.jobs;
    const ten = first.find(j => j.id === '10');
    // what the panel holds: a sort and a selection of ids
    const sort: ISort = { column: 'id', descending: false };
    let selected = new Set(['7', '10']);
    expect(sortJobs(first, sort).map(j => j.id)).toEqual(['2', '7', '10']);

    await model.refresh();
    expect(calls.filter(p => p !== 'status')).toEqual([
      'jobs?scope=all&since=0&format=columns&limit=200',
      'jobs?scope=all&since=0&format=columns',
      'jobs?scope=all&since=100&format=columns'
    ]);
    expect(sortJobs(model.jobs, sort).map(j => [j.id, j.state])).toEqual([
      ['2', 'RUNNING'],
      ['10', 'PENDING'],
      ['11', 'PENDING']
    ]);
    expect(model.jobs.find(j => j.id === '10')).toBe(ten);
    // the panel keeps the selected jobs still listed (QueueView does the same)
    const listed = new Set(model.jobs.map(j => j.id));
    selected = new Set([...selected].filter(id => listed.has(id)));
    expect([...selected]).toEqual(['10']);
    expect(model.updatedAt).toBe((1800000000 + 101) * 1000);
  });

  it('shows the newest jobs first while the whole list loads, then the whole list', async () => {
    let release: (answer: IJobsAnswer) => void = () => undefined;
    const whole = new Promise<IJobsAnswer>(resolve => (release = resolve));
    const all = [job('12'), job('11'), job('3'), job('2_1')];
    handler = path =>
      path === 'status'
        ? STATUS
        : path.includes('limit=200')
          ? { ...columns(7, true, all.slice(0, 2)), partial: true, total: 4 }
          : path.includes('since=0')
            ? whole
            : columns(7, false, []);
    const refreshed = model.refresh();
    await new Promise(resolve => setTimeout(resolve, 0));
    // the first screen is shown with the whole list's count before it arrives
    expect(model.jobs.map(j => j.id)).toEqual(['12', '11']);
    expect(model.partialTotal).toBe(4);
    expect(model.loading).toBe(true);
    release(columns(7, true, all));
    await refreshed;
    expect(model.jobs.map(j => j.id)).toEqual(['12', '11', '3', '2_1']);
    expect(model.partialTotal).toBeNull();
    // the version held is the whole list's: the next request asks for a delta
    await model.refresh();
    expect(calls.filter(p => p !== 'status').slice(-1)).toEqual([
      'jobs?scope=all&since=7&format=columns'
    ]);

    // another order or a filter: the server's newest jobs are not what the
    // panel would show first, so it waits for the whole list
    model.dispose();
    model = new SlurmModel({ interval: 3600 });
    model.firstScreen = false;
    model.visible = true;
    calls.length = 0;
    model.scope = 'all';
    await model.refresh();
    expect(calls.some(p => p.includes('limit='))).toBe(false);
    expect(model.jobs).toHaveLength(4);
  });

  it('keeps the list and shows its age when the server answers with the last good table', async () => {
    let answer: () => any = () => columns(5, true, [job('1'), job('2')]);
    handler = path => (path === 'status' ? STATUS : answer());
    await model.refresh();
    answer = () => {
      throw new HpcRequestError('squeue did not answer within 30 s', 504, {
        ...columns(6, false, [job('2', 'RUNNING')]),
        stale: true,
        age: 42,
        message: 'squeue did not answer within 30 s'
      });
    };
    await model.refresh();
    expect(model.problem).toEqual({
      message: 'squeue did not answer within 30 s',
      status: 504,
      staleAge: 42
    });
    expect(model.jobs.map(j => [j.id, j.state])).toEqual([
      ['1', 'PENDING'],
      ['2', 'RUNNING']
    ]);
    // a plain error (nothing was ever read) keeps the list as it was
    answer = () => {
      throw new HpcRequestError('Unable to contact slurm controller', 503);
    };
    await model.refresh();
    expect(model.problem?.staleAge).toBeUndefined();
    expect(model.jobs).toHaveLength(2);
  });

  it('says when the queue service is not used, and why "All jobs" is only yours', async () => {
    let answer = {
      ...columns(1, true, [job('1')]),
      source: 'squeue',
      service_problem: 'The queue service does not answer (Connection refused).'
    };
    handler = path => (path === 'status' ? STATUS : answer);
    await model.refresh();
    expect(model.note).toEqual({
      serviceProblem: 'The queue service does not answer (Connection refused).',
      restricted: null
    });
    answer = {
      ...columns(2, false, []),
      source: 'service',
      restricted: "Slurm hides other users' jobs on this cluster."
    } as any;
    await model.refresh();
    expect(model.note).toEqual({
      serviceProblem: null,
      restricted: "Slurm hides other users' jobs on this cluster."
    });
    answer = { ...columns(2, false, []), source: 'service' } as any;
    await model.refresh();
    expect(model.note).toBeNull();
  });
});
