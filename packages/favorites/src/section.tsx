import { TranslationBundle } from '@jupyterlab/translation';
import {
  fileIcon,
  folderIcon,
  LabIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { FavoritesModel } from './model';
import { displayed, moveIndex, SortBy, tooltip, usable } from './sort';
import type { IFavorite } from './tokens';

/** What the section needs from the application. */
export interface ISectionOptions {
  model: FavoritesModel;
  trans: TranslationBundle;
  /** The icon of a file by its name (the document registry's file types). */
  fileIcon: (name: string) => LabIcon;
  /** Navigate to a directory or open a file. */
  open: (favorite: IFavorite) => void;
  sortBy: () => SortBy;
}

/** MIME type of a favorite dragged within the section (reordering). */
const DRAG_MIME = 'application/x-jupyterlab-hpc-favorite';

function Item(props: {
  favorite: IFavorite;
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
      tabIndex={0}
      draggable={draggable}
      onClick={() => options.open(favorite)}
      onKeyDown={event => {
        if (event.key === 'Enter') {
          options.open(favorite);
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
    </li>
  );
}

function FavoritesList(props: { options: ISectionOptions }): JSX.Element {
  const { model, trans } = props.options;
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const sortBy = props.options.sortBy();
  const shown = displayed(model.favorites, sortBy);
  const hiddenCount = model.favorites.filter(f => f.hidden).length;
  const storeError = model.storeError;
  return (
    <>
      {storeError && dismissed !== storeError.backup && (
        <div className="jp-hpc-Favorites-notice" role="alert">
          <span>{storeError.message}</span>
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={() => setDismissed(storeError.backup)}
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
      <ul className="jp-hpc-Favorites-list" aria-label={trans.__('Favorites')}>
        {shown.map(favorite => (
          <Item
            key={favorite.id}
            favorite={favorite}
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

/**
 * The Favorites section at the top of the file browser sidebar (a section of
 * its accordion, so it can be collapsed and resized).
 */
export class FavoritesSection extends ReactWidget {
  constructor(private readonly options: ISectionOptions) {
    super();
    this.addClass('jp-hpc-Favorites');
    this.id = 'jp-hpc-favorites';
    this.title.label = options.trans.__('Favorites');
    this.title.caption = options.trans.__(
      'Your bookmarked files and directories'
    );
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.options.model.changed}>
        {() => <FavoritesList options={this.options} />}
      </UseSignal>
    );
  }
}
