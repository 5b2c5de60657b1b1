import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { ITemplate } from '../tokens';

/**
 * The menu of job templates (the site's and the user's own, marked "mine")
 * of the submit form and the run dialog; `emptyLabel` names the choice of
 * none.
 */
export function TemplateSelect(props: {
  templates: ReadonlyArray<ITemplate>;
  value: string;
  onChange: (name: string) => void;
  emptyLabel: string;
  className?: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { templates, trans } = props;
  return (
    <select
      className={`jp-mod-styled ${props.className ?? ''}`.trim()}
      value={props.value}
      onChange={event => props.onChange(event.target.value)}
    >
      <option value="">{props.emptyLabel}</option>
      {templates.map(t => (
        <option key={`${t.source}:${t.name}`} value={t.name}>
          {t.source === 'user' ? trans.__('%1 (mine)', t.name) : t.name}
        </option>
      ))}
    </select>
  );
}
