/** The Gallery panel: search, source filter, notebook cards and the user's own sources. */
import { Notification } from '@jupyterlab/apputils';
import { refocusIfLost } from '@jupyterlab-hpc/common';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  ReactWidget,
  UseSignal,
  refreshIcon,
  searchIcon
} from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { formatSize } from './filter';
import { GalleryModel } from './model';
import type { INotebookInfo, ISource } from './tokens';

export interface IGalleryActions {
  clone(nb: INotebookInfo): Promise<void>;
  preview(nb: INotebookInfo): Promise<void>;
  /** Run a copy as a Slurm job; null when the Slurm extension is not there. */
  runCopy(): ((path: string) => Promise<void>) | null;
}

interface IProps {
  model: GalleryModel;
  actions: IGalleryActions;
  trans: TranslationBundle;
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : date.toLocaleDateString();
}

function Card(props: IProps & { nb: INotebookInfo }): JSX.Element {
  const { nb, model, actions, trans } = props;
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<void>) => {
    // the button is disabled meanwhile, which drops the focus on the page
    const origin = document.activeElement as HTMLElement | null;
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
      // once enabled again (a cancelled dialog, an error)
      requestAnimationFrame(() => refocusIfLost(origin));
    }
  };
  const language = [nb.kernel, nb.language].filter(Boolean).join(' · ');
  // after cloning: run the newest copy as a Slurm job (or a sweep of it)
  const runCopy = actions.runCopy();
  const latestCopy = nb.clones.length ? nb.clones[nb.clones.length - 1] : null;
  // The card's buttons are described by its title ("Clone…", "Hello HPC").
  const titleId = `jp-hpc-gallery-title-${encodeURIComponent(nb.source)}-${encodeURIComponent(nb.path)}`;
  return (
    <li
      className="jp-hpc-Gallery-card"
      data-source={nb.source}
      data-path={nb.path}
    >
      <div className="jp-hpc-Gallery-cardHeader">
        <h3 className="jp-hpc-Gallery-title" id={titleId} title={nb.path}>
          {nb.title}
        </h3>
        {nb.update_available && (
          <span
            className="jp-hpc-Gallery-update"
            title={trans.__(
              'The notebook changed in %1 since you cloned it',
              model.sourceName(nb.source)
            )}
          >
            {trans.__('Update available')}
          </span>
        )}
      </div>
      {nb.description && (
        <p className="jp-hpc-Gallery-description">{nb.description}</p>
      )}
      {nb.error && (
        <div className="jp-hpc-Gallery-cardError" role="note">
          <p>{nb.error}</p>
          {nb.error_detail && (
            <details>
              <summary>{trans.__('Details')}</summary>
              <code>{nb.error_detail}</code>
            </details>
          )}
        </div>
      )}
      {nb.tags.length > 0 && (
        <ul className="jp-hpc-Gallery-tags">
          {nb.tags.map(tag => (
            <li key={tag} className="jp-hpc-Gallery-tag">
              {tag}
            </li>
          ))}
        </ul>
      )}
      <dl className="jp-hpc-Gallery-meta">
        <dt>{trans.__('Source')}</dt>
        <dd>{model.sourceName(nb.source)}</dd>
        {language && <dt>{trans.__('Kernel')}</dt>}
        {language && <dd>{language}</dd>}
        <dt>{trans.__('Size')}</dt>
        <dd>{formatSize(nb.size)}</dd>
        <dt>{trans.__('Modified')}</dt>
        <dd className="jp-hpc-Gallery-modified">{formatDate(nb.modified)}</dd>
        {nb.parameters && <dt>{trans.__('Parameters')}</dt>}
        {nb.parameters && <dd>{trans.__('yes')}</dd>}
      </dl>
      {nb.clones.length > 0 && (
        <p className="jp-hpc-Gallery-copyCount" title={nb.clones.join('\n')}>
          {trans._n(
            'You have %1 copy.',
            'You have %1 copies.',
            nb.clones.length
          )}
        </p>
      )}
      <div className="jp-hpc-Gallery-actions">
        <button
          className="jp-mod-styled jp-hpc-Gallery-preview"
          disabled={busy || !!nb.error}
          aria-describedby={titleId}
          onClick={() => run(() => actions.preview(nb))}
        >
          {trans.__('Preview')}
        </button>
        <button
          className="jp-mod-styled jp-mod-accept jp-hpc-Gallery-clone"
          disabled={busy || !!nb.error}
          aria-describedby={titleId}
          onClick={() => run(() => actions.clone(nb))}
        >
          {nb.update_available
            ? trans.__('Get the new version')
            : trans.__('Clone…')}
        </button>
        {runCopy && latestCopy && (
          <button
            className="jp-mod-styled jp-hpc-Gallery-run"
            disabled={busy}
            title={trans.__('Run your copy %1 as a Slurm job', latestCopy)}
            onClick={() => run(() => runCopy(latestCopy))}
          >
            {trans.__('Run as Slurm job…')}
          </button>
        )}
      </div>
    </li>
  );
}

function SourceErrors(props: IProps): JSX.Element | null {
  const { model, trans } = props;
  const errors = model.errors;
  if (errors.length === 0) {
    return null;
  }
  return (
    <ul className="jp-hpc-Gallery-sourceErrors">
      {errors.map(e => (
        <li key={e.source} className="jp-hpc-Gallery-sourceError">
          {trans.__('%1: %2', model.sourceName(e.source), e.message)}
        </li>
      ))}
    </ul>
  );
}

