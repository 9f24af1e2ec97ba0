import { Instruction } from "./instruction.js";

/**
 * Decoded instructions kept per physical RAM page, keyed by host RAM index, so hot code is
 * decoded once (the first step towards a block-translation tier, which would key its blocks the
 * same way). A page holding cached code is marked in `codePages`; every write to RAM checks the
 * mark and drops the page's decodings (self-modifying code). The CPU also drops everything on VM
 * entry, because the host may have written guest RAM directly in between.
 */
export class DecodedCache {
  /** One flag per 4 KiB RAM page: 1 when decodings of that page are cached. */
  readonly codePages: Uint8Array;
  private readonly pages: (Instruction[] | undefined)[];
  private readonly cachedPages: number[] = [];
  /**
   * Bumped whenever cached code or the way linear addresses reach it may have changed (page
   * invalidation, TLB flush, CPL change); instruction-to-instruction links of older epochs are
   * ignored.
   */
  epoch = 0;

  constructor(ramBytes: number) {
    const count = Math.ceil(ramBytes / 4096);
    this.codePages = new Uint8Array(count);
    this.pages = new Array<Instruction[] | undefined>(count).fill(undefined);
  }

  /** The cached decoding at host index `host` for the given code size, if any. */
  lookup(host: number, code32: boolean): Instruction | undefined {
    const page = this.pages[host >>> 12];
    if (page === undefined) return undefined;
    const insn = page[host & 0xfff];
    return insn !== undefined && insn.code32 === code32 ? insn : undefined;
  }

  /** A fresh record to decode into, stored at `host` once the caller has filled it. */
  store(host: number, insn: Instruction): void {
    const index = host >>> 12;
    let page = this.pages[index];
    if (page === undefined) {
      page = new Array<Instruction>(4096);
      this.pages[index] = page;
      this.codePages[index] = 1;
      this.cachedPages.push(index);
    }
    page[host & 0xfff] = insn;
  }

  /** Drops the decodings of one RAM page (it was written). */
  invalidatePage(index: number): void {
    this.epoch++;
    this.pages[index] = undefined;
    this.codePages[index] = 0;
  }

  /** Drops everything. */
  flush(): void {
    this.epoch++;
    for (const index of this.cachedPages) this.invalidatePage(index);
    this.cachedPages.length = 0;
  }
}

/** Allocates a record for the cache. */
export function newInstruction(): Instruction {
  return new Instruction();
}
