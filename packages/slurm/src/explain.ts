/**
 * Slurm's words in plain words: why a job waits, why it ended, what it
 * could ask for next time, when Slurm expects it to start. Every text goes
 * through the translator; Slurm's raw reason is always kept beside it, and a
 * reason not known here is shown raw, never guessed at.
 */

import { TranslationBundle } from '@jupyterlab/translation';

import { Hint } from './efficiency';
import { IEnded } from './history';
import { formatDuration, formatTime } from './jobs';
import { formatBytes } from './units';

/** A reason in words, with Slurm's own text beside it. */
export interface IReasonText {
  /** Plain words; '' when the reason is not known here (show `raw` alone). */
  text: string;
  /** Slurm's reason as it printed it. */
  raw: string;
  /** The job cannot start as it is: the user has to change something. */
  blocked: boolean;
}

type Words = (trans: TranslationBundle, detail: string) => string;

/** Pending reasons by Slurm's name (job_reason_string), and whether the job is stuck. */
const PENDING: Record<string, [Words, boolean?]> = {
  Priority: [
    t => t.__('Waiting for its turn: jobs with a higher priority are ahead.')
  ],
  Resources: [
    t =>
      t.__(
        'Waiting for resources: the nodes it needs are busy. It starts when they free up.'
      )
  ],
  Dependency: [t => t.__('Waiting for a job it depends on to end.')],
  DependencyNeverSatisfied: [
    t =>
      t.__(
        'Will never start: a job it depends on did not end as required (for example it failed). Cancel it, or submit it again without that dependency.'
      ),
    true
  ],
  JobHeldUser: [
    t => t.__('Held (by you, or submitted held): release it to let it start.'),
    true
  ],
  JobHeldAdmin: [
    t =>
      t.__(
        'Held by an administrator: it waits until they release it. Ask your support team if you do not know why.'
      ),
    true
  ],
  BeginTime: [t => t.__('Waiting for the start time it was given (--begin).')],
  ReqNodeNotAvail: [
    (t, detail) =>
      detail
        ? t.__(
            'Waiting: nodes it needs are unavailable (down, drained or reserved): %1.',
            detail
          )
        : t.__(
            'Waiting: nodes it needs are unavailable (down, drained or reserved).'
          )
  ],
  NodeDown: [
    t => t.__('Waiting: a node it needs is down. Slurm will retry it.')
  ],
  BadConstraints: [
    t =>
      t.__(
        'Will never start: no node has the features it asks for (--constraint).'
      ),
    true
  ],
  PartitionTimeLimit: [
    t =>
      t.__(
        'Will never start in this partition: its time limit is longer than the partition allows. Lower the time limit or choose another partition.'
      ),
    true
  ],
  PartitionNodeLimit: [
    t =>
      t.__(
        'Will not start in this partition: it asks for more (or fewer) nodes than the partition allows.'
      ),
    true
  ],
  PartitionDown: [
    t => t.__('Waiting: the partition is down (closed to new jobs for now).')
  ],
  PartitionInactive: [
    t => t.__('Waiting: the partition is inactive (no jobs start there now).')
  ],
  PartitionConfig: [
    t =>
      t.__(
        'Will not start in this partition: it asks for something the partition does not allow (account, QOS or resources).'
      ),
    true
  ],
  Reservation: [t => t.__('Waiting for its reservation to begin.')],
  Licenses: [t => t.__('Waiting for licenses (--licenses) to become free.')],
  JobArrayTaskLimit: [
    t =>
      t.__(
        'Waiting: its array already runs as many tasks at once as it allows (the %N of --array).'
      )
  ],
  InvalidAccount: [
    t =>
      t.__(
        'Will never start: its account is not valid for you. Submit it again with one of your accounts.'
      ),
    true
  ],
  InvalidQOS: [
    t =>
      t.__(
        'Will never start: its QOS is not valid for you. Submit it again with another QOS.'
      ),
    true
  ],
  JobLaunchFailure: [
    t => t.__('Slurm could not launch it (a node problem); it will be retried.')
  ],
  'launch failed requeued held': [
    t =>
      t.__(
        'Slurm could not launch it, so it was put back in the queue and held: release it to try again, or ask your support team.'
      ),
    true
  ],
  Prolog: [t => t.__('Starting: the node is being prepared for it (prolog).')],
  Cleaning: [
    t =>
      t.__(
        'Waiting: the nodes of its previous run are being cleaned up (it was requeued).'
      )
  ],
  BurstBufferResources: [
    t => t.__('Waiting for burst buffer space to become free.')
  ],
  BurstBufferStageIn: [
    t => t.__('Waiting while its files are staged into the burst buffer.')
  ],
  FrontEndDown: [t => t.__('Waiting: no front end node is available.')],
  'Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions':
    [
      t =>
        t.__(
          'Waiting: the nodes it needs are down, drained or reserved for jobs of higher-priority partitions.'
        )
    ]
};

