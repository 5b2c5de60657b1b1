import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { failureMessage } from './explain';
import { HistoryModel } from './historyModel';
import { IJobEvent, SlurmModel } from './model';
import { PanelOpener } from './panelOpener';
import { CommandIDs } from './tokens';

/** The notification text of a job event. */
export function eventMessage(
  event: IJobEvent,
  trans: TranslationBundle
): string {
  const { id, name } = event.job;
  switch (event.kind) {
    case 'started':
      return trans.__('Job %1 (%2) started.', id, name);
    case 'completed':
      return trans.__('Job %1 (%2) completed.', id, name);
    case 'failed':
      return trans.__('Job %1 (%2) failed.', id, name);
    case 'cancelled':
      return trans.__('Job %1 (%2) was cancelled.', id, name);
    default:
      return trans.__('Job %1 (%2) finished.', id, name);
  }
}

/**
 * Announce the user's job events (when notifications are on); a failure
 * says why, from accounting.
 */
export function connectNotifications(
  model: SlurmModel,
  history: HistoryModel,
  panels: PanelOpener,
  commands: CommandRegistry,
  trans: TranslationBundle
): void {
  model.jobEvent.connect((_, event) => {
    if (event.kind !== 'started') {
      history.jobEnded(); // accounting has it a moment later
    }
    if (!model.notifications) {
      return;
    }
    if (event.kind === 'failed') {
      notifyFailure(event, history, panels, trans);
      return;
    }
    const message = eventMessage(event, trans);
    const options = {
      autoClose: 8000 as const,
      actions: [
        {
          label: trans.__('Show queue'),
          callback: () => void commands.execute(CommandIDs.open)
        }
      ]
    };
    if (event.kind === 'completed' || event.kind === 'started') {
      Notification.success(message, options);
    } else {
      Notification.info(message, options);
    }
  });
}

/**
 * "Job 123 failed: ran out of memory": why, from accounting (it has the
 * exit code and the failing step); the plain notice when it cannot say.
 */
function notifyFailure(
  event: IJobEvent,
  history: HistoryModel,
  panels: PanelOpener,
  trans: TranslationBundle
): void {
  const options = {
    autoClose: 12000 as const,
    actions: [
      {
        label: trans.__('Show history'),
        callback: () => void panels.show('history')
      }
    ]
  };
  const ask = (tries: number): void => {
    history
      .details(event.job.id)
      .then(details =>
        Notification.error(
          failureMessage(event.job.id, details.ended, trans),
          options
        )
      )
      .catch(() => {
        // slurmdbd may not have the job yet: ask once more, then say what we know
        if (tries > 0) {
          window.setTimeout(() => ask(tries - 1), 3000);
        } else {
          Notification.error(eventMessage(event, trans), options);
        }
      });
  };
  ask(1);
}
