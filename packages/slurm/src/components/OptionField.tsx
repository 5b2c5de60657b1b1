import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IApplies, IInvalid } from '../submitFields';

/** The words beside a field for what applies when the job is submitted. */
export function appliesText(
  applies: IApplies,
  scriptValue: string | undefined,
  trans: TranslationBundle
): string {
  switch (applies.source) {
    case 'form':
      return scriptValue !== undefined
        ? trans.__('replaces the script’s %1', scriptValue || '(flag)')
        : '';
    case 'script':
      return trans.__('from script: %1', applies.value ?? '');
    case 'cluster':
      return trans.__('cluster default: %1', applies.value ?? '');
    default:
      if (applies.value === null) {
        return trans.__('cluster default');
      }
      if (applies.value === 'none') {
        return trans.__('none (Slurm’s default)');
      }
      if (applies.value === 'with the output') {
        return trans.__('into the output file (Slurm’s default)');
      }
      return trans.__('Slurm’s default: %1', applies.value);
  }
}

/**
 * One sbatch option of the form: its label, the input, and beside it either
 * what applies (form, script, default) or why the value is refused, named
 * with the field's own label.
 */
export function OptionField(props: {
  name: string;
  label: React.ReactNode;
  /** The label in words, for the message. */
  labelText: string;
  value: string;
  applies: string;
  invalid: IInvalid | null;
  onChange: (value: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { name, invalid, trans } = props;
  const inputId = `jp-hpc-Slurm-option-${name}`;
  const noteId = `jp-hpc-Slurm-note-${name}`;
  const note = invalid
    ? trans.__(
        '%1: %2',
        props.labelText,
        trans.__(invalid.message, ...invalid.args)
      )
    : props.applies;
  return (
    <div className="jp-hpc-Slurm-field">
      <label htmlFor={inputId}>{props.label}</label>
      <input
        id={inputId}
        className="jp-mod-styled"
        name={name}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={note ? noteId : undefined}
        value={props.value}
        onChange={event => props.onChange(event.target.value)}
      />
      {note && (
        <div
          id={noteId}
          className={
            'jp-hpc-Slurm-applies' + (invalid ? ' jp-mod-invalid' : '')
          }
          data-field={name}
          aria-live={invalid ? 'polite' : undefined}
        >
          {note}
        </div>
      )}
    </div>
  );
}
