/**
 * How often the queue is read: faster while one of the user's jobs runs or
 * is expected to start soon (its end, or start, is then announced within
 * seconds), the normal pace otherwise. Pure, for jest.
 */

import { IJob, baseState } from './jobs';

/** A pending job whose estimated start is this close counts as "starting soon". */
export const SOON_SECONDS = 5 * 60;

/** States of a job that will change shortly without anyone acting. */
const MOVING = new Set(['RUNNING', 'CONFIGURING', 'COMPLETING', 'STAGE_OUT']);

export interface IIntervals {
  /** Seconds between refreshes otherwise (the `refreshInterval` setting). */
  normal: number;
  /** Seconds while the user's jobs move (the `activeRefreshInterval` setting). */
  active: number;
  /** The administrator's floor (`min_refresh_interval` of the status), seconds. */
  floor: number;
}

/** Whether a job of `user` runs, or is pending with Slurm expecting it to start within SOON_SECONDS. */
export function hasMovingJob(
  jobs: ReadonlyArray<IJob>,
  user: string | null,
  nowSeconds: number
): boolean {
  if (!user) {
    return false;
  }
  return jobs.some(job => {
    if (job.user !== user) {
      return false;
    }
    const state = baseState(job.state);
    if (MOVING.has(state)) {
      return true;
    }
    // a held job or one waiting on a dependency has no useful estimate
    return (
      state === 'PENDING' &&
      typeof job.start_time === 'number' &&
      job.start_time > 0 &&
      job.start_time - nowSeconds <= SOON_SECONDS
    );
  });
}

/** Seconds until the next refresh. */
export function pollSeconds(intervals: IIntervals, moving: boolean): number {
  const wanted = moving
    ? Math.min(intervals.active, intervals.normal)
    : intervals.normal;
  return Math.max(wanted, intervals.floor, 1);
}
