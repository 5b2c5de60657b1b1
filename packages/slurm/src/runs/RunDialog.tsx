import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { FIELDS } from '../submitFields';
import { formatDuration } from '../jobs';
import { IPartition, ITemplate } from '../tokens';
import {
  IParameterInput,
  initialInput,
  rangeCount,
  runRequest,
  taskCount
} from './sweep';
import { TemplateSelect } from '../components/TemplateSelect';
import { IRunForm, IRunParameter, IRunRequest, SweepMode } from './types';

/** The submit form's resource fields a notebook run offers (its log and array are the run's own). */
const RESOURCE_KEYS = [
  'time',
  'cpus-per-task',
  'mem',
  'gpus',
  'account',
  'qos',
  'constraint',
  'job-name'
];
const RESOURCES = RESOURCE_KEYS.map(key =>
  FIELDS.find(f => f.key === key)!
).filter(Boolean);

export interface IRunDialogOptions {
  form: IRunForm;
  partitions: IPartition[];
  templates: ITemplate[];
  /** sbatch flags the site offers (`GET status`). */
  flags: string[];
  /** Submits; rejects with the server's message. */
  submit: (request: IRunRequest) => Promise<unknown>;
  trans: TranslationBundle;
}

/** Why a typed value cannot be of the parameter's kind (the server checks too), or null. */
export function valueProblem(
  param: IRunParameter,
  text: string,
  trans: TranslationBundle
): string | null {
  const t = text.trim();
  if (param.optional && t === 'None') {
    return null;
  }
  switch (param.kind) {
    case 'int':
      return /^[+-]?\d+$/.test(t) ? null : trans.__('a whole number');
    case 'float':
      return t !== '' && Number.isFinite(Number(t))
        ? null
        : trans.__('a number');
    case 'bool':
      return /^(true|false)$/i.test(t) ? null : trans.__('true or false');
    default:
      return null;
  }
}

interface IFormHandle {
  submit: () => Promise<boolean>;
}

