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
  /** The notebook cannot be read (invalid JSON, too large...). */
  error?: string;
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

/** `POST clone` answer. */
export interface ICloneResult {
  path: string;
  kernel: string | null;
  data_files: { path: string; status: 'copied' | 'kept' }[];
}
