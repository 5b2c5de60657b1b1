import { requestAPI } from '@jupyterlab-hpc/common';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

interface IStatus {
  sources: { id: string; name: string; type: string }[];
  clone_dir: string;
}

function Sources(props: { trans: TranslationBundle }): JSX.Element {
  const [status, setStatus] = useState<IStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    requestAPI<IStatus>('clone', 'status')
      .then(setStatus)
      .catch(e => setError(String(e.message ?? e)));
  }, []);
  if (error) {
    return <div className="jp-hpc-Gallery-error">{error}</div>;
  }
  return (
    <ul>
      {(status?.sources ?? []).map(s => (
        <li key={s.id}>{s.name}</li>
      ))}
    </ul>
  );
}

/** The notebook gallery panel. */
export class GalleryPanel extends ReactWidget {
  constructor(private readonly trans: TranslationBundle) {
    super();
    this.addClass('jp-hpc-Gallery');
  }

  render(): JSX.Element {
    return <Sources trans={this.trans} />;
  }
}
