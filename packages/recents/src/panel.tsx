import { Time } from '@jupyterlab/coreutils';
import { focusByKey } from '@jupyterlab-hpc/common';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  closeIcon,
  deleteIcon,
  folderFavoriteIcon,
  LabIcon,
  ReactWidget,
  refreshIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import React, { useState } from 'react';

import {
  filterEntries,
  GroupKey,
  groupEntries,
  nameContexts,
  shortTime
} from './groups';
import { RecentsModel } from './model';
import { IRecentEntry } from './types';

/** What the panel's buttons do; implemented as commands in `index.ts`. */
export interface IRecentsActions {
  open(entry: IRecentEntry): void;
  setPinned(entry: IRecentEntry, pinned: boolean): void;
  remove(entry: IRecentEntry): void;
  clear(): void;
  refresh(): void;
  /** Null when the favorites extension is not there. */
  addToFavorites: ((entry: IRecentEntry) => void) | null;
  isFavorite(entry: IRecentEntry): boolean;
  iconFor(entry: IRecentEntry): LabIcon;
}

/** An outline pin (unpinned) and a filled one (pinned), drawn in currentColor. */
const pinIcon = new LabIcon({
  name: 'jupyterlab-hpc:pin',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16"><path class="jp-icon3" fill="#616161" d="M16 3H8v2h1v6l-3 3v2h5v5l1 1 1-1v-5h5v-2l-3-3V5h1V3zm-5 2h2v6.8l2.2 2.2H8.8L11 11.8V5z"/></svg>'
});
const pinnedIcon = new LabIcon({
  name: 'jupyterlab-hpc:pinned',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16"><path class="jp-icon-brand0" fill="#1976d2" d="M16 3H8v2h1v6l-3 3v2h5v5l1 1 1-1v-5h5v-2l-3-3V5h1V3z"/></svg>'
});

function baseName(path: string): string {
  return path.split('/').pop() || path;
}

/** Arrow keys, Home and End move between the entries of the list. */
function moveFocus(event: React.KeyboardEvent<HTMLElement>): boolean {
  const list = event.currentTarget.closest('.jp-hpc-Recents');
  const items = Array.from(
    list?.querySelectorAll<HTMLElement>('.jp-hpc-Recents-item') ?? []
  );
  return focusByKey(items, event.currentTarget, event.key);
}

function Item(props: {
  entry: IRecentEntry;
  context: { text: string; repeated: boolean };
  now: Date;
  actions: IRecentsActions;
  trans: TranslationBundle;
}): JSX.Element {
  const { entry, context, actions, trans } = props;
  const opened = new Date(entry.last_opened * 1000);
  const tooltip = [
    entry.path,
    trans.__('Opened %1 (%2)', Time.format(opened), Time.formatHuman(opened)),
    entry.exists ? '' : trans.__('Missing: deleted, moved or not reachable')
  ]
    .filter(Boolean)
    .join('\n');
  const Icon = actions.iconFor(entry);
  const favorite = actions.isFavorite(entry);
  const stop = (fn: () => void) => (event: React.MouseEvent) => {
    event.stopPropagation();
    fn();
  };
  const classes = ['jp-hpc-Recents-item'];
  if (!entry.exists) {
    classes.push('jp-mod-missing');
  }
  if (entry.pinned) {
    classes.push('jp-mod-pinned');
  }
  return (
    <li
      className={classes.join(' ')}
      data-recent-path={entry.path}
      title={tooltip}
      onClick={() => actions.open(entry)}
      onKeyDown={event => {
        if (event.target !== event.currentTarget) {
          return; // a key on one of its buttons
        }
        if (event.key === 'Enter') {
          actions.open(entry);
        } else if (event.key === 'Delete') {
          // the focus stays in the list, on the next entry
          const items = Array.from(
            event.currentTarget
              .closest('.jp-hpc-Recents')
              ?.querySelectorAll<HTMLElement>('.jp-hpc-Recents-item') ?? []
          );
          const here = items.indexOf(event.currentTarget);
          (items[here + 1] ?? items[here - 1])?.focus();
          actions.remove(entry);
        } else if (!moveFocus(event)) {
          return;
        }
        event.preventDefault();
      }}
      tabIndex={0}
    >
      <Icon.react className="jp-hpc-Recents-icon" tag="span" />
      {/* One line that wraps what does not fit out of sight: the name (with
          the folder tail that tells repeated names apart) first, then the
          time, then as much of the folder as fits. */}
      <span className="jp-hpc-Recents-text">
        <span className="jp-hpc-Recents-label">
          <span className="jp-hpc-Recents-name">{baseName(entry.path)}</span>
          {context.repeated && (
            <span className="jp-hpc-Recents-tail">{context.text}</span>
          )}
        </span>
        <span className="jp-hpc-Recents-dir">
          {/* Marks keep "a/b" in order inside the right-to-left box that cuts
              the folder from its start. */}
          {!context.repeated && context.text
            ? '\u200e' + context.text + '\u200e'
            : ''}
        </span>
        <span className="jp-hpc-Recents-time">
          {entry.exists
            ? shortTime(entry.last_opened, props.now)
            : trans.__('missing')}
        </span>
      </span>
      <span className="jp-hpc-Recents-actions">
        {actions.addToFavorites && (
          <button
            className="jp-Button jp-mod-minimal jp-hpc-Recents-favorite"
            title={
              favorite
                ? trans.__('Already in Favorites')
                : trans.__('Add to Favorites')
            }
            aria-label={trans.__('Add %1 to Favorites', baseName(entry.path))}
            disabled={favorite || !entry.exists}
            onClick={stop(() => actions.addToFavorites!(entry))}
          >
            <folderFavoriteIcon.react tag="span" />
          </button>
        )}
        <button
          className={
            'jp-Button jp-mod-minimal jp-hpc-Recents-pin' +
            (entry.pinned ? ' jp-mod-pinned' : '')
          }
          title={entry.pinned ? trans.__('Unpin') : trans.__('Pin to the top')}
          aria-label={trans.__('Pin %1', baseName(entry.path))}
          aria-pressed={entry.pinned}
          onClick={stop(() => actions.setPinned(entry, !entry.pinned))}
        >
          {entry.pinned ? (
            <pinnedIcon.react tag="span" />
          ) : (
            <pinIcon.react tag="span" />
          )}
        </button>
        <button
          className="jp-Button jp-mod-minimal jp-hpc-Recents-remove"
          title={trans.__('Remove from the list')}
          aria-label={trans.__('Remove %1 from Recent', baseName(entry.path))}
          onClick={stop(() => actions.remove(entry))}
        >
          <closeIcon.react tag="span" />
        </button>
      </span>
    </li>
  );
}

