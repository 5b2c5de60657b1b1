import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useState } from 'react';

import { IJob, formatTime } from '../jobs';

/** Slurm prints times as epoch seconds here (SLURM_TIME_FORMAT=%s). */
function fieldText(key: string, value: unknown): string {
  const text = String(value);
  if (/Time$/.test(key) && /^\d{9,}$/.test(text)) {
    return formatTime(Number(text));
  }
  return text;
}
import { SlurmModel } from '../model';
import { WhyPending } from './WhyPending';

export interface IJobDetailsProps {
  model: SlurmModel;
  id: string;
  /** The job's row, if listed (for the working directory path). */
  job: IJob | null;
  onOpenOutput: (id: string, stream: 'stdout' | 'stderr') => void;
  onOpenWorkDir: (job: IJob) => void;
  onClose: () => void;
  trans: TranslationBundle;
}

/** Every field `scontrol show job` gives for one job, as plain text. */
export function JobDetails(props: IJobDetailsProps): JSX.Element {
  const { model, id, job, trans } = props;
  const workDirOk = typeof job?.work_dir_path === 'string';
  const [fields, setFields] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setFields(null);
    setError(null);
    model
      .details(id)
      .then(f => live && setFields(f))
      .catch(e => live && setError(e.message ?? String(e)));
    return () => {
      live = false;
    };
  }, [model, id]);

  return (
    <div className="jp-hpc-Slurm-details" aria-label={trans.__('Job details')}>
      <div className="jp-hpc-Slurm-detailsHeader">
        <span className="jp-hpc-Slurm-detailsTitle">
          {trans.__('Job %1', id)}
        </span>
        <button
          className="jp-mod-styled jp-mod-minimal"
          title={trans.__('Close the details')}
          onClick={props.onClose}
        >
          ×
        </button>
      </div>
      <WhyPending job={job} trans={trans} />
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
          disabled={!workDirOk}
          title={
            workDirOk
              ? (job!.work_dir ?? '')
              : trans.__(
                  'The working directory is not inside the Jupyter root.'
                )
          }
          onClick={() => job && props.onOpenWorkDir(job)}
        >
          {trans.__('Open working directory')}
        </button>
      </div>
      {error && <div className="jp-hpc-Slurm-error">{error}</div>}
      {!fields && !error && <div>{trans.__('Loading…')}</div>}
      {fields && (
        <table className="jp-hpc-Slurm-fields">
          <tbody>
            {Object.entries(fields)
              // the raw scontrol fields; `summary` (an object) is for the curated view
              .filter(([, value]) => typeof value === 'string')
              .map(([key, value]) => (
                <tr key={key}>
                  <th>{key}</th>
                  <td>{fieldText(key, value)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
