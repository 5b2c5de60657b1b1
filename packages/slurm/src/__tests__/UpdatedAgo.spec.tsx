import type { TranslationBundle } from '@jupyterlab/translation';
import React, { act } from 'react';
// @ts-expect-error react-dom has no type declarations installed here
import { createRoot } from 'react-dom/client';

import { UpdatedAgo } from '../components/UpdatedAgo';

// The null translator's behaviour (its package is ESM, which jest here does not load).
const trans = {
  __: (text: string, ...args: unknown[]) =>
    text.replace(/%(\d+)/g, (_, n) => String(args[Number(n) - 1]))
} as unknown as TranslationBundle;

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

describe('UpdatedAgo', () => {
  let host: HTMLDivElement;
  let root: any;
  const render = (props: Omit<Parameters<typeof UpdatedAgo>[0], 'trans'>) =>
    act(() => {
      root.render(<UpdatedAgo {...props} trans={trans} />);
    });
  const span = () => host.querySelector('.jp-hpc-Slurm-updated')!;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(1_800_000_000_000);
    host = document.createElement('div');
    root = createRoot(host);
  });
  afterEach(() => {
    act(() => {
      root.unmount();
    });
    jest.useRealTimers();
  });

  it('says the age in whole seconds and ticks on its own', () => {
    render({ updatedAt: Date.now() - 4600, busy: null });
    expect(span().textContent).toBe('updated 5 s ago');
    act(() => {
      jest.advanceTimersByTime(3000);
    });
    expect(span().textContent).toBe('updated 8 s ago');
  });

  it('says nothing before the first read and never a negative age', () => {
    render({ updatedAt: null, busy: null });
    expect(span().textContent).toBe('');
    // a read stamped a moment ahead of this clock
    render({ updatedAt: Date.now() + 2000, busy: null });
    expect(span().textContent).toBe('updated 0 s ago');
  });

  it('says what is under way instead, and carries its tooltip', () => {
    render({
      updatedAt: Date.now() - 1000,
      busy: 'refreshing…',
      title: 'Refreshed every 30 s'
    });
    expect(span().textContent).toBe('refreshing…');
    expect(span().getAttribute('title')).toBe('Refreshed every 30 s');
    render({ updatedAt: Date.now() - 1000, busy: null });
    expect(span().textContent).toBe('updated 1 s ago');
    expect(span().hasAttribute('title')).toBe(false);
  });
});
