import { requestAPI } from '@jupyterlab-hpc/common';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

interface IStatus {
  available: boolean;
  version?: string;
  cluster?: string;
  user?: string;
  reason?: string;
}

function StatusLine(props: { trans: TranslationBundle }): JSX.Element {
  const { trans } = props;
  const [status, setStatus] = useState<IStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    requestAPI<IStatus>('slurm', 'status')
      .then(setStatus)
      .catch(e => setError(String(e.message ?? e)));
  }, []);
  if (error) {
    return <div className="jp-hpc-Slurm-error">{error}</div>;
  }
  if (!status) {
    return <div>{trans.__('Contacting Slurm…')}</div>;
  }
  if (!status.available) {
    return (
      <div className="jp-hpc-Slurm-error">
        {trans.__('Slurm is not available: %1', status.reason ?? '')}
      </div>
    );
  }
  return (
    <div className="jp-hpc-Slurm-status">
      {trans.__(
        'Slurm %1 on cluster %2, as %3',
        status.version ?? '',
        status.cluster ?? '',
        status.user ?? ''
      )}
    </div>
  );
}

/** The Slurm queue panel. */
export class SlurmPanel extends ReactWidget {
  constructor(private readonly trans: TranslationBundle) {
    super();
    this.addClass('jp-hpc-Slurm');
  }

  render(): JSX.Element {
    return <StatusLine trans={this.trans} />;
  }
}
