/**
 * The software TLB: direct-mapped, one set per (access kind, privilege). An entry maps a virtual
 * page (both 32-bit halves as tag) straight to host RAM, combining stage 1 and stage 2, so a hit
 * is one compare and one DataView access.
 */

/** Entries per set (a power of two). */
export const TLB_SIZE = 512;
/** Set numbers: read/write/fetch at EL0 and EL1. */
export const TlbSet = {
  ReadEl0: 0,
  ReadEl1: 1,
  WriteEl0: 2,
  WriteEl1: 3,
  FetchEl0: 4,
  FetchEl1: 5,
} as const;
const SETS = 6;

/** A tag no page address can have (page addresses have their low 12 bits clear). */
export const INVALID_TAG = 1;

/** The TLB arrays, owned by one CPU. */
export class SoftTlb {
  /** Low half of the virtual page address (low 12 bits clear) per entry. */
  readonly tagLo = new Int32Array(TLB_SIZE * SETS).fill(INVALID_TAG);
  /** High half of the virtual address per entry. */
  readonly tagHi = new Int32Array(TLB_SIZE * SETS);
  /** Byte offset of the page inside `view` per entry. */
  readonly base = new Int32Array(TLB_SIZE * SETS);
  /** Host RAM view per entry. */
  readonly view: DataView[];

  constructor(placeholder: DataView) {
    this.view = new Array<DataView>(TLB_SIZE * SETS).fill(placeholder);
  }

  /** Index of the entry for virtual page `lo` in `set`. */
  static index(set: number, lo: number): number {
    return set * TLB_SIZE + ((lo >>> 12) & (TLB_SIZE - 1));
  }

  /** Forget every entry. */
  flush(): void {
    this.tagLo.fill(INVALID_TAG);
  }

  /** Install a mapping of virtual page (lo, hi) in `set`. */
  fill(set: number, lo: number, hi: number, view: DataView, base: number): void {
    const i = SoftTlb.index(set, lo);
    this.tagLo[i] = lo & -4096;
    this.tagHi[i] = hi;
    this.view[i] = view;
    this.base[i] = base;
  }
}
