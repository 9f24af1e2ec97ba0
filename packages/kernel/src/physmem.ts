/** Error thrown by {@link PhysicalMemory} for an access outside every RAM and device region. */
export class PhysicalAddressError extends Error {
  /** The first byte of the failed access. */
  readonly paddr: number;
  /** Creates the error for an access at `paddr` of `length` bytes. */
  constructor(paddr: number, length: number) {
    super(`physical access of ${length} byte(s) at 0x${paddr.toString(16)} is outside memory`);
    this.name = "PhysicalAddressError";
    this.paddr = paddr;
  }
}

/** A region of the physical address map. */
export interface PhysicalRegion {
  /** First byte. */
  readonly base: number;
  /** Size in bytes. */
  readonly size: number;
}

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;

/**
 * Sparse physical memory: 4 KiB pages are allocated on first write; untouched memory reads as
 * zeros and costs nothing, so a machine with gigabytes of RAM is free until used.
 *
 * @remarks
 * Both RAM and device regions are backed the same way (device registers that behave are the
 * business of device models, which sit above this store). Accesses outside every region throw
 * {@link PhysicalAddressError}: that is a programming error of a loader or test, never reachable
 * from a thread, whose accesses the kernel checks against capabilities first.
 */
export class PhysicalMemory {
  private readonly pages = new Map<number, Uint8Array>();
  /** The region of the latest successful bounds check (accesses cluster). */
  private lastRegion: PhysicalRegion | null = null;
  /** Word-access views of pages, dropped with their page. */
  private readonly views = new WeakMap<Uint8Array, DataView>();
  /** Ranges backed by one contiguous buffer (see {@link PhysicalMemory.contiguous}). */
  private readonly spans: {
    readonly first: number;
    readonly count: number;
    readonly bytes: Uint8Array;
  }[] = [];
  /** The regions that exist (RAM and device), sorted by base. */
  readonly regions: readonly PhysicalRegion[];

  /** Creates the memory for the given regions. */
  constructor(regions: readonly PhysicalRegion[]) {
    this.regions = [...regions].sort((a, b) => a.base - b.base);
  }

  /** Number of 4 KiB pages currently backed by host memory. */
  get residentPages(): number {
    return this.pages.size;
  }

  /** True if `[paddr, paddr + length)` lies inside one region. */
  contains(paddr: number, length: number): boolean {
    if (!Number.isSafeInteger(paddr) || !Number.isSafeInteger(length) || paddr < 0 || length < 0) {
      return false;
    }
    const last = this.lastRegion;
    if (last !== null && paddr >= last.base && paddr + length <= last.base + last.size) return true;
    for (const r of this.regions) {
      if (paddr >= r.base && paddr + length <= r.base + r.size) {
        this.lastRegion = r;
        return true;
      }
    }
    return false;
  }

  /**
   * Backs the page-aligned range `[base, base + size)` of one region with a single contiguous
   * buffer and returns it (byte `i` is physical address `base + i`), for CPU emulators that need
   * guest RAM as one array. Pages already written are copied in; later accesses go to the buffer.
   * The host allocates the buffer lazily, so untouched memory still costs nothing.
   */
  contiguous(base: number, size: number): Uint8Array {
    const existing = this.spans.find(
      (s) => s.first * PAGE_SIZE === base && s.count * PAGE_SIZE === size,
    );
    if (existing) return existing.bytes;
    if (base % PAGE_SIZE !== 0 || size % PAGE_SIZE !== 0 || size === 0) {
      throw new RangeError("contiguous: base and size must be page multiples");
    }
    this.check(base, size);
    const first = base / PAGE_SIZE;
    const count = size / PAGE_SIZE;
    if (this.spans.some((s) => first < s.first + s.count && s.first < first + count)) {
      throw new RangeError("contiguous: overlaps an existing contiguous range");
    }
    const bytes = new Uint8Array(size);
    for (const [pageNo, page] of this.pages) {
      if (pageNo < first || pageNo >= first + count) continue;
      const view = bytes.subarray((pageNo - first) * PAGE_SIZE, (pageNo - first + 1) * PAGE_SIZE);
      view.set(page);
      this.pages.set(pageNo, view);
    }
    this.spans.push({ first, count, bytes });
    return bytes;
  }

  /** A fresh zeroed page: a view into a contiguous span when one covers it. */
  private newPage(pageNo: number): Uint8Array {
    for (const s of this.spans) {
      if (pageNo >= s.first && pageNo < s.first + s.count) {
        const off = (pageNo - s.first) * PAGE_SIZE;
        return s.bytes.subarray(off, off + PAGE_SIZE);
      }
    }
    return new Uint8Array(PAGE_SIZE);
  }

  /**
   * The bytes of a page for reading: the page map, or the contiguous span covering it (an
   * emulator may have written the span directly without the page ever entering the map).
   */
  private resident(pageNo: number): Uint8Array | undefined {
    const page = this.pages.get(pageNo);
    if (page !== undefined || this.spans.length === 0) return page;
    for (const s of this.spans) {
      if (pageNo >= s.first && pageNo < s.first + s.count) {
        const off = (pageNo - s.first) * PAGE_SIZE;
        return s.bytes.subarray(off, off + PAGE_SIZE);
      }
    }
    return undefined;
  }

