/** What a keyboard user needs from the application's context menu. */
export interface IClosingMenu {
  aboutToClose: {
    connect(slot: () => void): boolean;
    disconnect(slot: () => void): boolean;
  };
}

/**
 * Give the focus back to the entry a context menu was opened on (with the
 * menu key or Shift+F10) once the menu closes: the menu leaves it on the
 * page's body otherwise, and a keyboard user must start again from the top.
 * What took the focus meanwhile keeps it: an opened file; a dialog until it
 * closes.
 */
export function refocusAfterContextMenu(
  node: HTMLElement,
  menu: IClosingMenu
): void {
  let pending: (() => void) | null = null;
  node.addEventListener('contextmenu', event => {
    if (pending) {
      // a menu that never opened (Shift+right-click: the browser's own)
      menu.aboutToClose.disconnect(pending);
      pending = null;
    }
    const origin = (event.target as HTMLElement | null)?.closest<HTMLElement>(
      '[tabindex], button, a, input, select, summary'
    );
    if (!origin || !node.contains(origin)) {
      return;
    }
    const closed = () => {
      menu.aboutToClose.disconnect(closed);
      pending = null;
      // after the menu has run its command and detached
      window.setTimeout(() => {
        const dialog = document.activeElement?.closest('.jp-Dialog');
        if (dialog) {
          // the command asks first (Rename…): back once its dialog is gone
          refocusAfterRemoval(dialog, origin);
        } else {
          refocusIfLost(origin);
        }
      }, 0);
    };
    pending = closed;
    menu.aboutToClose.connect(closed);
  });
}

/** Whether the focus is nowhere a keyboard user can go on from. */
function focusLost(): boolean {
  const active = document.activeElement;
  return (
    !active ||
    active === document.body ||
    !!active.closest('.lm-Menu') ||
    !active.isConnected
  );
}

/** Focus `origin` (if still there) when the focus was lost. */
export function refocusIfLost(origin: HTMLElement | null): void {
  if (origin?.isConnected && focusLost()) {
    origin.focus();
  }
}

function refocusAfterRemoval(node: Element, origin: HTMLElement): void {
  const parent = node.parentNode;
  if (!parent) {
    return;
  }
  const observer = new MutationObserver(() => {
    if (!node.isConnected) {
      observer.disconnect();
      refocusIfLost(origin);
    }
  });
  observer.observe(parent, { childList: true });
}

/**
 * A list's arrow keys: ↑/↓ to the previous/next item, Home/End to the first
 * and last, staying inside the list. True when the key moved the focus.
 */
export function focusByKey(
  items: ReadonlyArray<HTMLElement>,
  current: HTMLElement,
  key: string
): boolean {
  const here = items.indexOf(current);
  const next = {
    ArrowDown: here + 1,
    ArrowUp: here - 1,
    Home: 0,
    End: items.length - 1
  }[key];
  if (next === undefined || items.length === 0) {
    return false;
  }
  items[Math.max(0, Math.min(items.length - 1, next))].focus();
  return true;
}
