import type { TranslationBundle } from '@jupyterlab/translation';

import {
  endedText,
  estimateText,
  failureMessage,
  hintText,
  isFailure,
  pendingReason,
  roughly,
  sentence
} from '../explain';

// The null translator's behaviour (its package is ESM, which jest here does not load).
function fill(text: string, args: unknown[]): string {
  return text.replace(/%(\d+)/g, (_, n) => String(args[Number(n) - 1]));
}
const trans = {
  __: (text: string, ...args: unknown[]) => fill(text, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? one : many, [n, ...args])
} as unknown as TranslationBundle;
const GIB = 1024 ** 3;

describe('pending reasons in words', () => {
  // Reasons as this cluster's squeue printed them in test_slurm_history.py (22.05).
  it('explains the reasons seen on the real cluster, keeping the raw one', () => {
    const held = pendingReason('JobHeldUser', trans)!;
    expect(held.text).toMatch(/^Held .*release it/);
    expect(held.raw).toBe('JobHeldUser');
    expect(held.blocked).toBe(true);
    expect(pendingReason('Dependency', trans)!.text).toBe(
      'Waiting for a job it depends on to end.'
    );
    const never = pendingReason('DependencyNeverSatisfied', trans)!;
    expect(never.text).toMatch(/^Will never start/);
    expect(never.blocked).toBe(true);
    expect(pendingReason('BeginTime', trans)!.text).toMatch(/start time/);
    const drained = pendingReason(
      'Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions',
      trans
    )!;
    expect(drained.text).toMatch(/down, drained or reserved/);
    const unavailable = pendingReason(
      'ReqNodeNotAvail, UnavailableNodes:node[01-03]',
      trans
    )!;
    expect(unavailable.text).toMatch(/unavailable .*: node\[01-03\]\.$/);
    expect(unavailable.raw).toBe(
      'ReqNodeNotAvail, UnavailableNodes:node[01-03]'
    );
  });

  it('explains the common scheduler and limit reasons', () => {
    for (const reason of [
      'Priority',
      'Resources',
      'JobHeldAdmin',
      'PartitionTimeLimit',
      'QOSMaxJobsPerUserLimit',
      'AssocGrpCPULimit',
      'AssocGrpMemLimit',
      'AssocMaxJobsLimit',
      'QOSGrpGRES',
      'QOSGrpCpuLimit',
      'QOSGrpNodeLimit',
      'Reservation',
      'Licenses',
      'launch failed requeued held',
      'JobLaunchFailure',
      'JobArrayTaskLimit'
    ]) {
      const words = pendingReason(reason, trans);
      expect(words!.text).not.toBe('');
      expect(words!.raw).toBe(reason);
    }
    expect(pendingReason('AssocGrpCPULimit', trans)!.text).toBe(
      'Waiting: the limit on CPUs shared by everyone using your account is reached; it starts when their other jobs free some.'
    );
    expect(pendingReason('QOSMaxJobsPerUserLimit', trans)!.text).toBe(
      'Waiting: you already use as many running jobs as your QOS (quality of service) allows; it starts when one of your jobs ends.'
    );
    expect(pendingReason('QOSGrpGRES', trans)!.text).toMatch(
      /limit on GPUs or other generic resources shared by everyone using your QOS/
    );
    expect(pendingReason('QOSMinCpuNotSatisfied', trans)!.blocked).toBe(true);
    expect(pendingReason('PartitionTimeLimit', trans)!.blocked).toBe(true);
    expect(pendingReason('QOSMaxWallDurationPerJobLimit', trans)!.text).toMatch(
      /^Will never start: its time limit is longer than your QOS/
    );
  });

  it('never guesses: unknown reasons come back raw, none for "None"', () => {
    expect(pendingReason('SomethingNew', trans)).toEqual({
      text: '',
      raw: 'SomethingNew',
      blocked: false
    });
    expect(pendingReason('AssocGrpWeirdLimit', trans)!.text).toBe('');
    expect(pendingReason('None', trans)).toBeNull();
    expect(pendingReason('', trans)).toBeNull();
  });
});

describe("Slurm's estimated start", () => {
  const now = 1_800_000_000;
  it('says when, roughly, and whose estimate it is', () => {
    expect(estimateText(now + 2 * 3600, trans, now)).toBe(
      "expected to start in about 2 h (Slurm's estimate)"
    );
    expect(estimateText(now + 25 * 60, trans, now)).toBe(
      "expected to start in about 25 min (Slurm's estimate)"
    );
    expect(estimateText(now + 3 * 86400, trans, now)).toBe(
      "expected to start in about 3 days (Slurm's estimate)"
    );
    expect(estimateText(now + 30, trans, now)).toMatch(/any moment/);
    expect(estimateText(now - 600, trans, now)).toMatch(/has passed/);
    expect(estimateText(null, trans, now)).toBe('');
    expect(roughly(5400, trans)).toBe('1.5 h');
  });
});

