import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Clipboard,
  Notification,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { TranslationBundle } from '@jupyterlab/translation';

import { askName } from './dialogs';
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

  // Removes the user's own favorites only: site favorites are hidden from
  // their own context menu in the Favorites section.
  commands.addCommand(CommandIDs.removeSelected, {
    label: trans.__('Remove from Favorites'),
    icon: starEmptyIcon,
    isVisible: () => selected().some(item => model.findOwn(item.path)),
    execute: async () => {
      for (const item of selected()) {
        const own = model.findOwn(item.path);
        if (own) {
          await removeWithUndo(own);
        }
      }
    }
  });

  /** Remove (or hide, for a site favorite) with an Undo in the notification. */
  const removeWithUndo = async (favorite: IFavorite): Promise<void> => {
    const own = model.favorites.filter(f => f.source === 'user');
    const index = own.findIndex(f => f.id === favorite.id);
    const site = favorite.source !== 'user';
    try {
      if (site) {
        await model.setHidden(favorite.id, true);
      } else {
        await model.removeById(favorite.id);
      }
    } catch (error) {
      await report(trans.__('Cannot remove favorite'))(error);
      return;
    }
    Notification.info(
      site
        ? trans.__('Hid the site favorite "%1".', favorite.name)
        : trans.__('Removed "%1" from Favorites.', favorite.name),
      {
        autoClose: 10000,
        actions: [
          {
            label: trans.__('Undo'),
            caption: site
              ? trans.__('Show "%1" again', favorite.name)
              : trans.__('Put "%1" back in Favorites', favorite.name),
            callback: () => {
              const undo = site
                ? model.setHidden(favorite.id, false)
                : model.addBack(favorite, Math.max(0, index));
              undo.catch(report(trans.__('Cannot restore favorite')));
            }
          }
        ]
      }
    );
  };

  // The star of the current folder stands for the user's own favorite only.
  // A site favorite of the folder is left alone (it is hidden from its
  // context menu); a hidden one is shown again rather than duplicated.
  const currentStar = () => model.starOf(normalize(browser.model.path));
  commands.addCommand(CommandIDs.toggleCurrent, {
    label: () => {
      const star = currentStar();
      switch (star.state) {
        case 'own':
          return trans.__('Remove Current Folder from Favorites');
        case 'site':
          return trans.__(
            'Current Folder Is the Site Favorite "%1"',
            star.favorite!.name
          );
        default:
          return trans.__('Add Current Folder to Favorites');
      }
    },
    caption: () => {
      const star = currentStar();
      switch (star.state) {
        case 'own':
          return trans.__(
            'Remove "%1" from your favorites',
            star.favorite!.name
          );
        case 'site':
          return trans.__(
            '"%1" is a favorite your site gives everybody; to hide it, right-click it in the list',
            star.favorite!.name
          );
        case 'hidden-site':
          return trans.__(
            'Show the site favorite "%1" again',
            star.favorite!.name
          );
        default:
          return trans.__('Add the current folder to your favorites');
      }
    },
    icon: () =>
      currentStar().state === 'own' || currentStar().state === 'site'
        ? starFilledIcon
        : starEmptyIcon,
    isToggled: () => currentStar().state === 'own',
    isEnabled: () => currentStar().state !== 'site',
    execute: async () => {
      const path = normalize(browser.model.path);
      const star = currentStar();
      if (star.state === 'own') {
        await removeWithUndo(star.favorite!);
      } else if (star.state === 'hidden-site') {
        await model
          .setHidden(star.favorite!.id, false)
          .catch(report(trans.__('Cannot add favorite')));
      } else if (star.state === 'none') {
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
      const name = await askName(
        trans.__('New name for %1', favorite.path),
        favorite.name,
        trans
      );
      if (name && name !== favorite.name) {
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
        await removeWithUndo(favorite);
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
