import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';

import { ColumnId, DEFAULT_COLUMNS, normalizeColumns } from './jobs';
import { SlurmModel } from './model';

export const PLUGIN_ID = '@jupyterlab-hpc/slurm:plugin';

/**
 * The panel's settings: poll intervals and notifications go to the model,
 * the shown columns are kept here (the column chooser writes them back).
 */
export class PanelSettings {
  constructor(private readonly _model: SlurmModel) {}

  get columns(): ColumnId[] {
    return this._columns;
  }
  /** Emitted when the shown columns change (settings or the chooser). */
  get columnsChanged(): ISignal<this, void> {
    return this._columnsChanged;
  }

  /** Load and follow the user's settings; without a registry defaults stay. */
  async load(registry: ISettingRegistry | null): Promise<void> {
    if (!registry) {
      return;
    }
    try {
      this._settings = await registry.load(PLUGIN_ID);
    } catch (reason) {
      console.warn('jupyterlab-hpc slurm: settings not loaded', reason);
      return;
    }
    this._apply();
    this._settings.changed.connect(this._apply, this);
  }

  /** Columns chosen in the panel: shown at once, saved in the settings. */
  setColumns(next: ReadonlyArray<string>): void {
    this._columns = normalizeColumns(next);
    this._columnsChanged.emit();
    void this._settings?.set('visibleColumns', this._columns);
  }

  private _apply(): void {
    const settings = this._settings!;
    const get = (key: string) => settings.get(key).composite;
    this._model.interval = Number(get('refreshInterval') ?? 30);
    this._model.activeInterval = Number(get('activeRefreshInterval') ?? 5);
    this._model.notifications = get('notifications') !== false;
    this._columns = normalizeColumns(
      (get('visibleColumns') as string[]) ?? DEFAULT_COLUMNS
    );
    this._columnsChanged.emit();
  }

  private _settings: ISettingRegistry.ISettings | null = null;
  private _columns: ColumnId[] = DEFAULT_COLUMNS;
  private _columnsChanged = new Signal<this, void>(this);
}
