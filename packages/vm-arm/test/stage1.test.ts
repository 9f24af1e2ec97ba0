import { describe, expect, it } from "vitest";
import { stage1_translate } from "../src/index.js";

/** Guest RAM holding page tables, as descriptors by address. */
function memory() {
  const words = new Map<number, bigint>();
  return {
    set: (table: number, index: number, desc: bigint) => words.set(table + index * 8, desc),
    read: (ipa: number) => words.get(ipa) ?? 0n,
  };
}

const TABLE = 3n;
const PAGE = 3n;
const BLOCK = 1n;

describe("stage-1 translation (4 KiB granule)", () => {
  it("MMU off: VA is the IPA", () => {
    expect(
      stage1_translate({ sctlr: 0n, tcr: 0n, ttbr0: 0n, ttbr1: 0n }, 0x4008_0000n, () => null),
    ).toBe(0x4008_0000);
  });

  it("48-bit TTBR0 walk through four levels to a page, and a 2 MiB block", () => {
    const m = memory();
    const va = 0x0000_1234_5678_9abcn;
    const idx = (l: number) => Number((va >> BigInt(39 - 9 * l)) & 0x1ffn);
    m.set(0x1000, idx(0), 0x2000n | TABLE);
    m.set(0x2000, idx(1), 0x3000n | TABLE);
    m.set(0x3000, idx(2), 0x4000n | TABLE);
    m.set(0x4000, idx(3), 0x4567_8000n | PAGE | (1n << 10n));
    const regs = { sctlr: 1n, tcr: 16n, ttbr0: 0x1000n, ttbr1: 0n };
    expect(stage1_translate(regs, va, m.read)).toBe(0x4567_8abc);
    m.set(0x3000, idx(2), 0x4060_0000n | BLOCK);
    expect(stage1_translate(regs, va, m.read)).toBe(0x4060_0000 + Number(va & 0x1f_ffffn));
    m.set(0x3000, idx(2), 0n);
    expect(stage1_translate(regs, va, m.read)).toBeNull();
  });

  it("39-bit TTBR1 (kernel addresses) starting at level 1, with a 1 GiB block", () => {
    const m = memory();
    const va = 0xffff_ffc0_1234_5678n; // T1SZ = 25
    const l1 = Number((va >> 30n) & 0x1ffn);
    m.set(0x8000, l1, 0x4000_0000n | BLOCK);
    const regs = { sctlr: 1n, tcr: (25n << 16n) | (2n << 30n) | 25n, ttbr0: 0n, ttbr1: 0x8000n };
    expect(stage1_translate(regs, va, m.read)).toBe(0x4000_0000 + 0x1234_5678);
    // An address outside the TTBR1 range, a TTBR0 address in a region EPD0 disables.
    expect(stage1_translate(regs, 0xff00_0000_0000_0000n, m.read)).toBeNull();
    expect(stage1_translate({ ...regs, tcr: regs.tcr | (1n << 7n) }, 0x1000n, m.read)).toBeNull();
  });

  it("refuses 16/64 KiB granules, level-0 blocks and reserved level-3 entries", () => {
    const m = memory();
    expect(
      stage1_translate(
        { sctlr: 1n, tcr: 16n | (1n << 14n), ttbr0: 0x1000n, ttbr1: 0n },
        0x1000n,
        m.read,
      ),
    ).toBeNull();
    m.set(0x1000, 0, 0x4000_0000n | BLOCK);
    expect(
      stage1_translate({ sctlr: 1n, tcr: 16n, ttbr0: 0x1000n, ttbr1: 0n }, 0x1000n, m.read),
    ).toBeNull();
  });
});