function UserSources(props: IProps): JSX.Element | null {
  const { model, trans } = props;
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!model.status?.allow_user_sources) {
    return null;
  }
  const mine = model.sources.filter(s => s.user);
  const add = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await model.addSource(name, path);
      setName('');
      setPath('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (source: ISource) => {
    try {
      await model.removeSource(source.id);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    // user sources are folders: the same name and folder add it back
    const path = source.path;
    Notification.info(
      trans.__('Removed the source "%1" from the gallery.', source.name),
      {
        autoClose: 10000,
        actions: path
          ? [
              {
                label: trans.__('Undo'),
                caption: trans.__('Add "%1" again', source.name),
                callback: () => {
                  model.addSource(source.name, path).catch(e => {
                    setError((e as Error).message);
                  });
                }
              }
            ]
          : []
      }
    );
  };
  return (
    <details className="jp-hpc-Gallery-userSources">
      <summary>{trans.__('Your sources')}</summary>
      <ul>
        {mine.map(s => (
          <li key={s.id}>
            <span title={s.path}>
              {s.name} ({s.path})
            </span>
            <button
              className="jp-mod-styled jp-mod-warn"
              aria-label={trans.__('Remove the source %1', s.name)}
              onClick={() => void remove(s)}
            >
              {trans.__('Remove')}
            </button>
          </li>
        ))}
      </ul>
      <form className="jp-hpc-Gallery-addSource" onSubmit={add}>
        <input
          className="jp-mod-styled"
          placeholder={trans.__('Name, e.g. Group notebooks')}
          aria-label={trans.__('Name of the source')}
          value={name}
          onChange={e => setName(e.target.value)}
          required
        />
        <input
          className="jp-mod-styled"
          placeholder={trans.__(
            'Folder, e.g. /global/cfs/projectdirs/mygroup/notebooks'
          )}
          aria-label={trans.__('Folder of the source')}
          value={path}
          onChange={e => setPath(e.target.value)}
          required
        />
        <button className="jp-mod-styled jp-mod-accept" disabled={busy}>
          {trans.__('Add folder')}
        </button>
      </form>
      {error && <div className="jp-hpc-Gallery-error">{error}</div>}
    </details>
  );
}

/** Why the filters leave no card: the words, the source, or both. */
function noMatches(model: GalleryModel, trans: TranslationBundle): string {
  const query = model.query.trim();
  const source = model.sourceFilter ? model.sourceName(model.sourceFilter) : '';
  if (query && source) {
    return trans.__('No notebook in %1 matches "%2".', source, query);
  }
  if (source) {
    return trans.__('No notebook in %1.', source);
  }
  return trans.__('No notebook matches "%1".', query);
}

function Gallery(props: IProps): JSX.Element {
  const { model, trans } = props;
  const visible = model.visible;
  return (
    <>
      <div className="jp-hpc-Gallery-toolbar">
        <label className="jp-hpc-Gallery-searchBox">
          <searchIcon.react tag="span" />
          <input
            type="search"
            className="jp-mod-styled jp-hpc-Gallery-search"
            placeholder={trans.__('Search notebooks')}
            aria-label={trans.__('Search notebooks')}
            value={model.query}
            onChange={e => (model.query = e.target.value)}
          />
        </label>
        <select
          className="jp-mod-styled jp-hpc-Gallery-sourceFilter"
          aria-label={trans.__('Source')}
          value={model.sourceFilter}
          onChange={e => (model.sourceFilter = e.target.value)}
        >
          <option value="">{trans.__('All sources')}</option>
          {model.sources.map(s => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <button
          className="jp-mod-styled jp-hpc-Gallery-refresh"
          title={trans.__('Fetch the sources again')}
          aria-label={trans.__('Fetch the sources again')}
          disabled={model.loading}
          onClick={() => void model.fetchSources().catch(() => model.refresh())}
        >
          <refreshIcon.react tag="span" />
        </button>
      </div>
      {model.error && (
        <div className="jp-hpc-Gallery-error">
          {trans.__('The gallery could not be loaded: %1', model.error)}
        </div>
      )}
      <SourceErrors {...props} />
      {visible.length === 0 && !model.loading && !model.error && (
        <p className="jp-hpc-Gallery-empty" role="status">
          {model.notebooks.length === 0 ? (
            trans.__('No notebooks in the configured sources.')
          ) : (
            <>
              {noMatches(model, trans)}{' '}
              <button
                className="jp-hpc-Gallery-link jp-hpc-Gallery-showAll"
                onClick={() => {
                  model.query = '';
                  model.sourceFilter = '';
                }}
              >
                {trans.__('Show all notebooks')}
              </button>
            </>
          )}
        </p>
      )}
      <ul className="jp-hpc-Gallery-cards">
        {visible.map(nb => (
          <Card key={`${nb.source}:${nb.path}`} nb={nb} {...props} />
        ))}
      </ul>
      <UserSources {...props} />
    </>
  );
}

/** The notebook gallery panel. */
export class GalleryPanel extends ReactWidget {
  constructor(
    readonly model: GalleryModel,
    private readonly actions: IGalleryActions,
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-hpc-Gallery');
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <Gallery
            model={this.model}
            actions={this.actions}
            trans={this.trans}
          />
        )}
      </UseSignal>
    );
  }
}
