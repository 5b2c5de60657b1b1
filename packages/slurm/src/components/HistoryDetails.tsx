import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useState } from 'react';

import { hints } from '../efficiency';
import { endedText, hintText, sentence } from '../explain';
import { BAD_STATES, IHistoryDetails, IHistoryJob, exitText } from '../history';
import { HistoryModel } from '../historyModel';
import { formatDuration, formatTime } from '../jobs';
import { formatBytes } from '../units';
import { EfficiencyBar } from './EfficiencyBar';

export interface IHistoryActions {
  /** Open a file (relative to the root) in JupyterLab. */
  onOpenFile: (path: string) => void;
  /** Show a folder (relative to the root) in the file browser. */
  onOpenFolder: (path: string) => void;
  /** Open the submit form with this script, options and working directory. */
  onSubmitAgain: (again: {
    script: string;
    options: Record<string, string | boolean>;
    cwd: string | null;
  }) => void;
}

export interface IHistoryDetailsProps extends IHistoryActions {
  model: HistoryModel;
  /** The row clicked: shown at once while the details load. */
  job: IHistoryJob;
  onClose: () => void;
  trans: TranslationBundle;
}

/**
 * One finished job: why it ended in plain words, what it used of what it
 * asked for (with a hint when under a quarter), its files, its steps, and
 * "Submit again" when Slurm kept its script.
 */
