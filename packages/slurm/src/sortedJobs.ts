import {
  COLUMNS,
  ColumnId,
  IFilter,
  IJob,
  ISort,
  SortKey,
  baseState,
  compareKeys,
  idKey,
  searchText,
  sortWithKeys
} from './jobs';

/** How a delta turned one list into the next (`QueueTable.apply`). */
export interface IListChange {
  before: ReadonlyArray<IJob>;
  after: ReadonlyArray<IJob>;
  /** Records new in `after`: added jobs and the new records of changed ones. */
  added: ReadonlyArray<IJob>;
  /** Records of `before` that are not in `after` (removed or replaced). */
  dropped: ReadonlySet<IJob>;
}

/** The cached filter flags: `flags[i]` says whether `jobs[i]` matches. */
interface IMatch {
  query: string;
  terms: string[];
  state: string;
  flags: Uint8Array;
  rows: IJob[];
}

function parseFilter(filter: IFilter): { terms: string[]; state: string } {
  return {
    terms: filter.text.toLowerCase().split(/\s+/).filter(Boolean),
    state: filter.state.toUpperCase()
  };
}

/**
 * A job list in one sort order, with what the panel derives from it: the
 * search text of each row and the rows matching the filter.
 *
 * A delta (`next` with the table's `IListChange`) is merged in: the dropped
 * records leave and the new ones, sorted among themselves, enter at their
 * places (one copy of the arrays instead of sorting 100,000 jobs), and
 * their search text and filter match are computed for them alone. Sorting by Time is the
 * exception: a running job's key grows with the clock, so the list is
 * sorted afresh. The result equals a full sort of the new list.
 */
export class SortedJobs {
  /** Sort `source` (not modified) by `sort`. */
  static sort(source: ReadonlyArray<IJob>, sort: ISort): SortedJobs {
    const { jobs, keys, ids } = sortWithKeys(source, sort);
    return new SortedJobs(source, sort, jobs, keys, ids);
  }

  private constructor(
    /** The list this one sorts (the table's). */
    readonly source: ReadonlyArray<IJob>,
    readonly sort: ISort,
    /** The sorted jobs. */
    readonly jobs: IJob[],
    private _keys: SortKey[],
    private _ids: number[]
  ) {}

  /**
   * `source` in `sort` order: merged from this list when `change` leads
   * from it (same sort, a sort key that does not tick), else sorted afresh.
   */
  next(
    source: ReadonlyArray<IJob>,
    sort: ISort,
    change: IListChange | null
  ): SortedJobs {
    if (source === this.source && sameSort(sort, this.sort)) {
      return this;
    }
    if (
      !change ||
      change.before !== this.source ||
      change.after !== source ||
      !sameSort(sort, this.sort) ||
      sort.column === 'time'
    ) {
      return SortedJobs.sort(source, sort);
    }
    return this._merge(source, change);
  }

  /** The distinct base states of the rows, for the state filter. */
  states(): string[] {
    const bases = new Set<string>();
    for (const [state, count] of this._stateCounts()) {
      if (count > 0) {
        bases.add(baseState(state));
      }
    }
    return [...bases].filter(Boolean).sort();
  }

  /** The search text of each row (lower case), built once per columns. */
  texts(columns: ReadonlyArray<ColumnId>): string[] {
    if (!this._texts || !sameColumns(this._textColumns, columns)) {
      this._texts = this.jobs.map(job => searchText(job, columns));
      this._textColumns = columns;
      this._match = null;
    }
    return this._texts;
  }

  /**
   * The rows matching `filter` (every term in a shown column, and the base
   * state), in order; the same array while nothing changed.
   */
  filter(filter: IFilter, columns: ReadonlyArray<ColumnId>): IJob[] {
    const { terms, state } = parseFilter(filter);
    if (!terms.length && !state) {
      return this.jobs;
    }
    const query = queryKey(terms, state, columns);
    if (this._match?.query === query) {
      return this._match.rows;
    }
    const texts = terms.length ? this.texts(columns) : null;
    const flags = new Uint8Array(this.jobs.length);
    const rows: IJob[] = [];
    for (let i = 0; i < this.jobs.length; i++) {
      const job = this.jobs[i];
      if (matches(job, texts ? texts[i] : '', terms, state)) {
        flags[i] = 1;
        rows.push(job);
      }
    }
    this._match = { query, terms, state, flags, rows };
    return rows;
  }

