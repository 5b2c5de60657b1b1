import { MainAreaWidget } from '@jupyterlab/apputils';
import { Toolbar } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

/**
 * A main-area tab for `content`, with a plain toolbar.
 *
 * Our tabs have no toolbar items, and JupyterLab's default (reactive)
 * toolbar breaks File › Close All Tabs: when the active tab closes, the next
 * tab is shown and its toolbar schedules a resize (`stop().then(invoke)`);
 * Close All disposes that tab before the promise settles, and `invoke` on
 * the disposed throttler throws "Cannot read properties of null (reading
 * 'promise')" (JupyterLab 4.6, any two plain MainAreaWidgets, e.g. two
 * launchers). A plain toolbar has no throttler.
 */
export function mainAreaWidget<T extends Widget>(
  content: T
): MainAreaWidget<T> {
  return new MainAreaWidget({ content, toolbar: new Toolbar() });
}
