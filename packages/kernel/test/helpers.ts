/** Test helpers: boot a kernel with a root task and collect what it observed. */
import type { Sel4_AArch64, Sel4_X86_64, seL4_BootInfo } from "@sel4/sel4";
import { Kernel, type KernelConfig } from "../src/index.js";

/** Either configuration's Sel4. */
export type AnySel4 = Sel4_AArch64 | Sel4_X86_64;

/** Boots, runs the root task until the system is idle, rethrows a root-task exception. */
export async function runRoot(
  config: KernelConfig,
  task: (sel4: AnySel4, bi: seL4_BootInfo, kernel: Kernel) => Promise<void>,
  setup?: (kernel: Kernel) => void,
): Promise<Kernel> {
  const kernel = new Kernel({ ramSize: 64 * 2 ** 20, ...config });
  setup?.(kernel);
  await kernel.run((sel4, bi) => task(sel4, bi, kernel));
  if (kernel.threadErrors.length > 0) throw kernel.threadErrors[0]!.error;
  return kernel;
}

/** The first non-device untyped of at least 2^bits bytes. */
export function ramUntyped(bi: seL4_BootInfo, bits = 20): number {
  const i = bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= bits);
  if (i < 0) throw new Error("no RAM untyped");
  return bi.untyped.start + i;
}

/** A slot allocator over the empty region. */
export function slots(bi: seL4_BootInfo): () => number {
  let next = bi.empty.start;
  return () => next++;
}
