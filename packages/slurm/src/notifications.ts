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
 * Where the job's output file is, relative to the Jupyter root: from Slurm
 * while it remembers the job, else from accounting; null when outside the
 * root or unknown.
 */
export async function outputPath(
  model: SlurmModel,
  history: HistoryModel,
  id: string
): Promise<string | null> {
  try {
    const { summary } = await model.details(id);
    if (summary) {
      return summary.stdout_path;
    }
  } catch {
    // Slurm forgot the job: ask accounting
  }
  try {
    const details = await history.details(id);
    return details.stdout_exists === false ? null : details.stdout_path;
  } catch {
    return null;
  }
}

/**
 * Announce the user's job events (when notifications are on); a failure
 * says why, from accounting; an ended job's notice opens its output.
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
    const openOutput = (path: string | null) =>
      path === null
        ? []
        : [
            {
              label: trans.__('Open output'),
              callback: () => void commands.execute('docmanager:open', { path })
            }
          ];
    if (event.kind === 'failed') {
      notifyFailure(event, history, panels, openOutput, trans);
      return;
    }
    const show = (actions: Notification.IAction[]) => {
      const message = eventMessage(event, trans);
      const options = {
        autoClose: 8000 as const,
        actions: [
          ...actions,
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
    };
    if (event.kind === 'started') {
      show([]);
      return;
    }
    void outputPath(model, history, event.job.id).then(path =>
      show(openOutput(path))
    );
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
  openOutput: (path: string | null) => Notification.IAction[],
  trans: TranslationBundle
): void {
  const options = (path: string | null) => ({
    autoClose: 12000 as const,
    actions: [
      ...openOutput(path),
      {
        label: trans.__('Show history'),
        callback: () => void panels.show('history')
      }
    ]
  });
  const ask = (tries: number): void => {
    history
      .details(event.job.id)
      .then(details =>
        Notification.error(
          failureMessage(event.job.id, details.ended, trans),
          options(details.stdout_exists === false ? null : details.stdout_path)
        )
      )
      .catch(() => {
        // slurmdbd may not have the job yet: ask once more, then say what we know
        if (tries > 0) {
          window.setTimeout(() => ask(tries - 1), 3000);
        } else {
          Notification.error(eventMessage(event, trans), options(null));
        }
      });
  };
  ask(1);
}
