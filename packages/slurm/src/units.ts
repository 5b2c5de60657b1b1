/**
 * Sizes as people read them. Slurm counts memory in powers of 1024 and
 * writes `4G`; users read "4 GB": that is what is shown (1 GB = 1024 MB).
 */

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
const POWERS: Record<string, number> = { K: 1, M: 2, G: 3, T: 4, P: 5 };

/** `3328599654` -> `3.1 GB`; three significant digits, no trailing `.0`. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !isFinite(bytes)) {
    return '';
  }
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const text = value.toFixed(digits).replace(/\.0$/, '');
  return `${text} ${UNITS[unit]}`;
}

/**
 * Slurm's memory notation (`4G`, `500M`, `1.5T`, `4096`: megabytes) in
 * bytes; `null` for anything else (including `0`: "all of the node").
 */
export function parseMemory(text: string | null | undefined): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGTP])?B?\s*$/i.exec(text ?? '');
  if (!match) {
    return null;
  }
  const bytes =
    Number(match[1]) * 1024 ** POWERS[(match[2] ?? 'M').toUpperCase()];
  return bytes > 0 ? Math.round(bytes) : null;
}

/** A size as an sbatch `--mem` value: `8G`, `512M`. */
export function memoryOption(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return Number.isInteger(gib) && gib >= 1
    ? `${gib}G`
    : `${Math.ceil(bytes / 1024 ** 2)}M`;
}

/** `0.4567` -> `46 %`, `null` -> ''. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !isFinite(ratio)) {
    return '';
  }
  return `${Math.round(ratio * 100)} %`;
}
