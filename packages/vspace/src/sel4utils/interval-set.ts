/** A sorted set of disjoint half-open intervals with a value each, searched by binary search. */

/** One interval [start, end) and its value. */
export interface Interval<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

/** Disjoint intervals kept sorted by start. */
export class IntervalSet<T> {
  private readonly items: Interval<T>[] = [];

  /** Number of intervals. */
  get size(): number {
    return this.items.length;
  }

  /** Every interval, ascending. */
  all(): readonly Interval<T>[] {
    return this.items;
  }

  /** Index of the first interval whose end is above `addr`. */
  private firstEndingAfter(addr: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first interval overlapping [start, end), or `null`. */
  firstOverlap(start: number, end: number): Interval<T> | null {
    const i = this.items[this.firstEndingAfter(start)];
    return i && i.start < end ? i : null;
  }

  /** Every interval overlapping [start, end). */
  overlapping(start: number, end: number): Interval<T>[] {
    const out: Interval<T>[] = [];
    for (
      let i = this.firstEndingAfter(start);
      i < this.items.length && this.items[i]!.start < end;
      i++
    )
      out.push(this.items[i]!);
    return out;
  }

  /** The interval containing `addr`, or `null`. */
  containing(addr: number): Interval<T> | null {
    return this.firstOverlap(addr, addr + 1);
  }

  /** Inserts an interval that overlaps none; returns false (and changes nothing) if it overlaps. */
  insert(interval: Interval<T>): boolean {
    const i = this.firstEndingAfter(interval.start);
    const next = this.items[i];
    if (next && next.start < interval.end) return false;
    this.items.splice(i, 0, interval);
    return true;
  }

  /** Removes the interval starting exactly at `start`; returns it or `null`. */
  remove(start: number): Interval<T> | null {
    const i = this.firstEndingAfter(start);
    const item = this.items[i];
    if (!item || item.start !== start) return null;
    this.items.splice(i, 1);
    return item;
  }
}