/** What the limit families (`AssocGrpCPULimit`, `QOSMaxJobsPerUserLimit`...) limit. */
const RESOURCES: Record<string, (t: TranslationBundle) => string> = {
  CPU: t => t.__('CPUs'),
  Cpu: t => t.__('CPUs'),
  Mem: t => t.__('memory'),
  Memory: t => t.__('memory'),
  Node: t => t.__('nodes'),
  Jobs: t => t.__('running jobs'),
  SubmitJob: t => t.__('queued jobs'),
  GRES: t => t.__('GPUs or other generic resources'),
  Billing: t => t.__('billing units'),
  Energy: t => t.__('energy'),
  License: t => t.__('licenses'),
  WallDuration: t => t.__('time limit'),
  Wall: t => t.__('run time'),
  CPUMinutes: t => t.__('CPU minutes'),
  CpuMinutes: t => t.__('CPU minutes'),
  CPURunMinutes: t => t.__('CPU minutes of running jobs'),
  CpuRunMinutes: t => t.__('CPU minutes of running jobs'),
  BillingMinutes: t => t.__('billing minutes'),
  BillingRunMinutes: t => t.__('billing minutes of running jobs'),
  MemoryMinutes: t => t.__('memory minutes'),
  MemRunMinutes: t => t.__('memory minutes of running jobs'),
  NodeMinutes: t => t.__('node minutes'),
  NodeRunMinutes: t => t.__('node minutes of running jobs'),
  GRESMinutes: t => t.__('GPU minutes'),
  GRESRunMinutes: t => t.__('GPU minutes of running jobs')
};

// Assoc|QOS, Grp|Max|Min, the resource, whom it counts per, and Slurm's suffix (its names
// are not uniform: QOSGrpCpuLimit, QOSGrpGRES, QOSMinCpuNotSatisfied).
const LIMIT =
  /^(Assoc|QOS)(Grp|Max|Min)([A-Za-z]+?)(PerUser|PerAccount|PerJob|PerNode)?(Limit|NotSatisfied)?$/;

function limitReason(reason: string, t: TranslationBundle): IReasonText | null {
  const match = LIMIT.exec(reason);
  if (!match) {
    return null;
  }
  const [, owner, kind, resource, per] = match;
  const what = RESOURCES[resource];
  if (!what) {
    return null;
  }
  const holder =
    owner === 'QOS'
      ? t.__('your QOS (quality of service)')
      : t.__('your account');
  if (kind === 'Min') {
    return {
      text: t.__(
        'Will not start: it asks for fewer %1 than %2 requires. Ask for more.',
        what(t),
        holder
      ),
      raw: reason,
      blocked: true
    };
  }
  if (resource === 'WallDuration' && per === 'PerJob') {
    // a per-job time limit never lets this job start: its own limit is too long
    return {
      text: t.__(
        'Will never start: its time limit is longer than %1 allows. Lower the time limit.',
        holder
      ),
      raw: reason,
      blocked: true
    };
  }
  let text: string;
  if (resource === 'WallDuration' && per === 'PerJob') {
    // a per-job time limit never lets this job start: its own limit is too long
    return {
      text: t.__(
        'Will never start: its time limit is longer than %1 allows. Lower the time limit.',
        holder
      ),
      raw: reason,
      blocked: true
    };
  }
  if (kind === 'Grp') {
    text = t.__(
      'Waiting: the limit on %1 shared by everyone using %2 is reached; it starts when their other jobs free some.',
      what(t),
      holder
    );
  } else if (per === 'PerUser' || per === 'PerAccount') {
    text = t.__(
      'Waiting: you already use as many %1 as %2 allows; it starts when one of your jobs ends.',
      what(t),
      holder
    );
  } else {
    text = t.__(
      'Waiting: it asks for more %1 than %2 allows per job; it may never start. Ask for less.',
      what(t),
      holder
    );
    return { text, raw: reason, blocked: true };
  }
  return { text, raw: reason, blocked: false };
}

