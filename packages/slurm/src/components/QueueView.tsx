import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';

import {
  ALL_COLUMNS,
  COLUMNS,
  ColumnId,
  IJob,
  ISort,
  filterJobs,
  rangeIds,
  searchIndex,
  sortJobs,
  statesOf
} from '../jobs';
import { IQueueNote, SlurmModel } from '../model';
import { IActionResult, JobAction } from '../tokens';
import { Banner } from './Banner';
import { JobDetails } from './JobDetails';
import { JobTable } from './JobTable';
import { useNow, useSignal } from './hooks';

export interface IQueueViewProps {
  model: SlurmModel;
  columns: ReadonlyArray<ColumnId>;
  onColumnsChange: (columns: ColumnId[]) => void;
  onOpenOutput: (id: string, stream: 'stdout' | 'stderr') => void;
  onOpenWorkDir: (job: IJob) => void;
  /** Remember the job a row context menu was opened on. */
  onContextJob: (job: IJob) => void;
  onNewJob: () => void;
  trans: TranslationBundle;
}

interface IActionReport {
  action: JobAction;
  results: IActionResult[];
}

/** The queue: header, banner, filters, actions, the table and details. */
export function QueueView(props: IQueueViewProps): JSX.Element {
  const { model, columns, trans } = props;
  useSignal(model.changed);

  const [text, setText] = useState('');
  const [stateFilter, setStateFilter] = useState('');
  const [sort, setSort] = useState<ISort>({ column: 'id', descending: true });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [focused, setFocused] = useState<string | null>(null);
  const [report, setReport] = useState<IActionReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [chooser, setChooser] = useState(false);
  const anchor = useRef<string | null>(null);

  const jobs = model.jobs;
  const me = model.user;
  const isSelectable = useCallback(
    (job: IJob) => me !== null && job.user === me,
    [me]
  );

  // Sort once per refresh, index once per refresh or column change: a
  // keystroke in the filter then only scans prepared lower-case strings.
  const sorted = useMemo(() => sortJobs(jobs, sort), [jobs, sort]);
  // The search index is built after the rows are on screen (or at the first
  // keystroke, if sooner), so that a new list shows without waiting for it.
  const indexCache = useRef<{
    sorted: IJob[];
    columns: ReadonlyArray<ColumnId>;
    index: string[];
  } | null>(null);
  const getIndex = useCallback(() => {
    const cache = indexCache.current;
    if (cache && cache.sorted === sorted && cache.columns === columns) {
      return cache.index;
    }
    const index = searchIndex(sorted, columns);
    indexCache.current = { sorted, columns, index };
    return index;
  }, [sorted, columns]);
  useEffect(() => {
    const timer = window.setTimeout(getIndex, 200);
    return () => window.clearTimeout(timer);
  }, [getIndex]);
  const rows = useMemo(
    () =>
      filterJobs(sorted, text.trim() ? getIndex() : [], {
        text,
        state: stateFilter
      }),
    [sorted, getIndex, text, stateFilter]
  );
  const states = useMemo(() => statesOf(jobs), [jobs]);

  // forget selected jobs that left the queue
  useEffect(() => {
    setSelected(current => {
      if (current.size === 0) {
        return current;
      }
      const present = new Set(jobs.map(j => j.id));
      const kept = [...current].filter(id => present.has(id));
      return kept.length === current.size ? current : new Set(kept);
    });
  }, [jobs]);

  const selectableShown = useMemo(
    () => rows.filter(isSelectable),
    [rows, isSelectable]
  );
  const allSelected = useMemo(
    () =>
      selectableShown.length > 0 &&
      selected.size >= selectableShown.length &&
      selectableShown.every(job => selected.has(job.id)),
    [selectableShown, selected]
  );

  const toggle = (job: IJob, event: React.MouseEvent) => {
    if (event.shiftKey && anchor.current) {
      const byId = new Map(rows.map(r => [r.id, r]));
      const ids = rangeIds(rows, anchor.current, job.id).filter(id =>
        isSelectable(byId.get(id)!)
      );
      setSelected(new Set([...selected, ...ids]));
      return;
    }
    const next = new Set(selected);
    if (next.has(job.id)) {
      next.delete(job.id);
    } else if (isSelectable(job)) {
      next.add(job.id);
    }
    anchor.current = job.id;
    setSelected(next);
  };

  const rowClick = (job: IJob, event: React.MouseEvent) => {
    setFocused(job.id);
    if (event.shiftKey || event.ctrlKey || event.metaKey) {
      toggle(job, event);
      return;
    }
    anchor.current = job.id;
    setSelected(isSelectable(job) ? new Set([job.id]) : new Set());
  };

  const sortBy = (column: ColumnId) =>
    setSort(
      sort.column === column
        ? { column, descending: !sort.descending }
        : { column, descending: false }
    );

  // selected jobs still listed, in list order
  const ids = useMemo(
    () =>
      selected.size === 0
        ? []
        : jobs.filter(j => selected.has(j.id)).map(j => j.id),
    [jobs, selected]
  );

  const run = async (action: JobAction) => {
    if (!ids.length) {
      return;
    }
    if (action === 'cancel') {
      const answer = await showDialog({
        title: trans._n('Cancel %1 job?', 'Cancel %1 jobs?', ids.length),
        body:
          ids.length <= 10
            ? trans.__('Jobs: %1', ids.join(', '))
            : trans.__(
                'Jobs: %1 and %2 more',
                ids.slice(0, 10).join(', '),
                ids.length - 10
              ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Keep running') }),
          Dialog.warnButton({ label: trans.__('Cancel jobs') })
        ]
      });
      if (!answer.button.accept) {
        return;
      }
    }
    setBusy(true);
    try {
      const results = await model.act(action, ids);
      setReport({ action, results });
      setSelected(new Set());
    } catch (error) {
      setReport({
        action,
        results: [
          { id: ids.join(', '), ok: false, message: (error as Error).message }
        ]
      });
    } finally {
      setBusy(false);
    }
  };

  const status = model.status;
  const focusedJob = focused
    ? (jobs.find(j => j.id === focused) ?? null)
    : null;
  const actionLabels: Record<JobAction, string> = {
    cancel: trans.__('Cancel'),
    hold: trans.__('Hold'),
    release: trans.__('Release'),
    requeue: trans.__('Requeue')
  };

  return (
    <div className="jp-hpc-Slurm-queue">
      <div className="jp-hpc-Slurm-header">
        <div className="jp-hpc-Slurm-status">
          {status?.available
            ? trans.__(
                'Slurm %1 · cluster %2 · as %3',
                status.version ?? '',
                status.cluster ?? '',
                status.user ?? ''
              )
            : status
              ? trans.__('Slurm unavailable')
              : trans.__('Contacting Slurm…')}
        </div>
        <div className="jp-hpc-Slurm-scope" role="radiogroup">
          {(['mine', 'all'] as const).map(scope => (
            <button
              key={scope}
              role="radio"
              aria-checked={model.scope === scope}
              className={
                'jp-mod-styled jp-hpc-Slurm-scopeButton' +
                (model.scope === scope ? ' jp-mod-active' : '')
              }
              onClick={() => {
                model.scope = scope;
              }}
            >
              {scope === 'mine' ? trans.__('My jobs') : trans.__('All jobs')}
            </button>
          ))}
        </div>
        <UpdatedAgo model={model} trans={trans} />
        <button
          className="jp-mod-styled jp-hpc-Slurm-refresh"
          title={trans.__('Refresh the job list now')}
          onClick={() => void model.refresh().catch(() => undefined)}
        >
          {trans.__('Refresh')}
        </button>
        <button
          className="jp-mod-styled jp-mod-accept jp-hpc-Slurm-newJob"
          onClick={props.onNewJob}
        >
          {trans.__('New job…')}
        </button>
      </div>
      <Banner
        problem={model.problem}
        status={status}
        onRetry={() => void model.refresh().catch(() => undefined)}
        trans={trans}
      />
      <QueueNote note={model.note} trans={trans} />
      <div className="jp-hpc-Slurm-toolbar">
        <input
          className="jp-hpc-Slurm-filter"
          type="search"
          placeholder={trans.__('Filter shown columns')}
          aria-label={trans.__('Filter jobs')}
          value={text}
          onChange={event => setText(event.target.value)}
        />
        <select
          className="jp-hpc-Slurm-stateFilter"
          aria-label={trans.__('Filter by state')}
          value={stateFilter}
          onChange={event => setStateFilter(event.target.value)}
        >
          <option value="">{trans.__('All states')}</option>
          {states.map(s => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span className="jp-hpc-Slurm-count" data-filter={text}>
          {trans.__('%1 of %2 jobs', rows.length, jobs.length)}
          {ids.length > 0 && ' · ' + trans.__('%1 selected', ids.length)}
        </span>
        <span className="jp-hpc-Slurm-actions">
          {(['cancel', 'hold', 'release', 'requeue'] as JobAction[]).map(
            action => (
              <button
                key={action}
                className={
                  'jp-mod-styled jp-hpc-Slurm-action' +
                  (action === 'cancel' ? ' jp-mod-warn' : '')
                }
                data-action={action}
                disabled={busy || ids.length === 0}
                onClick={() => void run(action)}
              >
                {actionLabels[action]}
              </button>
            )
          )}
        </span>
        <span className="jp-hpc-Slurm-columnsWrap">
          <button
            className="jp-mod-styled jp-hpc-Slurm-columnsButton"
            aria-expanded={chooser}
            onClick={() => setChooser(!chooser)}
          >
            {trans.__('Columns')}
          </button>
          {chooser && (
            <div className="jp-hpc-Slurm-columnChooser">
              {ALL_COLUMNS.map(id => (
                <label key={id}>
                  <input
                    type="checkbox"
                    checked={columns.includes(id)}
                    onChange={event =>
                      props.onColumnsChange(
                        event.target.checked
                          ? [...columns, id]
                          : columns.filter(c => c !== id)
                      )
                    }
                  />
                  {trans.__(COLUMNS[id].label)}
                </label>
              ))}
            </div>
          )}
        </span>
      </div>
      {report && (
        <ActionReport
          report={report}
          label={actionLabels[report.action]}
          onClose={() => setReport(null)}
          trans={trans}
        />
      )}
      <div className="jp-hpc-Slurm-body">
        <JobTable
          rows={rows}
          columns={columns}
          sort={sort}
          selected={selected}
          focused={focused}
          highlight={model.highlight}
          isSelectable={isSelectable}
          allSelected={allSelected}
          onSort={sortBy}
          onSelectAll={all =>
            setSelected(
              all ? new Set(selectableShown.map(j => j.id)) : new Set()
            )
          }
          onRowClick={rowClick}
          onToggle={toggle}
          onContextMenu={job => {
            setFocused(job.id);
            props.onContextJob(job);
          }}
          trans={trans}
        />
        {focused && (
          <JobDetails
            model={model}
            id={focused}
            job={focusedJob}
            onOpenOutput={props.onOpenOutput}
            onOpenWorkDir={props.onOpenWorkDir}
            onClose={() => setFocused(null)}
            trans={trans}
          />
        )}
      </div>
      {jobs.length === 0 &&
        !model.loading &&
        !model.problem &&
        status?.available && (
          <div className="jp-hpc-Slurm-empty">
            {model.scope === 'mine'
              ? trans.__('You have no jobs in the queue.')
              : trans.__('The queue is empty.')}
          </div>
        )}
    </div>
  );
}

/**
 * "updated N s ago", ticking every second on its own so that the table
 * (possibly 100,000 rows of derived state) does not re-render with it.
 */
function UpdatedAgo(props: {
  model: SlurmModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const now = useNow(1000);
  return (
    <span className="jp-hpc-Slurm-updated">
      {model.loading
        ? trans.__('refreshing…')
        : model.updatedAt === null
          ? ''
          : trans.__(
              'updated %1 s ago',
              Math.max(0, Math.round((now - model.updatedAt) / 1000))
            )}
    </span>
  );
}

/**
 * Where the list comes from, when the user should know: the center's queue
 * service is not used right now (the list comes from the user's own squeue,
 * and the panel returns to the service by itself), or "All jobs" holds only
 * the user's jobs because Slurm or the site hides the others.
 */
function QueueNote(props: {
  note: IQueueNote | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { note, trans } = props;
  if (!note) {
    return null;
  }
  return (
    <div className="jp-hpc-Slurm-note" role="status">
      {note.serviceProblem && (
        <div>
          {trans.__(
            'Listed with your own squeue for now: %1',
            note.serviceProblem
          )}
        </div>
      )}
      {note.restricted && <div>{note.restricted}</div>}
    </div>
  );
}

/** Per-id results of the last action; failures show Slurm's message. */
function ActionReport(props: {
  report: IActionReport;
  label: string;
  onClose: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, trans } = props;
  const failed = report.results.filter(r => !r.ok);
  return (
    <div
      className={
        'jp-hpc-Slurm-report' + (failed.length ? ' jp-mod-failed' : '')
      }
      role="status"
    >
      <span>
        {trans.__(
          '%1: %2 done, %3 failed',
          props.label,
          report.results.length - failed.length,
          failed.length
        )}
      </span>
      <button
        className="jp-mod-styled jp-mod-minimal"
        title={trans.__('Dismiss')}
        onClick={props.onClose}
      >
        ×
      </button>
      <ul>
        {report.results.map(r => (
          <li key={r.id} className={r.ok ? 'jp-mod-ok' : 'jp-mod-failed'}>
            <code>{r.id}</code> {r.ok ? '✓' : '✗'} {r.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
