/**
 * The guest's own (stage-1) translation, to fetch the faulting instruction when the guest MMU is
 * on: AArch64 EL1 translation regime, 4 KiB granule, TTBR0/TTBR1 selected by VA bit 55, any start
 * level the TxSZ implies, table/block/page descriptors. 16 and 64 KiB granules are not handled.
 */

/** The guest system registers the walk reads (VCPU registers). */
export interface Stage1Regs {
  /** SCTLR_EL1 (bit 0: MMU on). */
  readonly sctlr: bigint;
  /** TCR_EL1. */
  readonly tcr: bigint;
  /** TTBR0_EL1. */
  readonly ttbr0: bigint;
  /** TTBR1_EL1. */
  readonly ttbr1: bigint;
}

const OA_MASK = 0x0000_ffff_ffff_f000n;

/**
 * Translates guest virtual address `va` to a guest-physical address, reading descriptors with
 * `read64` (null = unreadable). Returns null on any translation fault or unsupported setting.
 */
export function stage1_translate(
  regs: Stage1Regs,
  va: bigint,
  read64: (ipa: number) => bigint | null,
): number | null {
  if ((regs.sctlr & 1n) === 0n) return va < 1n << 48n ? Number(va) : null;
  const upper = ((va >> 55n) & 1n) === 1n;
  const tcr = regs.tcr;
  const txsz = Number(upper ? (tcr >> 16n) & 0x3fn : tcr & 0x3fn);
  const tg = Number(upper ? (tcr >> 30n) & 3n : (tcr >> 14n) & 3n);
  const epd = upper ? (tcr >> 23n) & 1n : (tcr >> 7n) & 1n;
  const tbi = upper ? (tcr >> 38n) & 1n : (tcr >> 37n) & 1n;
  if (tg !== (upper ? 2 : 0) || epd === 1n || txsz < 16 || txsz > 39) return null;
  const inputSize = 64 - txsz;
  // Bits above the input size must all equal bit 55 (ignoring the top byte with TBI).
  const top = tbi === 1n ? 56 : 64;
  for (let b = inputSize; b < top; b++) {
    if (((va >> BigInt(b)) & 1n) !== (upper ? 1n : 0n)) return null;
  }
  let level = 4 - Math.ceil((inputSize - 12) / 9);
  let table = (upper ? regs.ttbr1 : regs.ttbr0) & 0x0000_ffff_ffff_fffen;
  for (;;) {
    const shift = 12 + 9 * (3 - level);
    const bits = level === 4 - Math.ceil((inputSize - 12) / 9) ? inputSize - shift : 9;
    const index = (va >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n);
    const desc = read64(Number(table + index * 8n));
    if (desc === null || (desc & 1n) === 0n) return null;
    const isTable = (desc & 2n) === 2n;
    if (level === 3) {
      if (!isTable) return null; // level-3 "block" encoding is reserved
      return Number((desc & OA_MASK) | (va & 0xfffn));
    }
    if (!isTable) {
      if (level === 0) return null; // no level-0 blocks with 4 KiB pages
      const size = 1n << BigInt(shift);
      return Number((desc & OA_MASK & ~(size - 1n)) | (va & (size - 1n)));
    }
    table = desc & OA_MASK;
    level++;
  }
}
