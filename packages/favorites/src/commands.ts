import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Clipboard,
  InputDialog,
  Notification,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { TranslationBundle } from '@jupyterlab/translation';

import { starEmptyIcon, starFilledIcon } from './icons';
import { FavoritesModel, normalize } from './model';
import type { IFavorite } from './tokens';

/** Command ids (also used in schema/plugin.json). */
export namespace CommandIDs {
  export const addSelected = 'hpc-favorites:add-selected';
  export const removeSelected = 'hpc-favorites:remove-selected';
  export const toggleCurrent = 'hpc-favorites:toggle-current';
  export const open = 'hpc-favorites:open';
  export const rename = 'hpc-favorites:rename';
  export const remove = 'hpc-favorites:remove';
  export const copyPath = 'hpc-favorites:copy-path';
  export const restoreDefaults = 'hpc-favorites:restore-defaults';
}

export const ALL_COMMANDS = Object.values(CommandIDs);

/** Navigate the file browser to a directory favorite, or open a file one. */
export async function openFavorite(
  app: JupyterFrontEnd,
  browser: IDefaultFileBrowser,
  favorite: IFavorite,
  trans: TranslationBundle
): Promise<void> {
  if (!favorite.exists || favorite.resolved === null) {
    Notification.warning(
      trans.__(
        '"%1" cannot be opened: %2',
        favorite.name,
        favorite.reason ?? ''
      ),
      { autoClose: 8000 }
    );
    return;
  }
  try {
    if (favorite.type === 'directory') {
      app.shell.activateById(browser.id);
      await browser.model.cd('/' + favorite.resolved);
    } else {
      await app.commands.execute('docmanager:open', {
        path: favorite.resolved
      });
    }
  } catch (error) {
    await showErrorMessage(trans.__('Cannot open favorite'), error as Error);
  }
}

export function addCommands(
  app: JupyterFrontEnd,
  model: FavoritesModel,
  browser: IDefaultFileBrowser,
  trans: TranslationBundle
): void {
  const { commands } = app;

  /** The favorite under the context menu, or the one named by `args.id`. */
  const target = (args: { id?: unknown }): IFavorite | undefined => {
    let id = typeof args.id === 'string' ? args.id : undefined;
    if (!id) {
      const node = app.contextMenuHitTest(n => !!n.dataset?.favoriteId);
      id = node?.dataset.favoriteId;
    }
    return model.favorites.find(f => f.id === id);
  };
  const selected = () => Array.from(browser.selectedItems());
  const report = (title: string) => (error: unknown) =>
    showErrorMessage(title, error as Error);

  commands.addCommand(CommandIDs.addSelected, {
    label: trans.__('Add to Favorites'),
    icon: starFilledIcon,
    isVisible: () => selected().some(item => !model.has(item.path)),
    execute: async () => {
      for (const item of selected()) {
        if (!model.has(item.path)) {
          await model
            .add(item.path)
            .catch(report(trans.__('Cannot add favorite')));
        }
      }
    }
  });

  commands.addCommand(CommandIDs.removeSelected, {
    label: trans.__('Remove from Favorites'),
    icon: starEmptyIcon,
    isVisible: () => selected().some(item => model.has(item.path)),
    execute: async () => {
      for (const item of selected()) {
        await model
          .remove(item.path)
          .catch(report(trans.__('Cannot remove favorite')));
      }
    }
  });

  const currentIsFavorite = () => model.has(normalize(browser.model.path));
  commands.addCommand(CommandIDs.toggleCurrent, {
    label: () =>
      currentIsFavorite()
        ? trans.__('Remove Current Directory from Favorites')
        : trans.__('Add Current Directory to Favorites'),
    caption: () =>
      currentIsFavorite()
        ? trans.__('Remove the current directory from your favorites')
        : trans.__('Add the current directory to your favorites'),
    icon: () => (currentIsFavorite() ? starFilledIcon : starEmptyIcon),
    isToggled: currentIsFavorite,
    execute: async () => {
      const path = normalize(browser.model.path);
      if (model.has(path)) {
        await model
          .remove(path)
          .catch(report(trans.__('Cannot remove favorite')));
      } else {
        const name = path ? undefined : trans.__('Root');
        await model
          .add(path || '.', name)
          .catch(report(trans.__('Cannot add favorite')));
      }
    }
  });
  const refreshToggle = () =>
    commands.notifyCommandChanged(CommandIDs.toggleCurrent);
  model.changed.connect(refreshToggle);
  browser.model.pathChanged.connect(refreshToggle);

  commands.addCommand(CommandIDs.open, {
    label: args => {
      const favorite = target(args);
      if (args.palette && favorite) {
        return trans.__('Open Favorite: %1', favorite.name);
      }
      return typeof args.id === 'string' && favorite
        ? favorite.name
        : trans.__('Open');
    },
    caption: args => {
      const favorite = target(args);
      return favorite
        ? (favorite.reason ?? favorite.resolved ?? favorite.path)
        : '';
    },
    isEnabled: args => {
      const favorite = target(args);
      return !!favorite && favorite.exists;
    },
    execute: async args => {
      const favorite = target(args);
      if (favorite) {
        await openFavorite(app, browser, favorite, trans);
      }
    }
  });

  commands.addCommand(CommandIDs.rename, {
    label: trans.__('Rename Favorite…'),
    isEnabled: args => target(args)?.source === 'user',
    execute: async args => {
      const favorite = target(args);
      if (!favorite) {
        return;
      }
      const result = await InputDialog.getText({
        title: trans.__('Rename Favorite'),
        label: trans.__('New name for %1', favorite.path),
        text: favorite.name,
        okLabel: trans.__('Rename')
      });
      const name = result.value?.trim();
      if (result.button.accept && name && name !== favorite.name) {
        await model
          .rename(favorite.id, name)
          .catch(report(trans.__('Cannot rename favorite')));
      }
    }
  });

  commands.addCommand(CommandIDs.remove, {
    label: args =>
      target(args)?.source === 'user' || !target(args)
        ? trans.__('Remove from Favorites')
        : trans.__('Hide Site Favorite'),
    execute: async args => {
      const favorite = target(args);
      if (favorite) {
        await model
          .removeById(favorite.id)
          .catch(report(trans.__('Cannot remove favorite')));
      }
    }
  });

  commands.addCommand(CommandIDs.copyPath, {
    label: trans.__('Copy Path'),
    execute: args => {
      const favorite = target(args);
      if (favorite) {
        Clipboard.copyToSystem(
          favorite.resolved !== null ? favorite.resolved : favorite.path
        );
      }
    }
  });

  commands.addCommand(CommandIDs.restoreDefaults, {
    label: trans.__('Restore Default Favorites'),
    isEnabled: () => model.favorites.some(f => f.hidden),
    execute: () =>
      model
        .restoreDefaults()
        .catch(report(trans.__('Cannot restore favorites')))
  });
}
