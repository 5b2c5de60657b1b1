import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';

import { IJob, rangeIds } from '../jobs';

/** The queue's selection: which jobs the actions apply to. */
export interface ISelection {
  selected: ReadonlySet<string>;
  /** Selected jobs still listed, in list order. */
  ids: string[];
  /** Whether every selectable shown row is selected. */
  allSelected: boolean;
  /** Click on a row: select it alone; with Shift a range, with Ctrl/Cmd toggle. */
  rowClick: (job: IJob, event: React.MouseEvent) => void;
  /** The row's checkbox: toggle (Shift: range). */
  toggle: (job: IJob, event: React.MouseEvent) => void;
  selectAll: (all: boolean) => void;
  clear: () => void;
}

/**
 * Selection of the user's own jobs among the shown rows (`rows`, filtered
 * and sorted), forgetting jobs that left the queue (`jobs`).
 */
export function useSelection(
  jobs: ReadonlyArray<IJob>,
  rows: ReadonlyArray<IJob>,
  isSelectable: (job: IJob) => boolean
): ISelection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | null>(null);

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

  // scanning 100,000 rows for the selectable ones waits until a selection
  // exists or "select all" is clicked, not at every refresh
  const selectableShown = useCallback(
    () => rows.filter(isSelectable),
    [rows, isSelectable]
  );
  const allSelected = useMemo(() => {
    if (selected.size === 0) {
      return false;
    }
    const shown = selectableShown();
    return (
      shown.length > 0 &&
      selected.size >= shown.length &&
      shown.every(job => selected.has(job.id))
    );
  }, [selectableShown, selected]);
  const ids = useMemo(
    () =>
      selected.size === 0
        ? []
        : jobs.filter(j => selected.has(j.id)).map(j => j.id),
    [jobs, selected]
  );

  const toggle = useCallback(
    (job: IJob, event: React.MouseEvent) => {
      if (event.shiftKey && anchor.current) {
        const byId = new Map(rows.map(r => [r.id, r]));
        const range = rangeIds(rows, anchor.current, job.id).filter(id =>
          isSelectable(byId.get(id)!)
        );
        setSelected(current => new Set([...current, ...range]));
        return;
      }
      anchor.current = job.id;
      setSelected(current => {
        const next = new Set(current);
        if (next.has(job.id)) {
          next.delete(job.id);
        } else if (isSelectable(job)) {
          next.add(job.id);
        }
        return next;
      });
    },
    [rows, isSelectable]
  );

  const rowClick = useCallback(
    (job: IJob, event: React.MouseEvent) => {
      if (event.shiftKey || event.ctrlKey || event.metaKey) {
        toggle(job, event);
        return;
      }
      anchor.current = job.id;
      setSelected(isSelectable(job) ? new Set([job.id]) : new Set());
    },
    [toggle, isSelectable]
  );

  const selectAll = useCallback(
    (all: boolean) =>
      setSelected(all ? new Set(selectableShown().map(j => j.id)) : new Set()),
    [selectableShown]
  );
  const clear = useCallback(() => setSelected(new Set()), []);

  return { selected, ids, allSelected, rowClick, toggle, selectAll, clear };
}
