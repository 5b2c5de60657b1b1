import { TranslationBundle } from '@jupyterlab/translation';
import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';

import { ColumnId, IJob, ISort } from '../jobs';
import { HistoryModel } from '../historyModel';
import { SlurmModel } from '../model';
import { SortedJobs } from '../sortedJobs';
import { ActionBar, ActionReport, IActionReport } from './ActionBar';
import { Banner } from './Banner';
import { ColumnChooser } from './ColumnChooser';
import { DetailsSplit } from './DetailsSplit';
import { JobDetails } from './JobDetails';
import { JobTable } from './JobTable';
import { NoMatches } from './NoMatches';
import { QueueHeader, QueueNote } from './QueueHeader';
import { useSignal } from './hooks';
import { useSelection } from './useSelection';

export interface IQueueViewProps {
  model: SlurmModel;
  columns: ReadonlyArray<ColumnId>;
  onColumnsChange: (columns: ColumnId[]) => void;
  /** Accounting, for how a job that left the queue ended. */
  history: HistoryModel;
  onOpenOutput: (id: string, stream: 'stdout' | 'stderr') => void;
  /** Show a folder (relative to the Jupyter root) in the file browser. */
  onOpenFolder: (path: string) => void;
  /** Remember the job a row context menu was opened on. */
  onContextJob: (job: IJob) => void;
  onNewJob: () => void;
  trans: TranslationBundle;
}

/** The queue: header, banner, filters, actions, the table and details. */
export function QueueView(props: IQueueViewProps): JSX.Element {
  const { model, columns, trans } = props;
  useSignal(model.changed);

  const [text, setText] = useState('');
  const [stateFilter, setStateFilter] = useState('');
  const [sort, setSort] = useState<ISort>({ column: 'id', descending: true });
  const [focused, setFocused] = useState<string | null>(null);
  const [report, setReport] = useState<IActionReport | null>(null);

  const jobs = model.jobs;
  const me = model.user;
  const isSelectable = useCallback(
    (job: IJob) => me !== null && job.user === me,
    [me]
  );

  // Sorted once per sort order; a delta is merged into the sorted rows, their
  // search text and filter matches (sortedJobs.ts), so a refresh of 100,000
  // jobs does not sort or index them all again.
  const sortedRef = useRef<SortedJobs | null>(null);
  const change = model.jobsChange;
  const sorted = useMemo(() => {
    const previous = sortedRef.current;
    const next = previous
      ? previous.next(jobs, sort, change)
      : SortedJobs.sort(jobs, sort);
    sortedRef.current = next;
    return next;
  }, [jobs, sort, change]);
  // The search text is built after the rows are on screen (or at the first
  // keystroke, if sooner), so that a new list shows without waiting for it.
  useEffect(() => {
    const timer = window.setTimeout(() => sorted.texts(columns), 200);
    return () => window.clearTimeout(timer);
  }, [sorted, columns]);
  const rows = useMemo(
    () => sorted.filter({ text, state: stateFilter }, columns),
    [sorted, columns, text, stateFilter]
  );
  const states = useMemo(() => sorted.states(), [sorted]);
  // the server's first screen holds its newest jobs: what this order shows
  // first only without a filter
  useEffect(() => {
    model.firstScreen =
      sort.column === 'id' && sort.descending && !text.trim() && !stateFilter;
  }, [model, sort, text, stateFilter]);
  const total = model.partialTotal ?? jobs.length;
  const selection = useSelection(jobs, rows, isSelectable);

  const sortBy = (column: ColumnId) =>
    setSort(
      sort.column === column
        ? { column, descending: !sort.descending }
        : { column, descending: false }
    );

  const status = model.status;
  // the focused job's row: null once it left the queue (the details follow it)
  const focusedJob = useMemo(
    () => (focused ? (jobs.find(j => j.id === focused) ?? null) : null),
    [jobs, focused]
  );

  return (
    <div className="jp-hpc-Slurm-queue">
      <QueueHeader model={model} onNewJob={props.onNewJob} trans={trans} />
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
        <span
          className="jp-hpc-Slurm-count"
          data-filter={text}
          data-total={total}
          data-partial={model.partialTotal !== null || undefined}
        >
          {model.partialTotal !== null
            ? trans.__(
                'the newest %1 of %2 jobs, loading the others…',
                rows.length,
                total
              )
            : trans.__('%1 of %2 jobs', rows.length, total)}
          {selection.ids.length > 0 &&
            ' · ' + trans.__('%1 selected', selection.ids.length)}
        </span>
        <ActionBar
          model={model}
          ids={selection.ids}
          onDone={done => {
            setReport(done);
            selection.clear();
          }}
          trans={trans}
        />
        <ColumnChooser
          columns={columns}
          onChange={props.onColumnsChange}
          trans={trans}
        />
      </div>
      {report && (
        <ActionReport
          report={report}
          onClose={() => setReport(null)}
          trans={trans}
        />
      )}
      {jobs.length > 0 && rows.length === 0 && (
        <NoMatches
          text={text}
          onClear={() => {
            setText('');
            setStateFilter('');
          }}
          trans={trans}
        />
      )}
      <DetailsSplit
        label={trans.__('Resize the job details')}
        details={
          focused && (
            <JobDetails
              model={model}
              history={props.history}
              id={focused}
              job={focusedJob}
              onOpenOutput={props.onOpenOutput}
              onOpenFolder={props.onOpenFolder}
              onClose={() => setFocused(null)}
              trans={trans}
            />
          )
        }
      >
        <JobTable
          rows={rows}
          columns={columns}
          sort={sort}
          selected={selection.selected}
          focused={focused}
          highlight={model.highlight}
          isSelectable={isSelectable}
          allSelected={selection.allSelected}
          onSort={sortBy}
          onSelectAll={selection.selectAll}
          onRowClick={(job, event) => {
            setFocused(job.id);
            selection.rowClick(job, event);
          }}
          onToggle={selection.toggle}
          onContextMenu={job => {
            setFocused(job.id);
            props.onContextJob(job);
          }}
          trans={trans}
        />
      </DetailsSplit>
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
