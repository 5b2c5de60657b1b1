import { JupyterFrontEnd } from '@jupyterlab/application';
import { DocumentRegistry, IDocumentWidget } from '@jupyterlab/docregistry';
import { CommandToolbarButton } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { CommandIDs } from './tokens';

/**
 * A "Submit to Slurm" toolbar button in text editors of batch scripts
 * (`.sh`, `.sbatch`, `.slurm`, `.job`). It saves, then submits.
 */
export function addEditorButton(
  app: JupyterFrontEnd,
  commands: CommandRegistry,
  isScript: (path: string) => boolean,
  trans: TranslationBundle
): void {
  app.docRegistry.addWidgetExtension('Editor', {
    createNew: (widget: IDocumentWidget, context: DocumentRegistry.Context) => {
      if (!isScript(context.path)) {
        return;
      }
      const button = new CommandToolbarButton({
        commands,
        id: CommandIDs.submitEditor,
        label: trans.__('Submit to Slurm')
      });
      button.addClass('jp-hpc-Slurm-submitEditor');
      widget.toolbar.insertItem(10, 'hpc-slurm-submit', button);
      return button;
    }
  });
}
