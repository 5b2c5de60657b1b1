import { TranslationBundle } from '@jupyterlab/translation';
import React, { useMemo } from 'react';

import { IPartitionStatus, nodeSegments, sortPartitions } from '../cluster';
import { ClusterModel } from '../clusterModel';
import { formatDuration } from '../jobs';
import { formatBytes } from '../units';
import { useSignal } from './hooks';

export interface IClusterViewProps {
  model: ClusterModel;
  /** Open the submit form with this partition chosen. */
  onPickPartition: (name: string) => void;
  trans: TranslationBundle;
}

/**
 * The Cluster tab: each partition's nodes by state, free CPUs and GPUs,
 * memory, time limit, and the user's jobs there. A partition's "New job
 * here" opens the submit form with it chosen.
 */
export function ClusterView(props: IClusterViewProps): JSX.Element {
  const { model, trans } = props;
  useSignal(model.changed);
  const partitions = useMemo(
    () => sortPartitions(model.partitions),
    [model.partitions]
  );
  const problem = model.problem;
  return (
    <div className="jp-hpc-Slurm-cluster">
      <div className="jp-hpc-Slurm-header">
        <span className="jp-hpc-Slurm-status">
          {trans._n('%1 partition', '%1 partitions', partitions.length)}
        </span>
        <button
          className="jp-mod-styled jp-hpc-Slurm-refresh"
          onClick={() => void model.refresh().catch(() => undefined)}
        >
          {trans.__('Refresh')}
        </button>
      </div>
      {problem && (
        <div className="jp-hpc-Slurm-banner" role="alert">
          <div className="jp-hpc-Slurm-bannerTitle">
            {problem.status === 503
              ? trans.__('The Slurm controller cannot be reached.')
              : trans.__('The cluster status could not be read.')}
          </div>
          <div className="jp-hpc-Slurm-bannerMessage">{problem.message}</div>
          <div className="jp-hpc-Slurm-bannerFooter">
            {trans.__('Retrying automatically.')}
          </div>
        </div>
      )}
      <ul
        className="jp-hpc-Slurm-partitions"
        aria-label={trans.__('Partitions')}
      >
        {partitions.map(part => (
          <PartitionCard
            key={part.name}
            part={part}
            onPick={props.onPickPartition}
            trans={trans}
          />
        ))}
      </ul>
      {partitions.length === 0 && !model.loading && !problem && (
        <div className="jp-hpc-Slurm-empty">{trans.__('No partitions.')}</div>
      )}
    </div>
  );
}

function PartitionCard(props: {
  part: IPartitionStatus;
  onPick: (name: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { part, trans } = props;
  const labels = {
    idle: trans.__('idle'),
    mixed: trans.__('partly used'),
    allocated: trans.__('full'),
    unavailable: trans.__('down or drained')
  };
  const up = part.available === 'up';
  return (
    <li className="jp-hpc-Slurm-partition" data-partition={part.name}>
      <div className="jp-hpc-Slurm-partitionHead">
        <span className="jp-hpc-Slurm-partitionName">{part.name}</span>
        {part.default && (
          <span className="jp-hpc-Slurm-tag">{trans.__('default')}</span>
        )}
        {!up && (
          <span className="jp-hpc-Slurm-tag jp-mod-bad">
            {trans.__('partition %1', part.available)}
          </span>
        )}
        <button
          className="jp-mod-styled jp-hpc-Slurm-pick"
          title={trans.__('Open the submit form with partition %1', part.name)}
          onClick={() => props.onPick(part.name)}
        >
          {trans.__('New job here…')}
        </button>
      </div>
      <div
        className="jp-hpc-Slurm-nodeBar"
        role="img"
        aria-label={trans.__(
          'Nodes: %1 idle, %2 partly used, %3 full, %4 down or drained, of %5',
          part.nodes.idle,
          part.nodes.mixed,
          part.nodes.allocated,
          part.nodes.unavailable,
          part.nodes.total
        )}
      >
        {nodeSegments(part).map(segment => (
          <span
            key={segment.kind}
            className={`jp-hpc-Slurm-nodes jp-mod-${segment.kind}`}
            style={{ flexGrow: segment.count }}
            title={`${segment.count} ${labels[segment.kind]}`}
          />
        ))}
      </div>
      <div className="jp-hpc-Slurm-partitionFacts">
        <span>
          {trans.__('Nodes')}:{' '}
          {nodeSegments(part)
            .map(s => `${s.count} ${labels[s.kind]}`)
            .join(', ') || '0'}
        </span>
        <span>
          {trans.__('CPUs free: %1 of %2', part.cpus.free, part.cpus.total)}
        </span>
        {part.gpus.total > 0 && (
          <span>
            {trans.__('GPUs free: %1 of %2', part.gpus.free, part.gpus.total)}
          </span>
        )}
        <span>
          {part.memory.allocated > 0
            ? trans.__(
                'Memory: %1 allocated of %2',
                formatBytes(part.memory.allocated),
                formatBytes(part.memory.total)
              )
            : trans.__('Memory: %1', formatBytes(part.memory.total))}
        </span>
        <span>
          {trans.__(
            'Max time: %1',
            part.time_limit === null
              ? trans.__('unlimited')
              : formatDuration(part.time_limit)
          )}
        </span>
        <span>
          {trans.__(
            'Your jobs: %1 running, %2 pending',
            part.my_jobs.running,
            part.my_jobs.pending
          )}
        </span>
      </div>
      {part.unavailable_nodes.length > 0 && (
        <ul className="jp-hpc-Slurm-downNodes">
          {part.unavailable_nodes.map(node => (
            <li key={node.name}>
              <code>{node.name}</code> {node.state}
              {node.reason ? `: ${node.reason}` : ''}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
