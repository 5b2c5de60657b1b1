import { TranslationBundle } from '@jupyterlab/translation';
import { useVirtualizer } from '@tanstack/react-virtual';
import React, { useRef } from 'react';

import {
  BAD_STATES,
  HISTORY_COLUMNS,
  HistoryColumnId,
  IHistoryJob,
  IHistorySort
} from '../history';
import { EfficiencyBar } from './EfficiencyBar';
import { ROW_HEIGHT } from './JobTable';

export interface IHistoryTableProps {
  rows: ReadonlyArray<IHistoryJob>;
  columns: ReadonlyArray<HistoryColumnId>;
  sort: IHistorySort;
  focused: string | null;
  onSort: (column: HistoryColumnId) => void;
  onOpen: (job: IHistoryJob) => void;
  trans: TranslationBundle;
}

const BARS: Partial<Record<HistoryColumnId, 'cpu' | 'memory'>> = {
  cpu_eff: 'cpu',
  mem_eff: 'memory'
};

/**
 * Finished jobs, virtualized like the queue: only the rows in view are in
 * the DOM, so 10,000 jobs scroll like 10. Failed, timed-out, out-of-memory
 * and cancelled jobs carry their state on the row (colour and the word).
 * Rows are reached by Tab and opened with Enter or Space.
 */
export function HistoryTable(props: IHistoryTableProps): JSX.Element {
  const { rows, columns, sort, trans } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15
  });
  const template = columns
    .map(id => `${HISTORY_COLUMNS[id].width}px`)
    .join(' ');
  const width = columns.reduce((sum, id) => sum + HISTORY_COLUMNS[id].width, 0);

  return (
    <div
      className="jp-hpc-Slurm-tableScroll"
      ref={scrollRef}
      role="grid"
      aria-rowcount={rows.length + 1}
      aria-label={trans.__('Finished jobs')}
    >
      <div
        className="jp-hpc-Slurm-headerRow"
        role="row"
        style={{ gridTemplateColumns: template, width }}
      >
        {columns.map(id => {
          const active = sort.column === id;
          return (
            <button
              key={id}
              role="columnheader"
              aria-sort={
                active ? (sort.descending ? 'descending' : 'ascending') : 'none'
              }
              className={
                'jp-hpc-Slurm-cell jp-hpc-Slurm-sortable' +
                (active ? ' jp-mod-active' : '')
              }
              data-column={id}
              title={trans.__(
                'Sort by %1',
                trans.__(HISTORY_COLUMNS[id].label)
              )}
              onClick={() => props.onSort(id)}
            >
              {trans.__(HISTORY_COLUMNS[id].label)}
              {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
            </button>
          );
        })}
      </div>
      <div
        className="jp-hpc-Slurm-rows"
        style={{ height: virtualizer.getTotalSize(), width }}
      >
        {virtualizer.getVirtualItems().map(item => {
          const job = rows[item.index];
          const classes = ['jp-hpc-Slurm-row', 'jp-hpc-Slurm-historyRow'];
          if (job.id === props.focused) {
            classes.push('jp-mod-focused');
          }
          if (BAD_STATES.has(job.state)) {
            classes.push('jp-mod-bad');
          }
          return (
            <div
              key={item.key}
              role="row"
              tabIndex={0}
              aria-rowindex={item.index + 2}
              aria-selected={job.id === props.focused}
              className={classes.join(' ')}
              data-job-id={job.id}
              data-state={job.state}
              style={{
                gridTemplateColumns: template,
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`
              }}
              onClick={() => props.onOpen(job)}
              onKeyDown={event => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  props.onOpen(job);
                }
              }}
            >
              {columns.map(id => {
                const text = HISTORY_COLUMNS[id].text(job);
                const bar = BARS[id];
                return (
                  <div
                    key={id}
                    role="gridcell"
                    className="jp-hpc-Slurm-cell"
                    data-column={id}
                    title={text}
                  >
                    {bar ? (
                      <EfficiencyBar
                        ratio={job.efficiency[bar].ratio}
                        label={trans.__(HISTORY_COLUMNS[id].label)}
                      />
                    ) : (
                      text
                    )}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
