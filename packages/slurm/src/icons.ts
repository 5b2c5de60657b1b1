import { LabIcon } from '@jupyterlab/ui-components';

/** A rack of compute nodes: the Slurm panel's launcher card and tab icon. */
export const slurmIcon = new LabIcon({
  name: 'jupyterlab-hpc:slurm',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 3h18v5H3zm2 2v1h2V5zm4 0v1h2V5zM3 9.5h18v5H3zm2 2v1h2v-1zm4 0v1h2v-1zM3 16h18v5H3zm2 2v1h2v-1zm4 0v1h2v-1z"/>
  </g>
</svg>`
});
