import { displayed, moveIndex, nameHints, tooltip, usable } from '../sort';
import type { IFavorite } from '../tokens';

function fav(over: Partial<IFavorite>): IFavorite {
  return {
    id: 'x',
    path: 'p',
    resolved: 'p',
    name: 'p',
    type: 'directory',
    exists: true,
    reason: null,
    source: 'user',
    hidden: false,
    ...over
  };
}

const list = [
  fav({
    id: 's',
    path: '$SCRATCH',
    resolved: 'scratch',
    name: 'Scratch',
    source: 'site'
  }),
  fav({
    id: 'h',
    path: '$HOME',
    resolved: 'home',
    name: 'Home',
    source: 'site',
    hidden: true
  }),
  fav({ id: 'a', path: 'zeta/run10', resolved: 'zeta/run10', name: 'run10' }),
  fav({ id: 'b', path: 'alpha/run2', resolved: 'alpha/run2', name: 'run2' })
];

describe('displayed', () => {
  it('keeps the server order in manual mode and drops hidden favorites', () => {
    expect(displayed(list, 'manual').map(f => f.id)).toEqual(['s', 'a', 'b']);
  });
  it('sorts names naturally, case-insensitively', () => {
    expect(displayed(list, 'name').map(f => f.name)).toEqual([
      'run2',
      'run10',
      'Scratch'
    ]);
  });
  it('sorts by resolved path', () => {
    expect(displayed(list, 'path').map(f => f.id)).toEqual(['b', 's', 'a']);
  });
  it('does not reorder the input', () => {
    displayed(list, 'name');
    expect(list.map(f => f.id)).toEqual(['s', 'h', 'a', 'b']);
  });
});

describe('moveIndex', () => {
  it('maps a drop target to the index among the user favorites', () => {
    expect(moveIndex(list, 'b', 'a')).toBe(0);
    expect(moveIndex(list, 'a', 'b')).toBe(1);
  });
  it('refuses site favorites and no-op moves', () => {
    expect(moveIndex(list, 's', 'a')).toBeNull();
    expect(moveIndex(list, 'a', 's')).toBeNull();
    expect(moveIndex(list, 'a', 'a')).toBeNull();
  });
});

describe('tooltip and usable', () => {
  it('shows the written path, the resolved one and the reason', () => {
    const gone = fav({
      path: '$SCRATCH/out',
      resolved: null,
      exists: false,
      reason: 'Environment variable $SCRATCH is not set on the server.'
    });
    expect(tooltip(gone)).toBe(
      '$SCRATCH/out\nEnvironment variable $SCRATCH is not set on the server.'
    );
    expect(usable(gone)).toBe(false);
    expect(tooltip(list[0])).toBe('$SCRATCH\n→ /scratch');
    expect(tooltip(list[2])).toBe('/zeta/run10');
    expect(usable(list[2])).toBe(true);
  });
});

describe('nameHints', () => {
  it('tells apart favorites of the same name by their folders', () => {
    const hints = nameHints([
      fav({ id: 'a', name: 'run1', resolved: 'p/climate/analysis/run1' }),
      fav({ id: 'b', name: 'Run1', resolved: 'p/dft/run1' }),
      fav({ id: 'c', name: 'Scratch', resolved: 'scratch' })
    ]);
    expect(hints.get('a')).toBe('…/analysis');
    expect(hints.get('b')).toBe('…/dft');
    expect(hints.has('c')).toBe(false);
  });

  it('uses their own paths when the folders are alike', () => {
    const hints = nameHints([
      fav({ id: 'a', name: 'Data', resolved: 'x/in' }),
      fav({ id: 'b', name: 'Data', resolved: 'x/out' }),
      fav({ id: 'c', name: 'Data', resolved: null, path: '$UNSET/x/y' })
    ]);
    expect([hints.get('a'), hints.get('b'), hints.get('c')]).toEqual([
      '…/in',
      '…/out',
      '…/y'
    ]);
  });
});
