import { focusByKey } from '@jupyterlab-hpc/common';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  fileIcon,
  folderIcon,
  LabIcon,
  ReactWidget
} from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import React, { useRef, useState } from 'react';

import { starEmptyIcon, starFilledIcon } from './icons';

import { FavoritesModel, IStar, normalize } from './model';
import {
  displayed,
  moveIndex,
  nameHints,
  SortBy,
  tooltip,
  usable
} from './sort';
import type { IFavorite } from './tokens';

/** What the section needs from the application. */
export interface ISectionOptions {
  model: FavoritesModel;
  trans: TranslationBundle;
  /** The icon of a file by its name (the document registry's file types). */
  fileIcon: (name: string) => LabIcon;
  /** Navigate to a directory or open a file. */
  open: (favorite: IFavorite) => void;
  /** Remove the user's own favorite, hide a site one (with an Undo). */
  remove: (favorite: IFavorite) => void;
  sortBy: () => SortBy;
  /** The file browser's folder, relative to the root ('' the root). */
  currentPath: () => string;
  /** The star of the header: what it stands for, its tooltip, and its click. */
  star: { state: () => IStar; label: () => string; toggle: () => void };
}

/** The section's size and state, remembered across reloads. */
export interface ISectionLayout {
  collapsed: boolean;
  /** Height of the list in pixels; null: fit the content (up to a limit). */
  height: number | null;
}

const MIN_HEIGHT = 24;
const MAX_HEIGHT = 1000;

/** The damaged-store notice the user dismissed (by backup file), in this browser. */
const DISMISSED_KEY = '@jupyterlab-hpc/favorites:dismissed-store-error';

function readDismissed(): string | null {
  try {
    return window.localStorage.getItem(DISMISSED_KEY);
  } catch {
    return null;
  }
}

function saveDismissed(backup: string): void {
  try {
    window.localStorage.setItem(DISMISSED_KEY, backup);
  } catch {
    // storage disabled: the notice comes back on the next reload
  }
}

/**
 * Arrow keys, Home and End move between the favorites; Delete removes the
 * focused one (the focus goes to its neighbour). True when the key was used.
 */
function onItemKey(
  event: React.KeyboardEvent<HTMLElement>,
  favorite: IFavorite,
  options: ISectionOptions,
  movable: boolean
): boolean {
  const list = event.currentTarget.closest('.jp-hpc-Favorites-list');
  const items = Array.from(
    list?.querySelectorAll<HTMLElement>('.jp-hpc-Favorites-item') ?? []
  );
  const here = items.indexOf(event.currentTarget);
  if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
    // Alt+arrows move one of the user's own favorites (manual order), as
    // drag and drop does
    const step = event.key === 'ArrowUp' ? -1 : 1;
    const target = items[here + step]?.dataset.favoriteId;
    const index =
      movable && target
        ? moveIndex(options.model.favorites, favorite.id, target)
        : null;
    if (index !== null) {
      void options.model
        .move(favorite.id, index)
        .then(() => {
          list
            ?.querySelector<HTMLElement>(
              `[data-favorite-id="${CSS.escape(favorite.id)}"]`
            )
            ?.focus();
        })
        .catch(error => console.error('Favorites: move failed', error));
    }
    return true;
  }
  if (focusByKey(items, event.currentTarget, event.key)) {
    return true;
  }
  if (event.key === 'Enter') {
    options.open(favorite);
    return true;
  }
  if (event.key === 'Delete') {
    (items[here + 1] ?? items[here - 1])?.focus();
    options.remove(favorite);
    return true;
  }
  return false;
}

/** MIME type of a favorite dragged within the section (reordering). */
const DRAG_MIME = 'application/x-jupyterlab-hpc-favorite';

