/**
 * The submit form's option fields, pure: which value applies to each
 * (the form's, the script's `#SBATCH` line, or a default) and whether a
 * typed value is one sbatch accepts. No JupyterLab imports (jest tests it).
 */

/** One text option of the form, keyed by sbatch's long option name. */
export interface IField {
  key: string;
  /** English label; translated where rendered (and in messages). */
  label: string;
  /** sbatch's short option (`-t`), for reading `#SBATCH` lines. */
  short?: string;
  /** What applies when neither the form nor the script sets it, when Slurm itself decides it. */
  slurmDefault?: string;
}

export const FIELDS: IField[] = [
  // a script sent as text reaches sbatch on stdin, which names it "sbatch"
  { key: 'job-name', label: 'Job name', short: '-J', slurmDefault: 'sbatch' },
  { key: 'account', label: 'Account', short: '-A' },
  { key: 'qos', label: 'QOS', short: '-q' },
  { key: 'time', label: 'Time limit', short: '-t' },
  { key: 'nodes', label: 'Nodes', short: '-N', slurmDefault: '1' },
  { key: 'ntasks', label: 'Tasks', short: '-n', slurmDefault: '1' },
  {
    key: 'cpus-per-task',
    label: 'CPUs per task',
    short: '-c',
    slurmDefault: '1'
  },
  { key: 'mem', label: 'Memory' },
  { key: 'gpus', label: 'GPUs', short: '-G', slurmDefault: 'none' },
  { key: 'constraint', label: 'Constraint', short: '-C', slurmDefault: 'none' },
  { key: 'array', label: 'Array', short: '-a', slurmDefault: 'none' },
  {
    key: 'output',
    label: 'Output file',
    short: '-o',
    slurmDefault: 'slurm-%j.out'
  },
  {
    key: 'error',
    label: 'Error file',
    short: '-e',
    slurmDefault: 'with the output'
  }
];

/** Long option names of the short ones the form knows (`-p` has no text field but a select). */
const SHORT: Record<string, string> = { '-p': 'partition' };
for (const field of FIELDS) {
  if (field.short) {
    SHORT[field.short] = field.key;
  }
}

/** Shell-like words of one `#SBATCH` line (quotes removed, `#` starts a comment). */
function words(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(#.*)|(\S+)/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text))) {
    if (match[3] !== undefined) {
      break;
    }
    out.push(match[1] ?? match[2] ?? match[4]);
  }
  return out;
}

/**
 * The options of a script's `#SBATCH` lines, long names as keys, as sbatch
 * reads them: only in the comment block before the first command; a later
 * line repeats win (sbatch takes the last).
 */
export function scriptDirectives(script: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const line of script.split('\n')) {
    const stripped = line.trim();
    if (stripped && !stripped.startsWith('#')) {
      break;
    }
    if (!stripped.startsWith('#SBATCH')) {
      continue;
    }
    const list = words(stripped.slice('#SBATCH'.length));
    for (let i = 0; i < list.length; i++) {
      const word = list[i];
      if (word.startsWith('--')) {
        const [name, ...rest] = word.slice(2).split('=');
        if (rest.length) {
          found[name] = rest.join('=');
        } else if (i + 1 < list.length && !list[i + 1].startsWith('-')) {
          found[name] = list[++i];
        } else {
          found[name] = '';
        }
      } else if (word.startsWith('-') && word.length >= 2) {
        const name = SHORT[word.slice(0, 2)];
        if (!name) {
          continue;
        }
        if (word.length > 2) {
          found[name] = word.slice(2).replace(/^=/, '');
        } else if (i + 1 < list.length) {
          found[name] = list[++i];
        }
      }
    }
  }
  return found;
}

/** Where the value that applies to an option comes from. */
export interface IApplies {
  /** `cluster`: the partition's default, as the server read it. */
  source: 'form' | 'script' | 'default' | 'cluster';
  /** The value, when known (a cluster default the server did not give is not). */
  value: string | null;
}

/**
 * Which value sbatch will use: the form's (passed as an argument, it
 * overrides the script), else the script's `#SBATCH` line, else the
 * partition's default when known, else Slurm's when Slurm fixes it, else
 * the cluster's (value unknown here).
 */
export function applies(
  key: string,
  form: string | undefined,
  directives: Record<string, string>,
  clusterDefault: string | null = null
): IApplies {
  if (form !== undefined && form.trim()) {
    return { source: 'form', value: form.trim() };
  }
  if (key in directives) {
    return { source: 'script', value: directives[key] };
  }
  if (clusterDefault !== null) {
    return { source: 'cluster', value: clusterDefault };
  }
  const field = FIELDS.find(f => f.key === key);
  return { source: 'default', value: field?.slurmDefault ?? null };
}

// The server's checks (python/jupyterlab_hpc/slurm/submit.py), so that a bad
// value is reported beside its field before the request; the server still checks.
const TIME =
  /^(?:\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2})$/;
const NAME_LIST = /^[A-Za-z0-9_.+-]+(?:,[A-Za-z0-9_.+-]+)*$/;
const POSITIVE = /^[1-9][0-9]{0,8}$/;
const TASKS = '[0-9]{1,7}(?:-[0-9]{1,7}(?::[1-9][0-9]*)?)?';
const CHECKS: Record<string, [RegExp, string]> = {
  account: [NAME_LIST, 'an account name'],
  qos: [NAME_LIST, 'a QOS name'],
  time: [TIME, 'a time limit like 30, 1:00:00 or 2-00:00:00'],
  nodes: [
    /^[1-9][0-9]{0,6}(?:-[1-9][0-9]{0,6})?$/,
    'a positive number of nodes (or a range N-M)'
  ],
  ntasks: [POSITIVE, 'a positive integer'],
  'cpus-per-task': [POSITIVE, 'a positive integer'],
  mem: [
    /^[0-9]{1,12}(?:\.[0-9]+)?[KMGTkmgt]?[Bb]?$/,
    'a memory size like 4G or 500M'
  ],
  gpus: [
    /^(?:[A-Za-z0-9_.-]+:)?[1-9][0-9]{0,4}$/,
    'a GPU count like 2 or a100:2'
  ],
  constraint: [/^[A-Za-z0-9_.\-&|[\]*:!,()]+$/, 'node features like intel&ib'],
  array: [
    new RegExp(`^${TASKS}(?:,${TASKS})*(?:%[1-9][0-9]*)?$`),
    'task ids like 1-10, 1,3,5 or 1-100%10'
  ]
};

/** Why a value is refused, in English to translate with its parts. */
export interface IInvalid {
  /** `'%1' is not valid; expected %2.` and similar, %1/%2 filled by the caller. */
  message: string;
  args: string[];
}

/** Whether sbatch would take `value` for option `key`; null when it would (or the field is empty). */
export function checkField(key: string, value: string): IInvalid | null {
  const text = value.trim();
  if (!text) {
    return null;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  if (/[\x00-\x1f\x7f]/.test(text)) {
    return { message: 'must not contain control characters.', args: [] };
  }
  if (text.includes(';') || text.includes('$(') || text.includes('`')) {
    return { message: "must not contain ';', '$(' or backticks.", args: [] };
  }
  if (text.startsWith('-')) {
    return { message: "must not start with '-'.", args: [] };
  }
  const check = CHECKS[key];
  if (check && !check[0].test(text)) {
    return {
      message: "'%1' is not valid; expected %2.",
      args: [text, check[1]]
    };
  }
  return null;
}
