/**
 * The run dialog's parameter values and sweeps, as text typed by the user,
 * turned into the request the server parses (it checks every value's type).
 */
import { IRange, IRunParameter, IRunRequest, SweepMode } from './types';

/** What the user typed for one parameter. */
export interface IParameterInput {
  /** The single value (used when not swept). */
  value: string;
  /** Swept: a list of values or a range. */
  sweep: 'none' | 'list' | 'range';
  /** One value per line. */
  list: string;
  start: string;
  stop: string;
  step: string;
}

/** Terminal states the queue and accounting report for a task that did not complete. */
export const ACTIVE_STATES = new Set([
  'PENDING',
  'RUNNING',
  'CONFIGURING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESIZING',
  'SIGNALING',
  'STAGE_OUT',
  'STOPPED'
]);

export function isActiveState(state: string): boolean {
  return ACTIVE_STATES.has(state);
}

/** Ended without completing: what "Re-run failed tasks" re-runs. */
export function isFailedState(state: string): boolean {
  return state !== 'COMPLETED' && !isActiveState(state);
}

/** The text a parameter's default shows as in its input. */
export function defaultText(param: IRunParameter): string {
  if (param.kind === 'str' && typeof param.value === 'string') {
    return param.value;
  }
  if (param.kind === 'bool' && typeof param.value === 'boolean') {
    return param.value ? 'true' : 'false';
  }
  return param.default;
}

export function initialInput(param: IRunParameter): IParameterInput {
  return {
    value: defaultText(param),
    sweep: 'none',
    list: defaultText(param),
    start: '',
    stop: '',
    step: '1'
  };
}

/** The lines of a list sweep (empty lines dropped; strings otherwise verbatim). */
export function listValues(text: string): string[] {
  return text.split('\n').filter(line => line.trim() !== '');
}

/**
 * How many values a range gives (stop included when a step lands on it),
 * or null when it is not a range of numbers. The server counts it exactly;
 * this is the same rule in floating point, with a tolerance for 0.1-like steps.
 */
export function rangeCount(
  start: string,
  stop: string,
  step: string
): number | null {
  const [a, b, s] = [start, stop, step || '1'].map(t =>
    t.trim() === '' ? NaN : Number(t)
  );
  if (![a, b, s].every(Number.isFinite) || s === 0 || (b - a) * s < 0) {
    return null;
  }
  return Math.floor((b - a) / s + 1e-9) + 1;
}

/** How many values a swept parameter has (null: not a valid sweep yet). */
export function sweepLength(input: IParameterInput): number | null {
  if (input.sweep === 'list') {
    const n = listValues(input.list).length;
    return n > 0 ? n : null;
  }
  if (input.sweep === 'range') {
    return rangeCount(input.start, input.stop, input.step);
  }
  return null;
}

export interface ITaskCount {
  /** Number of tasks (1 without a sweep); null when a sweep is incomplete. */
  count: number | null;
  /** Why the count is not valid, in words (the dialog shows it). */
  problem: string | null;
}

/** Tasks of the current form: product of lengths (grid) or the common length (zip). */
export function taskCount(
  inputs: Record<string, IParameterInput>,
  mode: SweepMode
): ITaskCount {
  const swept = Object.entries(inputs).filter(([, i]) => i.sweep !== 'none');
  if (swept.length === 0) {
    return { count: 1, problem: null };
  }
  const lengths: [string, number][] = [];
  for (const [name, input] of swept) {
    const n = sweepLength(input);
    if (n === null) {
      return { count: null, problem: `incomplete:${name}` };
    }
    lengths.push([name, n]);
  }
  if (mode === 'zip') {
    const first = lengths[0][1];
    if (lengths.some(([, n]) => n !== first)) {
      return { count: null, problem: 'zip-lengths' };
    }
    return { count: first, problem: null };
  }
  return {
    count: lengths.reduce((total, [, n]) => total * n, 1),
    problem: null
  };
}

/** The `POST notebook-runs` body of the dialog's state (values as typed: the server parses them). */
export function runRequest(
  path: string,
  parameters: IRunParameter[],
  inputs: Record<string, IParameterInput>,
  mode: SweepMode,
  extra: Omit<IRunRequest, 'path' | 'parameters' | 'sweep'>
): IRunRequest {
  const values: Record<string, unknown> = {};
  const sweep: Record<string, unknown[] | IRange> = {};
  for (const param of parameters) {
    const input = inputs[param.name];
    if (!input) {
      continue;
    }
    if (input.sweep === 'list') {
      sweep[param.name] = listValues(input.list).map(v => typed(param, v));
    } else if (input.sweep === 'range') {
      sweep[param.name] = {
        start: input.start.trim(),
        stop: input.stop.trim(),
        step: input.step.trim() || '1'
      };
    } else if (input.value !== defaultText(param)) {
      // only what the user changed: the notebook's own defaults stay as written
      values[param.name] = typed(param, input.value);
    }
  }
  const body: IRunRequest = { path, ...extra };
  if (Object.keys(values).length > 0) {
    body.parameters = values;
  }
  if (Object.keys(sweep).length > 0) {
    body.sweep = { mode, values: sweep };
  }
  return body;
}

/**
 * Text goes to the server as typed, which parses it to the parameter's type;
 * a parameter without a known type gets JSON when the text is JSON.
 */
function typed(param: IRunParameter, text: string): unknown {
  if (param.kind !== 'any') {
    return text;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `0.1` / `"a"` / `[1, 2]`: a task's value as a short text. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}
