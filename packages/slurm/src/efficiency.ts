/**
 * What a finished job used of what it asked for, and what it could ask for
 * next time. The ratios come from the server (sacct); the suggestions are
 * made here, rounded to values people type. Words are in `explain.ts`.
 */

/** `efficiency` of a history job (docs/slurm-api.md). */
export interface IEfficiency {
  cpu: { ratio: number | null; used: number | null; available: number | null };
  memory: {
    ratio: number | null;
    used: number | null;
    requested: number | null;
    per_node: boolean;
  };
  time: { ratio: number | null; used: number | null; limit: number | null };
}

/** Under this share of a request, a hint suggests asking for less. */
export const LOW_USE = 0.25;
/** Suggestions leave this much room above what was used. */
const HEADROOM = 1.5;
/** Shorter than this, CPU use is mostly start-up noise: no CPU hint. */
const MIN_CPU_SECONDS = 60;

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
/** Memory sizes people ask for (bytes). */
const MEMORY_STEPS = [
  256 * MIB,
  512 * MIB,
  ...[1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048].map(g => g * GIB)
];
/** Time limits people ask for (minutes): Slurm counts in minutes. */
const TIME_STEPS = [
  1,
  2,
  5,
  10,
  15,
  20,
  30,
  45,
  60,
  90,
  120,
  180,
  240,
  360,
  480,
  720,
  960,
  1440,
  2 * 1440,
  3 * 1440,
  4 * 1440,
  7 * 1440,
  14 * 1440,
  30 * 1440
];

export type Level = 'unknown' | 'low' | 'ok' | 'over';

/** How a ratio is shown: low (under 25 %), ok, over the request (> 100 %). */
export function level(ratio: number | null | undefined): Level {
  if (ratio === null || ratio === undefined || !isFinite(ratio)) {
    return 'unknown';
  }
  return ratio < LOW_USE ? 'low' : ratio > 1 ? 'over' : 'ok';
}

/** The width of a bar, 0..1 (a use over the request fills it). */
export function barWidth(ratio: number | null | undefined): number {
  if (ratio === null || ratio === undefined || !isFinite(ratio)) {
    return 0;
  }
  return Math.min(1, Math.max(0, ratio));
}

function firstStepAtLeast(steps: number[], value: number): number | null {
  return steps.find(step => step >= value) ?? null;
}

/** A memory request with room to spare: the first usual size >= 1.5 x used. */
export function suggestMemory(used: number): number | null {
  return firstStepAtLeast(MEMORY_STEPS, used * HEADROOM);
}

/** A time limit (seconds) with room to spare: the first usual limit >= 1.5 x elapsed. */
export function suggestTime(elapsed: number): number | null {
  const minutes = firstStepAtLeast(TIME_STEPS, (elapsed * HEADROOM) / 60);
  return minutes === null ? null : minutes * 60;
}

/** CPUs to ask for: the average number busy, with a quarter more, at least 1. */
export function suggestCpus(cpuSeconds: number, elapsed: number): number {
  return Math.max(1, Math.ceil((cpuSeconds / elapsed) * 1.25));
}

export type Hint =
  | {
      kind: 'memory';
      requested: number;
      used: number;
      suggested: number;
      /** Memory is scheduled here: a smaller request starts sooner. */
      sooner: boolean;
    }
  | { kind: 'time'; limit: number; used: number; suggested: number }
  | { kind: 'cpu'; cpus: number; busy: number; suggested: number };

/** Extra facts the details know: whether the memory was asked for at all. */
export interface IHintContext {
  cpus: number | null;
  /** `false`: no --mem in the script or on the command line (Slurm's default applied). */
  memoryRequestExplicit?: boolean | null;
  /** Slurm schedules memory (SelectTypeParameters ..._Memory). */
  memorySchedules?: boolean | null;
}

/**
 * Hints for a job that used under 25 % of a request, each only when a
 * smaller usual value exists: memory, time limit, CPUs.
 */
export function hints(use: IEfficiency, context: IHintContext): Hint[] {
  const out: Hint[] = [];
  const { memory, time, cpu } = use;
  if (
    level(memory.ratio) === 'low' &&
    memory.used !== null &&
    memory.requested !== null &&
    context.memoryRequestExplicit !== false
  ) {
    const suggested = suggestMemory(memory.used);
    if (suggested !== null && suggested < memory.requested) {
      out.push({
        kind: 'memory',
        requested: memory.requested,
        used: memory.used,
        suggested,
        sooner: context.memorySchedules === true
      });
    }
  }
  if (level(time.ratio) === 'low' && time.used !== null && time.limit) {
    const suggested = suggestTime(time.used);
    if (suggested !== null && suggested < time.limit) {
      out.push({ kind: 'time', limit: time.limit, used: time.used, suggested });
    }
  }
  const cpus = context.cpus ?? 0;
  if (
    level(cpu.ratio) === 'low' &&
    cpu.used !== null &&
    time.used !== null &&
    time.used >= MIN_CPU_SECONDS &&
    cpus > 1
  ) {
    const suggested = suggestCpus(cpu.used, time.used);
    if (suggested < cpus) {
      out.push({
        kind: 'cpu',
        cpus,
        busy: cpu.used / time.used,
        suggested
      });
    }
  }
  return out;
}
