import { LabIcon } from '@jupyterlab/ui-components';

/** A stack of notebook pages: the gallery's launcher card and tab icon. */
export const galleryIcon = new LabIcon({
  name: 'jupyterlab-hpc:gallery',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 6H2v14a2 2 0 0 0 2 2h14v-2H4z"/>
    <path d="M20 2H8a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zm0 14H8V4h12zM10 6h8v2h-8zm0 3h8v2h-8zm0 3h5v2h-5z"/>
  </g>
</svg>`
});
