import { IEditorServices } from '@jupyterlab/codeeditor';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import React, { useState } from 'react';

import { ClusterView } from './components/ClusterView';
import { IHistoryActions } from './components/HistoryDetails';
import { HistoryView } from './components/HistoryView';
import { QueueView } from './components/QueueView';
import { ISubmitPrefill, SubmitForm } from './components/SubmitForm';
import { useSignal } from './components/hooks';
import { ClusterModel } from './clusterModel';
import { HistoryModel } from './historyModel';
import { ColumnId, IJob } from './jobs';
import { SlurmModel } from './model';
import { RunsModel } from './runs/model';
import { RunsView } from './runs/RunsView';

/** What the panel shows: the queue (and its submit form), the history, the cluster. */
export type SlurmView = 'queue' | 'submit' | 'history' | 'cluster' | 'runs';

export namespace SlurmPanel {
  export interface IOptions {
    model: SlurmModel;
    trans: TranslationBundle;
    editorServices: IEditorServices | null;
    /** Shown columns (from the settings). */
    columns: () => ColumnId[];
    /** Columns changed by the user: persist them. */
    onColumnsChange: (columns: ColumnId[]) => void;
    /** Emitted when the shown columns change in the settings. */
    columnsChanged: ISignal<any, void>;
    defaultCwd: () => string;
    onOpenOutput: (id: string, stream: 'stdout' | 'stderr') => void;
    /** Finished jobs (`GET history`) and the cluster status (`GET cluster`). */
    history: HistoryModel;
    cluster: ClusterModel;
    /** Open a file / show a folder, relative to the Jupyter root. */
    onOpenFile: IHistoryActions['onOpenFile'];
    onOpenFolder: IHistoryActions['onOpenFolder'];
    /** Notebook runs and sweeps (`GET notebook-runs`); `reload` re-reads a file that may have changed. */
    runs: RunsModel;
    onOpenRunFile: (path: string, reload?: boolean) => void;
  }
}

