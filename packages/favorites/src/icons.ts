import { LabIcon } from '@jupyterlab/ui-components';

const STAR =
  'M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z';

/** A filled star: the current directory is a favorite. */
export const starFilledIcon = new LabIcon({
  name: 'jupyterlab-hpc:star-filled',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><path class="jp-icon3" fill="#616161" d="${STAR}"/></svg>`
});

/** An outlined star: the current directory is not a favorite. */
export const starEmptyIcon = new LabIcon({
  name: 'jupyterlab-hpc:star-empty',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><path class="jp-icon3" fill="#616161" fill-rule="evenodd" d="${STAR}M12 6.9l-1.6 3.4-3.7.4 2.7 2.6-.7 3.7 3.3-1.9 3.3 1.9-.7-3.7 2.7-2.6-3.7-.4z"/></svg>`
});
