import { requestAPI } from '@jupyterlab-hpc/common';

import { IPartitionStatus } from './cluster';
import { Polled } from './polled';

/** Partitions and their nodes (`GET cluster`). */
export class ClusterModel extends Polled<{ partitions: IPartitionStatus[] }> {
  constructor(options: { interval?: number } = {}) {
    super('@jupyterlab-hpc/slurm:cluster', options.interval ?? 30);
  }

  get partitions(): ReadonlyArray<IPartitionStatus> {
    return this._partitions;
  }

  protected fetch(): Promise<{ partitions: IPartitionStatus[] }> {
    return requestAPI('slurm', 'cluster');
  }

  protected accept(reply: { partitions: IPartitionStatus[] }): void {
    this._partitions = reply.partitions;
  }

  private _partitions: IPartitionStatus[] = [];
}
