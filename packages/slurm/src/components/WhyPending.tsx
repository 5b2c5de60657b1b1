import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { estimateText, pendingReason, sentence } from '../explain';
import { IJob, baseState } from '../jobs';

/**
 * Why a pending job waits, in plain words with Slurm's reason beside it, and
 * when Slurm expects it to start. Nothing for a job that is not pending.
 */
export function WhyPending(props: {
  job: IJob | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { job, trans } = props;
  if (!job || baseState(job.state) !== 'PENDING') {
    return null;
  }
  const why = pendingReason(job.reason, trans);
  const estimate = estimateText(job.start_time, trans);
  if (!why && !estimate) {
    return null;
  }
  return (
    <div
      className={
        'jp-hpc-Slurm-why jp-hpc-Slurm-pending' +
        (why?.blocked ? ' jp-mod-bad' : '')
      }
    >
      {why && (
        <>
          {why.text && <span className="jp-hpc-Slurm-whyText">{why.text}</span>}{' '}
          <span className="jp-hpc-Slurm-raw" title={trans.__("Slurm's reason")}>
            {why.text ? `(${why.raw})` : trans.__('Slurm says: %1', why.raw)}
          </span>
        </>
      )}
      {estimate && (
        <div className="jp-hpc-Slurm-estimate">{sentence(estimate)}</div>
      )}
    </div>
  );
}
