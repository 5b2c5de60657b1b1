import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { useNow } from './hooks';

/**
 * "updated N s ago" in a tab's header, ticking every second on its own so
 * that the tab's list (possibly 100,000 rows of derived state) does not
 * re-render with it. `busy` is said instead while a read is under way
 * (null: the age); nothing before the first read.
 */
export function UpdatedAgo(props: {
  /** Epoch milliseconds of the last read; null before the first. */
  updatedAt: number | null;
  busy: string | null;
  title?: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { updatedAt, busy, trans } = props;
  const now = useNow(1000);
  return (
    <span className="jp-hpc-Slurm-updated" title={props.title}>
      {busy ??
        (updatedAt === null
          ? ''
          : trans.__(
              'updated %1 s ago',
              Math.max(0, Math.round((now - updatedAt) / 1000))
            ))}
    </span>
  );
}
