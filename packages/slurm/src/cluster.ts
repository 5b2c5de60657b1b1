/** The cluster status (`GET cluster`): partitions, their nodes and free resources. */

export interface IPartitionStatus {
  name: string;
  default: boolean;
  /** `up`, `down`, `drain`, `inact`. */
  available: string;
  /** Seconds; null: unlimited. */
  time_limit: number | null;
  nodes: {
    idle: number;
    mixed: number;
    allocated: number;
    /** Down, drained or draining, failing, not responding. */
    unavailable: number;
    total: number;
  };
  cpus: { free: number; total: number };
  gpus: { free: number; total: number };
  /** Bytes. */
  memory: { allocated: number; total: number };
  unavailable_nodes: { name: string; state: string; reason: string }[];
  my_jobs: { running: number; pending: number };
}

/** Default partition first, then by name. */
export function sortPartitions(
  partitions: ReadonlyArray<IPartitionStatus>
): IPartitionStatus[] {
  return [...partitions].sort(
    (a, b) =>
      Number(b.default) - Number(a.default) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/** Node counts as segments of a bar, in the order drawn. */
export function nodeSegments(
  part: IPartitionStatus
): { kind: 'idle' | 'mixed' | 'allocated' | 'unavailable'; count: number }[] {
  return (['idle', 'mixed', 'allocated', 'unavailable'] as const)
    .map(kind => ({ kind, count: part.nodes[kind] }))
    .filter(segment => segment.count > 0);
}
