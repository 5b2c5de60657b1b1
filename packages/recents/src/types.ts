/** What the recents server answers (`GET hpc/recents`). */

export type RecentType = 'directory' | 'file' | 'notebook';

/** One recent entry, as listed by the server. */
export interface IRecentEntry {
  /** Relative to the Jupyter root, as the file browser names it. */
  path: string;
  type: RecentType;
  /** The document factory (viewer) last used to open it. */
  factory?: string;
  /** Epoch seconds. */
  last_opened: number;
  pinned: boolean;
  /** Whether the path existed when the server listed it. */
  exists: boolean;
}

/** The answer of every `hpc/recents` call: the whole list, already checked. */
export interface IRecentsReply {
  recents: IRecentEntry[];
  entry?: IRecentEntry;
  moved?: number;
  removed?: number;
}
