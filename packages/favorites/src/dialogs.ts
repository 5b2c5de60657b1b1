import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * The body of the rename dialog: a name field that says why an empty name
 * cannot be used. The field is `:invalid` while empty or blank, which keeps
 * the dialog's Rename button disabled.
 */
class NameBody extends Widget {
  constructor(label: string, name: string, trans: TranslationBundle) {
    super();
    this.addClass('jp-hpc-Favorites-nameDialog');
    const id = `jp-hpc-favorites-name-${++NameBody._count}`;
    const caption = document.createElement('label');
    caption.htmlFor = id;
    caption.textContent = label;
    this._input.id = id;
    this._input.className = 'jp-mod-styled';
    this._input.value = name;
    // Native validity (not setCustomValidity): the dialog checks `:invalid`
    // in a capturing listener, before ours runs.
    this._input.required = true;
    this._input.pattern = '.*\\S.*';
    this._input.setAttribute('aria-describedby', `${id}-why`);
    this._why.id = `${id}-why`;
    this._why.className = 'jp-hpc-Favorites-nameWhy';
    this._why.setAttribute('aria-live', 'polite');
    const check = () => {
      const empty = this._input.value.trim() === '';
      const message = empty
        ? trans.__(
            'A favorite needs a name: type at least one letter (spaces alone do not count).'
          )
        : '';
      this._why.textContent = message;
    };
    this._input.addEventListener('input', check);
    check();
    this.node.append(caption, this._input, this._why);
  }

  getValue(): string {
    return this._input.value.trim();
  }

  protected onAfterAttach(): void {
    this._input.select();
  }

  private static _count = 0;
  private _input = document.createElement('input');
  private _why = document.createElement('p');
}

/** Ask for a favorite's new name; null when cancelled. Never empty. */
export async function askName(
  label: string,
  name: string,
  trans: TranslationBundle
): Promise<string | null> {
  const result = await showDialog({
    title: trans.__('Rename Favorite'),
    body: new NameBody(label, name, trans),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Rename') })
    ],
    focusNodeSelector: 'input'
  });
  return result.button.accept && result.value ? result.value : null;
}
