import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { useVirtualizer } from '@tanstack/react-virtual';
import React, { useMemo, useRef, useState } from 'react';

import { ROW_HEIGHT } from '../components/JobTable';
import { UpdatedAgo } from '../components/UpdatedAgo';
import { useSignal } from '../components/hooks';
import { RunsModel } from './model';
import { isActiveState, isFailedState, showValue } from './sweep';
import { INotebookRun, IRunDetail, IRunTask } from './types';

export interface IRunsViewProps {
  model: RunsModel;
  /** Open a file (relative to the root); `reload` takes a running task's newer saves. */
  onOpenFile: (path: string, reload?: boolean) => void;
  onOpenFolder: (path: string) => void;
  trans: TranslationBundle;
}

/** Task rows shown by state: all, or one group. */
type StateFilter = '' | 'active' | 'failed' | 'completed';

function matches(task: IRunTask, filter: StateFilter): boolean {
  switch (filter) {
    case 'active':
      return isActiveState(task.state);
    case 'failed':
      return isFailedState(task.state);
    case 'completed':
      return task.state === 'COMPLETED';
    default:
      return true;
  }
}

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

function when(epoch: number): string {
  return new Date(epoch * 1000).toLocaleString(undefined, {
    dateStyle: 'short',
    timeStyle: 'short'
  });
}

/** "4 completed · 1 failed · 1 running", worst news first. */
function countsText(
  counts: Record<string, number>,
  trans: TranslationBundle
): string {
  const order = (state: string) =>
    isFailedState(state) ? 0 : isActiveState(state) ? 1 : 2;
  return Object.entries(counts)
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([state, n]) => trans.__('%1 %2', n, state.toLowerCase()))
    .join(' · ');
}

