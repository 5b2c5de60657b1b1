export * from './tokens';
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { FavoritesPanel } from './panel';

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@jupyterlab-hpc/favorites:plugin',
  description: 'Favorites in the left sidebar.',
  autoStart: true,
  optional: [ITranslator],
  activate: (app: JupyterFrontEnd, translator: ITranslator | null) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const panel = new FavoritesPanel(trans);
    panel.id = 'jp-hpc-favorites';
    panel.title.caption = trans.__('Favorites');
    panel.title.label = trans.__('Favorites');
    app.shell.add(panel, 'left', { rank: 150 });
  }
};

export default plugin;