function Item(props: {
  favorite: IFavorite;
  /** The folder that tells it apart from favorites of the same name. */
  hint?: string;
  options: ISectionOptions;
  draggable: boolean;
  dropTarget: string | null;
  setDropTarget: (id: string | null) => void;
}): JSX.Element {
  const { favorite, options, draggable } = props;
  const ok = usable(favorite);
  const icon =
    favorite.type === 'directory' ||
    (!favorite.type && !/\.\w+$/.test(favorite.path))
      ? folderIcon
      : favorite.type === 'file'
        ? options.fileIcon(favorite.resolved ?? favorite.name)
        : fileIcon;
  const classes = ['jp-hpc-Favorites-item'];
  if (!ok) {
    classes.push('jp-mod-unusable');
  }
  const current =
    ok &&
    favorite.type === 'directory' &&
    normalize(favorite.resolved ?? '') === options.currentPath();
  if (current) {
    classes.push('jp-mod-current');
  }
  if (props.dropTarget === favorite.id) {
    classes.push('jp-mod-dropTarget');
  }
  return (
    <li
      className={classes.join(' ')}
      title={tooltip(favorite)}
      data-favorite-id={favorite.id}
      data-source={favorite.source}
      aria-disabled={!ok}
      aria-current={current ? 'location' : undefined}
      tabIndex={0}
      draggable={draggable}
      onClick={() => options.open(favorite)}
      onKeyDown={event => {
        if (onItemKey(event, favorite, options, draggable)) {
          event.preventDefault();
        }
      }}
      onDragStart={event => {
        event.dataTransfer.setData(DRAG_MIME, favorite.id);
        event.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={event => {
        if (draggable && event.dataTransfer.types.includes(DRAG_MIME)) {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'move';
          props.setDropTarget(favorite.id);
        }
      }}
      onDragLeave={() => props.setDropTarget(null)}
      onDrop={event => {
        props.setDropTarget(null);
        const id = event.dataTransfer.getData(DRAG_MIME);
        const index = moveIndex(options.model.favorites, id, favorite.id);
        if (index !== null) {
          event.preventDefault();
          void options.model.move(id, index).catch(error => {
            console.error('Favorites: move failed', error);
          });
        }
      }}
    >
      <icon.react className="jp-hpc-Favorites-icon" tag="span" />
      <span className="jp-hpc-Favorites-name">{favorite.name}</span>
      {props.hint && (
        <span className="jp-hpc-Favorites-hint">{props.hint}</span>
      )}
    </li>
  );
}

function FavoritesList(props: {
  options: ISectionOptions;
  height: number | null;
}): JSX.Element {
  const { model, trans } = props.options;
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(() =>
    readDismissed()
  );
  const sortBy = props.options.sortBy();
  const shown = displayed(model.favorites, sortBy);
  const hints = nameHints(shown);
  const hiddenCount = model.favorites.filter(f => f.hidden).length;
  const storeError = model.storeError;
  return (
    <>
      {storeError && dismissed !== storeError.backup && (
        <div className="jp-hpc-Favorites-notice" role="alert">
          <span>{storeError.message}</span>
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={() => {
              setDismissed(storeError.backup);
              saveDismissed(storeError.backup);
            }}
          >
            {trans.__('Dismiss')}
          </button>
        </div>
      )}
      {model.loadError && (
        <div className="jp-hpc-Favorites-notice" role="alert">
          {trans.__('Favorites could not be refreshed: %1', model.loadError)}
        </div>
      )}
      {model.loaded && shown.length === 0 && (
        <div className="jp-hpc-Favorites-empty">
          {trans.__(
            'No favorites yet. Right-click a file or folder and choose "Add to Favorites", or click the star in the toolbar.'
          )}
        </div>
      )}
      <ul
        className="jp-hpc-Favorites-list"
        aria-label={trans.__('Favorites')}
        style={
          props.height === null
            ? undefined
            : { height: props.height, maxHeight: 'none' }
        }
      >
        {shown.map(favorite => (
          <Item
            key={favorite.id}
            favorite={favorite}
            hint={hints.get(favorite.id)}
            options={props.options}
            draggable={sortBy === 'manual' && favorite.source === 'user'}
            dropTarget={dropTarget}
            setDropTarget={setDropTarget}
          />
        ))}
      </ul>
      {hiddenCount > 0 && (
        <button
          className="jp-hpc-Favorites-restore"
          onClick={() => void model.restoreDefaults()}
        >
          {trans._n(
            'Restore %1 hidden site favorite',
            'Restore %1 hidden site favorites',
            hiddenCount
          )}
        </button>
      )}
    </>
  );
}

function Header(props: {
  options: ISectionOptions;
  collapsed: boolean;
  toggle: () => void;
}): JSX.Element {
  const { trans, star, model } = props.options;
  const caret = props.collapsed ? caretRightIcon : caretDownIcon;
  const starState = star.state().state;
  const filled = starState === 'own' || starState === 'site';
  const StarIcon = filled ? starFilledIcon : starEmptyIcon;
  const count = model.favorites.filter(f => !f.hidden).length;
  return (
    <div className="jp-hpc-Favorites-header">
      <button
        className="jp-hpc-Favorites-collapser"
        aria-expanded={!props.collapsed}
        title={
          props.collapsed
            ? trans.__('Show favorites')
            : trans.__('Hide favorites')
        }
        onClick={props.toggle}
      >
        <caret.react tag="span" />
        <span className="jp-hpc-Favorites-title">{trans.__('Favorites')}</span>
        {props.collapsed && count > 0 && (
          <span className="jp-hpc-Favorites-count">{count}</span>
        )}
      </button>
      <button
        className={
          'jp-hpc-Favorites-star' +
          (starState === 'own' ? ' jp-mod-starred' : '') +
          (starState === 'site' ? ' jp-mod-site' : '')
        }
        aria-pressed={starState === 'own'}
        // Not `disabled`: the tooltip must still say why nothing happens.
        aria-disabled={starState === 'site'}
        title={star.label()}
        aria-label={star.label()}
        onClick={() => {
          if (starState !== 'site') {
            star.toggle();
          }
        }}
      >
        <StarIcon.react tag="span" />
      </button>
    </div>
  );
}

/** Keyboard step of the resizer, in pixels (one favorite). */
const KEY_STEP = 24;

/** Drag the bottom edge of the list (or focus it, then ↑/↓) to change its height. */
function Resizer(props: {
  list: () => HTMLElement | null;
  /** The height the user set; null: the list fits its content. */
  height: number | null;
  resize: (height: number, done: boolean) => void;
  label: string;
}): JSX.Element {
  const start = useRef<{ y: number; height: number } | null>(null);
  const heightAt = (y: number) => {
    const s = start.current!;
    return Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, s.height + y - s.y));
  };
  return (
    <div
      className="jp-hpc-Favorites-resizer"
      role="separator"
      aria-orientation="horizontal"
      aria-label={props.label}
      aria-valuenow={props.height ?? props.list()?.offsetHeight}
      aria-valuemin={MIN_HEIGHT}
      aria-valuemax={MAX_HEIGHT}
      tabIndex={0}
      onKeyDown={event => {
        const list = props.list();
        const step = { ArrowUp: -KEY_STEP, ArrowDown: KEY_STEP }[event.key];
        if (list && step) {
          event.preventDefault();
          const height = list.offsetHeight + step;
          props.resize(
            Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, height)),
            true
          );
        }
      }}
      onPointerDown={event => {
        const list = props.list();
        if (!list) {
          return;
        }
        event.preventDefault();
        event.currentTarget.setPointerCapture(event.pointerId);
        start.current = { y: event.clientY, height: list.offsetHeight };
      }}
      onPointerMove={event => {
        if (start.current) {
          props.resize(heightAt(event.clientY), false);
        }
      }}
      onPointerUp={event => {
        if (start.current) {
          props.resize(heightAt(event.clientY), true);
          start.current = null;
        }
      }}
    />
  );
}

