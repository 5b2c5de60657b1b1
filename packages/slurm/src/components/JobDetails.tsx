import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useRef, useState } from 'react';

import { endedText, sentence } from '../explain';
import { IHistoryDetails, exitText } from '../history';
import { HistoryModel } from '../historyModel';
import {
  FINAL_STATES,
  IJob,
  baseState,
  formatDuration,
  formatTime
} from '../jobs';
import { SlurmModel } from '../model';
import { IJobDetails, IJobSummary } from '../tokens';
import { WhyPending } from './WhyPending';

export interface IJobDetailsProps {
  model: SlurmModel;
  /** Accounting: how a job that left the queue ended. */
  history: HistoryModel;
  id: string;
  /**
   * The job's row while listed, null once it left the queue. A new object
   * whenever the job changed (the queue keeps unchanged rows): the details
   * are read again then.
   */
  job: IJob | null;
  onOpenOutput: (id: string, stream: 'stdout' | 'stderr') => void;
  /** Show a folder (relative to the Jupyter root) in the file browser. */
  onOpenFolder: (path: string) => void;
  onClose: () => void;
  trans: TranslationBundle;
}

/** Slurm prints times as epoch seconds here (SLURM_TIME_FORMAT=%s). */
function fieldText(key: string, value: string): string {
  if (/Time$/.test(key) && /^\d{9,}$/.test(value)) {
    return formatTime(Number(value));
  }
  return value;
}

/** What a state badge is coloured as. */
export function stateGroup(state: string): string {
  const base = baseState(state);
  if (base === 'RUNNING' || base === 'CONFIGURING' || base === 'COMPLETING') {
    return 'running';
  }
  if (
    base === 'PENDING' ||
    base === 'SUSPENDED' ||
    base.startsWith('REQUEUE')
  ) {
    return 'pending';
  }
  if (base === 'COMPLETED') {
    return 'done';
  }
  if (base === 'CANCELLED' || base === 'ENDED') {
    return 'other';
  }
  return FINAL_STATES.has(base) ? 'bad' : 'other';
}

/**
 * One job of the queue: a summary first (state, why it waits or how it
 * ended, times, resources, files with Open buttons, exit code), every field
 * Slurm prints folded below. It follows the job: read again whenever its
 * row changes, and once more when it leaves the queue (then its final
 * state, from Slurm while it remembers the job, else from accounting).
 */
