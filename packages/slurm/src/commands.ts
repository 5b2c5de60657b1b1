import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { slurmIcon } from './icons';
import { SlurmModel } from './model';
import { OutputViewer } from './output';
import { PanelOpener } from './panelOpener';
import { CommandIDs } from './tokens';
import { mainAreaWidget } from './widgets';

/** The panel's commands: open, refresh, job output, working directory. */
export function addPanelCommands(
  app: JupyterFrontEnd,
  model: SlurmModel,
  panels: PanelOpener,
  trans: TranslationBundle
): void {
  const { commands, shell } = app;
  commands.addCommand(CommandIDs.open, {
    label: trans.__('Slurm Queue'),
    caption: trans.__('Watch and steer your Slurm batch jobs'),
    icon: args => (args.isPalette ? undefined : slurmIcon),
    execute: () => panels.open()
  });
  commands.addCommand(CommandIDs.refresh, {
    label: trans.__('Refresh Slurm Queue'),
    execute: () => model.refresh()
  });

  const outputs = new WidgetTracker<MainAreaWidget<OutputViewer>>({
    namespace: 'hpc-slurm-output'
  });
  commands.addCommand(CommandIDs.openOutput, {
    label: args =>
      args.stream === 'stderr'
        ? trans.__('Open Error')
        : trans.__('Open Output'),
    caption: trans.__("Follow the job's output file as it grows"),
    execute: args => {
      const id = (args.id as string) ?? panels.contextJob?.id;
      const stream = args.stream === 'stderr' ? 'stderr' : 'stdout';
      if (!id) {
        return;
      }
      const open = outputs.find(
        w => w.content.jobId === id && w.content.stream === stream
      );
      if (open) {
        shell.activateById(open.id);
        return open;
      }
      const content = new OutputViewer({ model, id, stream, trans });
      const widget = mainAreaWidget(content);
      widget.id = `jp-hpc-slurm-output-${stream}-${id}`;
      widget.title.label = content.title.label;
      widget.title.closable = true;
      void outputs.add(widget);
      shell.add(widget, 'main', { mode: 'split-right' });
      shell.activateById(widget.id);
      return widget;
    }
  });
  commands.addCommand(CommandIDs.openWorkDir, {
    label: trans.__('Open Working Directory'),
    isEnabled: () => typeof panels.contextJob?.work_dir_path === 'string',
    execute: () => {
      const job = panels.contextJob;
      if (job) {
        panels.openWorkDir(job);
      }
    }
  });
}