/** The dialog's body: kernel, parameters and sweep, output folder, resources. */
function RunFormView(
  props: IRunDialogOptions & { handle: IFormHandle }
): JSX.Element {
  const { form, trans, partitions, templates, flags } = props;
  const [kernel, setKernel] = useState(form.kernel ?? '');
  const [inputs, setInputs] = useState<Record<string, IParameterInput>>(() =>
    Object.fromEntries(form.parameters.map(p => [p.name, initialInput(p)]))
  );
  const [mode, setMode] = useState<SweepMode>('grid');
  const [throttle, setThrottle] = useState(String(form.throttle));
  const [outputDir, setOutputDir] = useState(form.output_dir);
  const [partition, setPartition] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [checked, setChecked] = useState<Record<string, boolean>>({});
  const [template, setTemplate] = useState('');
  const [error, setError] = useState<string | null>(null);

  const swept = Object.values(inputs).filter(i => i.sweep !== 'none').length;
  const tasks = taskCount(inputs, mode);
  const tooMany = tasks.count !== null && tasks.count > form.max_tasks;
  const throttleValue = Number(throttle);
  const badThrottle =
    swept > 0 && !(Number.isInteger(throttleValue) && throttleValue >= 1);

  const update = (name: string, change: Partial<IParameterInput>) =>
    setInputs(current => ({
      ...current,
      [name]: { ...current[name], ...change }
    }));

  const applyTemplate = (name: string) => {
    setTemplate(name);
    const chosen = templates.find(t => t.name === name);
    const text: Record<string, string> = {};
    const bools: Record<string, boolean> = {};
    for (const [key, value] of Object.entries(chosen?.options ?? {})) {
      if (typeof value === 'boolean') {
        bools[key] = value;
      } else if (RESOURCE_KEYS.includes(key) || key === 'partition') {
        text[key] = String(value);
      }
    }
    setPartition(text.partition ?? '');
    delete text.partition;
    setValues(text);
    setChecked(bools);
  };

  props.handle.submit = async () => {
    const options: Record<string, string | boolean> = {};
    for (const [key, value] of Object.entries(values)) {
      if (value.trim()) {
        options[key] = value.trim();
      }
    }
    if (partition) {
      options.partition = partition;
    }
    for (const [flag, on] of Object.entries(checked)) {
      if (on) {
        options[flag] = true;
      }
    }
    const request = runRequest(form.path, form.parameters, inputs, mode, {
      kernel: kernel || undefined,
      output_dir: outputDir.trim() || undefined,
      options,
      throttle: swept > 0 ? throttleValue : undefined
    });
    setError(null);
    try {
      await props.submit(request);
      return true;
    } catch (e) {
      setError((e as Error).message); // the server's words: it names the field
      return false;
    }
  };

  const kernelKnown = form.kernels.some(k => k.name === kernel);
  const defaultPartition = partitions.find(p => p.default);
  return (
    <div className="jp-hpc-Slurm-runForm">
      <label className="jp-hpc-Slurm-field">
        <span>{trans.__('Kernel')}</span>
        <select
          className={'jp-mod-styled' + (kernelKnown ? '' : ' jp-mod-error')}
          name="kernel"
          aria-invalid={!kernelKnown}
          value={kernel}
          onChange={event => setKernel(event.target.value)}
        >
          {!kernelKnown && (
            <option value="">{trans.__('(choose a kernel)')}</option>
          )}
          {form.kernels.map(k => (
            <option key={k.name} value={k.name}>
              {k.display_name} ({k.name})
            </option>
          ))}
        </select>
      </label>
      {!form.kernel && form.notebook_kernel && (
        <div className="jp-hpc-Slurm-fieldNote">
          {trans.__(
            'The notebook asks for kernel “%1”, which this server does not have: choose one.',
            form.notebook_kernel
          )}
        </div>
      )}

      <fieldset className="jp-hpc-Slurm-runParameters">
        <legend>{trans.__('Parameters')}</legend>
        {form.parameters.length === 0 ? (
          <div className="jp-hpc-Slurm-fieldNote">
            {trans.__(
              'This notebook has no cell tagged “parameters”: it runs as it is. Tag a cell “parameters” to set values here.'
            )}
          </div>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{trans.__('Name')}</th>
                <th>{trans.__('Value')}</th>
                <th>{trans.__('Vary')}</th>
              </tr>
            </thead>
            <tbody>
              {form.parameters.map(param => (
                <ParameterRow
                  key={param.name}
                  param={param}
                  input={inputs[param.name]}
                  onChange={change => update(param.name, change)}
                  trans={trans}
                />
              ))}
            </tbody>
          </table>
        )}
        {swept > 1 && (
          <div
            className="jp-hpc-Slurm-sweepMode"
            role="radiogroup"
            aria-label={trans.__('Combine the values')}
          >
            <label>
              <input
                type="radio"
                name="sweep-mode"
                checked={mode === 'grid'}
                onChange={() => setMode('grid')}
              />
              {trans.__('All combinations (grid)')}
            </label>
            <label>
              <input
                type="radio"
                name="sweep-mode"
                checked={mode === 'zip'}
                onChange={() => setMode('zip')}
              />
              {trans.__('Pairwise: first with first, second with second (zip)')}
            </label>
          </div>
        )}
        <div
          className={
            'jp-hpc-Slurm-taskCount' +
            (tooMany || tasks.count === null ? ' jp-mod-error' : '')
          }
          role="status"
          aria-live="polite"
        >
          {tasks.problem === 'zip-lengths'
            ? trans.__(
                'Pairwise needs the same number of values for each varied parameter.'
              )
            : tasks.count === null
              ? trans.__('Give the values of each varied parameter.')
              : swept === 0
                ? trans.__('1 task: one Slurm job.')
                : tooMany
                  ? trans.__(
                      '%1 tasks: more than the %2 allowed here. Use fewer values.',
                      tasks.count,
                      form.max_tasks
                    )
                  : trans._n(
                      '%1 task: one Slurm job array.',
                      '%1 tasks: one Slurm job array.',
                      tasks.count
                    )}
        </div>
        {swept > 0 && (
          <label className="jp-hpc-Slurm-field">
            <span>{trans.__('At most running at once')}</span>
            <input
              className={'jp-mod-styled' + (badThrottle ? ' jp-mod-error' : '')}
              name="throttle"
              type="number"
              min={1}
              aria-invalid={badThrottle}
              value={throttle}
              onChange={event => setThrottle(event.target.value)}
            />
          </label>
        )}
      </fieldset>

      <label className="jp-hpc-Slurm-field">
        <span>{trans.__('Output folder')}</span>
        <input
          className="jp-mod-styled"
          name="output_dir"
          value={outputDir}
          onChange={event => setOutputDir(event.target.value)}
        />
      </label>
      <div className="jp-hpc-Slurm-fieldNote">
        {swept > 0
          ? trans.__(
              'One output notebook per task, named after the notebook, the job id and the task number.'
            )
          : trans.__(
              'The output notebook is named after the notebook and the job id.'
            )}
      </div>

      <fieldset className="jp-hpc-Slurm-runResources">
        <legend>{trans.__('Resources (per task)')}</legend>
        {templates.length > 0 && (
          <label className="jp-hpc-Slurm-field">
            <span>{trans.__('Template')}</span>
            <TemplateSelect
              templates={templates}
              value={template}
              onChange={applyTemplate}
              emptyLabel={trans.__('(none)')}
              trans={trans}
            />
          </label>
        )}
        <label className="jp-hpc-Slurm-field">
          <span>{trans.__('Partition')}</span>
          <select
            className="jp-mod-styled"
            name="partition"
            value={partition}
            onChange={event => setPartition(event.target.value)}
          >
            <option value="">
              {defaultPartition
                ? trans.__('Default (%1)', defaultPartition.name)
                : trans.__('Default')}
            </option>
            {partitions.map(p => (
              <option key={p.name} value={p.name}>
                {p.name}
                {' · '}
                {p.time_limit === null
                  ? trans.__('no time limit')
                  : trans.__('max %1', formatDuration(p.time_limit))}
              </option>
            ))}
          </select>
        </label>
        {RESOURCES.map(field => (
          <label key={field.key} className="jp-hpc-Slurm-field">
            <span>{trans.__(field.label)}</span>
            <input
              className="jp-mod-styled"
              name={field.key}
              placeholder={
                field.key === 'job-name'
                  ? trans.__('(the notebook’s name)')
                  : ''
              }
              value={values[field.key] ?? ''}
              onChange={event =>
                setValues({ ...values, [field.key]: event.target.value })
              }
            />
          </label>
        ))}
        {flags.length > 0 && (
          <div className="jp-hpc-Slurm-flags">
            {flags.map(flag => (
              <label key={flag}>
                <input
                  type="checkbox"
                  name={flag}
                  checked={!!checked[flag]}
                  onChange={event =>
                    setChecked({ ...checked, [flag]: event.target.checked })
                  }
                />
                <code>--{flag}</code>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {error && (
        <pre className="jp-hpc-Slurm-submitError" role="alert">
          {error}
        </pre>
      )}
    </div>
  );
}

function ParameterRow(props: {
  param: IRunParameter;
  input: IParameterInput;
  onChange: (change: Partial<IParameterInput>) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { param, input, trans } = props;
  const numeric =
    param.kind === 'int' || param.kind === 'float' || param.kind === 'any';
  const problem =
    input.sweep === 'none' ? valueProblem(param, input.value, trans) : null;
  const listProblem =
    input.sweep === 'list'
      ? (input.list
          .split('\n')
          .filter(l => l.trim() !== '')
          .map(l => valueProblem(param, l, trans))
          .find(p => p !== null) ?? null)
      : null;
  const rangeProblem =
    input.sweep === 'range' &&
    rangeCount(input.start, input.stop, input.step) === null
      ? trans.__(
          'from, to and step: numbers, the step going from the first to the second'
        )
      : null;
  const id = `jp-hpc-run-param-${param.name}`;
  return (
    <tr data-parameter={param.name}>
      <td>
        <label htmlFor={id} className="jp-hpc-Slurm-paramName">
          {param.name}
        </label>
        {param.type !== 'NoneType' && (
          <span className="jp-hpc-Slurm-paramType"> {param.type}</span>
        )}
        {param.help && (
          <div className="jp-hpc-Slurm-paramHelp">{param.help}</div>
        )}
      </td>
      <td>
        {input.sweep === 'none' && (
          <input
            id={id}
            className={'jp-mod-styled' + (problem ? ' jp-mod-error' : '')}
            aria-invalid={!!problem}
            value={input.value}
            onChange={event => props.onChange({ value: event.target.value })}
          />
        )}
        {input.sweep === 'list' && (
          <textarea
            id={id}
            className={'jp-mod-styled' + (listProblem ? ' jp-mod-error' : '')}
            aria-invalid={!!listProblem}
            rows={3}
            placeholder={trans.__('one value per line')}
            value={input.list}
            onChange={event => props.onChange({ list: event.target.value })}
          />
        )}
        {input.sweep === 'range' && (
          <span className="jp-hpc-Slurm-range">
            {(['start', 'stop', 'step'] as const).map(key => (
              <input
                key={key}
                id={key === 'start' ? id : undefined}
                className={
                  'jp-mod-styled' + (rangeProblem ? ' jp-mod-error' : '')
                }
                aria-label={
                  key === 'start'
                    ? trans.__('from')
                    : key === 'stop'
                      ? trans.__('to (included)')
                      : trans.__('step')
                }
                placeholder={
                  key === 'start'
                    ? trans.__('from')
                    : key === 'stop'
                      ? trans.__('to')
                      : trans.__('step')
                }
                value={input[key]}
                onChange={event =>
                  props.onChange({ [key]: event.target.value })
                }
              />
            ))}
          </span>
        )}
        {(problem || listProblem || rangeProblem) && (
          <div className="jp-hpc-Slurm-fieldError">
            {rangeProblem ??
              trans.__('Expected %1.', (problem ?? listProblem)!)}
          </div>
        )}
      </td>
      <td>
        <select
          className="jp-mod-styled"
          aria-label={trans.__('Vary %1', param.name)}
          value={input.sweep}
          onChange={event =>
            props.onChange({
              sweep: event.target.value as IParameterInput['sweep']
            })
          }
        >
          <option value="none">{trans.__('one value')}</option>
          <option value="list">{trans.__('list of values')}</option>
          {numeric && <option value="range">{trans.__('range')}</option>}
        </select>
      </td>
    </tr>
  );
}

/** The dialog's body widget: React state, with `submit()` for the dialog's Submit button. */
class RunFormWidget extends ReactWidget {
  constructor(private readonly options: IRunDialogOptions) {
    super();
    this.addClass('jp-hpc-Slurm-runFormBody');
  }
  readonly handle: IFormHandle = { submit: async () => false };
  render(): JSX.Element {
    return <RunFormView {...this.options} handle={this.handle} />;
  }
}

/**
 * "Run as Slurm job": a modal dialog that stays open, with the server's
 * message, when the server refuses the run (a value of the wrong type, too
 * many tasks, sbatch's refusal), and closes once the run is submitted.
 */
export class RunDialog extends Dialog<void> {
  constructor(options: IRunDialogOptions, title: string) {
    const body = new RunFormWidget(options);
    super({
      title,
      body,
      buttons: [
        Dialog.cancelButton({ label: options.trans.__('Cancel') }),
        Dialog.okButton({ label: options.trans.__('Submit') })
      ],
      defaultButton: 1,
      hasClose: true
    });
    this.addClass('jp-hpc-Slurm-runDialog');
    this._form = body;
  }

  resolve(index?: number): void {
    const chosen = index ?? 1;
    if (chosen !== 1) {
      super.resolve(chosen);
      return;
    }
    if (this._busy) {
      return;
    }
    this._busy = true;
    this.addClass('jp-mod-busy');
    void this._form.handle.submit().then(done => {
      this._busy = false;
      this.removeClass('jp-mod-busy');
      if (done) {
        super.resolve(chosen);
      }
    });
  }

  private _form: RunFormWidget;
  private _busy = false;
}
