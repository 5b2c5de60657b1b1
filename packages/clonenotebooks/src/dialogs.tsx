/** The clone dialogs: a confirmation and, for parameterized notebooks, papermill's parameters as a form. */
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { changedParameters, initialText, isEditable } from './filter';
import type { INotebookInfo, IParameter } from './tokens';

interface IFormValue {
  values: Record<string, unknown>;
  errors: Record<string, string>;
}

class ParametersForm extends ReactWidget {
  constructor(
    private readonly params: IParameter[],
    private readonly message: string,
    private readonly trans: TranslationBundle,
    private inputs: Record<string, string>,
    private readonly errors: Record<string, string>
  ) {
    super();
    this.addClass('jp-hpc-Gallery-parameters');
  }

  getValue(): IFormValue {
    return changedParameters(this.params, this.inputs);
  }

  get currentInputs(): Record<string, string> {
    return this.inputs;
  }

  render(): JSX.Element {
    return (
      <Form
        params={this.params}
        message={this.message}
        trans={this.trans}
        initial={this.inputs}
        errors={this.errors}
        onChange={inputs => (this.inputs = inputs)}
      />
    );
  }
}

function Form(props: {
  params: IParameter[];
  message: string;
  trans: TranslationBundle;
  initial: Record<string, string>;
  errors: Record<string, string>;
  onChange: (inputs: Record<string, string>) => void;
}): JSX.Element {
  const { params, trans, errors } = props;
  const [inputs, setInputs] = useState(props.initial);
  const set = (name: string, value: string) => {
    const next = { ...inputs, [name]: value };
    setInputs(next);
    props.onChange(next);
  };
  return (
    <div>
      <p>{props.message}</p>
      {params.length > 0 && (
        <p className="jp-hpc-Gallery-parametersHelp">
          {trans.__(
            'Parameters you change are set in a new cell after the parameters cell (as papermill does).'
          )}
        </p>
      )}
      <table>
        <tbody>
          {params.map(p => (
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
                    checked={inputs[p.name] === 'true'}
                    onChange={e => set(p.name, String(e.target.checked))}
                  />
                ) : (
                  <input
                    id={`jp-hpc-param-${p.name}`}
                    className="jp-mod-styled"
                    type={
                      p.type === 'int' || p.type === 'float' ? 'number' : 'text'
                    }
                    step={p.type === 'float' ? 'any' : undefined}
                    value={inputs[p.name] ?? ''}
                    onChange={e => set(p.name, e.target.value)}
                  />
                )}
                {errors[p.name] && (
                  <div className="jp-hpc-Gallery-error">
                    {trans.__('Expected %1', errors[p.name])}
                  </div>
                )}
              </td>
              <td className="jp-hpc-Gallery-parameterHelp">
                {p.help || p.type}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Ask before cloning; returns the parameters to inject ({} for none), or null when cancelled.
 */
export async function askClone(
  nb: INotebookInfo,
  params: IParameter[],
  message: string,
  trans: TranslationBundle
): Promise<Record<string, unknown> | null> {
  let inputs: Record<string, string> = {};
  for (const p of params) {
    if (p.type === 'bool') {
      inputs[p.name] = String(p.value === true);
    } else {
      inputs[p.name] = initialText(p);
    }
  }
  let errors: Record<string, string> = {};
  for (;;) {
    const body = new ParametersForm(params, message, trans, inputs, errors);
    const result = await showDialog<IFormValue>({
      title: trans.__('Clone %1', nb.title),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Clone') })
      ]
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    if (Object.keys(result.value.errors).length === 0) {
      return result.value.values;
    }
    inputs = body.currentInputs;
    errors = result.value.errors;
  }
}
