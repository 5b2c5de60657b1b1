/** Opening a fresh clone so that it does not look edited. */
import { IDocumentManager } from '@jupyterlab/docmanager';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { Widget } from '@lumino/widgets';

/** The cells as the user sees them, to tell "the user typed" from "the kernel filled metadata in". */
function cellsOf(context: DocumentRegistry.Context): string {
  const model = context.model.toJSON() as { cells?: unknown };
  return JSON.stringify(model.cells ?? null);
}

/**
 * Open a clone just written by the server and keep it clean.
 *
 * When its kernel starts, JupyterLab writes the kernel's `language_info`
 * (version, mimetype...) into the notebook's metadata, which marks any
 * notebook without it as unsaved: closing the fresh copy would then ask
 * "Save your work?" although the user changed nothing. Once that has
 * happened, and only if no cell changed meanwhile, the copy is marked clean
 * again; the file is not written (the kernel metadata is saved with the
 * user's first save).
 */
export async function openClone(
  docManager: IDocumentManager,
  path: string
): Promise<Widget | undefined> {
  const widget = docManager.openOrReveal(path);
  const context = widget ? docManager.contextForWidget(widget) : undefined;
  if (!widget || !context) {
    return widget;
  }
  void (async () => {
    await context.ready;
    const opened = cellsOf(context);
    const session = context.sessionContext;
    await session.ready;
    const kernel = session.session?.kernel;
    if (!kernel) {
      return; // no kernel (none chosen): nothing fills metadata in
    }
    await kernel.info;
    // The notebook applies the kernel info in its own handler of the same
    // promise; let it run first.
    await new Promise(resolve => requestAnimationFrame(resolve));
    if (
      !context.isDisposed &&
      context.model.dirty &&
      cellsOf(context) === opened
    ) {
      context.model.dirty = false;
    }
  })().catch(error =>
    console.warn('Gallery: could not keep the clone clean', error)
  );
  return widget;
}
