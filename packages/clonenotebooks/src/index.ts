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
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { ILauncher } from '@jupyterlab/launcher';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ToolbarButton } from '@jupyterlab/ui-components';

import { askClone } from './dialogs';
import { galleryIcon } from './icons';
import { GalleryModel } from './model';
import { GalleryPanel, IGalleryActions } from './panel';
import { NotebookPreview } from './preview';
import type { INotebookInfo, IParameter } from './tokens';

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
  optional: [ILauncher, ICommandPalette, ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    docManager: IDocumentManager,
    rendermime: IRenderMimeRegistry,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const linkRequest = takeLinkRequest();
    let model: GalleryModel | null = null;
    const getModel = () => (model ??= new GalleryModel());

    const tracker = new WidgetTracker<MainAreaWidget<GalleryPanel>>({
      namespace: 'hpc-gallery'
    });

    /** Clone (after the parameters form or a confirmation when needed) and open the copy. */
    const clone = async (nb: INotebookInfo, confirm: boolean) => {
      const gallery = getModel();
      const into = gallery.cloneDir(nb.source);
      const message = trans.__(
        'Clone "%1" from %2 into %3?',
        nb.title,
        gallery.sourceName(nb.source),
        into
      );
      try {
        let params: IParameter[] = [];
        if (nb.parameters) {
          params = await gallery.parameters(nb);
        }
        let values: Record<string, unknown> | null = {};
        if (confirm || params.length > 0) {
          values = await askClone(nb, params, message, trans);
          if (values === null) {
            return;
          }
        }
        const result = await gallery.clone(nb, values);
        await docManager.openOrReveal(result.path);
        const kept = result.data_files.filter(f => f.status === 'kept');
        Notification.success(
          kept.length
            ? trans.__(
                'Cloned into %1 (your existing data files were kept: %2).',
                result.path,
                kept.map(f => f.path).join(', ')
              )
            : trans.__('Cloned into %1.', result.path),
          { autoClose: 5000 }
        );
      } catch (error) {
        await showErrorMessage(
          trans.__('Could not clone %1', nb.title),
          (error as Error).message
        );
      }
    };

    const openPreview = async (nb: INotebookInfo) => {
      const id = `jp-hpc-gallery-preview-${encodeURIComponent(`${nb.source}:${nb.path}`)}`;
      const existing = Array.from(app.shell.widgets('main')).find(
        w => w.id === id
      );
      if (existing) {
        app.shell.activateById(id);
        return;
      }
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
      const view = new NotebookPreview(rendermime, trans);
      const widget = new MainAreaWidget({ content: view });
      widget.id = id;
      widget.title.label = trans.__('Preview: %1', nb.title);
      widget.title.caption = `${getModel().sourceName(nb.source)}: ${nb.path}`;
      widget.title.closable = true;
      widget.toolbar.addItem(
        'clone',
        new ToolbarButton({
          label: trans.__('Clone'),
          tooltip: trans.__(
            'Clone this notebook into %1',
            getModel().cloneDir(nb.source)
          ),
          onClick: () => void clone(nb, false)
        })
      );
      app.shell.add(widget, 'main', { mode: 'split-right' });
      await view.render(content);
    };

    const actions: IGalleryActions = {
      clone: nb => clone(nb, false),
      preview: openPreview
    };

    app.commands.addCommand(COMMAND_OPEN, {
      label: trans.__('Notebook Gallery'),
      caption: trans.__('Browse curated notebooks and clone one'),
      icon: args => (args.isPalette ? undefined : galleryIcon),
      execute: () => {
        let widget = tracker.currentWidget;
        if (!widget || widget.isDisposed) {
          const panel = new GalleryPanel(getModel(), actions, trans);
          widget = new MainAreaWidget({ content: panel });
          widget.id = 'jp-hpc-gallery';
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
        await clone(nb, true);
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
      label: trans.__('Clone'),
      execute: () => {
        const nb = cardAtMenu();
        return nb ? clone(nb, false) : undefined;
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
