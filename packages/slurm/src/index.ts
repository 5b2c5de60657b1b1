import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { SlurmPanel } from './panel';

const PLUGIN_ID = '@jupyterlab-hpc/slurm:plugin';
const COMMAND_OPEN = 'hpc-slurm:open';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'A Slurm queue panel: watch and steer batch jobs.',
  autoStart: true,
  optional: [ILauncher, ICommandPalette, ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const tracker = new WidgetTracker<MainAreaWidget<SlurmPanel>>({
      namespace: 'hpc-slurm'
    });
    app.commands.addCommand(COMMAND_OPEN, {
      label: trans.__('Slurm Queue'),
      caption: trans.__('Watch and steer your Slurm batch jobs'),
      execute: () => {
        let widget = tracker.currentWidget;
        if (!widget || widget.isDisposed) {
          widget = new MainAreaWidget({ content: new SlurmPanel(trans) });
          widget.id = 'jp-hpc-slurm';
          widget.title.label = trans.__('Slurm Queue');
          widget.title.closable = true;
          void tracker.add(widget);
        }
        if (!widget.isAttached) {
          app.shell.add(widget, 'main');
        }
        app.shell.activateById(widget.id);
        return widget;
      }
    });
    launcher?.add({ command: COMMAND_OPEN, category: 'HPC', rank: 1 });
    palette?.addItem({ command: COMMAND_OPEN, category: 'HPC' });
    void restorer?.restore(tracker, {
      command: COMMAND_OPEN,
      name: () => 'slurm'
    });
  }
};

export default plugin;
