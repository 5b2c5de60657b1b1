import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification, showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { DocumentRegistry, IDocumentWidget } from '@jupyterlab/docregistry';
import { TranslationBundle } from '@jupyterlab/translation';
import { ToolbarButton } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { slurmIcon } from '../icons';
import { SlurmModel } from '../model';
import { CommandIDs } from '../tokens';
import { RunsModel } from './model';
import { RunDialog } from './RunDialog';

export interface IRunCommandsOptions {
  runs: RunsModel;
  queue: SlurmModel;
  trans: TranslationBundle;
  /** Open the Slurm panel on its Runs tab. */
  showRuns: () => void;
  /** Paths selected in the file browser. */
  selectedFiles: () => string[];
}

function isNotebook(path: string): boolean {
  return PathExt.extname(path).toLowerCase() === '.ipynb';
}

/**
 * "Run as Slurm job": the command (palette, file browser context menu on a
 * notebook, a button in every notebook's toolbar, other extensions with a
 * path such as the gallery after cloning) and "Show notebook runs".
 */
export function addRunCommands(
  app: JupyterFrontEnd,
  options: IRunCommandsOptions
): void {
  const { runs, queue, trans } = options;
  const { commands, shell } = app;
  // Open notebooks, by their widget: the toolbar and the palette run the one shown.
  const notebooks = new Map<Widget, DocumentRegistry.Context>();

  app.docRegistry.addWidgetExtension('Notebook', {
    createNew: (widget: IDocumentWidget, context: DocumentRegistry.Context) => {
      notebooks.set(widget, context);
      widget.disposed.connect(() => notebooks.delete(widget));
      const button = new ToolbarButton({
        icon: slurmIcon,
        label: trans.__('Run as Slurm job'),
        tooltip: trans.__(
          'Run this notebook (or a parameter sweep of it) as a Slurm batch job'
        ),
        onClick: () =>
          void commands.execute(CommandIDs.runNotebook, { path: context.path })
      });
      button.addClass('jp-hpc-Slurm-runButton');
      widget.toolbar.insertItem(20, 'hpc-slurm-run', button);
      return button;
    }
  });

  const currentNotebook = (): DocumentRegistry.Context | null => {
    const widget = shell.currentWidget;
    return (widget && notebooks.get(widget)) ?? null;
  };
  const target = (args: Record<string, unknown>): string | null => {
    if (typeof args.path === 'string') {
      return args.path;
    }
    const selected = options.selectedFiles().filter(isNotebook);
    if (args.fromBrowser && selected.length > 0) {
      return selected[0];
    }
    return currentNotebook()?.path ?? selected[0] ?? null;
  };

  const run = async (path: string) => {
    // What runs is the file on disk: an open notebook with unsaved edits is saved first.
    for (const context of notebooks.values()) {
      if (context.path === path && context.model.dirty) {
        await context.save();
      }
    }
    let loaded;
    try {
      loaded = await Promise.all([
        runs.form(path),
        queue.partitions().catch(() => []),
        queue.templates().catch(() => [])
      ]);
    } catch (error) {
      await showErrorMessage(
        trans.__('Cannot run %1 as a Slurm job', path),
        (error as Error).message
      );
      return;
    }
    const [form, partitions, templates] = loaded;
    const dialog = new RunDialog(
      {
        form,
        partitions,
        templates,
        flags: queue.status?.submit_flags ?? [],
        trans,
        submit: async request => {
          const answer = await runs.submit(request);
          const count =
            typeof answer.tasks === 'number'
              ? answer.tasks
              : answer.tasks.length;
          Notification.success(
            count > 1
              ? trans.__(
                  'Submitted %1 as job array %2 (%3 tasks)',
                  PathExt.basename(path),
                  answer.job_id,
                  count
                )
              : trans.__(
                  'Submitted %1 as job %2',
                  PathExt.basename(path),
                  answer.job_id
                ),
            {
              autoClose: 8000,
              actions: [
                { label: trans.__('Show in Runs'), callback: options.showRuns }
              ]
            }
          );
          void queue.refresh();
        }
      },
      trans.__('Run as Slurm job: %1', PathExt.basename(path))
    );
    await dialog.launch();
    dialog.dispose();
  };

  commands.addCommand(CommandIDs.runNotebook, {
    label: trans.__('Run as Slurm Job…'),
    caption: trans.__(
      'Run a notebook, or a parameter sweep of it, as a Slurm batch job with papermill'
    ),
    icon: args => (args.isPalette ? undefined : slurmIcon),
    isVisible: args =>
      args.fromBrowser ? options.selectedFiles().some(isNotebook) : true,
    isEnabled: args => target(args) !== null,
    execute: args => {
      const path = target(args);
      return path ? run(path) : undefined;
    }
  });
  commands.addCommand(CommandIDs.showRuns, {
    label: trans.__('Show Notebook Runs'),
    caption: trans.__(
      'Notebook runs and sweeps submitted to Slurm, with their tasks'
    ),
    execute: options.showRuns
  });
}
