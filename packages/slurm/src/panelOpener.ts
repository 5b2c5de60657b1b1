import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { TranslationBundle } from '@jupyterlab/translation';

import { ClusterModel } from './clusterModel';
import { HistoryModel } from './historyModel';
import { slurmIcon } from './icons';
import { IJob } from './jobs';
import { SlurmModel } from './model';
import { SlurmPanel, SlurmView } from './panel';
import { RunsModel } from './runs/model';
import { PanelSettings } from './settings';
import { CommandIDs } from './tokens';
import { mainAreaWidget } from './widgets';

export type PanelWidget = MainAreaWidget<SlurmPanel>;

/** Creates the one Slurm panel on demand and brings it to the front. */
export class PanelOpener {
  constructor(private readonly _options: PanelOpener.IOptions) {}

  readonly tracker = new WidgetTracker<PanelWidget>({
    namespace: 'hpc-slurm'
  });

  /** The panel, created and shown if needed. */
  open(): PanelWidget {
    const { app } = this._options;
    let widget = this.tracker.currentWidget;
    if (!widget || widget.isDisposed) {
      widget = this._create();
      void this.tracker.add(widget);
    }
    if (!widget.isAttached) {
      app.shell.add(widget, 'main');
    }
    app.shell.activateById(widget.id);
    return widget;
  }

  /** The panel, on one of its tabs. */
  show(view: SlurmView): PanelWidget {
    const widget = this.open();
    widget.content.view = view;
    return widget;
  }

  /** The job a row context menu was opened on. */
  get contextJob(): IJob | null {
    return this.tracker.currentWidget?.content.contextJob ?? null;
  }

  /** Show a job's working directory in the file browser. */
  openWorkDir(job: IJob): void {
    if (typeof job.work_dir_path === 'string') {
      void this._options.app.commands.execute('filebrowser:go-to-path', {
        path: job.work_dir_path || '/'
      });
    }
  }

  /** Open a run's file; `reload`: a running task's notebook saved since it was opened shows its new cells. */
  private async _openRunFile(path: string, reload = false): Promise<void> {
    const widget = (await this._options.app.commands.execute(
      'docmanager:open',
      { path }
    )) as
      | {
          context?: {
            model: { dirty: boolean };
            revert: () => Promise<void>;
          };
        }
      | undefined;
    if (reload && widget?.context && !widget.context.model.dirty) {
      await widget.context.revert();
    }
  }

  private _create(): PanelWidget {
    const { app, model, trans, settings, defaultBrowser } = this._options;
    const { commands } = app;
    const content = new SlurmPanel({
      model,
      trans,
      editorServices: this._options.editorServices,
      columns: () => settings.columns,
      onColumnsChange: next => settings.setColumns(next),
      columnsChanged: settings.columnsChanged,
      defaultCwd: () => defaultBrowser?.model.path ?? '',
      onOpenOutput: (id, stream) =>
        void app.commands.execute(CommandIDs.openOutput, { id, stream }),
      history: this._options.history,
      cluster: this._options.cluster,
      runs: this._options.runs,
      onOpenRunFile: (path, reload) => void this._openRunFile(path, reload),
      onOpenFile: path => void commands.execute('docmanager:open', { path }),
      onOpenFolder: path =>
        void commands.execute('filebrowser:go-to-path', { path: path || '/' })
    });
    const widget = mainAreaWidget(content);
    widget.id = 'jp-hpc-slurm';
    widget.title.label = trans.__('Slurm Queue');
    widget.title.icon = slurmIcon;
    widget.title.closable = true;
    return widget;
  }
}

export namespace PanelOpener {
  export interface IOptions {
    app: JupyterFrontEnd;
    model: SlurmModel;
    trans: TranslationBundle;
    settings: PanelSettings;
    history: HistoryModel;
    cluster: ClusterModel;
    runs: RunsModel;
    editorServices: IEditorServices | null;
    defaultBrowser: IDefaultFileBrowser | null;
  }
}
