import { FolderVisits, STAY_DELAY, VISIT_DELAY } from '../folders';

describe('FolderVisits', () => {
  let recorded: string[];
  let visits: FolderVisits;

  beforeEach(() => {
    jest.useFakeTimers();
    recorded = [];
    visits = new FolderVisits(async path => {
      recorded.push(path);
    });
  });

  afterEach(() => {
    visits.dispose();
    jest.useRealTimers();
  });

  it('used: passing through folders records nothing', () => {
    visits.enter('project');
    jest.advanceTimersByTime(VISIT_DELAY * 2);
    visits.enter('project/run1');
    jest.advanceTimersByTime(VISIT_DELAY * 2);
    visits.enter('project/run1/out');
    jest.advanceTimersByTime(STAY_DELAY - 1);
    expect(recorded).toEqual([]);
  });

  it('used: opening something records its folder, once per visit', async () => {
    visits.enter('project');
    visits.enter('project/run1');
    await visits.used('project/run1/analysis.ipynb');
    await visits.used('project/run1/notes.md');
    expect(recorded).toEqual(['project/run1']);
    // staying on afterwards does not record it again
    jest.advanceTimersByTime(STAY_DELAY * 2);
    expect(recorded).toEqual(['project/run1']);
    // a new visit counts again
    visits.enter('project');
    visits.enter('project/run1');
    await visits.used('project/run1/analysis.ipynb');
    expect(recorded).toEqual(['project/run1', 'project/run1']);
  });

  it('used: a document opened from elsewhere does not count', async () => {
    visits.enter('project/run1');
    await visits.used('other/analysis.ipynb');
    await visits.used('project/run1/deeper/x.ipynb');
    expect(recorded).toEqual([]);
  });

  it('used: staying in a folder counts', () => {
    visits.enter('project/run1');
    jest.advanceTimersByTime(STAY_DELAY);
    expect(recorded).toEqual(['project/run1']);
  });

  it('visited: every folder the browser stays in briefly', () => {
    visits.rule = 'visited';
    visits.enter('a');
    jest.advanceTimersByTime(VISIT_DELAY - 1);
    visits.enter('a/b');
    jest.advanceTimersByTime(VISIT_DELAY);
    expect(recorded).toEqual(['a/b']);
  });

  it('never records folders, nor the root under any rule', async () => {
    visits.rule = 'never';
    visits.enter('a');
    await visits.used('a/x.ipynb');
    jest.advanceTimersByTime(STAY_DELAY * 2);
    visits.rule = 'used';
    visits.enter('');
    await visits.used('x.ipynb');
    jest.advanceTimersByTime(STAY_DELAY * 2);
    expect(recorded).toEqual([]);
  });

  it('the folder shown at load is not a visit, but using it counts', async () => {
    visits.settle('project');
    jest.advanceTimersByTime(STAY_DELAY * 2);
    expect(recorded).toEqual([]);
    await visits.used('project/a.ipynb');
    expect(recorded).toEqual(['project']);
  });
});
