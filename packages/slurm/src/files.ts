import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { PathExt } from '@jupyterlab/coreutils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { TranslationBundle } from '@jupyterlab/translation';

import { addEditorButton } from './editor';
import { SlurmModel } from './model';
import { CommandIDs } from './tokens';

/** File name endings offered "Submit to Slurm". */
export const SCRIPT_EXTENSIONS = ['.sh', '.sbatch', '.slurm', '.job'];

export function isScript(path: string): boolean {
  return SCRIPT_EXTENSIONS.includes(PathExt.extname(path).toLowerCase());
}

export interface IFileIntegrationOptions {
  app: JupyterFrontEnd;
  model: SlurmModel;
  trans: TranslationBundle;
  defaultBrowser: IDefaultFileBrowser | null;
  browserFactory: IFileBrowserFactory | null;
  editorTracker: IEditorTracker | null;
  languages: IEditorLanguageRegistry | null;
}

/**
 * "Submit to Slurm" from the file browser's context menu and the text
 * editor's toolbar, and shell highlighting for batch scripts.
 */
export function addFileIntegration(options: IFileIntegrationOptions): {
  selectedFiles: () => string[];
} {
  const { app, model, trans, editorTracker, languages } = options;
  const { commands } = app;

  const submitPath = async (path: string) => {
    try {
      const id = await model.submit({ path });
      Notification.success(trans.__('Submitted batch job %1', id), {
        autoClose: 8000,
        actions: [
          {
            label: trans.__('Show in queue'),
            callback: () => void commands.execute(CommandIDs.open)
          },
          {
            label: trans.__('Open output'),
            callback: () =>
              void commands.execute(CommandIDs.openOutput, {
                id,
                stream: 'stdout'
              })
          }
        ]
      });
      return id;
    } catch (error) {
      // sbatch's own message, verbatim
      Notification.error(
        trans.__('Submitting %1 failed: %2', path, (error as Error).message),
        { autoClose: false }
      );
      return null;
    }
  };

  /** Files (not folders) selected in the file browser. */
  const selectedScripts = (): string[] => {
    const browser =
      options.browserFactory?.tracker.currentWidget ?? options.defaultBrowser;
    if (!browser) {
      return [];
    }
    return [...browser.selectedItems()]
      .filter(item => item.type !== 'directory')
      .map(item => item.path);
  };
  commands.addCommand(CommandIDs.submitFile, {
    label: trans.__('Submit to Slurm'),
    caption: trans.__('Submit this batch script with sbatch'),
    isVisible: () => {
      const paths = selectedScripts();
      return paths.length > 0 && paths.every(isScript);
    },
    execute: async args => {
      const paths = args.path ? [args.path as string] : selectedScripts();
      for (const path of paths) {
        await submitPath(path);
      }
    }
  });

  commands.addCommand(CommandIDs.submitEditor, {
    label: trans.__('Submit to Slurm'),
    caption: trans.__('Save this script and submit it with sbatch'),
    isEnabled: () => !!editorTracker?.currentWidget,
    execute: async () => {
      const widget = editorTracker?.currentWidget;
      if (!widget) {
        return;
      }
      await widget.context.save();
      return submitPath(widget.context.path);
    }
  });
  addEditorButton(app, commands, isScript, trans);

  // `.sbatch`, `.slurm`, `.job` are shell scripts: highlight them as such
  languages?.addLanguage({
    name: 'slurm-batch',
    displayName: trans.__('Slurm batch script'),
    mime: 'text/x-slurm-batch',
    extensions: ['sbatch', 'slurm', 'job'],
    load: async () => (await languages.getLanguage('shell'))!.support!
  });
  return { selectedFiles: selectedScripts };
}
