/**
 * The queue model against a fake server (requestAPI mocked): the scope is
 * a request parameter, failures become a problem that clears by itself,
 * actions go in one request per 1,000 ids, notifications follow states.
 */
const calls: { path: string; init?: any }[] = [];
let handler: (path: string, init?: any) => any = () => ({});

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
    requestAPI: async (_feature: string, path: string, init?: any) => {
      calls.push({ path, init });
      return handler(path, init);
    }
  };
});

import { HpcRequestError } from '@jupyterlab-hpc/common';
import { IJobEvent, SlurmModel } from '../model';

const STATUS = {
  available: true,
  version: '22.05.8',
  cluster: 'c',
  user: 'alice',
  min_refresh_interval: 5
};

function reply(jobs: any[]) {
  return { jobs, updated_at: Date.now() / 1000 + 1, user: 'alice' };
}

/** The comparison for notifications runs just after the list is shown. */
const settle = () => new Promise(resolve => setTimeout(resolve, 400));

function job(id: string, state: string, user = 'alice') {
  return { id, name: `n${id}`, user, state };
}

describe('SlurmModel', () => {
  let model: SlurmModel;
  beforeEach(() => {
    calls.length = 0;
    model = new SlurmModel({ interval: 3600 });
    model.visible = true;
  });
  afterEach(() => model.dispose());

  it('asks Slurm for the scope instead of filtering in the browser', async () => {
    handler = path =>
      path === 'status'
        ? STATUS
        : reply(
            path.includes('scope=all&')
              ? [job('1', 'PENDING'), job('2', 'RUNNING', 'bob')]
              : [job('1', 'PENDING')]
          );
    await model.refresh();
    expect(calls.map(c => c.path)).toContain(
      'jobs?scope=mine&since=0&format=columns'
    );
    expect(model.jobs.map(j => j.id)).toEqual(['1']);
    model.scope = 'all';
    await model.refresh();
    expect(calls[calls.length - 1].path).toBe(
      'jobs?scope=all&since=0&format=columns'
    );
    expect(model.jobs.map(j => j.id)).toEqual(['1', '2']);
  });

  it('turns a 503 into a problem and recovers on the next refresh', async () => {
    let down = true;
    handler = path => {
      if (path === 'status') {
        return STATUS;
      }
      if (down) {
        throw new HpcRequestError('Unable to contact slurm controller', 503);
      }
      return reply([]);
    };
    await model.refresh();
    expect(model.problem).toEqual({
      message: 'Unable to contact slurm controller',
      status: 503
    });
    down = false;
    await model.refresh();
    expect(model.problem).toBeNull();
    // the status is asked again after a failure
    expect(calls.filter(c => c.path === 'status').length).toBe(2);
  });

  it('sends one action request per 1,000 ids and keeps per-id results', async () => {
    handler = (path, init) => {
      if (path === 'jobs/actions') {
        const { ids } = JSON.parse(init.body);
        return {
          results: ids.map((id: string) => ({
            id,
            ok: id !== '7',
            message: id === '7' ? 'denied' : ''
          }))
        };
      }
      return path === 'status' ? STATUS : reply([]);
    };
    const ids = Array.from({ length: 2500 }, (_, i) => String(i + 1));
    const results = await model.act('hold', ids);
    const posts = calls.filter(c => c.path === 'jobs/actions');
    expect(posts.map(c => JSON.parse(c.init.body).ids.length)).toEqual([
      1000, 1000, 500
    ]);
    expect(JSON.parse(posts[0].init.body).action).toBe('hold');
    expect(results).toHaveLength(2500);
    expect(results[6]).toEqual({ id: '7', ok: false, message: 'denied' });
  });

  it('after a release, refreshes until Slurm says why the job waits', async () => {
    // Slurm clears a released job's reason; its scheduler sets the next one
    // (or starts the job) a few seconds later
    let lists = 0;
    let released = false;
    handler = (path, init) => {
      if (path === 'status') {
        return { ...STATUS, min_refresh_interval: 0.05 };
      }
      if (path === 'jobs/actions') {
        released = JSON.parse(init.body).action === 'release';
        return { results: [{ id: '1', ok: true, message: '' }] };
      }
      lists += 1;
      const reason = !released ? 'JobHeldUser' : lists < 5 ? '' : 'Priority';
      return reply([{ ...job('1', 'PENDING'), reason }]);
    };
    await model.refresh();
    expect(model.jobs[0].reason).toBe('JobHeldUser');
    lists = 0;
    await model.act('release', ['1']);
    await new Promise(resolve => setTimeout(resolve, 1000));
    expect(model.jobs[0].reason).toBe('Priority');
    // and no more asking once it has its reason
    expect(lists).toBe(5);
  });

  it("judges a list newer than an action by the server's clock", async () => {
    // the server's clock is 30 s ahead of the browser's; the first list after
    // the hold was read (a shared squeue) 2 s before Slurm held the job
    const server = () => Date.now() / 1000 + 30;
    let heldAt = 0;
    let lists = 0;
    handler = (path, init) => {
      if (path === 'status') {
        return { ...STATUS, min_refresh_interval: 0.05 };
      }
      if (path === 'jobs/actions') {
        heldAt = server();
        lists = 0;
        return { results: [{ id: '1', ok: true, message: '' }], at: heldAt };
      }
      lists += 1;
      const before = !heldAt || lists === 1;
      return {
        ...reply([
          {
            ...job('1', 'PENDING'),
            reason: before ? 'Priority' : 'JobHeldUser'
          }
        ]),
        updated_at: before && heldAt ? heldAt - 2 : server()
      };
    };
    await model.refresh();
    await model.act('hold', ['1']);
    await new Promise(resolve => setTimeout(resolve, 600));
    expect(model.jobs[0].reason).toBe('JobHeldUser');
  });

  it("announces the user's own jobs starting and ending", async () => {
    const events: IJobEvent[] = [];
    model.jobEvent.connect((_, e) => events.push(e));
    let jobs = [
      job('1', 'PENDING'),
      job('2', 'RUNNING'),
      job('3', 'PENDING', 'bob')
    ];
    handler = path => (path === 'status' ? STATUS : reply(jobs));
    await model.refresh();
    await settle();
    jobs = [
      job('1', 'RUNNING'),
      job('2', 'FAILED'),
      job('3', 'RUNNING', 'bob')
    ];
    await model.refresh();
    await settle();
    expect(events.map(e => [e.job.id, e.kind])).toEqual([
      ['1', 'started'],
      ['2', 'failed']
    ]);
  });

  it('polls at the active pace while one of my jobs runs, then back', async () => {
    model.interval = 30;
    model.activeInterval = 5;
    let jobs = [job('1', 'RUNNING'), job('2', 'RUNNING', 'bob')];
    handler = path => (path === 'status' ? STATUS : reply(jobs));
    await model.refresh();
    expect(model.pollInterval).toBe(5);
    jobs = [job('2', 'RUNNING', 'bob')];
    await model.refresh();
    expect(model.pollInterval).toBe(30);
    // the server's floor (min_refresh_interval 5) still applies
    model.activeInterval = 2;
    jobs = [job('1', 'RUNNING')];
    await model.refresh();
    expect(model.pollInterval).toBe(5);
  });

  it('splits job details into the raw fields and the summary', async () => {
    handler = path =>
      path === 'jobs/7'
        ? {
            JobId: '7',
            JobState: 'COMPLETED',
            summary: { id: '7', state: 'COMPLETED' }
          }
        : STATUS;
    const details = await model.details('7');
    expect(details.fields).toEqual({ JobId: '7', JobState: 'COMPLETED' });
    expect(details.summary?.state).toBe('COMPLETED');
  });
});
