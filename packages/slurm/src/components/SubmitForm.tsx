import { IEditorServices } from '@jupyterlab/codeeditor';
import { InputDialog, Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';

import { formatDuration } from '../jobs';
import { SlurmModel } from '../model';
import { FIELDS, applies, checkField, scriptDirectives } from '../submitFields';
import { IPartition, ITemplate } from '../tokens';
import { formatBytes } from '../units';
import { OptionField, appliesText } from './OptionField';
import { IScriptHandle, ScriptEditor } from './ScriptEditor';
import { TemplateSelect } from './TemplateSelect';

const DEFAULT_SCRIPT =
  '#!/bin/bash\n#SBATCH --time=00:10:00\n\necho "Hello from $(hostname)"\n';

/**
 * What the partition gives a job that asks for no time limit or memory:
 * its DefaultTime (else its MaxTime, Slurm's rule), its DefMemPerCPU or
 * DefMemPerNode (else all of the node's memory).
 */
function partitionDefaults(
  part: IPartition | undefined,
  directives: Record<string, string>,
  trans: TranslationBundle
): Record<string, string> {
  const defaults: Record<string, string> = {};
  if (!part || part.default_time === undefined) {
    return defaults; // no partition known, or a server that does not say
  }
  const time = part.default_time ?? part.time_limit;
  defaults.time = time === null ? trans.__('no limit') : formatDuration(time);
  // the script asks for memory its own way: the form's default does not apply
  if (!('mem-per-cpu' in directives || 'mem-per-gpu' in directives)) {
    const memory = part.default_memory;
    defaults.mem =
      memory === null || memory === undefined
        ? trans.__('all of the node’s memory')
        : part.default_memory_per === 'cpu'
          ? trans.__('%1 per CPU', formatBytes(memory))
          : trans.__('%1 per node', formatBytes(memory));
  }
  return defaults;
}

/** What to put in the form from elsewhere (a partition of the Cluster tab, "Submit again"). */
export interface ISubmitPrefill {
  script?: string;
  options?: Record<string, string | number | boolean>;
  /** Working directory relative to the root; null: leave the field as it is. */
  cwd?: string | null;
}

export interface ISubmitFormProps {
  model: SlurmModel;
  /** Applied each time a new object is given. */
  prefill?: ISubmitPrefill | null;
  /** Whether the form is showing (it stays mounted while hidden). */
  visible: boolean;
  editorServices: IEditorServices | null;
  /** The file browser's current directory, relative to the root. */
  defaultCwd: () => string;
  onSubmitted: (id: string) => void;
  onBack: () => void;
  trans: TranslationBundle;
}

/**
 * New job: a script (from a template) and sbatch options. Options are
 * passed as sbatch arguments, so they override the script's `#SBATCH`
 * lines and the others still apply (Slurm's own rule).
 */
export function SubmitForm(props: ISubmitFormProps): JSX.Element {
  const { model, trans, visible, defaultCwd } = props;
  const script = useRef<IScriptHandle | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [flags, setFlags] = useState<Record<string, boolean>>({});
  const [partition, setPartition] = useState('');
  const [cwd, setCwd] = useState(() => props.defaultCwd());
  const cwdEdited = useRef(false);
  // follow the file browser until the user types a directory
  useEffect(() => {
    if (visible && !cwdEdited.current) {
      setCwd(defaultCwd());
    }
  }, [visible, defaultCwd]);
  const [partitions, setPartitions] = useState<IPartition[]>([]);
  const [templates, setTemplates] = useState<ITemplate[]>([]);
  const [template, setTemplate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // the script's text, for what its #SBATCH lines set
  const [scriptText, setScriptText] = useState(DEFAULT_SCRIPT);
  const directives = useMemo(() => scriptDirectives(scriptText), [scriptText]);

  const loadTemplates = useCallback(
    () =>
      model
        .templates()
        .then(setTemplates)
        .catch(() => setTemplates([])),
    [model]
  );
  useEffect(() => {
    model
      .partitions()
      .then(setPartitions)
      .catch(() => setPartitions([]));
    void loadTemplates();
  }, [model, loadTemplates]);

  const applyOptions = useCallback(
    (options: Record<string, string | number | boolean>) => {
      const text: Record<string, string> = {};
      const bools: Record<string, boolean> = {};
      for (const [key, value] of Object.entries(options)) {
        if (typeof value === 'boolean') {
          bools[key] = value;
        } else {
          text[key] = String(value);
        }
      }
      setPartition(text.partition ?? '');
      delete text.partition;
      setValues(text);
      setFlags(bools);
    },
    []
  );

  const applyTemplate = (name: string) => {
    setTemplate(name);
    const chosen = templates.find(t => t.name === name);
    if (!chosen) {
      return;
    }
    script.current?.set(chosen.script);
    applyOptions(chosen.options ?? {});
  };

  // a partition picked in the Cluster tab, or "Submit again" from the History tab
  const prefill = props.prefill;
  useEffect(() => {
    if (!prefill) {
      return;
    }
    if (prefill.script !== undefined) {
      setTemplate('');
      script.current?.set(prefill.script);
      applyOptions(prefill.options ?? {});
    } else if (typeof prefill.options?.partition === 'string') {
      setPartition(prefill.options.partition);
    }
    if (typeof prefill.cwd === 'string') {
      cwdEdited.current = true;
      setCwd(prefill.cwd);
    }
  }, [prefill, applyOptions]);

  const options = (): Record<string, string | boolean> => {
    const out: Record<string, string | boolean> = {};
    for (const [key, value] of Object.entries(values)) {
      if (value.trim()) {
        out[key] = value.trim();
      }
    }
    if (partition) {
      out.partition = partition;
    }
    for (const [flag, on] of Object.entries(flags)) {
      if (on) {
        out[flag] = true;
      }
    }
    return out;
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (invalid) {
      return; // Enter in a field: the marked field says what is wrong
    }
    setBusy(true);
    setError(null);
    try {
      const id = await model.submit({
        script: script.current?.get() ?? '',
        cwd: cwd.trim(),
        options: options()
      });
      Notification.success(trans.__('Submitted batch job %1', id), {
        autoClose: 5000
      });
      props.onSubmitted(id);
    } catch (e) {
      // sbatch's own message, verbatim
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const saveTemplate = async () => {
    const answer = await InputDialog.getText({
      title: trans.__('Save as template'),
      label: trans.__('Template name'),
      text: template
    });
    const name = answer.value?.trim();
    if (!answer.button.accept || !name) {
      return;
    }
    try {
      await model.saveTemplate({
        name,
        script: script.current?.get() ?? '',
        options: options()
      });
      await loadTemplates();
      setTemplate(name);
      Notification.success(trans.__('Template "%1" saved', name), {
        autoClose: 3000
      });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const submitFlags = model.status?.submit_flags ?? [];
  const defaultPartition = partitions.find(p => p.default);
  const problems = useMemo(() => {
    const found: Record<string, ReturnType<typeof checkField>> = {};
    for (const [key, value] of Object.entries(values)) {
      found[key] = checkField(key, value);
    }
    return found;
  }, [values]);
  const invalid = Object.values(problems).some(Boolean);
  // the partition the job goes to, for its defaults in the hints
  const target =
    partitions.find(p => p.name === (partition || directives.partition)) ??
    (partition || directives.partition ? undefined : defaultPartition);
  const clusterDefaults = useMemo(
    () => partitionDefaults(target, directives, trans),
    [target, directives, trans]
  );
  const partitionApplies = partition
    ? ''
    : directives.partition !== undefined
      ? trans.__('from script: %1', directives.partition)
      : defaultPartition
        ? trans.__('cluster default: %1', defaultPartition.name)
        : trans.__('cluster default');

  return (
    <form className="jp-hpc-Slurm-submit" onSubmit={submit}>
      <div className="jp-hpc-Slurm-submitHeader">
        <button
          type="button"
          className="jp-mod-styled jp-hpc-Slurm-back"
          onClick={props.onBack}
        >
          {trans.__('← Queue')}
        </button>
        <span className="jp-hpc-Slurm-submitTitle">{trans.__('New job')}</span>
      </div>
      <div className="jp-hpc-Slurm-submitBody">
        <div className="jp-hpc-Slurm-scriptBox">
          {/* a template fills the script (and options): picked right above it */}
          <div className="jp-hpc-Slurm-scriptHead">
            <span className="jp-hpc-Slurm-fieldLabel">
              {trans.__('Script')}
            </span>
            <label className="jp-hpc-Slurm-templatePick">
              {trans.__('Template')}
              <TemplateSelect
                className="jp-hpc-Slurm-template"
                templates={templates}
                value={template}
                onChange={applyTemplate}
                emptyLabel={trans.__('(choose a template)')}
                trans={trans}
              />
            </label>
          </div>
          <ScriptEditor
            editorServices={props.editorServices}
            initial={DEFAULT_SCRIPT}
            handle={script}
            label={trans.__('Batch script')}
            onChange={setScriptText}
          />
        </div>
        <div className="jp-hpc-Slurm-options">
          <div className="jp-hpc-Slurm-field">
            <label htmlFor="jp-hpc-Slurm-option-partition">
              {trans.__('Partition')}
            </label>
            <select
              id="jp-hpc-Slurm-option-partition"
              className="jp-mod-styled"
              name="partition"
              value={partition}
              aria-describedby={
                partitionApplies ? 'jp-hpc-Slurm-note-partition' : undefined
              }
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
                  {p.default ? ' ' + trans.__('(default)') : ''}
                  {' · '}
                  {p.time_limit === null
                    ? trans.__('no time limit')
                    : trans.__('max %1', formatDuration(p.time_limit))}
                  {' · '}
                  {trans.__('%1/%2 nodes idle', p.nodes.idle, p.nodes.total)}
                </option>
              ))}
            </select>
            {partitionApplies && (
              <div
                id="jp-hpc-Slurm-note-partition"
                className="jp-hpc-Slurm-applies"
                data-field="partition"
              >
                {partitionApplies}
              </div>
            )}
          </div>
          {FIELDS.map(field => (
            <OptionField
              key={field.key}
              name={field.key}
              label={trans.__(field.label)}
              labelText={trans.__(field.label)}
              value={values[field.key] ?? ''}
              applies={appliesText(
                applies(
                  field.key,
                  values[field.key],
                  directives,
                  clusterDefaults[field.key] ?? null
                ),
                directives[field.key],
                trans
              )}
              invalid={problems[field.key] ?? null}
              onChange={value => setValues({ ...values, [field.key]: value })}
              trans={trans}
            />
          ))}
          {/* options a template or "Submit again" brought that have no field of their own */}
          {Object.keys(values)
            .filter(key => !FIELDS.some(field => field.key === key))
            .map(key => (
              <OptionField
                key={key}
                name={key}
                label={<code>--{key}</code>}
                labelText={`--${key}`}
                value={values[key]}
                applies={appliesText(
                  applies(key, values[key], directives),
                  directives[key],
                  trans
                )}
                invalid={problems[key] ?? null}
                onChange={value => setValues({ ...values, [key]: value })}
                trans={trans}
              />
            ))}
          <label className="jp-hpc-Slurm-field">
            <span>{trans.__('Working directory')}</span>
            <input
              className="jp-mod-styled"
              name="cwd"
              placeholder={trans.__('(Jupyter root)')}
              value={cwd}
              onChange={event => {
                cwdEdited.current = true;
                setCwd(event.target.value);
              }}
            />
          </label>
          {submitFlags.length > 0 && (
            <fieldset className="jp-hpc-Slurm-flags">
              <legend>{trans.__('Extra sbatch flags')}</legend>
              {submitFlags.map(flag => (
                <label key={flag}>
                  <input
                    type="checkbox"
                    name={flag}
                    checked={!!flags[flag]}
                    onChange={event =>
                      setFlags({ ...flags, [flag]: event.target.checked })
                    }
                  />
                  <code>--{flag}</code>
                </label>
              ))}
            </fieldset>
          )}
        </div>
      </div>
      {error && (
        <pre className="jp-hpc-Slurm-submitError" role="alert">
          {error}
        </pre>
      )}
      <div className="jp-hpc-Slurm-submitFooter">
        <button
          type="button"
          className="jp-mod-styled"
          onClick={() => void saveTemplate()}
        >
          {trans.__('Save as template…')}
        </button>
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept jp-hpc-Slurm-submitButton"
          disabled={busy || invalid}
          title={
            invalid ? trans.__('Correct the marked fields first') : undefined
          }
        >
          {busy ? trans.__('Submitting…') : trans.__('Submit')}
        </button>
      </div>
    </form>
  );
}
