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

import { GalleryPanel } from './panel';

const COMMAND_OPEN = 'hpc-gallery:open';

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@jupyterlab-hpc/clonenotebooks:plugin',
  description: 'A gallery of curated notebooks to clone with one click.',
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
    const tracker = new WidgetTracker<MainAreaWidget<GalleryPanel>>({
      namespace: 'hpc-gallery'
    });
    app.commands.addCommand(COMMAND_OPEN, {
      label: trans.__('Notebook Gallery'),
      caption: trans.__('Browse curated notebooks and clone one'),
      execute: () => {
        let widget = tracker.currentWidget;
        if (!widget || widget.isDisposed) {
          widget = new MainAreaWidget({ content: new GalleryPanel(trans) });
          widget.id = 'jp-hpc-gallery';
          widget.title.label = trans.__('Notebook Gallery');
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
    launcher?.add({ command: COMMAND_OPEN, category: 'HPC', rank: 2 });
    palette?.addItem({ command: COMMAND_OPEN, category: 'HPC' });
    void restorer?.restore(tracker, {
      command: COMMAND_OPEN,
      name: () => 'gallery'
    });
  }
};

export default plugin;