  /** A DataView over a page, made once per page (word accesses are the IPC hot path). */
  private view(page: Uint8Array): DataView {
    let v = this.views.get(page);
    if (v === undefined) {
      v = new DataView(page.buffer, page.byteOffset, page.byteLength);
      this.views.set(page, v);
    }
    return v;
  }

  private check(paddr: number, length: number): void {
    if (!this.contains(paddr, length)) throw new PhysicalAddressError(paddr, length);
  }

  /**
   * The host bytes backing the 4 KiB page that contains `paddr`, allocated now if untouched:
   * for CPU emulators that cache guest pages (writes through the view are memory writes).
   */
  page(paddr: number): Uint8Array {
    this.check(paddr, 1);
    const pageNo = Math.floor(paddr / PAGE_SIZE);
    let page = this.pages.get(pageNo);
    if (!page) {
      page = this.newPage(pageNo);
      this.pages.set(pageNo, page);
    }
    return page;
  }

  /** Copies `length` bytes starting at `paddr` out of memory. */
  read(paddr: number, length: number): Uint8Array {
    this.check(paddr, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const addr = paddr + done;
      const pageNo = Math.floor(addr / PAGE_SIZE);
      const offset = addr - pageNo * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - offset, length - done);
      const page = this.resident(pageNo);
      if (page) out.set(page.subarray(offset, offset + n), done);
      done += n;
    }
    return out;
  }

  /** Copies `bytes` into memory at `paddr`. */
  write(paddr: number, bytes: Uint8Array): void {
    this.check(paddr, bytes.length);
    let done = 0;
    while (done < bytes.length) {
      const addr = paddr + done;
      const pageNo = Math.floor(addr / PAGE_SIZE);
      const offset = addr - pageNo * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - offset, bytes.length - done);
      let page = this.pages.get(pageNo);
      if (!page) {
        page = this.newPage(pageNo);
        this.pages.set(pageNo, page);
      }
      page.set(bytes.subarray(done, done + n), offset);
      done += n;
    }
  }

  /** Reads a little-endian 64-bit word (`paddr` must be 8-byte aligned). */
  readWord(paddr: number): bigint {
    this.check(paddr, 8);
    const pageNo = Math.floor(paddr / PAGE_SIZE);
    const page = this.resident(pageNo);
    if (!page) return 0n;
    const offset = paddr - pageNo * PAGE_SIZE;
    if (offset + 8 > PAGE_SIZE)
      return new DataView(this.read(paddr, 8).buffer).getBigUint64(0, true);
    return this.view(page).getBigUint64(offset, true);
  }

  /** Writes a little-endian 64-bit word (the value is taken modulo 2^64). */
  writeWord(paddr: number, value: bigint): void {
    this.check(paddr, 8);
    const pageNo = Math.floor(paddr / PAGE_SIZE);
    const offset = paddr - pageNo * PAGE_SIZE;
    if (offset + 8 > PAGE_SIZE) {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
      this.write(paddr, bytes);
      return;
    }
    let page = this.pages.get(pageNo);
    if (!page) {
      if (value === 0n) return;
      page = this.newPage(pageNo);
      this.pages.set(pageNo, page);
    }
    this.view(page).setBigUint64(offset, BigInt.asUintN(64, value), true);
  }

  /** Zeroes `[paddr, paddr + length)`; whole pages are released back to "untouched". */
  zero(paddr: number, length: number): void {
    this.check(paddr, length);
    const end = paddr + length;
    const firstPage = Math.floor(paddr / PAGE_SIZE);
    const lastPage = Math.floor((end - 1) / PAGE_SIZE);
    if (length === 0) return;
    // Contiguous spans may hold bytes written around the page map: clear their overlap directly.
    for (const sp of this.spans) {
      const spanStart = sp.first * PAGE_SIZE;
      const from = Math.max(paddr, spanStart);
      const to = Math.min(end, spanStart + sp.count * PAGE_SIZE);
      if (from < to) sp.bytes.fill(0, from - spanStart, to - spanStart);
    }
    // Walk whichever is smaller: the resident pages or the page range.
    if (this.pages.size < lastPage - firstPage + 1) {
      for (const [pageNo, page] of this.pages) {
        if (pageNo < firstPage || pageNo > lastPage) continue;
        this.zeroInPage(pageNo, page, paddr, end);
      }
    } else {
      for (let pageNo = firstPage; pageNo <= lastPage; pageNo++) {
        const page = this.pages.get(pageNo);
        if (page) this.zeroInPage(pageNo, page, paddr, end);
      }
    }
  }

  private zeroInPage(pageNo: number, page: Uint8Array, start: number, end: number): void {
    const pageStart = pageNo * PAGE_SIZE;
    const from = Math.max(start, pageStart) - pageStart;
    const to = Math.min(end, pageStart + PAGE_SIZE) - pageStart;
    // A page of a contiguous span is a view: its bytes must really become zero.
    page.fill(0, from, to);
    if (from === 0 && to === PAGE_SIZE) this.pages.delete(pageNo);
  }
}
