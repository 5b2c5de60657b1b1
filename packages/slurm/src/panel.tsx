import { IEditorServices } from '@jupyterlab/codeeditor';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import React, { useState } from 'react';

import { QueueView } from './components/QueueView';
import { SubmitForm } from './components/SubmitForm';
import { useSignal } from './components/hooks';
import { ColumnId, IJob } from './jobs';
import { SlurmModel } from './model';

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
    onOpenWorkDir: (job: IJob) => void;
  }
}

function PanelView(props: {
  panel: SlurmPanel;
  options: SlurmPanel.IOptions;
}): JSX.Element {
  const { panel, options } = props;
  useSignal(options.columnsChanged);
  useSignal(panel.viewChanged);
  const [formKey, setFormKey] = useState(0);
  const view = panel.view;
  return (
    <>
      <div
        className="jp-hpc-Slurm-view"
        style={{ display: view === 'queue' ? '' : 'none' }}
      >
        <QueueView
          model={options.model}
          columns={options.columns()}
          onColumnsChange={options.onColumnsChange}
          onOpenOutput={options.onOpenOutput}
          onOpenWorkDir={options.onOpenWorkDir}
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
          visible={view === 'submit'}
          model={options.model}
          editorServices={options.editorServices}
          defaultCwd={options.defaultCwd}
          onSubmitted={id => {
            options.model.highlight = id;
            panel.view = 'queue';
            setFormKey(formKey + 1);
          }}
          onBack={() => {
            panel.view = 'queue';
          }}
          trans={options.trans}
        />
      </div>
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

  get view(): 'queue' | 'submit' {
    return this._view;
  }
  set view(view: 'queue' | 'submit') {
    this._view = view;
    this._viewChanged.emit();
  }
  get viewChanged(): ISignal<this, void> {
    return this._viewChanged;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.visible = true;
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.model.visible = this.isVisible;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.visible = false;
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.visible = false;
    super.onBeforeDetach(msg);
  }

  render(): JSX.Element {
    return <PanelView panel={this} options={this.options} />;
  }

  private _view: 'queue' | 'submit' = 'queue';
  private _viewChanged = new Signal<this, void>(this);
}
