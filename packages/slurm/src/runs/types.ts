/**
 * Notebook runs as the server describes them (docs/slurm-api.md, "Notebook runs and sweeps").
 */

/** A parameter of the notebook's cell tagged `parameters`, as papermill infers it. */
export interface IRunParameter {
  name: string;
  /** papermill's type name (`float`, `Optional[int]`) or the literal's type. */
  type: string;
  /** What a value is parsed as on the server. */
  kind: 'int' | 'float' | 'str' | 'bool' | 'list' | 'dict' | 'any';
  optional: boolean;
  /** The default's source text. */
  default: string;
  /** The default decoded, when it is a literal. */
  value: unknown;
  help: string;
}

export interface IKernelChoice {
  name: string;
  display_name: string;
  language: string;
}

/** `GET notebook-parameters?path=`: what the dialog needs. */
export interface IRunForm {
  path: string;
  kernel: string | null;
  notebook_kernel: string | null;
  kernels: IKernelChoice[];
  parameters: IRunParameter[];
  output_dir: string;
  max_tasks: number;
  max_array_size: number | null;
  throttle: number;
}

export type SweepMode = 'grid' | 'zip';

export interface IRange {
  start: number | string;
  stop: number | string;
  step?: number | string;
}

/** `POST notebook-runs` body. */
export interface IRunRequest {
  path: string;
  kernel?: string;
  parameters?: Record<string, unknown>;
  sweep?: { mode: SweepMode; values: Record<string, unknown[] | IRange> };
  throttle?: number;
  output_dir?: string;
  options?: Record<string, string | number | boolean>;
}

export interface IRunJob {
  id: string;
  /** Task indices this submission ran; null = all. */
  tasks: number[] | null;
  submitted: number;
}

/** A stored run (`GET notebook-runs`). */
export interface INotebookRun {
  id: string;
  created: number;
  notebook: string;
  stem: string;
  kernel: string;
  output_dir: string;
  run_dir: string;
  parameters: Record<string, unknown>;
  sweep: { mode: SweepMode; values: Record<string, unknown[]> } | null;
  array: boolean;
  task_count: number;
  throttle: number | null;
  options: Record<string, unknown>;
  jobs: IRunJob[];
  counts: Record<string, number>;
}

export interface ICellError {
  ename: string;
  evalue: string;
  cell: number | null;
  cell_index: number;
}

/** One task of `GET notebook-runs/{id}`. */
export interface IRunTask {
  index: number;
  values: Record<string, unknown>;
  job_id: string;
  slurm_id: string;
  attempts: number;
  state: string;
  reason: string;
  source: 'queue' | 'accounting' | 'notebook' | 'none';
  exit_code: number | null;
  start: number | null;
  end: number | null;
  output: string;
  log: string;
  error: ICellError | null;
  output_note: string | null;
}

export interface IRunDetail extends INotebookRun {
  tasks: IRunTask[];
  queue_error: string | null;
  accounting_error: string | null;
}

export interface IRunList {
  runs: INotebookRun[];
  queue_error: string | null;
  accounting_error: string | null;
}

/** `POST notebook-runs` and `POST notebook-runs/{id}/rerun` answers. */
export interface ISubmittedRun {
  id: string;
  job_id: string;
  tasks: number | number[];
}