describe('why a job ended', () => {
  it('words each cause', () => {
    expect(
      endedText({ cause: 'exit_code', code: 3, step: 'batch' }, trans)
    ).toBe('exit code 3 in step batch');
    expect(endedText({ cause: 'time_limit', limit: 3600 }, trans)).toBe(
      'ran out of its time limit (1:00:00)'
    );
    expect(
      endedText(
        {
          cause: 'out_of_memory',
          step: 'batch',
          used: 4.1 * GIB,
          requested: 4 * GIB
        },
        trans
      )
    ).toBe('ran out of memory: used 4.1 GB of 4 GB');
    expect(
      endedText({ cause: 'signal', signal: 9, step: 'batch' }, trans)
    ).toBe('killed by signal 9 (SIGKILL) in step batch');
    expect(
      endedText({ cause: 'signal', signal: 11, step: '0' }, trans)
    ).toMatch(/^crashed: segmentation fault/);
    expect(
      endedText({ cause: 'exit_code', code: 127, step: 'batch' }, trans)
    ).toBe('exit code 127 (a command was not found) in step batch');
    expect(
      endedText({ cause: 'exit_code', code: 137, step: 'batch' }, trans)
    ).toMatch(/a program it ran was killed by signal 9/);
    expect(endedText({ cause: 'node_fail' }, trans)).toBe(
      'a node it ran on failed'
    );
    expect(endedText({ cause: 'completed' }, trans)).toBe(
      'completed successfully'
    );
    expect(
      endedText(
        { cause: 'completed', failed_step: '1', code: 2, signal: 0 },
        trans
      )
    ).toBe('completed, but step 1 ended with exit code 2');
    expect(
      endedText(
        { cause: 'launch_failed', signal: 53, missing_folder: 'logs' },
        trans
      )
    ).toBe(
      'Slurm could not start its script: the folder for its output, logs, does not exist'
    );
    expect(endedText({ cause: 'something_new' }, trans)).toBe('something_new');
  });

  it('says who cancelled and when', () => {
    const at = new Date(2026, 11, 2, 14, 2).getTime() / 1000;
    const today =
      new Date().toDateString() === new Date(at * 1000).toDateString();
    const clock = today ? '14:02' : '2026-12-02 14:02';
    expect(
      endedText(
        { cause: 'cancelled', by: 'alice', by_you: true, at, started: true },
        trans
      )
    ).toBe(`cancelled by you at ${clock}`);
    expect(
      endedText(
        { cause: 'cancelled', by: 'root', by_you: false, at, started: false },
        trans
      )
    ).toBe(`cancelled by root at ${clock}, before it started`);
    expect(
      endedText({ cause: 'cancelled', by: null, at, started: true }, trans)
    ).toBe(`cancelled at ${clock}`);
  });

  it('makes failure notifications in the same words', () => {
    const oom = { cause: 'out_of_memory', used: 4.1 * GIB, requested: 4 * GIB };
    expect(failureMessage('123', oom, trans)).toBe(
      'Job 123 failed: ran out of memory: used 4.1 GB of 4 GB'
    );
    expect(isFailure(oom)).toBe(true);
    expect(isFailure({ cause: 'cancelled' })).toBe(false);
    expect(isFailure({ cause: 'completed' })).toBe(false);
    expect(sentence('exit code 3 in step batch')).toBe(
      'Exit code 3 in step batch'
    );
  });
});

describe('hints in words', () => {
  it('words each hint', () => {
    expect(
      hintText(
        {
          kind: 'memory',
          requested: 64 * GIB,
          used: 3.1 * GIB,
          suggested: 8 * GIB,
          sooner: true
        },
        trans
      )
    ).toBe('Requested 64 GB, used 3.1 GB: asking for 8 GB would start sooner.');
    expect(
      hintText(
        {
          kind: 'memory',
          requested: GIB,
          used: 200 * 1024 ** 2,
          suggested: 512 * 1024 ** 2,
          sooner: false
        },
        trans
      )
    ).toBe('Requested 1 GB, used 200 MB: 512 MB would be enough.');
    expect(
      hintText({ kind: 'time', limit: 3600, used: 300, suggested: 600 }, trans)
    ).toBe(
      'Time limit 1:00:00, ran 0:05:00: a limit of 0:10:00 would let it start sooner.'
    );
    expect(
      hintText({ kind: 'cpu', cpus: 8, busy: 0.8, suggested: 1 }, trans)
    ).toBe(
      'Kept 0.8 of 8 CPUs busy on average: asking for 1 would start sooner.'
    );
  });
});
