import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { RecentsPanel } from './panel';

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@jupyterlab-hpc/recents:plugin',
  description: 'Recents in the left sidebar.',
  autoStart: true,
  optional: [ITranslator],
  activate: (app: JupyterFrontEnd, translator: ITranslator | null) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const panel = new RecentsPanel(trans);
    panel.id = 'jp-hpc-recents';
    panel.title.caption = trans.__('Recents');
    panel.title.label = trans.__('Recents');
    app.shell.add(panel, 'left', { rank: 150 });
  }
};

export default plugin;
