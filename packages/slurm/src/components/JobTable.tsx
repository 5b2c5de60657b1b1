import { TranslationBundle } from '@jupyterlab/translation';
import { useVirtualizer } from '@tanstack/react-virtual';
import React, { useEffect, useRef } from 'react';

import { COLUMNS, ColumnId, IJob, ISort, baseState } from '../jobs';

/** Row height in pixels; fixed so that 100,000 rows need no measuring. */
export const ROW_HEIGHT = 26;
const CHECK_WIDTH = 32;

export interface IJobTableProps {
  rows: ReadonlyArray<IJob>;
  columns: ReadonlyArray<ColumnId>;
  sort: ISort;
  selected: ReadonlySet<string>;
  focused: string | null;
  highlight: string | null;
  /** Jobs of other users are listed but cannot be selected for actions. */
  isSelectable: (job: IJob) => boolean;
  /** Whether every selectable shown row is selected. */
  allSelected: boolean;
  onSort: (column: ColumnId) => void;
  onSelectAll: (select: boolean) => void;
  onRowClick: (job: IJob, event: React.MouseEvent) => void;
  onToggle: (job: IJob, event: React.MouseEvent) => void;
  onContextMenu: (job: IJob) => void;
  trans: TranslationBundle;
}

/**
 * The job list, virtualized: only the rows in view (plus a few) are in the
 * DOM, so 100,000 jobs scroll like 100. Every value is rendered as a React
 * text node, never as HTML.
 */
export function JobTable(props: IJobTableProps): JSX.Element {
  const { rows, columns, sort, selected, trans } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15
  });

  // bring a just-submitted job into view once it is listed
  const highlightIndex = props.highlight
    ? rows.findIndex(job => job.id === props.highlight)
    : -1;
  useEffect(() => {
    if (highlightIndex >= 0) {
      virtualizer.scrollToIndex(highlightIndex, { align: 'center' });
    }
  }, [virtualizer, highlightIndex]);

  // The columns share the panel's width in proportion to their widths, none
  // under its minimum (then the table scrolls sideways), and stop growing at
  // a third over their widths in a very wide panel. A cut value is whole in
  // its cell's tooltip.
  const template =
    `${CHECK_WIDTH}px ` +
    columns
      .map(id => `minmax(${COLUMNS[id].min}px, ${COLUMNS[id].width}fr)`)
      .join(' ');
  const sum = (key: 'min' | 'width') =>
    CHECK_WIDTH + columns.reduce((total, id) => total + COLUMNS[id][key], 0);
  const width = `max(${sum('min')}px, min(100%, ${Math.round(sum('width') * 1.33)}px))`;

  return (
    <div
      className="jp-hpc-Slurm-tableScroll"
      ref={scrollRef}
      role="grid"
      aria-rowcount={rows.length + 1}
      aria-label={trans.__('Slurm jobs')}
    >
      <div
        className="jp-hpc-Slurm-headerRow"
        role="row"
        style={{ gridTemplateColumns: template, width }}
      >
        <div
          className="jp-hpc-Slurm-cell jp-hpc-Slurm-check"
          role="columnheader"
        >
          <input
            type="checkbox"
            title={trans.__('Select all shown jobs you can act on')}
            aria-label={trans.__('Select all')}
            checked={props.allSelected}
            onChange={event => props.onSelectAll(event.target.checked)}
          />
        </div>
        {columns.map(id => {
          const active = sort.column === id;
          return (
            <div
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
              title={trans.__('Sort by %1', trans.__(COLUMNS[id].label))}
              onClick={() => props.onSort(id)}
            >
              {trans.__(COLUMNS[id].label)}
              {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
            </div>
          );
        })}
      </div>
      <div
        className="jp-hpc-Slurm-rows"
        style={{ height: virtualizer.getTotalSize(), width }}
      >
        {virtualizer.getVirtualItems().map(item => {
          const job = rows[item.index];
          const selectable = props.isSelectable(job);
          const isSelected = selected.has(job.id);
          const classes = ['jp-hpc-Slurm-row'];
          if (isSelected) {
            classes.push('jp-mod-selected');
          }
          if (job.id === props.focused) {
            classes.push('jp-mod-focused');
          }
          if (job.id === props.highlight) {
            classes.push('jp-hpc-Slurm-highlight');
          }
          if (!selectable) {
            classes.push('jp-mod-other');
          }
          return (
            <div
              key={item.key}
              role="row"
              aria-selected={isSelected}
              aria-rowindex={item.index + 2}
              className={classes.join(' ')}
              data-job-id={job.id}
              data-state={baseState(job.state)}
              style={{
                gridTemplateColumns: template,
                width: '100%',
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`
              }}
              onClick={event => props.onRowClick(job, event)}
              onContextMenu={() => props.onContextMenu(job)}
            >
              <div
                className="jp-hpc-Slurm-cell jp-hpc-Slurm-check"
                role="gridcell"
              >
                <input
                  type="checkbox"
                  checked={isSelected}
                  disabled={!selectable}
                  title={
                    selectable
                      ? trans.__('Select job %1', job.id)
                      : trans.__("Another user's job: you cannot act on it")
                  }
                  aria-label={trans.__('Select job %1', job.id)}
                  onClick={event => {
                    event.stopPropagation();
                    props.onToggle(job, event);
                  }}
                  onChange={() => undefined}
                />
              </div>
              {columns.map(id => {
                const text = COLUMNS[id].text(job);
                return (
                  <div
                    key={id}
                    role="gridcell"
                    className="jp-hpc-Slurm-cell"
                    data-column={id}
                    title={text}
                  >
                    {text}
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