/**
 * The Favorites section at the top of the file browser sidebar: collapsible,
 * with a height the user can drag and that is remembered.
 */
export class FavoritesSection extends ReactWidget {
  constructor(private readonly options: ISectionOptions) {
    super();
    this.addClass('jp-hpc-Favorites');
    this.id = 'jp-hpc-favorites';
    this.title.label = options.trans.__('Favorites');
    options.model.changed.connect(() => this.update());
  }

  get layoutState(): ISectionLayout {
    return { ...this._sectionLayout };
  }

  set layoutState(value: ISectionLayout) {
    this._sectionLayout = { ...value };
    this.update();
  }

  /** Emitted when the user collapsed, expanded or resized the section. */
  get layoutChanged(): ISignal<this, ISectionLayout> {
    return this._layoutChanged;
  }

  render(): JSX.Element {
    const { collapsed, height } = this._sectionLayout;
    return (
      <>
        <Header
          options={this.options}
          collapsed={collapsed}
          toggle={() =>
            this._setLayout({ collapsed: !collapsed, height }, true)
          }
        />
        {!collapsed && (
          <>
            <FavoritesList options={this.options} height={height} />
            <Resizer
              label={this.options.trans.__('Resize favorites')}
              height={height}
              list={() => this.node.querySelector('.jp-hpc-Favorites-list')}
              resize={(h, done) =>
                this._setLayout({ collapsed, height: h }, done)
              }
            />
          </>
        )}
      </>
    );
  }

  private _setLayout(layout: ISectionLayout, save: boolean): void {
    this._sectionLayout = layout;
    this.update();
    if (save) {
      this._layoutChanged.emit({ ...layout });
    }
  }

  private _sectionLayout: ISectionLayout = { collapsed: false, height: null };
  private _layoutChanged = new Signal<this, ISectionLayout>(this);
}
