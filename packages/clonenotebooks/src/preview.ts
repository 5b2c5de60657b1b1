/** A read-only, untrusted rendering of a gallery notebook with JupyterLab's own renderers. */
import * as nbformat from '@jupyterlab/nbformat';
import {
  IRenderMimeRegistry,
  MimeModel,
  OutputModel
} from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

function text(source: nbformat.MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

/**
 * Images that cannot be shown (a heading with `<img src=x>`, a figure next to
 * the notebook in its source, which the preview cannot reach) are replaced by
 * their alternative text, or dropped: no broken-image icons.
 */
function quietImages(node: HTMLElement): void {
  for (const img of Array.from(node.querySelectorAll('img'))) {
    const replace = () => {
      const alt = img.getAttribute('alt')?.trim();
      // JupyterLab's renderer fills an empty alt with "Image": no real text.
      if (alt && alt !== 'Image') {
        const text = document.createElement('span');
        text.className = 'jp-hpc-GalleryPreview-imageAlt';
        text.textContent = alt;
        img.replaceWith(text);
      } else {
        img.remove();
      }
    };
    if (!img.getAttribute('src') || (img.complete && img.naturalWidth === 0)) {
      replace(); // no source, or already failed
    } else {
      img.addEventListener('error', replace, { once: true });
    }
  }
}

/**
 * Cells are rendered with `trusted: false`: the sanitizer strips scripts from
 * HTML and no JavaScript output runs, whatever the source notebook holds.
 */
export class NotebookPreview extends Widget {
  constructor(
    private readonly rendermime: IRenderMimeRegistry,
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-hpc-GalleryPreview');
  }

  async render(content: nbformat.INotebookContent): Promise<void> {
    this.node.replaceChildren();
    const banner = document.createElement('div');
    banner.className = 'jp-hpc-GalleryPreview-banner';
    banner.textContent = this.trans.__(
      'Read-only preview. Clone the notebook to run or edit it.'
    );
    this.node.appendChild(banner);
    for (const cell of content.cells) {
      const node = document.createElement('div');
      node.className = `jp-hpc-GalleryPreview-cell jp-hpc-GalleryPreview-${cell.cell_type}`;
      this.node.appendChild(node);
      if (cell.cell_type === 'markdown') {
        await this.renderMime(
          node,
          new MimeModel({
            data: { 'text/markdown': text(cell.source) },
            trusted: false
          })
        );
      } else {
        const code = document.createElement('pre');
        code.className = 'jp-hpc-GalleryPreview-source';
        code.textContent = text(cell.source);
        node.appendChild(code);
        const outputs = (cell as nbformat.ICodeCell).outputs ?? [];
        for (const output of outputs) {
          await this.renderMime(
            node,
            new OutputModel({ value: output, trusted: false })
          );
        }
      }
    }
  }

  private async renderMime(
    host: HTMLElement,
    model: MimeModel | OutputModel
  ): Promise<void> {
    const mimeType = this.rendermime.preferredMimeType(model.data, 'ensure');
    if (!mimeType) {
      return;
    }
    const renderer = this.rendermime.createRenderer(mimeType);
    renderer.addClass('jp-hpc-GalleryPreview-output');
    try {
      await renderer.renderModel(model);
      quietImages(renderer.node);
      host.appendChild(renderer.node);
    } catch (error) {
      const failed = document.createElement('pre');
      failed.textContent = String(error);
      host.appendChild(failed);
    }
  }
}