export function JobDetails(props: IJobDetailsProps): JSX.Element {
  const { model, history, id, job, trans } = props;
  const [details, setDetails] = useState<IJobDetails | null>(null);
  const [ended, setEnded] = useState<IHistoryDetails | null>(null);
  /** Neither Slurm nor accounting knows the job any more. */
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const askedHistory = useRef<string | null>(null);
  /** Reads after the job left the queue while Slurm still says it is ending (COMPLETING). */
  const [again, setAgain] = useState(0);

  // another job: start afresh
  useEffect(() => {
    setDetails(null);
    setEnded(null);
    setGone(false);
    setError(null);
    setAgain(0);
    askedHistory.current = null;
  }, [id]);

  const left = job === null;
  useEffect(() => {
    let live = true;
    let retry = 0;
    const askHistory = () => {
      if (askedHistory.current === id) {
        return;
      }
      askedHistory.current = id;
      history
        .details(id)
        .then(h => live && setEnded(h))
        .catch(() => live && left && setGone(true));
    };
    model
      .details(id)
      .then(d => {
        if (!live) {
          return;
        }
        setDetails(d);
        setError(null);
        const state = d.summary?.state ?? d.fields.JobState ?? '';
        if (FINAL_STATES.has(baseState(state))) {
          askHistory(); // why it ended, in words
        } else if (left && again < 6) {
          // no longer listed, not ended yet for Slurm: look again shortly
          retry = window.setTimeout(() => setAgain(again + 1), 5000);
        }
      })
      .catch(e => {
        if (!live) {
          return;
        }
        if (left) {
          askHistory(); // Slurm forgot it: accounting may know how it ended
        } else {
          setError(e.message ?? String(e));
        }
      });
    return () => {
      live = false;
      window.clearTimeout(retry);
    };
  }, [model, history, id, job, left, again]);

  const summary = details?.summary ?? null;
  const state =
    summary?.state ||
    details?.fields.JobState ||
    (left ? (ended?.state ?? (gone ? 'ENDED' : '')) : (job?.state ?? ''));
  const name = summary?.name ?? job?.name ?? ended?.name ?? '';
  const stillRunningWord = left && !summary && !ended && !gone;

  return (
    <div
      className="jp-hpc-Slurm-details"
      role="region"
      aria-label={trans.__('Job details')}
    >
      <div className="jp-hpc-Slurm-detailsHeader">
        <span className="jp-hpc-Slurm-detailsTitle">
          {trans.__('Job %1', id)}
          {name ? ` · ${name}` : ''}
        </span>
        <button
          className="jp-mod-styled jp-mod-minimal"
          title={trans.__('Close the details')}
          aria-label={trans.__('Close the details')}
          onClick={props.onClose}
        >
          ×
        </button>
      </div>
      {state && (
        <div className="jp-hpc-Slurm-detailsState">
          <span
            className="jp-hpc-Slurm-stateBadge"
            data-group={stateGroup(state)}
          >
            {state === 'ENDED' ? trans.__('ended') : state}
          </span>
          {left && (
            <span className="jp-hpc-Slurm-left">
              {gone
                ? trans.__(
                    'No longer in the queue; Slurm no longer says how it ended.'
                  )
                : trans.__('No longer in the queue.')}
            </span>
          )}
        </div>
      )}
      <Why
        summary={summary}
        job={job}
        ended={ended}
        stale={stillRunningWord}
        trans={trans}
      />
      {error && <div className="jp-hpc-Slurm-error">{error}</div>}
      {!details && !error && !ended && !gone && (
        <div>{trans.__('Loading…')}</div>
      )}
      {summary && (
        <Summary
          summary={summary}
          onOpenOutput={stream => props.onOpenOutput(id, stream)}
          onOpenFolder={props.onOpenFolder}
          trans={trans}
        />
      )}
      {!summary && details && (
        <FallbackActions
          id={id}
          job={job}
          onOpenOutput={props.onOpenOutput}
          onOpenFolder={props.onOpenFolder}
          trans={trans}
        />
      )}
      {details && (
        <details className="jp-hpc-Slurm-rawFields">
          <summary>
            {trans.__(
              'All fields Slurm gives (%1)',
              Object.keys(details.fields).length
            )}
          </summary>
          <table className="jp-hpc-Slurm-fields">
            <tbody>
              {Object.entries(details.fields).map(([key, value]) => (
                <tr key={key}>
                  <th>{key}</th>
                  <td>{fieldText(key, value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}

/** Why it waits (pending), or how it ended (finished), in words. */
function Why(props: {
  summary: IJobSummary | null;
  job: IJob | null;
  ended: IHistoryDetails | null;
  stale: boolean;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { summary, job, ended, trans } = props;
  if (ended) {
    return (
      <div className="jp-hpc-Slurm-why" data-cause={ended.ended.cause}>
        <span className="jp-hpc-Slurm-whyText">
          {sentence(endedText(ended.ended, trans))}
        </span>
      </div>
    );
  }
  if (props.stale) {
    return null;
  }
  // the summary is newer than the row; the row has the estimate's age
  const shown: IJob | null = summary
    ? {
        id: summary.id,
        name: summary.name,
        user: summary.user,
        state: summary.state,
        reason: summary.reason,
        start_time: summary.start_time
      }
    : job;
  return <WhyPending job={shown} trans={trans} />;
}

/** The curated part: times, resources, files and exit code. */
function Summary(props: {
  summary: IJobSummary;
  onOpenOutput: (stream: 'stdout' | 'stderr') => void;
  onOpenFolder: (path: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { summary: s, trans } = props;
  const base = baseState(s.state);
  const pending = base === 'PENDING';
  const finished = FINAL_STATES.has(base);
  const memory = s.memory
    ? s.memory_per === 'cpu'
      ? trans.__('%1 per CPU', s.memory)
      : s.memory_per === 'gpu'
        ? trans.__('%1 per GPU', s.memory)
        : s.memory === '0'
          ? trans.__("all of each node's memory")
          : trans.__('%1 per node', s.memory)
    : '';
  const rows: [string, React.ReactNode][] = [];
  if (s.exit_code) {
    rows.push([trans.__('Exit code'), exitText(s.exit_code)]);
  }
  rows.push([trans.__('Submitted'), formatTime(s.submit_time)]);
  if (pending) {
    if (s.start_time) {
      rows.push([trans.__('Expected start'), formatTime(s.start_time)]);
    }
  } else {
    rows.push([
      trans.__('Started'),
      s.start_time ? formatTime(s.start_time) : trans.__('never started')
    ]);
    if (s.end_time) {
      rows.push([
        finished ? trans.__('Ended') : trans.__('Time limit reached at'),
        formatTime(s.end_time)
      ]);
    }
  }
  rows.push([
    trans.__('Run time / limit'),
    `${formatDuration(s.run_time)} / ${
      s.time_limit === null ? trans.__('none') : formatDuration(s.time_limit)
    }`
  ]);
  rows.push([
    trans.__('Resources'),
    [
      s.cpus === null ? '' : trans._n('%1 CPU', '%1 CPUs', s.cpus),
      s.nodes === null ? '' : trans._n('%1 node', '%1 nodes', s.nodes),
      s.nodelist,
      memory,
      s.gres
    ]
      .filter(Boolean)
      .join(' · ')
  ]);
  rows.push([
    trans.__('Partition · account · QOS'),
    [s.partition, s.account, s.qos].filter(Boolean).join(' · ')
  ]);
  if (s.dependency) {
    rows.push([trans.__('Depends on'), s.dependency]);
  }
  return (
    <table className="jp-hpc-Slurm-fields jp-hpc-Slurm-summary">
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th>{label}</th>
            <td>{value}</td>
          </tr>
        ))}
        <PathRow
          label={trans.__('Output')}
          openLabel={trans.__('Open output')}
          path={s.stdout}
          open={() => props.onOpenOutput('stdout')}
          trans={trans}
        />
        <PathRow
          label={trans.__('Error')}
          openLabel={trans.__('Open error')}
          path={s.stderr === s.stdout ? trans.__('with the output') : s.stderr}
          closedWhy={trans.__('Errors go to the output file')}
          open={
            s.stderr !== s.stdout ? () => props.onOpenOutput('stderr') : null
          }
          trans={trans}
        />
        <PathRow
          label={trans.__('Working directory')}
          openLabel={trans.__('Open working directory')}
          path={s.work_dir}
          closedWhy={trans.__('Not inside the Jupyter root directory')}
          open={
            s.work_dir_path !== null
              ? () => props.onOpenFolder(s.work_dir_path!)
              : null
          }
          trans={trans}
        />
      </tbody>
    </table>
  );
}

function PathRow(props: {
  label: string;
  openLabel: string;
  path: string;
  /** null: nothing to open (outside the Jupyter root, or with the output). */
  open: (() => void) | null;
  closedWhy?: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <tr>
      <th>{props.label}</th>
      <td>
        <div className="jp-hpc-Slurm-pathCell">
          <span className="jp-hpc-Slurm-path">{props.path}</span>
          <button
            className="jp-mod-styled jp-hpc-Slurm-open"
            aria-label={props.openLabel}
            disabled={props.open === null}
            title={props.open === null ? props.closedWhy : props.openLabel}
            onClick={() => props.open?.()}
          >
            {trans.__('Open')}
          </button>
        </div>
      </td>
    </tr>
  );
}

/** Open buttons from the row, for a server without the summary. */
function FallbackActions(props: {
  id: string;
  job: IJob | null;
  onOpenOutput: (id: string, stream: 'stdout' | 'stderr') => void;
  onOpenFolder: (path: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { id, job, trans } = props;
  const folder = job?.work_dir_path;
  return (
    <div className="jp-hpc-Slurm-detailsActions">
      <button
        className="jp-mod-styled"
        onClick={() => props.onOpenOutput(id, 'stdout')}
      >
        {trans.__('Open output')}
      </button>
      <button
        className="jp-mod-styled"
        onClick={() => props.onOpenOutput(id, 'stderr')}
      >
        {trans.__('Open error')}
      </button>
      <button
        className="jp-mod-styled"
        disabled={typeof folder !== 'string'}
        onClick={() => typeof folder === 'string' && props.onOpenFolder(folder)}
      >
        {trans.__('Open working directory')}
      </button>
    </div>
  );
}