/**
 * A pending job's reason in words. `ReqNodeNotAvail, UnavailableNodes:n[1-3]`
 * keeps its node list; an unknown reason comes back with `text` ''.
 */
export function pendingReason(
  raw: string | null | undefined,
  trans: TranslationBundle
): IReasonText | null {
  const reason = (raw ?? '').trim();
  if (!reason || reason === 'None') {
    return null;
  }
  const [name, ...rest] = reason.split(/,\s*/);
  const detail = rest.join(', ').replace(/^UnavailableNodes:/, '');
  const known = PENDING[reason] ?? PENDING[name];
  if (known) {
    return { text: known[0](trans, detail), raw: reason, blocked: !!known[1] };
  }
  return limitReason(name, trans) ?? { text: '', raw: reason, blocked: false };
}

/**
 * Slurm's estimated start of a pending job: "expected to start in about
 * 2 h (Slurm's estimate)"; '' without an estimate.
 */
export function estimateText(
  start: number | null | undefined,
  trans: TranslationBundle,
  now: number = Date.now() / 1000
): string {
  if (!start) {
    return '';
  }
  const wait = start - now;
  if (wait < -60) {
    return trans.__(
      "expected to start soon (Slurm's estimate, %1, has passed)",
      formatTime(start)
    );
  }
  if (wait < 90) {
    return trans.__("expected to start any moment (Slurm's estimate)");
  }
  return trans.__(
    "expected to start in about %1 (Slurm's estimate)",
    roughly(wait, trans)
  );
}

/** A wait in rounded words: `about 25 min`, `2 h`, `3 days`. */
export function roughly(seconds: number, trans: TranslationBundle): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) {
    return trans._n('%1 min', '%1 min', minutes);
  }
  const hours = seconds / 3600;
  if (hours < 36) {
    const shown = hours < 10 ? Math.round(hours * 2) / 2 : Math.round(hours);
    return trans._n('%1 h', '%1 h', shown);
  }
  return trans._n('%1 day', '%1 days', Math.round(hours / 24));
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM'
};

function signalText(signal: number, trans: TranslationBundle): string {
  const name = SIGNALS[signal];
  if (signal === 9) {
    return trans.__('killed by signal 9 (SIGKILL)');
  }
  if (signal === 11) {
    return trans.__('crashed: segmentation fault (signal 11, SIGSEGV)');
  }
  if (signal === 7) {
    return trans.__('crashed: bus error (signal 7, SIGBUS)');
  }
  if (signal === 6) {
    return trans.__('aborted (signal 6, SIGABRT)');
  }
  return name
    ? trans.__('killed by signal %1 (%2)', signal, name)
    : trans.__('killed by signal %1', signal);
}

function exitText(code: number, trans: TranslationBundle): string {
  if (code === 127) {
    return trans.__('exit code 127 (a command was not found)');
  }
  if (code === 126) {
    return trans.__('exit code 126 (a file could not be executed)');
  }
  if (code > 128 && code - 128 in SIGNALS) {
    return trans.__(
      'exit code %1 (a program it ran was %2)',
      code,
      signalText(code - 128, trans)
    );
  }
  return trans.__('exit code %1', code);
}

function step(
  name: string | null | undefined,
  trans: TranslationBundle
): string {
  return name ? trans.__(' in step %1', name) : '';
}

/**
 * Why a finished job ended, as a phrase that follows "Job 123 …:" — "ran
 * out of memory: used 4.1 GB of 4 GB", "exit code 3 in step batch",
 * "cancelled by you at 14:02".
 */