/** The panel's tabs; the submit form belongs to the Queue tab. */
function Tabs(props: {
  view: SlurmView;
  onChange: (view: SlurmView) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { view, trans } = props;
  const tabs: [SlurmView, string][] = [
    ['queue', trans.__('Queue')],
    ['history', trans.__('History')],
    ['cluster', trans.__('Cluster')],
    ['runs', trans.__('Runs')]
  ];
  const current = view === 'submit' ? 'queue' : view;
  return (
    <div
      className="jp-hpc-Slurm-tabs"
      role="tablist"
      aria-label={trans.__('Slurm')}
    >
      {tabs.map(([id, label]) => (
        <button
          key={id}
          role="tab"
          aria-selected={current === id}
          tabIndex={current === id ? 0 : -1}
          className={
            'jp-hpc-Slurm-tab' + (current === id ? ' jp-mod-active' : '')
          }
          data-view={id}
          onClick={() => props.onChange(id)}
          onKeyDown={event => {
            const step =
              event.key === 'ArrowRight'
                ? 1
                : event.key === 'ArrowLeft'
                  ? -1
                  : 0;
            if (step) {
              const index = tabs.findIndex(([t]) => t === current);
              const next = tabs[(index + step + tabs.length) % tabs.length][0];
              props.onChange(next);
              (
                event.currentTarget.parentElement?.querySelector(
                  `[data-view="${next}"]`
                ) as HTMLElement | null
              )?.focus();
            }
          }}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

function PanelView(props: {
  panel: SlurmPanel;
  options: SlurmPanel.IOptions;
}): JSX.Element {
  const { panel, options } = props;
  useSignal(options.columnsChanged);
  useSignal(panel.viewChanged);
  const [formKey, setFormKey] = useState(0);
  const [prefill, setPrefill] = useState<ISubmitPrefill | null>(null);
  const view = panel.view;
  const newJob = (fill: ISubmitPrefill) => {
    setPrefill(fill);
    panel.view = 'submit';
  };
  return (
    <>
      <Tabs
        view={view}
        onChange={next => {
          panel.view = next;
        }}
        trans={options.trans}
      />
      <div
        className="jp-hpc-Slurm-view"
        style={{ display: view === 'queue' ? '' : 'none' }}
      >
        <QueueView
          model={options.model}
          columns={options.columns()}
          onColumnsChange={options.onColumnsChange}
          history={options.history}
          onOpenOutput={options.onOpenOutput}
          onOpenFolder={options.onOpenFolder}
          onContextJob={job => {
            panel.contextJob = job;
          }}
          onNewJob={() => {
            panel.view = 'submit';
          }}
          trans={options.trans}
        />
      </div>
      {/* kept mounted while hidden so that a half-filled form survives */}
      <div
        className="jp-hpc-Slurm-view"
        style={{ display: view === 'submit' ? '' : 'none' }}
      >
        <SubmitForm
          key={formKey}
          prefill={prefill}
          visible={view === 'submit'}
          model={options.model}
          editorServices={options.editorServices}
          defaultCwd={options.defaultCwd}
          onSubmitted={id => {
            options.model.highlight = id;
            panel.view = 'queue';
            setPrefill(null);
            setFormKey(formKey + 1);
          }}
          onBack={() => {
            panel.view = 'queue';
          }}
          trans={options.trans}
        />
      </div>
      {/* mounted once opened, kept while hidden: filters and scroll survive a tab switch */}
      {panel.opened.has('history') && (
        <div
          className="jp-hpc-Slurm-view"
          style={{ display: view === 'history' ? '' : 'none' }}
        >
          <HistoryView
            model={options.history}
            maxDays={options.model.status?.history?.max_days ?? 90}
            onOpenFile={options.onOpenFile}
            onOpenFolder={options.onOpenFolder}
            onSubmitAgain={again =>
              newJob({
                script: again.script,
                options: again.options,
                cwd: again.cwd
              })
            }
            trans={options.trans}
          />
        </div>
      )}
      {panel.opened.has('cluster') && (
        <div
          className="jp-hpc-Slurm-view"
          style={{ display: view === 'cluster' ? '' : 'none' }}
        >
          <ClusterView
            model={options.cluster}
            onPickPartition={name => newJob({ options: { partition: name } })}
            trans={options.trans}
          />
        </div>
      )}
      {panel.opened.has('runs') && (
        <div
          className="jp-hpc-Slurm-view"
          style={{ display: view === 'runs' ? '' : 'none' }}
        >
          <RunsView
            model={options.runs}
            onOpenFile={options.onOpenRunFile}
            onOpenFolder={options.onOpenFolder}
            trans={options.trans}
          />
        </div>
      )}
    </>
  );
}

/** The Slurm panel: the queue, and the new-job form. */
export class SlurmPanel extends ReactWidget {
  constructor(private readonly options: SlurmPanel.IOptions) {
    super();
    this.addClass('jp-hpc-Slurm');
  }

  get model(): SlurmModel {
    return this.options.model;
  }

  /** The job whose row was right-clicked last (for the context menu). */
  contextJob: IJob | null = null;

  get view(): SlurmView {
    return this._view;
  }
  set view(view: SlurmView) {
    this._view = view;
    this._opened.add(view);
    this._updateVisible();
    this._viewChanged.emit();
  }
  /** The tabs shown at least once (mounted from then on). */
  get opened(): ReadonlySet<SlurmView> {
    return this._opened;
  }
  get viewChanged(): ISignal<this, void> {
    return this._viewChanged;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._shown = true;
    this._updateVisible();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._shown = this.isVisible;
    this._updateVisible();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._shown = false;
    this._updateVisible();
  }

  protected onBeforeDetach(msg: Message): void {
    this._shown = false;
    this._updateVisible();
    super.onBeforeDetach(msg);
  }

  /** Each model polls only while its tab shows (the queue also for notifications). */
  private _updateVisible(): void {
    const view = this._view;
    this.model.visible = this._shown;
    this.options.history.visible = this._shown && view === 'history';
    this.options.cluster.visible = this._shown && view === 'cluster';
    this.options.runs.visible = this._shown && view === 'runs';
  }

  render(): JSX.Element {
    return <PanelView panel={this} options={this.options} />;
  }

  private _view: SlurmView = 'queue';
  private _opened = new Set<SlurmView>(['queue', 'submit']);
  private _shown = false;
  private _viewChanged = new Signal<this, void>(this);
}
