/**
 * The reservation trees of `guest_memory.c` as a sorted interval list: non-overlapping
 * half-open ranges, point lookup, exact-match removal. Binary search keeps lookups O(log n).
 */

/** One entry: a half-open range [addr, addr + size) with its payload. */
export interface ResTreeNode<T> {
  /** Start of the range. */
  readonly addr: number;
  /** Size of the range in bytes (never 0). */
  readonly size: number;
  /** What the range holds. */
  readonly data: T;
}

/** Non-overlapping ranges sorted by start. */
export class ResTree<T> {
  readonly #nodes: ResTreeNode<T>[] = [];

  /** Number of ranges. */
  get length(): number {
    return this.#nodes.length;
  }

  /** All ranges in address order. */
  entries(): readonly ResTreeNode<T>[] {
    return this.#nodes;
  }

  /** Index of the first node whose end is above `addr`. */
  #lowerBound(addr: number): number {
    let lo = 0;
    let hi = this.#nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const n = this.#nodes[mid]!;
      if (n.addr + n.size <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts [addr, addr+size); false if it is empty or intersects an existing range. */
  insert(addr: number, size: number, data: T): boolean {
    if (!(size > 0)) return false;
    const i = this.#lowerBound(addr);
    const next = this.#nodes[i];
    if (next !== undefined && next.addr < addr + size) return false;
    this.#nodes.splice(i, 0, { addr, size, data });
    return true;
  }

  /** The node containing `addr`, or null. */
  find(addr: number): ResTreeNode<T> | null {
    const n = this.#nodes[this.#lowerBound(addr)];
    return n !== undefined && n.addr <= addr ? n : null;
  }

  /** Removes the node with exactly this start and size; false if there is none. */
  remove(addr: number, size: number): boolean {
    const i = this.#lowerBound(addr);
    const n = this.#nodes[i];
    if (n === undefined || n.addr !== addr || n.size !== size) return false;
    this.#nodes.splice(i, 1);
    return true;
  }
}
