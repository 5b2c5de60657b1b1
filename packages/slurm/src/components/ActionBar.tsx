import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { SlurmModel } from '../model';
import { IActionResult, JobAction } from '../tokens';

export interface IActionReport {
  action: JobAction;
  results: IActionResult[];
}

const ACTIONS: JobAction[] = ['cancel', 'hold', 'release', 'requeue'];

export function actionLabel(
  action: JobAction,
  trans: TranslationBundle
): string {
  switch (action) {
    case 'cancel':
      return trans.__('Cancel');
    case 'hold':
      return trans.__('Hold');
    case 'release':
      return trans.__('Release');
    default:
      return trans.__('Requeue');
  }
}

/**
 * Cancel, hold, release, requeue the selected jobs (`ids`); cancelling
 * asks first. Disabled while nothing is selected or an action runs.
 */
export function ActionBar(props: {
  model: SlurmModel;
  ids: string[];
  onDone: (report: IActionReport) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, ids, trans } = props;
  const [busy, setBusy] = useState(false);

  const run = async (action: JobAction) => {
    if (!ids.length) {
      return;
    }
    if (action === 'cancel') {
      const answer = await showDialog({
        title: trans._n('Cancel %1 job?', 'Cancel %1 jobs?', ids.length),
        body:
          ids.length <= 10
            ? trans.__('Jobs: %1', ids.join(', '))
            : trans.__(
                'Jobs: %1 and %2 more',
                ids.slice(0, 10).join(', '),
                ids.length - 10
              ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Keep running') }),
          Dialog.warnButton({ label: trans.__('Cancel jobs') })
        ]
      });
      if (!answer.button.accept) {
        return;
      }
    }
    setBusy(true);
    try {
      props.onDone({ action, results: await model.act(action, ids) });
    } catch (error) {
      props.onDone({
        action,
        results: [
          { id: ids.join(', '), ok: false, message: (error as Error).message }
        ]
      });
    } finally {
      setBusy(false);
    }
  };

  const none = ids.length === 0;
  return (
    <span
      className="jp-hpc-Slurm-actions"
      role="group"
      aria-label={trans.__('Actions on the selected jobs')}
    >
      {ACTIONS.map(action => (
        <button
          key={action}
          className={
            'jp-mod-styled jp-hpc-Slurm-action' +
            (action === 'cancel' ? ' jp-mod-warn' : '')
          }
          data-action={action}
          disabled={busy || none}
          title={none ? trans.__('Select your jobs first') : undefined}
          onClick={() => void run(action)}
        >
          {actionLabel(action, trans)}
        </button>
      ))}
    </span>
  );
}

/** Per-id results of the last action; failures show Slurm's message. */
export function ActionReport(props: {
  report: IActionReport;
  onClose: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, trans } = props;
  const failed = report.results.filter(r => !r.ok);
  return (
    <div
      className={
        'jp-hpc-Slurm-report' + (failed.length ? ' jp-mod-failed' : '')
      }
      role="status"
    >
      <span>
        {trans.__(
          '%1: %2 done, %3 failed',
          actionLabel(report.action, trans),
          report.results.length - failed.length,
          failed.length
        )}
      </span>
      <button
        className="jp-mod-styled jp-mod-minimal"
        title={trans.__('Dismiss')}
        aria-label={trans.__('Dismiss')}
        onClick={props.onClose}
      >
        ×
      </button>
      <ul>
        {report.results.map(r => (
          <li key={r.id} className={r.ok ? 'jp-mod-ok' : 'jp-mod-failed'}>
            <code>{r.id}</code> {r.ok ? '✓' : '✗'} {r.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