export function endedText(ended: IEnded, trans: TranslationBundle): string {
  switch (ended.cause) {
    case 'completed':
      return ended.failed_step
        ? trans.__(
            'completed, but step %1 ended with %2',
            ended.failed_step,
            ended.signal
              ? signalText(ended.signal, trans)
              : exitText(ended.code ?? 0, trans)
          )
        : trans.__('completed successfully');
    case 'exit_code':
      return exitText(ended.code ?? 0, trans) + step(ended.step, trans);
    case 'signal':
      return signalText(ended.signal ?? 0, trans) + step(ended.step, trans);
    case 'launch_failed':
      return ended.missing_folder
        ? trans.__(
            'Slurm could not start its script: the folder for its output, %1, does not exist',
            ended.missing_folder
          )
        : trans.__(
            'Slurm could not start its script (signal %1; often the folder for its output file is missing)',
            ended.signal ?? 0
          );
    case 'time_limit':
      return ended.limit
        ? trans.__(
            'ran out of its time limit (%1)',
            formatDuration(ended.limit)
          )
        : trans.__('ran out of its time limit');
    case 'out_of_memory':
      return ended.used && ended.requested
        ? trans.__(
            'ran out of memory: used %1 of %2',
            formatBytes(ended.used),
            formatBytes(ended.requested)
          )
        : trans.__('ran out of memory') + step(ended.step, trans);
    case 'cancelled': {
      const at = ended.at ? formatClock(ended.at) : '';
      const before = ended.started === false;
      if (ended.by_you) {
        return before
          ? trans.__('cancelled by you at %1, before it started', at)
          : trans.__('cancelled by you at %1', at);
      }
      if (ended.by) {
        return before
          ? trans.__('cancelled by %1 at %2, before it started', ended.by, at)
          : trans.__('cancelled by %1 at %2', ended.by, at);
      }
      return before
        ? trans.__('cancelled at %1, before it started', at)
        : trans.__('cancelled at %1', at);
    }
    case 'node_fail':
      return trans.__('a node it ran on failed');
    case 'preempted':
      return trans.__(
        'preempted: a job with a higher priority took its resources'
      );
    case 'boot_fail':
      return trans.__('a node failed to boot for it');
    case 'deadline':
      return trans.__('reached its deadline (--deadline) before it could run');
    case 'revoked':
      return trans.__('revoked: it ran on another cluster of the federation');
    case 'failed':
      return ended.reason
        ? trans.__('failed (%1)', ended.reason)
        : trans.__('failed');
    default:
      return ended.cause;
  }
}

/** `14:02` today, `2026-12-01 14:02` another day. */
function formatClock(epoch: number): string {
  const full = formatTime(epoch);
  const today = formatTime(Date.now() / 1000).slice(0, 10);
  return full.startsWith(today) ? full.slice(11, 16) : full.slice(0, 16);
}

/** The first letter in upper case, for a phrase shown on its own. */
export function sentence(phrase: string): string {
  return phrase ? phrase[0].toUpperCase() + phrase.slice(1) : phrase;
}

/** Whether a job that ended this way is worth a "failed" notification. */
export function isFailure(ended: IEnded): boolean {
  return !['completed', 'cancelled'].includes(ended.cause);
}

/** "Job 123 failed: ran out of memory: used 4.1 GB of 4 GB". */
export function failureMessage(
  id: string,
  ended: IEnded,
  trans: TranslationBundle
): string {
  return trans.__('Job %1 failed: %2', id, endedText(ended, trans));
}

/** A hint in words: "Requested 64 GB, used 3.1 GB: asking for 8 GB would start sooner." */
export function hintText(hint: Hint, trans: TranslationBundle): string {
  switch (hint.kind) {
    case 'memory':
      return hint.sooner
        ? trans.__(
            'Requested %1, used %2: asking for %3 would start sooner.',
            formatBytes(hint.requested),
            formatBytes(hint.used),
            formatBytes(hint.suggested)
          )
        : trans.__(
            'Requested %1, used %2: %3 would be enough.',
            formatBytes(hint.requested),
            formatBytes(hint.used),
            formatBytes(hint.suggested)
          );
    case 'time':
      return trans.__(
        'Time limit %1, ran %2: a limit of %3 would let it start sooner.',
        formatDuration(hint.limit),
        formatDuration(hint.used),
        formatDuration(hint.suggested)
      );
    case 'cpu':
      return trans.__(
        'Kept %1 of %2 CPUs busy on average: asking for %3 would start sooner.',
        hint.busy.toFixed(1),
        hint.cpus,
        hint.suggested
      );
  }
}
