/**
 * What a job of the queue's details (`GET jobs/{id}`) and of the history
 * (`GET history`) both say, with the same names and types (docs/slurm-api.md).
 */

export interface IExitCode {
  code: number;
  signal: number;
}

export interface IJobRecord {
  id: string;
  array_job_id: string | null;
  array_task_id: string | null;
  name: string;
  user: string;
  account: string;
  partition: string;
  qos: string;
  state: string;
  reason: string;
  /** null while a queued job has not ended. */
  exit_code: IExitCode | null;
  /** Seconds; null = unlimited. */
  time_limit: number | null;
  nodes: number | null;
  nodelist: string;
  cpus: number | null;
  work_dir: string;
  /** Relative to the Jupyter root; null outside it. */
  work_dir_path: string | null;
}
