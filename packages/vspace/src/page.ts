/** Page sizes of each configuration (`vspace/page.h`). */
import { type Sel4Config, seL4_HugePageBits, seL4_LargePageBits, seL4_PageBits } from "@sel4/sel4";

/** The frame sizes (log2 bytes) of `config`, ascending (`sel4_page_sizes`). */
export function sel4_page_sizes(_config: Sel4Config): readonly number[] {
  return [seL4_PageBits, seL4_LargePageBits, seL4_HugePageBits];
}

/** Whether `size_bits` is a frame size of `config` (`sel4_valid_size_bits`). */
export function sel4_valid_size_bits(config: Sel4Config, size_bits: number): boolean {
  return sel4_page_sizes(config).includes(size_bits);
}

/** The largest frame size not above `bytes`, or the smallest size (`sel4_page_size_bits_for_memory_region`). */
export function sel4_page_size_bits_for_memory_region(config: Sel4Config, bytes: number): number {
  const sizes = sel4_page_sizes(config);
  let best = sizes[0]!;
  for (const s of sizes) if (2 ** s <= bytes) best = s;
  return best;
}
