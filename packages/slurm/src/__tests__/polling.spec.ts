import { IJob } from '../jobs';
import { SOON_SECONDS, hasMovingJob, pollSeconds } from '../polling';

const NOW = 1_800_000_000;

function job(state: string, user = 'alice', start: number | null = null): IJob {
  return { id: '1', name: 'j', user, state, start_time: start };
}

describe('polling interval', () => {
  const intervals = { normal: 30, active: 5, floor: 1 };

  it('is fast while one of my jobs runs', () => {
    const moving = hasMovingJob([job('RUNNING')], 'alice', NOW);
    expect(moving).toBe(true);
    expect(pollSeconds(intervals, moving)).toBe(5);
  });

  it("is normal when only others' jobs run, or nothing runs", () => {
    expect(hasMovingJob([job('RUNNING', 'bob')], 'alice', NOW)).toBe(false);
    expect(hasMovingJob([], 'alice', NOW)).toBe(false);
    expect(hasMovingJob([job('RUNNING')], null, NOW)).toBe(false);
    expect(pollSeconds(intervals, false)).toBe(30);
  });

  it('counts a pending job only when Slurm expects it to start soon', () => {
    const soon = job('PENDING', 'alice', NOW + SOON_SECONDS - 10);
    const later = job('PENDING', 'alice', NOW + SOON_SECONDS + 60);
    const held = job('PENDING', 'alice', null);
    expect(hasMovingJob([soon], 'alice', NOW)).toBe(true);
    expect(hasMovingJob([later], 'alice', NOW)).toBe(false);
    expect(hasMovingJob([held], 'alice', NOW)).toBe(false);
  });

  it('ended jobs do not count; COMPLETING does', () => {
    expect(hasMovingJob([job('COMPLETED')], 'alice', NOW)).toBe(false);
    expect(hasMovingJob([job('COMPLETING')], 'alice', NOW)).toBe(true);
  });

  it("respects the administrator's floor and never slows down when active", () => {
    expect(pollSeconds({ normal: 30, active: 5, floor: 10 }, true)).toBe(10);
    expect(pollSeconds({ normal: 3, active: 5, floor: 1 }, true)).toBe(3);
    expect(pollSeconds({ normal: 30, active: 5, floor: 60 }, false)).toBe(60);
  });
});
