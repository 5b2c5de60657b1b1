import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { PathExt } from '@jupyterlab/coreutils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  TranslationBundle,
  nullTranslator
} from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { ClusterModel } from './clusterModel';
import { addEditorButton } from './editor';
import { failureMessage } from './explain';
import { HistoryModel } from './historyModel';
import { slurmIcon } from './icons';
import { ColumnId, DEFAULT_COLUMNS, IJob, normalizeColumns } from './jobs';
import { IJobEvent, SlurmModel } from './model';
import { OutputViewer } from './output';
import { SlurmPanel } from './panel';
import { addRunCommands } from './runs/commands';
import { RunsModel } from './runs/model';
import { CommandIDs, ISlurmQueue } from './tokens';

export * from './tokens';

const PLUGIN_ID = '@jupyterlab-hpc/slurm:plugin';

/** File name endings offered "Submit to Slurm". */
export const SCRIPT_EXTENSIONS = ['.sh', '.sbatch', '.slurm', '.job'];

function isScript(path: string): boolean {
  return SCRIPT_EXTENSIONS.includes(PathExt.extname(path).toLowerCase());
}

function eventMessage(event: IJobEvent, trans: TranslationBundle): string {
  const { id, name } = event.job;
  switch (event.kind) {
    case 'started':
      return trans.__('Job %1 (%2) started.', id, name);
    case 'completed':
      return trans.__('Job %1 (%2) completed.', id, name);
    case 'failed':
      return trans.__('Job %1 (%2) failed.', id, name);
    case 'cancelled':
      return trans.__('Job %1 (%2) was cancelled.', id, name);
    default:
      return trans.__('Job %1 (%2) finished.', id, name);
  }
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
    const { commands, shell } = app;
    const model = new SlurmModel({ interval: 30 });
    const history = new HistoryModel();
    const cluster = new ClusterModel();
    const runs = new RunsModel();
    // the site's first window of the History tab, once Slurm's status is known
    const takeHistoryDays = () => {
      const days = model.status?.history?.days;
      if (days) {
        history.days = days;
        model.changed.disconnect(takeHistoryDays);
      }
    };
    model.changed.connect(takeHistoryDays);

    // ---- settings ------------------------------------------------------
    let columns: ColumnId[] = DEFAULT_COLUMNS;
    let settings: ISettingRegistry.ISettings | null = null;
    const columnsChanged = new Signal<object, void>(model);
    const applySettings = () => {
      if (!settings) {
        return;
      }
      model.interval = Number(settings.get('refreshInterval').composite ?? 30);
      model.notifications = settings.get('notifications').composite !== false;
      columns = normalizeColumns(
        (settings.get('visibleColumns').composite as string[]) ??
          DEFAULT_COLUMNS
      );
      columnsChanged.emit();
    };
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(loaded => {
          settings = loaded;
          applySettings();
          loaded.changed.connect(applySettings);
        })
        .catch(reason =>
          console.warn('jupyterlab-hpc slurm: settings not loaded', reason)
        );
    }

    // ---- notifications ---------------------------------------------------
    model.jobEvent.connect((_, event) => {
      if (event.kind !== 'started') {
        history.jobEnded(); // accounting has it a moment later
      }
      if (!model.notifications) {
        return;
      }
      if (event.kind === 'failed') {
        notifyFailure(event);
        return;
      }
      const message = eventMessage(event, trans);
      const options = {
        autoClose: 8000 as const,
        actions: [
          {
            label: trans.__('Show queue'),
            callback: () => void commands.execute(CommandIDs.open)
          }
        ]
      };
      if (event.kind === 'completed' || event.kind === 'started') {
        Notification.success(message, options);
      } else {
        Notification.info(message, options);
      }
    });

    /**
     * "Job 123 failed: ran out of memory": why, from accounting (it has the
     * exit code and the failing step); the plain notice when it cannot say.
     */
    const notifyFailure = (event: IJobEvent) => {
      const options = {
        autoClose: 12000 as const,
        actions: [
          {
            label: trans.__('Show history'),
            callback: () => {
              openPanel().content.view = 'history';
            }
          }
        ]
      };
      const ask = (tries: number): void => {
        history
          .details(event.job.id)
          .then(details =>
            Notification.error(
              failureMessage(event.job.id, details.ended, trans),
              options
            )
          )
          .catch(() => {
            // slurmdbd may not have the job yet: ask once more, then say what we know
            if (tries > 0) {
              window.setTimeout(() => ask(tries - 1), 3000);
            } else {
              Notification.error(eventMessage(event, trans), options);
            }
          });
      };
      ask(1);
    };

    // ---- the panel -------------------------------------------------------
    const tracker = new WidgetTracker<MainAreaWidget<SlurmPanel>>({
      namespace: 'hpc-slurm'
    });
    const openWorkDir = (job: IJob) => {
      if (typeof job.work_dir_path === 'string') {
        void commands.execute('filebrowser:go-to-path', {
          path: job.work_dir_path || '/'
        });
      }
    };
    /** Open a run's file; `reload`: a running task's notebook saved since it was opened shows its new cells. */
    const openRunFile = async (path: string, reload = false) => {
      const widget = (await commands.execute('docmanager:open', { path })) as
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
    };
    const openPanel = (): MainAreaWidget<SlurmPanel> => {
      let widget = tracker.currentWidget;
      if (!widget || widget.isDisposed) {
        const content = new SlurmPanel({
          model,
          trans,
          editorServices,
          columns: () => columns,
          onColumnsChange: next => {
            columns = normalizeColumns(next);
            columnsChanged.emit();
            void settings?.set('visibleColumns', columns);
          },
          columnsChanged,
          defaultCwd: () => defaultBrowser?.model.path ?? '',
          onOpenOutput: (id, stream) =>
            void commands.execute(CommandIDs.openOutput, { id, stream }),
          onOpenWorkDir: openWorkDir,
          history,
          cluster,
          runs,
          onOpenRunFile: (path, reload) => void openRunFile(path, reload),
          onOpenFile: path =>
            void commands.execute('docmanager:open', { path }),
          onOpenFolder: path =>
            void commands.execute('filebrowser:go-to-path', {
              path: path || '/'
            })
        });
        widget = new MainAreaWidget({ content });
        widget.id = 'jp-hpc-slurm';
        widget.title.label = trans.__('Slurm Queue');
        widget.title.icon = slurmIcon;
        widget.title.closable = true;
        void tracker.add(widget);
      }
      if (!widget.isAttached) {
        shell.add(widget, 'main');
      }
      shell.activateById(widget.id);
      return widget;
    };

    commands.addCommand(CommandIDs.open, {
      label: trans.__('Slurm Queue'),
      caption: trans.__('Watch and steer your Slurm batch jobs'),
      icon: args => (args.isPalette ? undefined : slurmIcon),
      execute: () => openPanel()
    });
    commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Refresh Slurm Queue'),
      execute: () => model.refresh()
    });

    /** The job a row context menu was opened on. */
    const contextJob = (): IJob | null =>
      tracker.currentWidget?.content.contextJob ?? null;

    // ---- job outputs -----------------------------------------------------
    const outputs = new WidgetTracker<MainAreaWidget<OutputViewer>>({
      namespace: 'hpc-slurm-output'
    });
    commands.addCommand(CommandIDs.openOutput, {
      label: args =>
        args.stream === 'stderr'
          ? trans.__('Open Error')
          : trans.__('Open Output'),
      caption: trans.__("Follow the job's output file as it grows"),
      execute: args => {
        const id = (args.id as string) ?? contextJob()?.id;
        const stream = args.stream === 'stderr' ? 'stderr' : 'stdout';
        if (!id) {
          return;
        }
        const open = outputs.find(
          w => w.content.jobId === id && w.content.stream === stream
        );
        if (open) {
          shell.activateById(open.id);
          return open;
        }
        const content = new OutputViewer({ model, id, stream, trans });
        const widget = new MainAreaWidget({ content });
        widget.id = `jp-hpc-slurm-output-${stream}-${id}`;
        widget.title.label = content.title.label;
        widget.title.closable = true;
        void outputs.add(widget);
        shell.add(widget, 'main', { mode: 'split-right' });
        shell.activateById(widget.id);
        return widget;
      }
    });
    commands.addCommand(CommandIDs.openWorkDir, {
      label: trans.__('Open Working Directory'),
      isEnabled: () => typeof contextJob()?.work_dir_path === 'string',
      execute: () => {
        const job = contextJob();
        if (job) {
          openWorkDir(job);
        }
      }
    });

    // ---- submission from files and editors --------------------------------
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

    const selectedScripts = (): string[] => {
      const browser = browserFactory?.tracker.currentWidget ?? defaultBrowser;
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

    // ---- notebook runs and sweeps ---------------------------------------------
    addRunCommands(app, {
      runs,
      queue: model,
      trans,
      showRuns: () => {
        openPanel().content.view = 'runs';
      },
      selectedFiles: selectedScripts
    });

    // ---- launcher, palette, restorer ---------------------------------------
    launcher?.add({ command: CommandIDs.open, category: 'HPC', rank: 1 });
    if (palette) {
      for (const command of [
        CommandIDs.open,
        CommandIDs.refresh,
        CommandIDs.submitEditor,
        CommandIDs.runNotebook,
        CommandIDs.showRuns
      ]) {
        palette.addItem({ command, category: 'HPC' });
      }
    }
    void restorer?.restore(tracker, {
      command: CommandIDs.open,
      name: () => 'slurm'
    });

    return model;
  }
};

export default plugin;
