import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useRef, useState } from 'react';

import { ALL_COLUMNS, COLUMNS, ColumnId } from '../jobs';

/** The "Columns" button and its list of checkboxes; Escape or a click elsewhere closes it. */
export function ColumnChooser(props: {
  columns: ReadonlyArray<ColumnId>;
  onChange: (columns: ColumnId[]) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { columns, trans } = props;
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) {
      return;
    }
    const outside = (event: MouseEvent) => {
      if (!wrap.current?.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);
  return (
    <span
      className="jp-hpc-Slurm-columnsWrap"
      ref={wrap}
      onKeyDown={event => {
        if (event.key === 'Escape' && open) {
          setOpen(false);
          wrap.current?.querySelector('button')?.focus();
        }
      }}
    >
      <button
        className="jp-mod-styled jp-hpc-Slurm-columnsButton"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {trans.__('Columns')}
      </button>
      {open && (
        <div
          className="jp-hpc-Slurm-columnChooser"
          role="group"
          aria-label={trans.__('Shown columns')}
        >
          {ALL_COLUMNS.map(id => (
            <label key={id}>
              <input
                type="checkbox"
                checked={columns.includes(id)}
                onChange={event =>
                  props.onChange(
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
  );
}
