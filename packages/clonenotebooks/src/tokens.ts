/** Shapes of the gallery's REST API (`{base_url}hpc/clone/...`). */

/** `GET sources`: one configured or user-added source and whether it can be listed. */
export interface ISource {
  id: string;
  name: string;
  type: 'directory' | 'git';
  available: boolean;
  error?: string;
  /** Added by the user in the panel (removable), not by the site. */
  user: boolean;
  path?: string;
  url?: string;
  ref?: string;
  commit?: string | null;
}

/** `GET notebooks`: one card of the gallery. */
export interface INotebookInfo {
  source: string;
  path: string;
  title: string;
  description: string;
  kernel: string | null;
  language: string | null;
  tags: string[];
  size: number;
  modified: string;
  parameters: boolean;
  version: string;
  /** The user's clones of this notebook still on disk (paths from the server root). */
  clones: string[];
  /** A clone exists and none of them has the current version of the notebook. */
  update_available: boolean;
  /** The notebook cannot be used, in words for the card ("This file is not a valid notebook."). */
  error?: string;
  /** The technical reason behind `error` (the JSON or schema error), shown on demand. */
  error_detail?: string;
  data?: string[];
}

export interface ISourceError {
  source: string;
  message: string;
}

export interface INotebookListing {
  notebooks: INotebookInfo[];
  errors: ISourceError[];
}

/** `GET parameters`: a variable of the `parameters` cell, as papermill infers it. */
export interface IParameter {
  name: string;
  /** Python type name: int, float, str, bool, list, dict, NoneType... */
  type: string;
  /** The default as written in the notebook. */
  default: string;
  /** The default decoded when it is a plain literal, else null. */
  value: unknown;
  help: string;
}

export interface IStatus {
  sources: ISource[];
  clone_dir: string;
  allow_user_sources: boolean;
  allowed_remote_schemes: string[];
}

/** The kernel a clone gets, and why (`GET plan`, `POST clone`). */
export interface IKernelChoice {
  name: string | null;
  display_name: string | null;
  /** Whether this server has that kernel. */
  installed: boolean;
  reason: string;
}

/** `GET plan`: what the clone dialog offers before anything is written. */
export interface IClonePlan {
  /** The folder last used for this source, else the site's clone folder. */
  target_dir: string;
  default_dir: string;
  /** A file name not yet taken in `target_dir`. */
  name: string;
  kernel: IKernelChoice;
  /** The user's copies of this notebook still on disk. */
  copies: string[];
  parameters: IParameter[];
}

/** What the user chose in the clone dialog. */
export interface ICloneRequest {
  target_dir: string;
  name: string;
  parameters: Record<string, unknown>;
}

/** `POST clone` answer. */
export interface ICloneResult {
  path: string;
  kernel: string | null;
  kernel_choice?: IKernelChoice;
  data_files: { path: string; status: 'copied' | 'kept' }[];
}
