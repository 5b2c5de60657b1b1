import {
  changedParameters,
  filterNotebooks,
  formatSize,
  initialText,
  parseInput,
  typeWords
} from '../filter';
import type { INotebookInfo, IParameter } from '../tokens';

function nb(over: Partial<INotebookInfo>): INotebookInfo {
  return {
    source: 's',
    path: 'a.ipynb',
    title: 'A',
    description: '',
    kernel: 'python3',
    language: 'python',
    tags: [],
    size: 1,
    modified: '2026-01-01T00:00:00Z',
    parameters: false,
    version: 'mtime:1',
    clones: [],
    update_available: false,
    ...over
  };
}

function param(over: Partial<IParameter>): IParameter {
  return { name: 'x', type: 'int', default: '1', value: 1, help: '', ...over };
}

describe('filterNotebooks', () => {
  const list = [
    nb({ title: 'Tomography reconstruction', tags: ['als'] }),
    nb({
      source: 't',
      path: 'b.ipynb',
      title: 'Bragg disks',
      description: '4D-STEM data'
    }),
    nb({
      source: 't',
      path: 'c.ipynb',
      title: 'R stats',
      kernel: 'ir',
      language: 'R'
    })
  ];
  it('matches every word in title, description, tags, kernel', () => {
    expect(filterNotebooks(list, 'stem BRAGG', '').map(n => n.path)).toEqual([
      'b.ipynb'
    ]);
    expect(filterNotebooks(list, 'als', '').map(n => n.title)).toEqual([
      'Tomography reconstruction'
    ]);
    expect(filterNotebooks(list, 'ir', '').map(n => n.path)).toEqual([
      'c.ipynb'
    ]);
    expect(filterNotebooks(list, 'nothing here', '')).toEqual([]);
  });
  it('filters by source', () => {
    expect(filterNotebooks(list, '', 't').map(n => n.path)).toEqual([
      'b.ipynb',
      'c.ipynb'
    ]);
    expect(filterNotebooks(list, '  ', '')).toHaveLength(3);
  });
});

describe('formatSize', () => {
  it('uses readable units', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(50 * 1024 * 1024)).toBe('50 MB');
  });
});

describe('parameters', () => {
  it('parses according to the default type', () => {
    expect(parseInput(param({}), '42')).toEqual({ ok: true, value: 42 });
    expect(parseInput(param({}), '4.2').ok).toBe(false);
    expect(parseInput(param({ type: 'float' }), '1e-3')).toEqual({
      ok: true,
      value: 0.001
    });
    expect(parseInput(param({ type: 'float' }), '').ok).toBe(false);
    expect(parseInput(param({ type: 'str' }), 'a "b"')).toEqual({
      ok: true,
      value: 'a "b"'
    });
    expect(parseInput(param({ type: 'list' }), '[1, 2]')).toEqual({
      ok: true,
      value: [1, 2]
    });
    expect(parseInput(param({ type: 'list' }), '[1,')).toMatchObject({
      ok: false
    });
  });
  it('shows strings without quotes and other literals as JSON', () => {
    expect(
      initialText(param({ type: 'str', default: '"abc"', value: 'abc' }))
    ).toBe('abc');
    expect(
      initialText(param({ type: 'list', default: '[1, 2]', value: [1, 2] }))
    ).toBe('[1,2]');
    expect(
      initialText(
        param({ type: 'NoneType', default: 'np.zeros(3)', value: null })
      )
    ).toBe('np.zeros(3)');
  });
  it('returns only changed values, and errors', () => {
    const params = [
      param({ name: 'n', value: 3 }),
      param({ name: 's', type: 'str', value: 'x' }),
      param({ name: 'b', type: 'bool', value: false }),
      param({
        name: 'arr',
        type: 'NoneType',
        default: 'np.zeros(3)',
        value: null
      })
    ];
    expect(
      changedParameters(params, { n: '3', s: 'y', b: 'true', arr: 'zz' })
    ).toEqual({
      values: { s: 'y', b: true },
      errors: {}
    });
    expect(changedParameters(params, { n: 'three' }).errors).toEqual({
      n: 'a whole number'
    });
  });
});

describe('typeWords', () => {
  it('names Python types in plain words', () => {
    expect(typeWords('int')).toBe('whole number');
    expect(typeWords('str')).toBe('text');
    expect(typeWords('SomeClass')).toBe('SomeClass');
  });
});