function RecentsView(props: {
  model: RecentsModel;
  actions: IRecentsActions;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, actions, trans } = props;
  const [query, setQuery] = useState('');
  const titles: Record<GroupKey, string> = {
    pinned: trans.__('Pinned'),
    today: trans.__('Today'),
    yesterday: trans.__('Yesterday'),
    week: trans.__('This week'),
    older: trans.__('Older')
  };
  const shown = filterEntries([...model.entries], query);
  const now = new Date();
  const groups = groupEntries(shown, now);
  // Names that repeat get the tail of their folder, among all entries.
  const contexts = nameContexts(model.entries);
  return (
    <>
      <div className="jp-hpc-Recents-header">
        <h2 className="jp-hpc-Recents-title">{trans.__('Recent')}</h2>
        <button
          className="jp-Button jp-mod-minimal jp-hpc-Recents-refresh"
          title={trans.__('Refresh (checks which entries still exist)')}
          aria-label={trans.__('Refresh')}
          onClick={() => actions.refresh()}
        >
          <refreshIcon.react tag="span" />
        </button>
        <button
          className="jp-Button jp-mod-minimal jp-hpc-Recents-clear"
          title={trans.__('Clear the list…')}
          aria-label={trans.__('Clear')}
          disabled={model.entries.length === 0}
          onClick={() => actions.clear()}
        >
          <deleteIcon.react tag="span" />
        </button>
      </div>
      <input
        className="jp-mod-styled jp-hpc-Recents-filter"
        type="search"
        placeholder={trans.__('Filter by name or folder')}
        aria-label={trans.__('Filter recent files and folders')}
        value={query}
        onChange={event => setQuery(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            event.currentTarget.parentElement
              ?.querySelector<HTMLElement>('.jp-hpc-Recents-item')
              ?.focus();
          }
        }}
      />
      {model.error && (
        <div className="jp-hpc-Recents-error" role="alert">
          {trans.__(
            'The recent list could not be loaded or changed: %1',
            model.error
          )}
        </div>
      )}
      {model.loaded && model.entries.length === 0 && (
        <p className="jp-hpc-Recents-empty">
          {trans.__(
            'Nothing yet. Notebooks, files and folders you open appear here.'
          )}
        </p>
      )}
      {model.entries.length > 0 && shown.length === 0 && (
        <p className="jp-hpc-Recents-empty">
          {trans.__('No matches: no recent entry has "%1" in its path.', query)}{' '}
          <button
            className="jp-hpc-Recents-clearFilter"
            onClick={() => setQuery('')}
          >
            {trans.__('Show all')}
          </button>
        </p>
      )}
      <div className="jp-hpc-Recents-list">
        {groups.map(group => (
          <section
            key={group.key}
            className="jp-hpc-Recents-group"
            data-group={group.key}
          >
            <h3 className="jp-hpc-Recents-groupTitle">{titles[group.key]}</h3>
            <ul>
              {group.entries.map(entry => (
                <Item
                  key={entry.path}
                  entry={entry}
                  context={
                    contexts.get(entry.path) ?? { text: '', repeated: false }
                  }
                  now={now}
                  actions={actions}
                  trans={trans}
                />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}

/**
 * The "Recent" sidebar panel. The list is fetched when the panel is shown and
 * replaced by the answer of each change; it never polls.
 */
export class RecentsPanel extends ReactWidget {
  constructor(
    private readonly model: RecentsModel,
    private readonly actions: IRecentsActions,
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-hpc-Recents');
  }

  /** Activated (sidebar tab, palette): keyboard users land in the filter. */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    const focus = () =>
      this.node.querySelector<HTMLElement>('.jp-hpc-Recents-filter')?.focus();
    // Rendered on the next frame when the panel was never shown yet.
    requestAnimationFrame(focus);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.refresh().catch(() => undefined);
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <RecentsView
            model={this.model}
            actions={this.actions}
            trans={this.trans}
          />
        )}
      </UseSignal>
    );
  }
}
