import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IProblem } from '../model';
import { ISlurmStatus } from '../tokens';

/**
 * What is wrong with Slurm right now (controller down, command missing,
 * timeout). The model keeps retrying with backoff; the banner goes away by
 * itself on the first successful refresh.
 */
export function Banner(props: {
  problem: IProblem | null;
  status: ISlurmStatus | null;
  onRetry: () => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { problem, status, trans } = props;
  const unavailable = status !== null && !status.available;
  if (!problem && !unavailable) {
    return null;
  }
  let title: string;
  const missing =
    unavailable &&
    !!status.commands &&
    /not found|no such file/i.test(status.reason ?? '');
  const refused = !!problem?.notAuthorized;
  if (refused) {
    title = trans.__('Slurm is not available to this account.');
  } else if (missing) {
    title = trans.__('Slurm is not available on this server.');
  } else if (unavailable) {
    title = trans.__('The Slurm controller cannot be reached.');
  } else if (problem!.status === 504) {
    title = trans.__('Slurm did not answer in time.');
  } else if (problem!.status === 503) {
    title = trans.__('The Slurm controller cannot be reached.');
  } else if (problem!.status === 0) {
    title = trans.__('The Jupyter server cannot be reached.');
  } else {
    title = trans.__('The job list could not be refreshed.');
  }
  const commands = missing ? status?.commands : undefined;
  return (
    <div className="jp-hpc-Slurm-banner" role="alert">
      <div className="jp-hpc-Slurm-bannerTitle">{title}</div>
      <div className="jp-hpc-Slurm-bannerMessage">
        {problem?.message ?? status?.reason ?? ''}
      </div>
      {problem?.staleAge !== undefined && (
        <div className="jp-hpc-Slurm-bannerStale">
          {trans.__(
            'The list below is the queue as it was read %1 s ago.',
            Math.round(problem.staleAge)
          )}
        </div>
      )}
      {commands && Object.keys(commands).length > 0 && (
        <div className="jp-hpc-Slurm-bannerCommands">
          {trans.__('Configured commands:')}
          <ul>
            {Object.entries(commands).map(([name, path]) => (
              <li key={name}>
                <code>{name}</code>: <code>{path}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {!refused && (
        <div className="jp-hpc-Slurm-bannerFooter">
          {trans.__('Retrying automatically.')}{' '}
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={props.onRetry}
          >
            {trans.__('Retry now')}
          </button>
        </div>
      )}
    </div>
  );
}
