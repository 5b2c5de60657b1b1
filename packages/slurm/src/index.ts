import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { ClusterModel } from './clusterModel';
import { addPanelCommands } from './commands';
import { addFileIntegration } from './files';
import { HistoryModel } from './historyModel';
import { SlurmModel } from './model';
import { connectNotifications } from './notifications';
import { PanelOpener } from './panelOpener';
import { addRunCommands } from './runs/commands';
import { RunsModel } from './runs/model';
import { PLUGIN_ID, PanelSettings } from './settings';
import { CommandIDs, ISlurmQueue } from './tokens';

export * from './tokens';
export { SCRIPT_EXTENSIONS } from './files';

/** The History tab starts with the site's window once Slurm's status is known. */
function takeHistoryDays(model: SlurmModel, history: HistoryModel): void {
  const take = () => {
    const days = model.status?.history?.days;
    if (days) {
      history.days = days;
      model.changed.disconnect(take);
    }
  };
  model.changed.connect(take);
}

const plugin: JupyterFrontEndPlugin<ISlurmQueue> = {
  id: PLUGIN_ID,
  description: 'A Slurm queue panel: watch, steer and submit batch jobs.',
  autoStart: true,
  provides: ISlurmQueue,
  optional: [
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    ITranslator,
    ISettingRegistry,
    IEditorServices,
    IDefaultFileBrowser,
    IFileBrowserFactory,
    IEditorTracker,
    IEditorLanguageRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null,
    editorServices: IEditorServices | null,
    defaultBrowser: IDefaultFileBrowser | null,
    browserFactory: IFileBrowserFactory | null,
    editorTracker: IEditorTracker | null,
    languages: IEditorLanguageRegistry | null
  ): ISlurmQueue => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_hpc');
    const model = new SlurmModel({ interval: 30 });
    const history = new HistoryModel();
    const cluster = new ClusterModel();
    const runs = new RunsModel();
    takeHistoryDays(model, history);
    const settings = new PanelSettings(model);
    void settings.load(settingRegistry);

    const panels = new PanelOpener({
      app,
      model,
      trans,
      settings,
      history,
      cluster,
      runs,
      editorServices,
      defaultBrowser
    });
    addPanelCommands(app, model, panels, trans);
    connectNotifications(model, history, panels, app.commands, trans);
    const files = addFileIntegration({
      app,
      model,
      trans,
      defaultBrowser,
      browserFactory,
      editorTracker,
      languages
    });
    addRunCommands(app, {
      runs,
      queue: model,
      trans,
      showRuns: () => void panels.show('runs'),
      selectedFiles: files.selectedFiles
    });

    launcher?.add({ command: CommandIDs.open, category: 'HPC', rank: 1 });
    for (const command of [
      CommandIDs.open,
      CommandIDs.refresh,
      CommandIDs.submitEditor,
      CommandIDs.runNotebook,
      CommandIDs.showRuns
    ]) {
      palette?.addItem({ command, category: 'HPC' });
    }
    void restorer?.restore(panels.tracker, {
      command: CommandIDs.open,
      name: () => 'slurm'
    });
    return model;
  }
};

export default plugin;
