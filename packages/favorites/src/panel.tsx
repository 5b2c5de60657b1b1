import { requestAPI } from '@jupyterlab-hpc/common';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

function Store(): JSX.Element {
  const [store, setStore] = useState('');
  useEffect(() => {
    requestAPI<{ store: string }>('favorites', 'status')
      .then(s => setStore(s.store))
      .catch(e => setStore(String(e.message ?? e)));
  }, []);
  return <div title={store}>{store}</div>;
}

/** The favorites sidebar panel. */
export class FavoritesPanel extends ReactWidget {
  constructor(private readonly trans: TranslationBundle) {
    super();
    this.addClass('jp-hpc-Favorites');
  }

  render(): JSX.Element {
    return (
      <div>
        <h3>{this.trans.__('Favorites')}</h3>
        <Store />
      </div>
    );
  }
}
