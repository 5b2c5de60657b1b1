import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { fileIcon, MenuSvg } from '@jupyterlab/ui-components';
import { refocusAfterContextMenu } from '@jupyterlab-hpc/common';
import { DisposableSet } from '@lumino/disposable';

import { addCommands, CommandIDs, openFavorite } from './commands';
import { normalize } from './model';
import { FavoritesModel } from './model';
import { FavoritesSection, ISectionLayout } from './section';
import { displayed, SortBy } from './sort';
import { IFavorites } from './tokens';

export * from './tokens';

const PLUGIN_ID = '@jupyterlab-hpc/favorites:plugin';
const LAYOUT_KEY = '@jupyterlab-hpc/favorites:section';

const plugin: JupyterFrontEndPlugin<IFavorites> = {
  id: PLUGIN_ID,
  description:
    'Favorites at the top of the file browser, stored on the server.',
  autoStart: true,
  provides: IFavorites,
  requires: [IDefaultFileBrowser],
  optional: [
    ITranslator,
    ISettingRegistry,
    IStateDB,
    ICommandPalette,
    IMainMenu
  ],
  activate: (
    app: JupyterFrontEnd,
    browser: IDefaultFileBrowser,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null,
    state: IStateDB | null,
    palette: ICommandPalette | null,
    mainMenu: IMainMenu | null
  ): IFavorites => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const model = new FavoritesModel();
    let sortBy: SortBy = 'manual';

    const section = new FavoritesSection({
      model,
      trans,
      fileIcon: name =>
        app.docRegistry.getFileTypesForPath(name)[0]?.icon ?? fileIcon,
      open: favorite => void openFavorite(app, browser, favorite, trans),
      remove: favorite =>
        void app.commands.execute(CommandIDs.remove, { id: favorite.id }),
      sortBy: () => sortBy,
      currentPath: () => normalize(browser.model.path),
      star: {
        state: () => model.starOf(normalize(browser.model.path)),
        label: () => app.commands.caption(CommandIDs.toggleCurrent),
        toggle: () => void app.commands.execute(CommandIDs.toggleCurrent)
      }
    });
    // At the top of the file browser sidebar, above the breadcrumbs.
    browser.insertWidget(0, section);
    refocusAfterContextMenu(section.node, app.contextMenu.menu);
    browser.model.pathChanged.connect(() => section.update());
    addCommands(app, model, browser, trans);

    if (settingRegistry) {
      void settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => {
            sortBy = (settings.get('sortBy').composite as SortBy) ?? 'manual';
            section.update();
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(error => console.warn('Favorites: settings not loaded', error));
    }

    // File > Favorites and "Open Favorite: ..." palette entries, one per favorite.
    const submenu = new MenuSvg({ commands: app.commands });
    submenu.id = 'jp-hpc-favorites-menu';
    submenu.title.label = trans.__('Favorites');
    mainMenu?.fileMenu.addGroup([{ type: 'submenu', submenu }], 2);
    let paletteItems = new DisposableSet();
    const rebuild = () => {
      submenu.clearItems();
      paletteItems.dispose();
      paletteItems = new DisposableSet();
      for (const favorite of displayed(model.favorites, sortBy)) {
        submenu.addItem({
          command: CommandIDs.open,
          args: { id: favorite.id }
        });
        if (palette) {
          paletteItems.add(
            palette.addItem({
              command: CommandIDs.open,
              args: { id: favorite.id, palette: true },
              category: trans.__('Favorites')
            })
          );
        }
      }
      submenu.addItem({ type: 'separator' });
      submenu.addItem({ command: CommandIDs.toggleCurrent });
      submenu.addItem({ command: CommandIDs.restoreDefaults });
    };
    model.changed.connect(rebuild);
    rebuild();
    // Its label follows the folder: "Add Current Folder to Favorites"...
    palette?.addItem({
      command: CommandIDs.toggleCurrent,
      category: trans.__('Favorites')
    });

    // Refresh when files are renamed or deleted, so greying follows at once.
    let pending = 0;
    app.serviceManager.contents.fileChanged.connect((_, change) => {
      if (change.type === 'rename' || change.type === 'delete') {
        window.clearTimeout(pending);
        pending = window.setTimeout(() => void model.list(), 300);
      }
    });

    void app.restored.then(async () => {
      await model.list();
      if (state) {
        // Keep the section's height and collapsed state across reloads.
        const saved = (await state.fetch(LAYOUT_KEY).catch(() => null)) as
          ISectionLayout | null | undefined;
        if (saved && typeof saved.collapsed === 'boolean') {
          section.layoutState = {
            collapsed: saved.collapsed,
            height: typeof saved.height === 'number' ? saved.height : null
          };
        }
        section.layoutChanged.connect((_, layout) => {
          void state.save(LAYOUT_KEY, layout as any);
        });
      }
    });
    return model;
  }
};

export default plugin;
