/**
 * Command ids one extension of the bundle may run in another, without
 * importing it (the other may be disabled: check `commands.hasCommand`).
 */
export namespace SharedCommandIDs {
  /** Slurm: "Run as Slurm job" for a notebook; args `{path}` (relative to the root). */
  export const runNotebook = 'hpc-slurm:run-notebook';
}
