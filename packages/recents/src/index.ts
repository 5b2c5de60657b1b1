import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { IDocumentManager, IRecentsManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  fileIcon,
  folderIcon,
  historyIcon,
  LabIcon,
  notebookIcon
} from '@jupyterlab/ui-components';
import { refocusAfterContextMenu } from '@jupyterlab-hpc/common';
import { IFavorites } from '@jupyterlab-hpc/favorites';

import { DEFAULT_SETTINGS, RecentsModel } from './model';
import { IRecentsActions, RecentsPanel } from './panel';
import { Recorder } from './recorder';
import { IRecentEntry } from './types';

export * from './types';

const PLUGIN_ID = '@jupyterlab-hpc/recents:plugin';

/** Command ids (also used by the context menu in `schema/plugin.json`). */
export namespace CommandIDs {
  export const open = 'recents:open';
  export const togglePin = 'recents:toggle-pin';
  export const remove = 'recents:remove';
  export const addToFavorites = 'recents:add-to-favorites';
  export const clear = 'recents:clear';
  export const refresh = 'recents:refresh';
  export const showPanel = 'recents:show-panel';
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Recently opened files and folders, kept on the server, in the left sidebar.',
  autoStart: true,
  optional: [
    IRecentsManager,
    IDocumentManager,
    IDefaultFileBrowser,
    ISettingRegistry,
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    IFavorites
  ],
  activate: (
    app: JupyterFrontEnd,
    recentsManager: IRecentsManager | null,
    docManager: IDocumentManager | null,
    browser: IDefaultFileBrowser | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    favorites: IFavorites | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const model = new RecentsModel();
    const { commands } = app;

    const entryOf = (args: { path?: unknown }): IRecentEntry | undefined => {
      let path = typeof args.path === 'string' ? args.path : undefined;
      if (path === undefined) {
        // Invoked from the context menu: the entry under the mouse.
        const node = app.contextMenuHitTest(
          n => n.dataset.recentPath !== undefined
        );
        path = node?.dataset.recentPath;
      }
      return model.entries.find(e => e.path === path);
    };

    const fail = (what: string) => (error: unknown) => {
      Notification.error(
        trans.__('%1: %2', what, (error as Error).message ?? String(error)),
        { autoClose: 8000 }
      );
    };

    const openEntry = async (entry: IRecentEntry): Promise<void> => {
      if (!entry.exists) {
        Notification.warning(
          trans.__(
            '"%1" is missing: deleted, moved outside JupyterLab, or its file system is not reachable.',
            entry.path
          ),
          {
            autoClose: 10000,
            actions: [
              {
                label: trans.__('Remove from Recent'),
                callback: () => {
                  model
                    .remove(entry.path)
                    .catch(fail(trans.__('Could not remove')));
                }
              },
              {
                label: trans.__('Check again'),
                callback: () => {
                  model.refresh().catch(fail(trans.__('Could not refresh')));
                }
              }
            ]
          }
        );
        return;
      }
      if (entry.type === 'directory') {
        if (!browser) {
          return;
        }
        await browser.model.cd('/' + entry.path);
        app.shell.activateById(browser.id);
        return;
      }
      if (!docManager) {
        return;
      }
      // Reopen with the viewer used last time, if it is still installed.
      const factory =
        entry.factory && docManager.registry.getWidgetFactory(entry.factory)
          ? entry.factory
          : undefined;
      docManager.openOrReveal(entry.path, factory);
    };

    commands.addCommand(CommandIDs.open, {
      label: trans.__('Open'),
      describedBy: {
        args: { type: 'object', properties: { path: { type: 'string' } } }
      },
      execute: args => {
        const entry = entryOf(args);
        return entry
          ? openEntry(entry).catch(
              fail(trans.__('Could not open "%1"', entry.path))
            )
          : undefined;
      }
    });
    commands.addCommand(CommandIDs.togglePin, {
      label: args =>
        entryOf(args)?.pinned ? trans.__('Unpin') : trans.__('Pin to the Top'),
      execute: args => {
        const entry = entryOf(args);
        return entry
          ? model
              .setPinned(entry.path, !entry.pinned)
              .catch(fail(trans.__('Could not pin "%1"', entry.path)))
          : undefined;
      }
    });
    commands.addCommand(CommandIDs.remove, {
      label: trans.__('Remove from Recent'),
      execute: async args => {
        const entry = entryOf(args);
        if (!entry) {
          return;
        }
        try {
          await model.remove(entry.path);
        } catch (error) {
          // Already gone (another tab): the list is refreshed anyway.
          if ((error as { status?: number }).status === 404) {
            return model.refresh();
          }
          return fail(trans.__('Could not remove "%1"', entry.path))(error);
        }
        Notification.info(trans.__('Removed "%1" from Recent.', entry.path), {
          autoClose: 10000,
          actions: [
            {
              label: trans.__('Undo'),
              caption: trans.__('Put "%1" back in the list', entry.path),
              callback: () => {
                model
                  .restore(entry)
                  .catch(fail(trans.__('Could not put it back')));
              }
            }
          ]
        });
      }
    });
    commands.addCommand(CommandIDs.addToFavorites, {
      label: trans.__('Add to Favorites'),
      isVisible: () => favorites !== null,
      isEnabled: args => {
        const entry = entryOf(args);
        return !!entry && entry.exists && !favorites?.has(entry.path);
      },
      execute: async args => {
        const entry = entryOf(args);
        if (!entry || !favorites) {
          return;
        }
        try {
          await favorites.add(entry.path);
          Notification.success(
            trans.__('Added "%1" to Favorites.', entry.path),
            {
              autoClose: 3000
            }
          );
        } catch (error) {
          fail(trans.__('Could not add "%1" to Favorites', entry.path))(error);
        }
      }
    });
    commands.addCommand(CommandIDs.clear, {
      label: trans.__('Clear Recent Files and Folders…'),
      caption: trans.__(
        'Empty the Recent list (pinned entries are kept unless you ask)'
      ),
      execute: async () => {
        const pinned = model.entries.filter(e => e.pinned).length;
        const result = await showDialog({
          title: trans.__('Clear the Recent list?'),
          body:
            pinned > 0
              ? trans._n(
                  'The %1 pinned entry is kept.',
                  'The %1 pinned entries are kept.',
                  pinned,
                  pinned
                )
              : trans.__('Every entry is removed.'),
          checkbox:
            pinned > 0
              ? {
                  label: trans.__('Also remove pinned entries'),
                  checked: false
                }
              : null,
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({ label: trans.__('Clear') })
          ]
        });
        if (!result.button.accept) {
          return;
        }
        await model
          .clear(result.isChecked === true)
          .catch(fail(trans.__('Could not clear the list')));
      }
    });
    commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Refresh Recent'),
      icon: args => (args.toolbar ? historyIcon : undefined),
      execute: () => model.refresh().catch(fail(trans.__('Could not refresh')))
    });
    commands.addCommand(CommandIDs.showPanel, {
      label: trans.__('Show Recent Files and Folders'),
      caption: trans.__('Open the Recent panel in the left sidebar'),
      execute: () => app.shell.activateById(panel.id)
    });
    palette?.addItem({
      command: CommandIDs.showPanel,
      category: trans.__('HPC')
    });
    palette?.addItem({ command: CommandIDs.clear, category: trans.__('HPC') });

    const iconFor = (entry: IRecentEntry): LabIcon => {
      if (entry.type === 'directory') {
        return folderIcon;
      }
      const types = docManager?.registry.getFileTypesForPath(entry.path) ?? [];
      const icon = types.find(t => t.icon)?.icon;
      if (icon) {
        return icon;
      }
      return entry.type === 'notebook' ? notebookIcon : fileIcon;
    };

    const actions: IRecentsActions = {
      open: entry =>
        void commands.execute(CommandIDs.open, { path: entry.path }),
      setPinned: entry =>
        void commands.execute(CommandIDs.togglePin, { path: entry.path }),
      remove: entry =>
        void commands.execute(CommandIDs.remove, { path: entry.path }),
      clear: () => void commands.execute(CommandIDs.clear),
      refresh: () => void commands.execute(CommandIDs.refresh),
      addToFavorites: favorites
        ? entry =>
            void commands.execute(CommandIDs.addToFavorites, {
              path: entry.path
            })
        : null,
      isFavorite: entry => favorites?.has(entry.path) ?? false,
      iconFor
    };

    const panel = new RecentsPanel(model, actions, trans);
    panel.id = 'jp-hpc-recents';
    panel.title.icon = historyIcon;
    panel.title.caption = trans.__('Recent files and folders');
    app.shell.add(panel, 'left', { rank: 160 });
    refocusAfterContextMenu(panel.node, app.contextMenu.menu);
    restorer?.add(panel, 'jp-hpc-recents');
    // Favorites changed elsewhere: the "Add to Favorites" buttons follow.
    favorites?.changed.connect(() => panel.update());

    new Recorder(app, model, recentsManager, docManager, browser);

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => {
            const composite = settings.composite as Record<string, any>;
            // `recordDirectories: false` (the older boolean setting) still
            // means no folders.
            const folders =
              composite.recordDirectories === false
                ? 'never'
                : (composite.recordFolders ?? DEFAULT_SETTINGS.recordFolders);
            model.settings = {
              maxLength: composite.maxLength ?? DEFAULT_SETTINGS.maxLength,
              recordFolders: folders,
              excludePatterns:
                composite.excludePatterns ?? DEFAULT_SETTINGS.excludePatterns
            };
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(error => console.warn('Recents: settings not loaded', error));
    }
  }
};

export default plugin;