export function HistoryDetails(props: IHistoryDetailsProps): JSX.Element {
  const { model, job, trans } = props;
  const [details, setDetails] = useState<IHistoryDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setDetails(null);
    setError(null);
    model
      .details(job.id)
      .then(d => live && setDetails(d))
      .catch(e => live && setError(e.message ?? String(e)));
    return () => {
      live = false;
    };
  }, [model, job.id]);

  const shown: IHistoryJob = details ?? job;
  const ended = shown.ended;
  const bad = BAD_STATES.has(shown.state);
  const use = shown.efficiency;
  const tips = hints(use, {
    cpus: shown.cpus,
    memoryRequestExplicit: details ? details.memory_request_explicit : false,
    memorySchedules: details?.memory_schedules ?? null
  });

  return (
    <div
      className="jp-hpc-Slurm-details jp-hpc-Slurm-historyDetails"
      aria-label={trans.__('Finished job details')}
    >
      <div className="jp-hpc-Slurm-detailsHeader">
        <span className="jp-hpc-Slurm-detailsTitle">
          {trans.__('Job %1', shown.id)} · {shown.name}
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
      <div
        className={'jp-hpc-Slurm-why' + (bad ? ' jp-mod-bad' : '')}
        data-cause={ended.cause}
      >
        <span className="jp-hpc-Slurm-whyText">
          {sentence(endedText(ended, trans))}
        </span>{' '}
        <span className="jp-hpc-Slurm-raw" title={trans.__("Slurm's words")}>
          {shown.state}
          {shown.exit_code
            ? ` ${shown.exit_code.code}:${shown.exit_code.signal}`
            : ''}
        </span>
      </div>
      <Actions details={details} {...props} />
      {error && <div className="jp-hpc-Slurm-error">{error}</div>}
      <div className="jp-hpc-Slurm-effTable">
        <div>{trans.__('CPU')}</div>
        <EfficiencyBar
          ratio={use.cpu.ratio}
          label={trans.__('CPU use')}
          detail={
            use.cpu.used !== null && use.cpu.available
              ? trans.__(
                  '%1 of %2 CPU time',
                  formatDuration(use.cpu.used),
                  formatDuration(use.cpu.available)
                )
              : ''
          }
        />
        <div>{trans.__('Memory')}</div>
        <EfficiencyBar
          ratio={use.memory.ratio}
          label={trans.__('Memory use')}
          detail={
            use.memory.used === null
              ? trans.__('use not recorded')
              : use.memory.requested === null
                ? trans.__('%1 used, no request', formatBytes(use.memory.used))
                : use.memory.per_node
                  ? trans.__(
                      '%1 of %2 per node',
                      formatBytes(use.memory.used),
                      formatBytes(use.memory.requested)
                    )
                  : trans.__(
                      '%1 of %2',
                      formatBytes(use.memory.used),
                      formatBytes(use.memory.requested)
                    )
          }
        />
        <div>{trans.__('Time')}</div>
        <EfficiencyBar
          ratio={use.time.ratio}
          label={trans.__('Time used of the limit')}
          detail={
            use.time.used === null
              ? ''
              : use.time.limit
                ? trans.__(
                    '%1 of %2',
                    formatDuration(use.time.used),
                    formatDuration(use.time.limit)
                  )
                : trans.__('%1, no limit', formatDuration(use.time.used))
          }
        />
      </div>
      {tips.length > 0 && (
        <ul className="jp-hpc-Slurm-hints">
          {tips.map(tip => (
            <li key={tip.kind}>{hintText(tip, trans)}</li>
          ))}
        </ul>
      )}
      {details?.memory_request_explicit === false &&
        use.memory.requested !== null && (
          <div className="jp-hpc-Slurm-note">
            {trans.__(
              'No memory was asked for: Slurm gave it its default (%1).',
              formatBytes(use.memory.requested)
            )}
          </div>
        )}
      <table className="jp-hpc-Slurm-fields">
        <tbody>
          <Field
            label={trans.__('Submitted')}
            value={formatTime(shown.submit)}
          />
          <Field
            label={trans.__('Started')}
            value={
              shown.start ? formatTime(shown.start) : trans.__('never started')
            }
          />
          <Field label={trans.__('Ended')} value={formatTime(shown.end)} />
          <Field
            label={trans.__('Elapsed / limit')}
            value={`${formatDuration(shown.elapsed)} / ${
              shown.time_limit === null
                ? trans.__('none')
                : formatDuration(shown.time_limit)
            }`}
          />
          <Field
            label={trans.__('Resources')}
            value={trans.__(
              '%1 CPUs on %2 node(s) %3',
              shown.cpus ?? '?',
              shown.nodes ?? '?',
              shown.nodelist ? `(${shown.nodelist})` : ''
            )}
          />
          {shown.gpus ? (
            <Field label={trans.__('GPUs')} value={String(shown.gpus)} />
          ) : null}
          <Field
            label={trans.__('Partition / account')}
            value={`${shown.partition} / ${shown.account}`}
          />
          <Field label={trans.__('Working directory')} value={shown.work_dir} />
          {details && (
            <Field
              label={trans.__('Submitted with')}
              value={details.submit_line}
            />
          )}
        </tbody>
      </table>
      {details && details.steps.length > 0 && (
        <table className="jp-hpc-Slurm-steps" aria-label={trans.__('Steps')}>
          <thead>
            <tr>
              <th>{trans.__('Step')}</th>
              <th>{trans.__('Name')}</th>
              <th>{trans.__('State')}</th>
              <th>{trans.__('Exit')}</th>
              <th>{trans.__('Elapsed')}</th>
              <th>{trans.__('MaxRSS')}</th>
            </tr>
          </thead>
          <tbody>
            {details.steps.map(step => (
              <tr
                key={step.id}
                className={BAD_STATES.has(step.state) ? 'jp-mod-bad' : ''}
              >
                <td>{step.id}</td>
                <td>{step.name}</td>
                <td>{step.state}</td>
                <td>{exitText(step.exit_code)}</td>
                <td>{formatDuration(step.elapsed)}</td>
                <td>{formatBytes(step.max_rss)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!details && !error && <div>{trans.__('Loading…')}</div>}
    </div>
  );
}

function Field(props: { label: string; value: string }): JSX.Element {
  return (
    <tr>
      <th>{props.label}</th>
      <td>{props.value}</td>
    </tr>
  );
}

/** Open output, open error, working directory, submit again: each says why when it cannot. */
function Actions(
  props: IHistoryDetailsProps & { details: IHistoryDetails | null }
): JSX.Element {
  const { details, job, trans } = props;
  const file = (stream: 'stdout' | 'stderr') => {
    if (!details) {
      return { path: null, why: trans.__('Loading…') };
    }
    const path = details[`${stream}_path`];
    if (path === null) {
      return {
        path: null,
        why: trans.__(
          '%1 is outside the Jupyter root directory.',
          details[stream]
        )
      };
    }
    if (!details[`${stream}_exists`]) {
      return {
        path: null,
        why: trans.__('%1 does not exist (any more).', details[stream])
      };
    }
    return { path, why: details[stream] };
  };
  const out = file('stdout');
  const err = file('stderr');
  const folder = job.work_dir_path;
  const again = details?.resubmit;
  return (
    <div className="jp-hpc-Slurm-detailsActions">
      <button
        className="jp-mod-styled"
        disabled={out.path === null}
        title={out.why}
        onClick={() => out.path !== null && props.onOpenFile(out.path)}
      >
        {trans.__('Open output')}
      </button>
      <button
        className="jp-mod-styled"
        disabled={err.path === null}
        title={
          details && details.stderr === details.stdout
            ? trans.__('Errors went to the output file: %1', err.why)
            : err.why
        }
        onClick={() => err.path !== null && props.onOpenFile(err.path)}
      >
        {trans.__('Open error')}
      </button>
      <button
        className="jp-mod-styled"
        disabled={folder === null}
        title={
          folder === null
            ? trans.__('The working directory is not inside the Jupyter root.')
            : job.work_dir
        }
        onClick={() => folder !== null && props.onOpenFolder(folder)}
      >
        {trans.__('Open working directory')}
      </button>
      <button
        className="jp-mod-styled jp-mod-accept"
        disabled={!again?.available}
        title={
          !again
            ? trans.__('Loading…')
            : again.available
              ? again.not_carried.length
                ? trans.__(
                    'Same script and options. Not carried over: %1',
                    again.not_carried.join('; ')
                  )
                : trans.__(
                    'Open the submit form with the same script and options'
                  )
              : (again.reason ?? '')
        }
        onClick={() =>
          again?.available &&
          again.script !== null &&
          props.onSubmitAgain({
            script: again.script,
            options: again.options,
            cwd: again.cwd
          })
        }
      >
        {trans.__('Submit again…')}
      </button>
      {again && !again.available && (
        <span className="jp-hpc-Slurm-note">{again.reason}</span>
      )}
    </div>
  );
}
