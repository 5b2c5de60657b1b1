import { distinctTails, parentParts } from '../paths';

describe('parentParts', () => {
  it('gives the folders above a path', () => {
    expect(parentParts('a/b/c.txt')).toEqual(['a', 'b']);
    expect(parentParts('/c.txt')).toEqual([]);
  });
});

describe('distinctTails', () => {
  it('grows each tail until it differs from the others', () => {
    expect(
      distinctTails([
        ['projects', 'climate', 'analysis', 'run1'],
        ['projects', 'dft', 'run1'],
        ['home', 'run2']
      ])
    ).toEqual(['…/analysis/run1', '…/dft/run1', '…/run2']);
  });

  it('shows a whole short folder, and the root as /', () => {
    expect(distinctTails([['run1'], []])).toEqual(['run1', '/']);
  });

  it('keeps equal folders whole', () => {
    expect(
      distinctTails([
        ['a', 'b'],
        ['a', 'b']
      ])
    ).toEqual(['a/b', 'a/b']);
  });
});
