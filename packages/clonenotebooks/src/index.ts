import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  MainAreaWidget,
  Notification,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import {
  refocusAfterContextMenu,
  SharedCommandIDs
} from '@jupyterlab-hpc/common';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { Toolbar, ToolbarButton } from '@jupyterlab/ui-components';

import { runCloneDialog } from './dialogs';
import { galleryIcon } from './icons';
import { GalleryModel } from './model';
import { GalleryPanel, IGalleryActions } from './panel';
import { openClone } from './open';
import { NotebookPreview } from './preview';
import type { INotebookInfo } from './tokens';

const COMMAND_OPEN = 'hpc-gallery:open';
const COMMAND_CLONE = 'hpc-gallery:clone';
const COMMAND_CLONE_CARD = 'hpc-gallery:clone-card';
const COMMAND_PREVIEW_CARD = 'hpc-gallery:preview-card';
const COMMAND_COPY_LINK = 'hpc-gallery:copy-link';
/** Query parameters set by `{base_url}hpc/clone/link` when it redirects to JupyterLab. */
const LINK_SOURCE = 'hpc-clone-source';
const LINK_PATH = 'hpc-clone-path';

/** Read (and remove from the address bar) a gallery link's request, if any. */
function takeLinkRequest(): { source: string; path: string } | null {
  const url = new URL(window.location.href);
  const source = url.searchParams.get(LINK_SOURCE);
  const path = url.searchParams.get(LINK_PATH);
  if (!source || !path) {
    return null;
  }
  url.searchParams.delete(LINK_SOURCE);
  url.searchParams.delete(LINK_PATH);
  // a reload must not ask again
  window.history.replaceState(window.history.state, '', url.toString());
  return { source, path };
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@jupyterlab-hpc/clonenotebooks:plugin',
  description: 'A gallery of curated notebooks to clone with one click.',
  autoStart: true,
  requires: [IDocumentManager, IRenderMimeRegistry],
  optional: [
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    ITranslator,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    docManager: IDocumentManager,
    rendermime: IRenderMimeRegistry,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null,
    browser: IDefaultFileBrowser | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const linkRequest = takeLinkRequest();
    let model: GalleryModel | null = null;
    const getModel = () => (model ??= new GalleryModel());

    const tracker = new WidgetTracker<MainAreaWidget<GalleryPanel>>({
      namespace: 'hpc-gallery'
    });

    /** Show the clone in the file browser: its folder, with the file selected. */
    const reveal = async (path: string) => {
      if (!browser) {
        return;
      }
      const i = path.lastIndexOf('/');
      await browser.model.cd('/' + (i > 0 ? path.slice(0, i) : ''));
      await browser.selectItemByName(path.slice(i + 1));
    };

    /** Ask where, under which name and with which values; clone; open the copy. */
    const clone = async (nb: INotebookInfo) => {
      const gallery = getModel();
      try {
        const plan = await gallery.plan(nb);
        const message = trans.__(
          'Your own copy of "%1" from %2, to run and change as you like.',
          nb.title,
          gallery.sourceName(nb.source)
        );
        const result = await runCloneDialog(nb, plan, message, trans, request =>
          gallery.clone(nb, request)
        );
        if (!result) {
          return;
        }
        await openClone(docManager, result.path);
        await reveal(result.path).catch(() => undefined);
        const kept = result.data_files.filter(f => f.status === 'kept');
        const kernel = result.kernel_choice?.display_name;
        let text = kernel
          ? trans.__('Cloned into %1 (kernel: %2).', result.path, kernel)
          : trans.__('Cloned into %1.', result.path);
        if (kept.length) {
          text +=
            ' ' +
            trans.__(
              'Your existing data files were kept: %1.',
              kept.map(f => f.path).join(', ')
            );
        }
        const run = runCopy();
        Notification.success(text, {
          autoClose: 6000,
          actions: [
            ...(browser
              ? [
                  {
                    label: trans.__('Show in File Browser'),
                    callback: () => {
                      app.shell.activateById(browser.id);
                      void reveal(result.path);
                    }
                  }
                ]
              : []),
            ...(run
              ? [
                  {
                    label: trans.__('Run as Slurm job…'),
                    callback: () => void run(result.path)
                  }
                ]
              : [])
          ]
        });
      } catch (error) {
        await showErrorMessage(
          trans.__('Could not clone %1', nb.title),
          (error as Error).message
        );
      }
    };

    // One preview tab, reused: each Preview shows its notebook there.
    let preview: MainAreaWidget<NotebookPreview> | null = null;
    let previewed: INotebookInfo | null = null;
    const openPreview = async (nb: INotebookInfo) => {
      let content;
      try {
        content = await getModel().preview(nb);
      } catch (error) {
        await showErrorMessage(
          trans.__('Could not preview %1', nb.title),
          (error as Error).message
        );
        return;
      }
      if (!preview || preview.isDisposed) {
        const view = new NotebookPreview(rendermime, trans);
        // plain toolbars: see mainAreaWidget in packages/slurm/src/widgets.ts
        // (JupyterLab's reactive toolbar throws on File › Close All Tabs)
        preview = new MainAreaWidget({ content: view, toolbar: new Toolbar() });
        preview.id = 'jp-hpc-gallery-preview';
        preview.title.closable = true;
        preview.toolbar.addItem(
          'clone',
          new ToolbarButton({
            label: trans.__('Clone…'),
            tooltip: trans.__('Clone this notebook into your own space'),
            onClick: () => void (previewed && clone(previewed))
          })
        );
        // Beside the gallery when there is room for both, else a tab.
        const gallery = tracker.currentWidget;
        const wide = (gallery?.node.clientWidth ?? 0) >= 1000;
        app.shell.add(preview, 'main', {
          mode: wide ? 'split-right' : 'tab-after',
          ref: gallery?.isAttached ? gallery.id : undefined
        });
      }
      previewed = nb;
      preview.title.label = trans.__('Preview: %1', nb.title);
      preview.title.caption = `${getModel().sourceName(nb.source)}: ${nb.path}`;
      app.shell.activateById(preview.id);
      await preview.content.render(content);
    };

    /** The Slurm extension's "Run as Slurm job", if it is there (the command may come later). */
    const runCopy = () =>
      app.commands.hasCommand(SharedCommandIDs.runNotebook)
        ? async (path: string) => {
            await app.commands.execute(SharedCommandIDs.runNotebook, { path });
          }
        : null;
    const actions: IGalleryActions = {
      clone: nb => clone(nb),
      preview: openPreview,
      runCopy
    };

    app.commands.addCommand(COMMAND_OPEN, {
      label: trans.__('Notebook Gallery'),
      caption: trans.__('Browse curated notebooks and clone one'),
      icon: args => (args.isPalette ? undefined : galleryIcon),
      execute: () => {
        let widget = tracker.currentWidget;
        if (!widget || widget.isDisposed) {
          const panel = new GalleryPanel(getModel(), actions, trans);
          widget = new MainAreaWidget({
            content: panel,
            toolbar: new Toolbar()
          });
          widget.id = 'jp-hpc-gallery';
          refocusAfterContextMenu(panel.node, app.contextMenu.menu);
          widget.title.label = trans.__('Notebook Gallery');
          widget.title.icon = galleryIcon;
          widget.title.closable = true;
          void tracker.add(widget);
          void getModel().refresh();
        }
        if (!widget.isAttached) {
          app.shell.add(widget, 'main');
        }
        app.shell.activateById(widget.id);
        return widget;
      }
    });

    app.commands.addCommand(COMMAND_CLONE, {
      label: trans.__('Clone a Gallery Notebook'),
      describedBy: {
        args: {
          type: 'object',
          properties: { source: { type: 'string' }, path: { type: 'string' } }
        }
      },
      execute: async args => {
        const gallery = getModel();
        await gallery.refresh();
        const nb = gallery.find(String(args.source), String(args.path));
        if (!nb) {
          await showErrorMessage(
            trans.__('Notebook not found'),
            gallery.error ??
              trans.__(
                'There is no notebook %1 in the gallery source %2.',
                String(args.path),
                String(args.source)
              )
          );
          return;
        }
        await clone(nb);
      }
    });

    /** The card under the context menu (its data-source / data-path attributes). */
    const cardAtMenu = (): INotebookInfo | undefined => {
      const node = app.contextMenuHitTest(n =>
        n.classList.contains('jp-hpc-Gallery-card')
      );
      const source = node?.dataset.source;
      const path = node?.dataset.path;
      return source && path ? getModel().find(source, path) : undefined;
    };
    app.commands.addCommand(COMMAND_CLONE_CARD, {
      label: trans.__('Clone…'),
      execute: () => {
        const nb = cardAtMenu();
        return nb ? clone(nb) : undefined;
      }
    });
    app.commands.addCommand(COMMAND_PREVIEW_CARD, {
      label: trans.__('Preview'),
      execute: () => {
        const nb = cardAtMenu();
        return nb ? openPreview(nb) : undefined;
      }
    });
    app.commands.addCommand(COMMAND_COPY_LINK, {
      label: trans.__('Copy Link for Sharing'),
      caption: trans.__(
        'A link that opens JupyterLab and offers to clone this notebook'
      ),
      // links work for the site's sources only, not for folders a user added
      isEnabled: () => {
        const nb = cardAtMenu();
        return !!nb && !getModel().sources.find(s => s.id === nb.source)?.user;
      },
      execute: () => {
        const nb = cardAtMenu();
        if (!nb) {
          return;
        }
        const url = URLExt.join(
          PageConfig.getBaseUrl(),
          'hpc/clone/link' +
            URLExt.objectToQueryString({ source: nb.source, path: nb.path })
        );
        Clipboard.copyToSystem(url);
        Notification.info(trans.__('Link copied: %1', url), {
          autoClose: 4000
        });
      }
    });

    launcher?.add({ command: COMMAND_OPEN, category: 'HPC', rank: 2 });
    palette?.addItem({ command: COMMAND_OPEN, category: 'HPC' });
    void restorer?.restore(tracker, {
      command: COMMAND_OPEN,
      name: () => 'gallery'
    });

    if (linkRequest) {
      void app.restored.then(() =>
        app.commands.execute(COMMAND_CLONE, linkRequest)
      );
    }
  }
};

export default plugin;
