import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { IQueueNote, SlurmModel } from '../model';
import { UpdatedAgo } from './UpdatedAgo';

/**
 * One line: who and where (cut with an ellipsis when narrow, whole in its
 * tooltip), My jobs / All jobs, the list's age, Refresh (an icon with a
 * name) and New job.
 */
export function QueueHeader(props: {
  model: SlurmModel;
  onNewJob: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const status = model.status;
  const where = status?.available
    ? trans.__(
        'Slurm %1 · cluster %2 · as %3',
        status.version ?? '',
        status.cluster ?? '',
        status.user ?? ''
      )
    : status
      ? trans.__('Slurm unavailable')
      : trans.__('Contacting Slurm…');
  return (
    <div className="jp-hpc-Slurm-header jp-hpc-Slurm-queueHeader">
      <div className="jp-hpc-Slurm-status" title={where}>
        {where}
      </div>
      <div
        className="jp-hpc-Slurm-scope"
        role="radiogroup"
        aria-label={trans.__('Jobs shown')}
      >
        {(['mine', 'all'] as const).map(scope => (
          <button
            key={scope}
            role="radio"
            aria-checked={model.scope === scope}
            className={
              'jp-mod-styled jp-hpc-Slurm-scopeButton' +
              (model.scope === scope ? ' jp-mod-active' : '')
            }
            onClick={() => {
              model.scope = scope;
            }}
          >
            {scope === 'mine' ? trans.__('My jobs') : trans.__('All jobs')}
          </button>
        ))}
      </div>
      <UpdatedAgo
        updatedAt={model.updatedAt}
        busy={model.loading ? trans.__('refreshing…') : null}
        title={trans.__('Refreshed every %1 s', model.pollInterval)}
        trans={trans}
      />
      <button
        className="jp-mod-styled jp-hpc-Slurm-refresh"
        title={trans.__('Refresh the job list now')}
        aria-label={trans.__('Refresh')}
        onClick={() => void model.refresh().catch(() => undefined)}
      >
        <refreshIcon.react tag="span" elementSize="normal" />
      </button>
      <button
        className="jp-mod-styled jp-mod-accept jp-hpc-Slurm-newJob"
        title={trans.__('Write and submit a new batch job')}
        onClick={props.onNewJob}
      >
        {trans.__('New job…')}
      </button>
    </div>
  );
}

/**
 * Where the list comes from, when the user should know: the center's queue
 * service is not used right now (the list comes from the user's own squeue,
 * and the panel returns to the service by itself), or "All jobs" holds only
 * the user's jobs because Slurm or the site hides the others.
 */
export function QueueNote(props: {
  note: IQueueNote | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { note, trans } = props;
  if (!note) {
    return null;
  }
  return (
    <div className="jp-hpc-Slurm-note" role="status">
      {note.serviceProblem && (
        <div>
          {trans.__(
            'Listed with your own squeue for now: %1',
            note.serviceProblem
          )}
        </div>
      )}
      {note.restricted && <div>{note.restricted}</div>}
    </div>
  );
}
