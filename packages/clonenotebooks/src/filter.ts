/** Pure helpers of the gallery (no JupyterLab imports, so they are unit-tested in jest). */
import type { INotebookInfo, IParameter } from './tokens';

/** Same rule as the server's `q`: every word appears in the title, description, path, kernel or tags. */
export function matches(notebook: INotebookInfo, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return true;
  }
  const text = [
    notebook.title,
    notebook.description,
    notebook.path,
    notebook.kernel ?? '',
    notebook.language ?? '',
    ...notebook.tags
  ]
    .join(' ')
    .toLowerCase();
  return words.every(word => text.includes(word));
}

export function filterNotebooks(
  notebooks: INotebookInfo[],
  query: string,
  source: string
): INotebookInfo[] {
  return notebooks.filter(
    nb => (!source || nb.source === source) && matches(nb, query)
  );
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The text shown in a parameter's input for its default. */
export function initialText(param: IParameter): string {
  if (param.value === null || param.value === undefined) {
    return param.default;
  }
  if (typeof param.value === 'string') {
    return param.value;
  }
  return JSON.stringify(param.value);
}

/** A parameter's Python type in plain words ('int': 'whole number'). */
export function typeWords(type: string): string {
  const words: Record<string, string> = {
    int: 'whole number',
    float: 'number',
    str: 'text',
    bool: 'True or False',
    list: 'list',
    dict: 'dictionary',
    NoneType: 'None'
  };
  return words[type] ?? type;
}

/** Whether the form can edit this parameter (its default is a plain literal). */
export function isEditable(param: IParameter): boolean {
  return param.value !== null && param.value !== undefined;
}

export type Parsed =
  { ok: true; value: unknown } | { ok: false; error: string };

/** The value typed in a parameter's input, read according to the default's type. */
export function parseInput(param: IParameter, text: string): Parsed {
  switch (param.type) {
    case 'str':
      return { ok: true, value: text };
    case 'bool':
      return { ok: true, value: text === 'true' };
    case 'int': {
      if (!/^\s*[-+]?\d+\s*$/.test(text)) {
        return { ok: false, error: 'a whole number' };
      }
      return { ok: true, value: parseInt(text, 10) };
    }
    case 'float': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) {
        return { ok: false, error: 'a number' };
      }
      return { ok: true, value };
    }
    default:
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, error: 'a JSON value (list, dict, number...)' };
      }
  }
}

/**
 * The parameters to inject: only those the user changed from their defaults,
 * as papermill's command line injects only the `-p` it is given.
 */
export function changedParameters(
  params: IParameter[],
  inputs: Record<string, string>
): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const param of params) {
    const text = inputs[param.name];
    if (!isEditable(param) || text === undefined) {
      continue;
    }
    const parsed = parseInput(param, text);
    if (!parsed.ok) {
      errors[param.name] = parsed.error;
    } else if (JSON.stringify(parsed.value) !== JSON.stringify(param.value)) {
      values[param.name] = parsed.value;
    }
  }
  return { values, errors };
}