  /**
   * Drop `change.dropped` and insert `change.added` (sorted among
   * themselves), carrying the derived data: binary searches find the places
   * (the keys of a column other than Time never change), then the arrays
   * are copied once in blocks.
   */
  private _merge(source: ReadonlyArray<IJob>, change: IListChange): SortedJobs {
    const { sort, jobs: prev } = this;
    const keyOf = COLUMNS[sort.column].key;
    const drops: number[] = [];
    for (const old of change.dropped) {
      const at = this._lowerBound(keyOf(old), idKey(old.id), old);
      if (prev[at] !== old) {
        return SortedJobs.sort(source, sort); // not this list's record after all
      }
      drops.push(at);
    }
    drops.sort((x, y) => x - y);
    const add = sortWithKeys(change.added, sort);
    const added = add.jobs;
    const at = added.map((job, k) =>
      this._lowerBound(add.keys[k], add.ids[k], job)
    );

    const size = prev.length - drops.length + added.length;
    const jobs = splice(prev, drops, at, added, new Array<IJob>(size));
    const next = new SortedJobs(
      source,
      sort,
      jobs,
      splice(this._keys, drops, at, add.keys, new Array<SortKey>(size)),
      splice(this._ids, drops, at, add.ids, new Array<number>(size))
    );
    if (this._counts) {
      const counts = new Map(this._counts);
      for (const old of change.dropped) {
        counts.set(old.state, (counts.get(old.state) ?? 0) - 1);
      }
      for (const job of added) {
        counts.set(job.state, (counts.get(job.state) ?? 0) + 1);
      }
      next._counts = counts;
    }
    const texts = this._texts;
    const columns = this._textColumns;
    const addTexts = texts ? added.map(job => searchText(job, columns)) : null;
    if (texts && addTexts) {
      next._texts = splice(texts, drops, at, addTexts, new Array(size));
      next._textColumns = columns;
    }
    const match = this._match;
    if (match) {
      const { terms, state } = match;
      const addFlags = added.map((job, k) =>
        matches(job, addTexts ? addTexts[k] : '', terms, state) ? 1 : 0
      );
      const flags = splice(
        match.flags,
        drops,
        at,
        addFlags,
        new Uint8Array(size)
      );
      const rows: IJob[] = [];
      for (let k = 0; k < size; k++) {
        if (flags[k]) {
          rows.push(jobs[k]);
        }
      }
      next._match = { ...match, flags, rows };
    }
    return next;
  }

  /** The first row at or after (key, id, job) in this order. */
  private _lowerBound(key: SortKey, id: number, job: IJob): number {
    const sign = this.sort.descending ? -1 : 1;
    let lo = 0;
    let hi = this.jobs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(
        this._keys[mid],
        this._ids[mid],
        this.jobs[mid],
        key,
        id,
        job
      );
      if (sign * c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** How many rows have each raw state (few distinct among 100,000 jobs). */
  private _stateCounts(): Map<string, number> {
    if (!this._counts) {
      this._counts = new Map();
      for (const job of this.jobs) {
        this._counts.set(job.state, (this._counts.get(job.state) ?? 0) + 1);
      }
    }
    return this._counts;
  }

  private _counts: Map<string, number> | null = null;
  private _texts: string[] | null = null;
  private _textColumns: ReadonlyArray<ColumnId> = [];
  private _match: IMatch | null = null;
}

/**
 * `prev` without the indexes `drops` and with `added[k]` before `prev[at[k]]`
 * (both ascending), written into `out`.
 */
function splice<T, A extends { [index: number]: T }>(
  prev: ArrayLike<T>,
  drops: ReadonlyArray<number>,
  at: ReadonlyArray<number>,
  added: ArrayLike<T>,
  out: A
): A {
  const n = prev.length;
  let o = 0;
  let from = 0;
  let a = 0;
  let d = 0;
  for (;;) {
    const nextAt = a < at.length ? at[a] : n;
    const nextDrop = d < drops.length ? drops[d] : n;
    const end = nextAt < nextDrop ? nextAt : nextDrop;
    for (let k = from; k < end; k++) {
      out[o++] = prev[k];
    }
    from = end;
    if (a < at.length && at[a] === from) {
      out[o++] = added[a++];
    } else if (d < drops.length && drops[d] === from) {
      d++;
      from++;
    } else {
      return out;
    }
  }
}

function matches(
  job: IJob,
  text: string,
  terms: ReadonlyArray<string>,
  state: string
): boolean {
  if (state && baseState(job.state) !== state) {
    return false;
  }
  for (const term of terms) {
    if (!text.includes(term)) {
      return false;
    }
  }
  return true;
}

/** What the filter flags were computed for. */
function queryKey(
  terms: string[],
  state: string,
  columns: ReadonlyArray<ColumnId>
): string {
  return JSON.stringify([terms, state, columns]);
}

function sameSort(a: ISort, b: ISort): boolean {
  return a.column === b.column && a.descending === b.descending;
}

function sameColumns(
  a: ReadonlyArray<ColumnId>,
  b: ReadonlyArray<ColumnId>
): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
