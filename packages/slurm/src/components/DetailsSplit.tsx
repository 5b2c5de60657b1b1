import React, { useEffect, useRef, useState } from 'react';

/** Below this width the details go under the table instead of beside it. */
export const NARROW_WIDTH = 900;
const STORAGE_PREFIX = 'jupyterlab-hpc:slurm-details-size';
const MIN_PANE = 160;
/** What the table keeps at least. */
const MIN_TABLE = 200;
const STEP = 24;

interface ISizes {
  /** Width of the pane beside the table, pixels. */
  side: number;
  /** Height of the pane under the table, pixels. */
  below: number;
}

/** Where a split's sizes are kept: the queue's under the original key. */
function storageKey(name: string | undefined): string {
  return name ? `${STORAGE_PREFIX}:${name}` : STORAGE_PREFIX;
}

function loadSizes(key: string): ISizes {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? '{}');
    return {
      side: Number(saved.side) > 0 ? Number(saved.side) : 380,
      below: Number(saved.below) > 0 ? Number(saved.below) : 260
    };
  } catch {
    return { side: 380, below: 260 };
  }
}

/**
 * The table and, when open, the details beside it (or under it when the
 * panel is narrow) with a separator to drag, or to move with the arrow
 * keys; the size is remembered in this browser.
 */
export function DetailsSplit(props: {
  children: React.ReactNode;
  details: React.ReactNode | null;
  /** The separator's accessible name. */
  label: string;
  /** Which split this is, so each remembers its own sizes (none: the queue's). */
  storageKey?: string;
}): JSX.Element {
  const stored = storageKey(props.storageKey);
  const box = useRef<HTMLDivElement>(null);
  const [narrow, setNarrow] = useState(false);
  const [sizes, setSizes] = useState<ISizes>(() => loadSizes(stored));
  const [extent, setExtent] = useState({ width: 0, height: 0 });

  useEffect(() => {
    const node = box.current;
    if (!node) {
      return;
    }
    const observer = new ResizeObserver(() => {
      const { width, height } = node.getBoundingClientRect();
      setExtent({ width, height });
      setNarrow(width > 0 && width < NARROW_WIDTH);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  const key: keyof ISizes = narrow ? 'below' : 'side';
  const max = Math.max(
    MIN_PANE,
    (narrow ? extent.height : extent.width) - MIN_TABLE
  );
  const size = Math.min(Math.max(sizes[key], MIN_PANE), max);
  const resize = (next: number) => {
    const clamped = Math.round(Math.min(Math.max(next, MIN_PANE), max));
    setSizes(current => {
      const updated = { ...current, [key]: clamped };
      try {
        localStorage.setItem(stored, JSON.stringify(updated));
      } catch {
        // private mode: the size is not remembered
      }
      return updated;
    });
  };

  const drag = (event: React.PointerEvent<HTMLDivElement>) => {
    const handle = event.currentTarget;
    const rect = box.current!.getBoundingClientRect();
    handle.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) =>
      resize(narrow ? rect.bottom - e.clientY : rect.right - e.clientX);
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    event.preventDefault();
  };

  const keys = (event: React.KeyboardEvent) => {
    const grow = narrow ? 'ArrowUp' : 'ArrowLeft';
    const shrink = narrow ? 'ArrowDown' : 'ArrowRight';
    if (event.key === grow || event.key === shrink) {
      resize(size + (event.key === grow ? STEP : -STEP));
      event.preventDefault();
    }
  };

  return (
    <div
      className={'jp-hpc-Slurm-body' + (narrow ? ' jp-mod-narrow' : '')}
      ref={box}
    >
      {props.children}
      {props.details && (
        <>
          <div
            className="jp-hpc-Slurm-splitter"
            role="separator"
            tabIndex={0}
            aria-label={props.label}
            aria-orientation={narrow ? 'horizontal' : 'vertical'}
            aria-valuenow={size}
            aria-valuemin={MIN_PANE}
            aria-valuemax={max}
            onPointerDown={drag}
            onKeyDown={keys}
          />
          <div
            className="jp-hpc-Slurm-detailsPane"
            style={narrow ? { height: size } : { width: size }}
          >
            {props.details}
          </div>
        </>
      )}
    </div>
  );
}
