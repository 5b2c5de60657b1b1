/**
 * The run dialog's pure parts: task counts of grid and zip sweeps, ranges,
 * the request body built from what was typed, and the states that count as
 * failed for "Re-run failed tasks".
 */
import {
  IParameterInput,
  initialInput,
  isActiveState,
  isFailedState,
  rangeCount,
  runRequest,
  showValue,
  taskCount
} from '../runs/sweep';
import { IRunParameter } from '../runs/types';

function param(
  name: string,
  kind: IRunParameter['kind'],
  value: unknown,
  source: string
): IRunParameter {
  return {
    name,
    kind,
    type: kind,
    optional: false,
    default: source,
    value,
    help: ''
  };
}

const ALPHA = param('alpha', 'float', 0.5, '0.5');
const N = param('n', 'int', 3, '3');
const LABEL = param('label', 'str', 'x', '"x"');
const ARR = param('arr', 'any', null, 'np.zeros(3)');

function inputs(
  changes: Record<string, Partial<IParameterInput>>
): Record<string, IParameterInput> {
  return Object.fromEntries(
    [ALPHA, N, LABEL, ARR].map(p => [
      p.name,
      { ...initialInput(p), ...(changes[p.name] ?? {}) }
    ])
  );
}

describe('ranges', () => {
  it('include their stop when a step lands on it', () => {
    expect(rangeCount('0', '1', '0.1')).toBe(11);
    expect(rangeCount('1', '10', '')).toBe(10);
    expect(rangeCount('10', '1', '-3')).toBe(4);
    expect(rangeCount('0', '10', '4')).toBe(3);
  });

  it('are null when they never get there or are not numbers', () => {
    expect(rangeCount('0', '5', '-1')).toBeNull();
    expect(rangeCount('0', '5', '0')).toBeNull();
    expect(rangeCount('a', '5', '1')).toBeNull();
    expect(rangeCount('', '5', '1')).toBeNull();
  });
});

describe('task count', () => {
  it('is one without a sweep', () => {
    expect(taskCount(inputs({}), 'grid')).toEqual({ count: 1, problem: null });
  });

  it('multiplies the lengths for a grid, and is the common length for zip', () => {
    const swept = inputs({
      n: { sweep: 'list', list: '1\n2\n\n' },
      alpha: { sweep: 'range', start: '0', stop: '1', step: '0.5' }
    });
    expect(taskCount(swept, 'grid').count).toBe(6);
    expect(taskCount(swept, 'zip')).toEqual({
      count: null,
      problem: 'zip-lengths'
    });
    const paired = inputs({
      n: { sweep: 'list', list: '1\n2\n3' },
      label: { sweep: 'list', list: 'a\nb\nc' }
    });
    expect(taskCount(paired, 'zip').count).toBe(3);
  });

  it('says which sweep is incomplete', () => {
    const swept = inputs({ n: { sweep: 'range', start: '1', stop: '' } });
    expect(taskCount(swept, 'grid')).toEqual({
      count: null,
      problem: 'incomplete:n'
    });
  });
});

describe('the request', () => {
  it('sends only changed values, as typed (the server parses them)', () => {
    const body = runRequest(
      'a/nb.ipynb',
      [ALPHA, N, LABEL, ARR],
      inputs({
        alpha: { value: '0.7' },
        label: { value: '$(touch x) "q"' }
      }),
      'grid',
      { kernel: 'python3', throttle: 5 }
    );
    expect(body).toEqual({
      path: 'a/nb.ipynb',
      kernel: 'python3',
      throttle: 5,
      parameters: { alpha: '0.7', label: '$(touch x) "q"' }
    });
  });

  it('sends sweeps as lists of lines or ranges, JSON for untyped parameters', () => {
    const body = runRequest(
      'nb.ipynb',
      [ALPHA, N, LABEL, ARR],
      inputs({
        n: { sweep: 'range', start: '1', stop: '9', step: '' },
        label: { sweep: 'list', list: 'a b\n  c\n' },
        arr: { sweep: 'list', list: '[1, 2]\nnot json' }
      }),
      'zip',
      {}
    );
    expect(body.sweep).toEqual({
      mode: 'zip',
      values: {
        n: { start: '1', stop: '9', step: '1' },
        label: ['a b', '  c'],
        arr: [[1, 2], 'not json']
      }
    });
    expect(body.parameters).toBeUndefined();
  });
});

describe('states', () => {
  it('counts everything ended but COMPLETED as failed', () => {
    for (const state of [
      'FAILED',
      'TIMEOUT',
      'CANCELLED',
      'ENDED',
      'UNKNOWN'
    ]) {
      expect(isFailedState(state)).toBe(true);
    }
    for (const state of ['COMPLETED', 'PENDING', 'RUNNING', 'COMPLETING']) {
      expect(isFailedState(state)).toBe(false);
    }
    expect(isActiveState('PENDING')).toBe(true);
  });

  it('shows values as short literals', () => {
    expect(showValue('a')).toBe('"a"');
    expect(showValue(0.1)).toBe('0.1');
    expect(showValue([1, 2])).toBe('[1,2]');
  });
});
