import { TranslationBundle } from '@jupyterlab/translation';
import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';

import {
  HISTORY_ALL_COLUMNS,
  HistoryColumnId,
  IHistoryJob,
  IHistorySort,
  filterHistory,
  historyIndex,
  sortHistory
} from '../history';
import { HistoryModel } from '../historyModel';
import { DetailsSplit } from './DetailsSplit';
import { HistoryDetails, IHistoryActions } from './HistoryDetails';
import { HistoryTable } from './HistoryTable';
import { NoMatches } from './NoMatches';
import { UpdatedAgo } from './UpdatedAgo';
import { useSignal } from './hooks';

export interface IHistoryViewProps extends IHistoryActions {
  model: HistoryModel;
  /** The site's cap on days (`c.Slurm.history_max_days`). */
  maxDays: number;
  trans: TranslationBundle;
}

/** Windows offered in the days menu (the site's cap and the current one added). */
const DAY_CHOICES = [1, 3, 7, 14, 30, 60, 90, 180, 365];

/**
 * The History tab: the user's jobs that ended in the last N days, filtered,
 * sorted, and the details of the one clicked.
 */
export function HistoryView(props: IHistoryViewProps): JSX.Element {
  const { model, trans, maxDays } = props;
  useSignal(model.changed);
  const [text, setText] = useState('');
  const [state, setState] = useState('');
  const [sort, setSort] = useState<IHistorySort>({
    column: 'end',
    descending: true
  });
  const [focused, setFocused] = useState<IHistoryJob | null>(null);

  const jobs = model.jobs;
  const sorted = useMemo(() => sortHistory(jobs, sort), [jobs, sort]);
  // The search index is built once per list, after the rows are shown (or at
  // the first keystroke): a keystroke then scans prepared strings only.
  const indexCache = useRef<{ sorted: IHistoryJob[]; index: string[] } | null>(
    null
  );
  const getIndex = useCallback(() => {
    if (indexCache.current?.sorted !== sorted) {
      indexCache.current = { sorted, index: historyIndex(sorted) };
    }
    return indexCache.current.index;
  }, [sorted]);
  useEffect(() => {
    const timer = window.setTimeout(getIndex, 200);
    return () => window.clearTimeout(timer);
  }, [getIndex]);
  const rows = useMemo(
    () => filterHistory(sorted, text.trim() ? getIndex() : [], { text, state }),
    [sorted, getIndex, text, state]
  );

  // the focused job follows refreshes (same id)
  useEffect(() => {
    setFocused(current =>
      current ? (jobs.find(j => j.id === current.id) ?? current) : null
    );
  }, [jobs]);

  const days = useMemo(
    () =>
      [...new Set([...DAY_CHOICES.filter(d => d <= maxDays), model.days])].sort(
        (a, b) => a - b
      ),
    [maxDays, model.days]
  );
  const sortBy = (column: HistoryColumnId) =>
    setSort(
      sort.column === column
        ? { column, descending: !sort.descending }
        : { column, descending: column === 'end' || column === 'submit' }
    );

  const problem = model.problem;
  const noAccounting = model.accounting === false;

  return (
    <div className="jp-hpc-Slurm-queue jp-hpc-Slurm-history">
      <div className="jp-hpc-Slurm-header">
        <label className="jp-hpc-Slurm-days">
          {trans.__('Ended in the last')}{' '}
          <select
            aria-label={trans.__('Days of history')}
            value={model.days}
            onChange={event => {
              model.days = Number(event.target.value);
            }}
          >
            {days.map(d => (
              <option key={d} value={d}>
                {trans._n('%1 day', '%1 days', d)}
              </option>
            ))}
          </select>
        </label>
        <UpdatedAgo
          updatedAt={model.updatedAt}
          busy={model.loading ? trans.__('reading the accounting…') : null}
          trans={trans}
        />
        <button
          className="jp-mod-styled jp-hpc-Slurm-refresh"
          title={trans.__('Ask Slurm for the history now')}
          onClick={() => void model.refresh().catch(() => undefined)}
        >
          {trans.__('Refresh')}
        </button>
      </div>
      {problem && (
        <div className="jp-hpc-Slurm-banner" role="alert">
          <div className="jp-hpc-Slurm-bannerTitle">
            {problem.status === 503
              ? trans.__("Slurm's job accounting cannot be reached.")
              : problem.status === 0
                ? trans.__('The Jupyter server cannot be reached.')
                : trans.__('The job history could not be read.')}
          </div>
          <div className="jp-hpc-Slurm-bannerMessage">{problem.message}</div>
          <div className="jp-hpc-Slurm-bannerFooter">
            {problem.status === 400
              ? ''
              : trans.__(
                  'Retrying automatically; the queue is not affected.'
                )}{' '}
            <button
              className="jp-mod-styled jp-mod-reject"
              onClick={() => void model.refresh().catch(() => undefined)}
            >
              {trans.__('Retry now')}
            </button>
          </div>
        </div>
      )}
      {noAccounting ? (
        <div className="jp-hpc-Slurm-empty" role="status">
          {trans.__(
            'This cluster keeps no job accounting, so there is no history of finished jobs. The queue, submission and the cluster status still work.'
          )}
        </div>
      ) : (
        <>
          <div className="jp-hpc-Slurm-toolbar">
            <input
              className="jp-hpc-Slurm-filter"
              type="search"
              placeholder={trans.__('Filter finished jobs')}
              aria-label={trans.__('Filter finished jobs')}
              value={text}
              onChange={event => setText(event.target.value)}
            />
            <select
              className="jp-hpc-Slurm-stateFilter"
              aria-label={trans.__('Filter by how jobs ended')}
              value={state}
              onChange={event => setState(event.target.value)}
            >
              <option value="">{trans.__('All endings')}</option>
              <option value="failed">
                {trans.__('Failed (errors, time, memory, nodes)')}
              </option>
              <option value="cancelled">{trans.__('Cancelled')}</option>
              <option value="completed">{trans.__('Completed')}</option>
              <option value="TIMEOUT">{trans.__('Out of time')}</option>
              <option value="OUT_OF_MEMORY">{trans.__('Out of memory')}</option>
            </select>
            <span className="jp-hpc-Slurm-count" data-filter={text}>
              {trans.__('%1 of %2 jobs', rows.length, jobs.length)}
            </span>
          </div>
          {jobs.length > 0 && rows.length === 0 && (
            <NoMatches
              text={text}
              onClear={() => {
                setText('');
                setState('');
              }}
              trans={trans}
            />
          )}
          <DetailsSplit
            label={trans.__('Resize the finished job details')}
            storageKey="history"
            details={
              focused && (
                <HistoryDetails
                  model={model}
                  job={focused}
                  onClose={() => setFocused(null)}
                  onOpenFile={props.onOpenFile}
                  onOpenFolder={props.onOpenFolder}
                  onSubmitAgain={props.onSubmitAgain}
                  trans={trans}
                />
              )
            }
          >
            <HistoryTable
              rows={rows}
              columns={HISTORY_ALL_COLUMNS}
              sort={sort}
              focused={focused?.id ?? null}
              onSort={sortBy}
              onOpen={setFocused}
              trans={trans}
            />
          </DetailsSplit>
          {jobs.length === 0 && !model.loading && !problem && (
            <div className="jp-hpc-Slurm-empty">
              {trans._n(
                'None of your jobs ended in the last day.',
                'None of your jobs ended in the last %1 days.',
                model.days
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}
