import React from 'react';

import { barWidth, level } from '../efficiency';
import { formatPercent } from '../units';

/**
 * A small bar for one efficiency ratio: its width is the share used, its
 * colour says low (under 25 %), fine, or over the request. The number is
 * always written beside it; the colour is never the only cue.
 */
export function EfficiencyBar(props: {
  ratio: number | null;
  label: string;
  /** Text after the percentage ("3.1 GB of 64 GB"). */
  detail?: string;
}): JSX.Element {
  const { ratio, label } = props;
  const kind = level(ratio);
  const percent = formatPercent(ratio);
  // A meter must have a value: an unknown ratio is plain text ("–").
  const meter =
    ratio === null
      ? { title: label }
      : {
          role: 'meter',
          'aria-label': label,
          'aria-valuemin': 0,
          'aria-valuemax': 100,
          'aria-valuenow': Math.round(ratio * 100),
          'aria-valuetext': percent || undefined
        };
  return (
    <span className={`jp-hpc-Slurm-effBar jp-mod-${kind}`} {...meter}>
      <span className="jp-hpc-Slurm-effTrack" aria-hidden="true">
        <span
          className="jp-hpc-Slurm-effFill"
          style={{ width: `${Math.round(barWidth(ratio) * 100)}%` }}
        />
      </span>
      <span className="jp-hpc-Slurm-effText">
        {percent || '–'}
        {props.detail ? ` · ${props.detail}` : ''}
      </span>
    </span>
  );
}
