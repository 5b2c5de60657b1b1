import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

/**
 * Said where a filter hides every row, with the way back: a list that
 * only goes blank looks broken (or empty) to whoever typed the filter.
 */
export function NoMatches(props: {
  /** The text filter (empty when only the state filter hides the rows). */
  text: string;
  onClear: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { text, trans } = props;
  return (
    <p className="jp-hpc-Slurm-empty jp-hpc-Slurm-noMatches" role="status">
      {text.trim()
        ? trans.__('No matches: no job here has "%1".', text.trim())
        : trans.__('No matches: no job here is in that state.')}{' '}
      <button
        type="button"
        className="jp-hpc-Slurm-clearFilter"
        onClick={props.onClear}
      >
        {trans.__('Show all')}
      </button>
    </p>
  );
}
