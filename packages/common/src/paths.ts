/**
 * Telling apart entries that show the same name (`run1` in two projects):
 * the shortest tail of their folders that differs.
 */

/** The folders above `path` ('a/b/c.txt' gives ['a', 'b']). */
export function parentParts(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  parts.pop();
  return parts;
}

/**
 * For each folder (as its parts), the shortest tail no other folder of the
 * list ends with: `…/analysis/run1` when only two parts tell it apart, the
 * whole folder when it is short enough ('/' for the root). Folders that are
 * equal keep their whole text.
 */
export function distinctTails(folders: ReadonlyArray<string[]>): string[] {
  return folders.map((mine, i) => {
    const others = folders.filter((_, j) => j !== i);
    const tail = (n: number) => mine.slice(-n).join('/');
    // Grow the tail until no other folder ends the same way.
    let n = 1;
    while (
      n < mine.length &&
      others.some(o => o.slice(-n).join('/') === tail(n))
    ) {
      n++;
    }
    return n < mine.length ? `…/${tail(n)}` : tail(n) || '/';
  });
}
