/**
 * The clone dialog: where the copy goes and its name (the folder remembered
 * per source), which kernel it gets and why, the copies the user already has,
 * and, for parameterized notebooks, papermill's parameters as a form.
 */
import { HpcRequestError } from '@jupyterlab-hpc/common';
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import {
  changedParameters,
  initialText,
  isEditable,
  typeWords
} from './filter';
import type {
  IClonePlan,
  ICloneRequest,
  ICloneResult,
  INotebookInfo
} from './tokens';

/** What the user typed: folder, name and each parameter's text. */
interface IInputs {
  dir: string;
  name: string;
  params: Record<string, string>;
}

/** Messages shown beside the fields (and one for the whole form). */
interface IErrors {
  dir?: string;
  name?: string;
  form?: string;
  params: Record<string, string>;
}

class CloneForm extends ReactWidget {
  constructor(
    private readonly plan: IClonePlan,
    private readonly message: string,
    private readonly trans: TranslationBundle,
    private inputs: IInputs,
    private readonly errors: IErrors
  ) {
    super();
    this.addClass('jp-hpc-Gallery-cloneForm');
  }

  getValue(): IInputs {
    return this.inputs;
  }

  render(): JSX.Element {
    return (
      <Form
        plan={this.plan}
        message={this.message}
        trans={this.trans}
        initial={this.inputs}
        errors={this.errors}
        onChange={inputs => (this.inputs = inputs)}
      />
    );
  }
}

function FieldError(props: { id: string; text?: string }): JSX.Element | null {
  return props.text ? (
    <div id={props.id} className="jp-hpc-Gallery-fieldError" role="alert">
      {props.text}
    </div>
  ) : null;
}

