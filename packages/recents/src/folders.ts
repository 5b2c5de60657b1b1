/**
 * When a folder the file browser shows counts as opened (the `recordFolders`
 * setting). No JupyterLab imports, so the rule is unit tested with jest.
 */

/**
 * - `used`: the user opened or created something in the folder, or stayed
 *   there `STAY_DELAY` ms; passing through on the way elsewhere does not count;
 * - `visited`: every folder the browser stays in for `VISIT_DELAY` ms;
 * - `never`: folders are not recorded.
 */
export type FolderRule = 'used' | 'visited' | 'never';

export const VISIT_DELAY = 1500;
export const STAY_DELAY = 15000;

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : '';
}

/** Follows the file browser's folder and records it when the rule says so. */
export class FolderVisits {
  /** `record(path)` stores a folder (relative to the root) as opened now. */
  constructor(private readonly record: (path: string) => Promise<void>) {}

  rule: FolderRule = 'used';

  /** The file browser now shows `path` (relative to the root, '' the root). */
  enter(path: string): void {
    if (path === this._current) {
      return;
    }
    this._clearTimer();
    this._current = path;
    this._recorded = false;
    const delay =
      this.rule === 'visited'
        ? VISIT_DELAY
        : this.rule === 'used'
          ? STAY_DELAY
          : null;
    if (delay !== null && path) {
      this._timer = setTimeout(() => void this._recordCurrent(), delay);
    }
  }

  /** The folder shown when the page loads: not a new visit, no timer. */
  settle(path: string): void {
    this._clearTimer();
    this._current = path;
    this._recorded = false;
  }

  /**
   * A document at `path` was opened or created. Under the `used` rule its
   * folder counts if the file browser is showing it; resolves once the folder
   * is recorded, so that the document is recorded after (and above) it.
   */
  used(path: string): Promise<void> {
    if (this.rule !== 'used' || parentOf(path) !== this._current) {
      return Promise.resolve();
    }
    return this._recordCurrent();
  }

  dispose(): void {
    this._clearTimer();
  }

  private async _recordCurrent(): Promise<void> {
    this._clearTimer();
    // The root is always one click away: never recorded. Once per visit.
    if (!this._current || this._recorded) {
      return;
    }
    this._recorded = true;
    await this.record(this._current);
  }

  private _clearTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _current: string | null = null;
  private _recorded = false;
  private _timer: ReturnType<typeof setTimeout> | null = null;
}