function failedCount(counts: Record<string, number>): number {
  return Object.entries(counts)
    .filter(([state]) => isFailedState(state))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * The Runs tab: each notebook run or sweep, and the selected one's tasks with
 * their states, parameter values, output notebooks and the failing cell's
 * error; "Re-run failed tasks" submits one array of only those.
 */
export function RunsView(props: IRunsViewProps): JSX.Element {
  const { model, trans } = props;
  useSignal(model.changed);
  const runs = model.runs;
  const detail = model.detail;
  const problem = model.problem;
  return (
    <div className="jp-hpc-Slurm-queue jp-hpc-Slurm-runs">
      <div className="jp-hpc-Slurm-header">
        <span className="jp-hpc-Slurm-runsTitle">
          {trans.__('Notebook runs')}
        </span>
        <UpdatedAgo
          updatedAt={model.updatedAt}
          busy={
            model.loading && model.updatedAt === null
              ? trans.__('loading…')
              : null
          }
          trans={trans}
        />
        <button
          className="jp-mod-styled jp-hpc-Slurm-refresh"
          title={trans.__('Ask Slurm for the runs’ states now')}
          onClick={() => void model.refresh().catch(() => undefined)}
        >
          {trans.__('Refresh')}
        </button>
      </div>
      {problem && (
        <div className="jp-hpc-Slurm-banner" role="alert">
          <div className="jp-hpc-Slurm-bannerTitle">
            {problem.status === 0
              ? trans.__('The Jupyter server cannot be reached.')
              : trans.__('The notebook runs could not be read.')}
          </div>
          <div className="jp-hpc-Slurm-bannerMessage">{problem.message}</div>
          <div className="jp-hpc-Slurm-bannerFooter">
            {trans.__('Retrying automatically.')}{' '}
            <button
              className="jp-mod-styled jp-mod-reject"
              onClick={() => void model.refresh().catch(() => undefined)}
            >
              {trans.__('Retry now')}
            </button>
          </div>
        </div>
      )}
      {model.notes.map(note => (
        <div key={note} className="jp-hpc-Slurm-runsNote" role="status">
          {trans.__('States may be incomplete: %1', note)}
        </div>
      ))}
      {runs.length === 0 ? (
        !model.loading &&
        !problem && (
          <div className="jp-hpc-Slurm-empty">
            {trans.__(
              'No notebook runs yet. Open a notebook and choose “Run as Slurm job” in its toolbar, or right-click a notebook in the file browser.'
            )}
          </div>
        )
      ) : (
        <>
          <RunList
            runs={runs}
            selected={model.selected}
            onSelect={id => {
              model.selected = id;
            }}
            trans={trans}
          />
          {detail ? (
            <RunDetail {...props} run={detail} />
          ) : (
            <div className="jp-hpc-Slurm-empty">{trans.__('Loading…')}</div>
          )}
        </>
      )}
    </div>
  );
}

function RunList(props: {
  runs: ReadonlyArray<INotebookRun>;
  selected: string | null;
  onSelect: (id: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { runs, selected, trans } = props;
  return (
    <ul
      className="jp-hpc-Slurm-runList"
      role="listbox"
      aria-label={trans.__('Notebook runs')}
    >
      {runs.map(run => {
        const failed = failedCount(run.counts);
        return (
          <li
            key={run.id}
            role="option"
            tabIndex={0}
            aria-selected={run.id === selected}
            data-run-id={run.id}
            className={
              'jp-hpc-Slurm-runItem' +
              (run.id === selected ? ' jp-mod-selected' : '') +
              (failed ? ' jp-mod-bad' : '')
            }
            onClick={() => props.onSelect(run.id)}
            onKeyDown={event => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                props.onSelect(run.id);
              }
            }}
          >
            <span className="jp-hpc-Slurm-runName" title={run.notebook}>
              {baseName(run.notebook)}
            </span>
            <span className="jp-hpc-Slurm-runKind">
              {run.sweep
                ? trans._n(
                    'sweep of %1 task (%2)',
                    'sweep of %1 tasks (%2)',
                    run.task_count,
                    run.sweep.mode === 'zip'
                      ? trans.__('pairwise')
                      : trans.__('all combinations')
                  )
                : trans.__('single run')}
              {' · '}
              {trans.__('job %1', run.jobs[0]?.id ?? '?')}
              {' · '}
              {when(run.created)}
            </span>
            <span className="jp-hpc-Slurm-runCounts">
              {countsText(run.counts, trans)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function RunDetail(props: IRunsViewProps & { run: IRunDetail }): JSX.Element {
  const { run, model, trans } = props;
  const [filter, setFilter] = useState<StateFilter>('');
  const [busy, setBusy] = useState(false);
  const tasks = run.tasks;
  const shown = useMemo(
    () => (filter ? tasks.filter(t => matches(t, filter)) : tasks),
    [tasks, filter]
  );
  const failed = useMemo(
    () => tasks.filter(t => isFailedState(t.state)).length,
    [tasks]
  );
  const names = run.sweep ? Object.keys(run.sweep.values) : [];
  const fixed = Object.entries(run.parameters);

  const rerun = async () => {
    setBusy(true);
    try {
      const answer = await model.rerun(run.id);
      const count = Array.isArray(answer.tasks) ? answer.tasks.length : 1;
      Notification.success(
        trans._n(
          'Re-running %1 failed task as job %2',
          'Re-running %1 failed tasks as job %2',
          count,
          answer.job_id
        ),
        { autoClose: 5000 }
      );
    } catch (error) {
      Notification.error((error as Error).message, { autoClose: false });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="jp-hpc-Slurm-runDetail" data-run-id={run.id}>
      <div className="jp-hpc-Slurm-runSummary">
        <button
          className="jp-hpc-Slurm-link"
          title={trans.__('Open the notebook')}
          onClick={() => props.onOpenFile(run.notebook)}
        >
          {run.notebook}
        </button>
        <span>{trans.__('kernel %1', run.kernel)}</span>
        <button
          className="jp-hpc-Slurm-link"
          title={trans.__('Show the output folder in the file browser')}
          onClick={() => props.onOpenFolder(run.output_dir)}
        >
          {trans.__('outputs in %1/', run.output_dir || '.')}
        </button>
        {fixed.length > 0 && (
          <span className="jp-hpc-Slurm-runParams">
            {fixed.map(([k, v]) => `${k} = ${showValue(v)}`).join(', ')}
          </span>
        )}
      </div>
      <div className="jp-hpc-Slurm-toolbar">
        <button
          className="jp-mod-styled jp-mod-accept jp-hpc-Slurm-rerun"
          disabled={busy || failed === 0}
          title={
            failed === 0
              ? trans.__('No task of this run has failed')
              : trans.__(
                  'Submit one job array of only the failed tasks, with the same parameters'
                )
          }
          onClick={() => void rerun()}
        >
          {failed
            ? trans._n(
                'Re-run %1 failed task',
                'Re-run %1 failed tasks',
                failed
              )
            : trans.__('Re-run failed tasks')}
        </button>
        <select
          className="jp-hpc-Slurm-stateFilter"
          aria-label={trans.__('Show tasks by state')}
          value={filter}
          onChange={event => setFilter(event.target.value as StateFilter)}
        >
          <option value="">{trans.__('All tasks')}</option>
          <option value="active">{trans.__('Queued or running')}</option>
          <option value="failed">{trans.__('Failed')}</option>
          <option value="completed">{trans.__('Completed')}</option>
        </select>
        <span className="jp-hpc-Slurm-count" data-filter={filter}>
          {trans.__('%1 of %2 tasks', shown.length, tasks.length)} ·{' '}
          {countsText(run.counts, trans)}
        </span>
      </div>
      <TaskTable
        tasks={shown}
        names={names}
        onOpenFile={props.onOpenFile}
        trans={trans}
      />
    </div>
  );
}

/** Column widths (px): what matters most first, so a narrow panel still shows it; the error takes the rest. */
const TASK_COLUMNS = {
  index: 48,
  value: 96,
  state: 120,
  output: 66,
  log: 44,
  job: 96,
  error: 300
};

/** The tasks, virtualized: a 1,000-task sweep keeps about 30 rows in the DOM. */
function TaskTable(props: {
  tasks: IRunTask[];
  names: string[];
  onOpenFile: IRunsViewProps['onOpenFile'];
  trans: TranslationBundle;
}): JSX.Element {
  const { tasks, names, trans } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15
  });
  const widths = [
    TASK_COLUMNS.index,
    ...names.map(() => TASK_COLUMNS.value),
    TASK_COLUMNS.state,
    TASK_COLUMNS.output,
    TASK_COLUMNS.log,
    TASK_COLUMNS.job
  ];
  const template =
    widths.map(w => `${w}px`).join(' ') +
    ` minmax(${TASK_COLUMNS.error}px, 1fr)`;
  const width = `max(100%, ${widths.reduce((a, b) => a + b, TASK_COLUMNS.error)}px)`;
  const header = [
    trans.__('Task'),
    ...names,
    trans.__('State'),
    trans.__('Output'),
    trans.__('Log'),
    trans.__('Job'),
    trans.__('Error')
  ];
  return (
    <div
      className="jp-hpc-Slurm-tableScroll jp-hpc-Slurm-taskTable"
      ref={scrollRef}
      role="grid"
      aria-rowcount={tasks.length + 1}
      aria-label={trans.__('Tasks of the run')}
    >
      <div
        className="jp-hpc-Slurm-headerRow"
        role="row"
        style={{ gridTemplateColumns: template, width }}
      >
        {header.map((label, i) => (
          <div key={i} role="columnheader" className="jp-hpc-Slurm-cell">
            {label}
          </div>
        ))}
      </div>
      <div
        className="jp-hpc-Slurm-rows"
        style={{ height: virtualizer.getTotalSize(), width }}
      >
        {virtualizer.getVirtualItems().map(item => {
          const task = tasks[item.index];
          const bad = isFailedState(task.state);
          const error = task.error
            ? trans.__(
                '%1: %2 (cell [%3])',
                task.error.ename,
                task.error.evalue,
                task.error.cell ?? '?'
              )
            : (task.output_note ?? (bad ? task.reason : ''));
          const state =
            task.state === 'PENDING' && task.reason && task.reason !== 'None'
              ? `${task.state} (${task.reason})`
              : task.state;
          const running = isActiveState(task.state);
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              className={
                'jp-hpc-Slurm-row jp-hpc-Slurm-taskRow' +
                (bad ? ' jp-mod-bad' : '')
              }
              data-task={task.index}
              data-state={task.state}
              style={{
                gridTemplateColumns: template,
                width: '100%',
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`
              }}
            >
              <div role="gridcell" className="jp-hpc-Slurm-cell">
                {task.index}
              </div>
              {names.map(name => {
                const text = showValue(task.values[name]);
                return (
                  <div
                    key={name}
                    role="gridcell"
                    className="jp-hpc-Slurm-cell"
                    data-column={`value:${name}`}
                    title={text}
                  >
                    {text}
                  </div>
                );
              })}
              <div
                role="gridcell"
                className="jp-hpc-Slurm-cell"
                data-column="state"
                title={error || task.reason || task.state}
              >
                {state}
              </div>
              <div role="gridcell" className="jp-hpc-Slurm-cell">
                <button
                  className="jp-hpc-Slurm-link jp-hpc-Slurm-openOutput"
                  title={trans.__('Open %1', task.output)}
                  aria-label={trans.__(
                    'Open the output notebook of task %1',
                    task.index
                  )}
                  disabled={task.state === 'PENDING' && task.source === 'queue'}
                  onClick={() => props.onOpenFile(task.output, running)}
                >
                  {trans.__('Open')}
                </button>
              </div>
              <div role="gridcell" className="jp-hpc-Slurm-cell">
                <button
                  className="jp-hpc-Slurm-link"
                  title={trans.__('Open %1', task.log)}
                  aria-label={trans.__('Open the log of task %1', task.index)}
                  disabled={task.state === 'PENDING' && task.source === 'queue'}
                  onClick={() => props.onOpenFile(task.log, running)}
                >
                  {trans.__('Log')}
                </button>
              </div>
              <div
                role="gridcell"
                className="jp-hpc-Slurm-cell"
                title={
                  task.attempts > 1
                    ? trans.__('submitted %1 times', task.attempts)
                    : ''
                }
              >
                {task.slurm_id}
                {task.attempts > 1 ? ' ↻' : ''}
              </div>
              <div
                role="gridcell"
                className="jp-hpc-Slurm-cell"
                data-column="error"
                title={error}
              >
                {error}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