function Form(props: {
  plan: IClonePlan;
  message: string;
  trans: TranslationBundle;
  initial: IInputs;
  errors: IErrors;
  onChange: (inputs: IInputs) => void;
}): JSX.Element {
  const { plan, trans, errors } = props;
  const [inputs, setInputs] = useState(props.initial);
  const update = (next: IInputs) => {
    setInputs(next);
    props.onChange(next);
  };
  const setParam = (name: string, value: string) =>
    update({ ...inputs, params: { ...inputs.params, [name]: value } });
  const copies = plan.copies.length;
  const kernel = plan.kernel;
  return (
    <div>
      <p>{props.message}</p>
      {errors.form && (
        <div className="jp-hpc-Gallery-fieldError" role="alert">
          {errors.form}
        </div>
      )}
      <div className="jp-hpc-Gallery-cloneFields">
        <label htmlFor="jp-hpc-clone-dir">{trans.__('Folder')}</label>
        <div>
          <input
            id="jp-hpc-clone-dir"
            className={
              'jp-mod-styled' + (errors.dir ? ' jp-hpc-mod-invalid' : '')
            }
            value={inputs.dir}
            aria-invalid={!!errors.dir}
            aria-describedby="jp-hpc-clone-dir-hint jp-hpc-clone-dir-error"
            onChange={e => update({ ...inputs, dir: e.target.value })}
          />
          <div id="jp-hpc-clone-dir-hint" className="jp-hpc-Gallery-hint">
            {inputs.dir === plan.default_dir ? (
              trans.__('A folder of the file browser, from its top folder.')
            ) : (
              <>
                {trans.__('The gallery suggests %1.', plan.default_dir)}{' '}
                <button
                  type="button"
                  className="jp-hpc-Gallery-link"
                  onClick={() => update({ ...inputs, dir: plan.default_dir })}
                >
                  {trans.__('Use it')}
                </button>
              </>
            )}
          </div>
          <FieldError id="jp-hpc-clone-dir-error" text={errors.dir} />
        </div>
        <label htmlFor="jp-hpc-clone-name">{trans.__('File name')}</label>
        <div>
          <input
            id="jp-hpc-clone-name"
            className={
              'jp-mod-styled' + (errors.name ? ' jp-hpc-mod-invalid' : '')
            }
            value={inputs.name}
            aria-invalid={!!errors.name}
            aria-describedby="jp-hpc-clone-name-error"
            onChange={e => update({ ...inputs, name: e.target.value })}
          />
          <FieldError id="jp-hpc-clone-name-error" text={errors.name} />
        </div>
      </div>
      <p
        className={
          'jp-hpc-Gallery-kernelChoice' +
          (kernel.installed ? '' : ' jp-mod-warning')
        }
      >
        <strong>{trans.__('Kernel:')}</strong>{' '}
        {kernel.display_name ?? kernel.name ?? trans.__('none')}
        {'. '}
        {kernel.reason}
      </p>
      {copies > 0 && (
        <details className="jp-hpc-Gallery-copies">
          <summary>
            {trans._n(
              'You already have %1 copy of this notebook; it is not touched.',
              'You already have %1 copies of this notebook; they are not touched.',
              copies
            )}
          </summary>
          <ul>
            {plan.copies.map(path => (
              <li key={path}>{path}</li>
            ))}
          </ul>
        </details>
      )}
      {plan.parameters.length > 0 && (
        <>
          <p className="jp-hpc-Gallery-parametersHelp">
            {trans.__(
              "Values you change are written into a new cell right after the notebook's parameters cell; the notebook's own values stay above it."
            )}
          </p>
          <table className="jp-hpc-Gallery-parameters">
            <tbody>
              {plan.parameters.map(p => (
                <tr key={p.name}>
                  <th>
                    <label htmlFor={`jp-hpc-param-${p.name}`}>{p.name}</label>
                  </th>
                  <td>
                    {!isEditable(p) ? (
                      <code title={trans.__('Set in the notebook itself')}>
                        {p.default}
                      </code>
                    ) : p.type === 'bool' ? (
                      <input
                        id={`jp-hpc-param-${p.name}`}
                        type="checkbox"
                        checked={inputs.params[p.name] === 'true'}
                        onChange={e =>
                          setParam(p.name, String(e.target.checked))
                        }
                      />
                    ) : (
                      <input
                        id={`jp-hpc-param-${p.name}`}
                        className={
                          'jp-mod-styled' +
                          (errors.params[p.name] ? ' jp-hpc-mod-invalid' : '')
                        }
                        type={
                          p.type === 'int' || p.type === 'float'
                            ? 'number'
                            : 'text'
                        }
                        step={p.type === 'float' ? 'any' : undefined}
                        value={inputs.params[p.name] ?? ''}
                        aria-invalid={!!errors.params[p.name]}
                        aria-describedby={
                          `jp-hpc-param-${p.name}-help` +
                          (errors.params[p.name]
                            ? ` jp-hpc-param-${p.name}-error`
                            : '')
                        }
                        onChange={e => setParam(p.name, e.target.value)}
                      />
                    )}
                    <FieldError
                      id={`jp-hpc-param-${p.name}-error`}
                      text={
                        errors.params[p.name] &&
                        trans.__('Expected %1', errors.params[p.name])
                      }
                    />
                  </td>
                  <td
                    className="jp-hpc-Gallery-parameterHelp"
                    id={`jp-hpc-param-${p.name}-help`}
                  >
                    {p.help || trans.__(typeWords(p.type))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function initialInputs(plan: IClonePlan): IInputs {
  const params: Record<string, string> = {};
  for (const p of plan.parameters) {
    params[p.name] =
      p.type === 'bool' ? String(p.value === true) : initialText(p);
  }
  return { dir: plan.target_dir, name: plan.name, params };
}

/** Which field a refusal of the server is about. */
function placeError(error: unknown, errors: IErrors): boolean {
  if (!(error instanceof HpcRequestError)) {
    return false;
  }
  const message = error.message;
  if (
    (error.status === 409 && /already exists/.test(message)) ||
    (error.status === 400 && /file name/i.test(message))
  ) {
    errors.name = message;
  } else if (
    error.status === 403 ||
    error.status === 409 ||
    /target_dir|folder/i.test(message)
  ) {
    errors.dir = message;
  } else if (error.status === 400 || error.status === 422) {
    errors.form = message;
  } else {
    return false;
  }
  return true;
}

/**
 * Ask where and how to clone, then clone with `submit`; the dialog comes back
 * with the reason beside the field as long as the server refuses. Resolves to
 * the clone, or null when cancelled; other failures are thrown.
 */
export async function runCloneDialog(
  nb: INotebookInfo,
  plan: IClonePlan,
  message: string,
  trans: TranslationBundle,
  submit: (request: ICloneRequest) => Promise<ICloneResult>
): Promise<ICloneResult | null> {
  let inputs = initialInputs(plan);
  let errors: IErrors = { params: {} };
  for (;;) {
    const body = new CloneForm(plan, message, trans, inputs, errors);
    const result = await showDialog<IInputs>({
      title: trans.__('Clone %1', nb.title),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Clone') })
      ],
      // Enter clones with what is proposed: still one click, one key.
      defaultButton: 1
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    inputs = result.value;
    errors = { params: {} };
    const parsed = changedParameters(plan.parameters, inputs.params);
    errors.params = parsed.errors;
    const name = inputs.name.trim();
    if (!name) {
      errors.name = trans.__('Give the copy a file name.');
    } else if (name.includes('/')) {
      errors.name = trans.__(
        'A name only, without a folder: choose the folder above.'
      );
    }
    if (errors.name || Object.keys(errors.params).length > 0) {
      continue;
    }
    try {
      return await submit({
        target_dir: inputs.dir.trim() || '.',
        name,
        parameters: parsed.values
      });
    } catch (error) {
      if (!placeError(error, errors)) {
        throw error;
      }
    }
  }
}
