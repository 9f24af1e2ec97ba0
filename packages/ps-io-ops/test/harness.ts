// Test composition root: boots a fresh kernel model and runs `body` as its root task, then checks
// that the thread did not die and the kernel's invariants hold.
import { Kernel } from "@sel4/kernel";
import type { Sel4, seL4_BootInfo } from "@sel4/sel4";
import { expect } from "vitest";

export type Arch = "aarch64" | "x86_64";

export async function inRootTask(
  arch: Arch,
  body: (sel4: Sel4, bootInfo: seL4_BootInfo, kernel: Kernel) => void | Promise<void>,
  ramSize = 64 * 2 ** 20,
): Promise<Kernel> {
  const kernel = new Kernel({ arch, ramSize });
  let failure: unknown = null;
  let finished = false;
  await kernel.run(async (sel4, bootInfo) => {
    try {
      await body(sel4, bootInfo, kernel);
      finished = true;
    } catch (e) {
      failure = e;
    }
  });
  if (failure) throw failure;
  expect(finished).toBe(true);
  expect(kernel.threadErrors).toEqual([]);
  expect(kernel.checkInvariants()).toEqual([]);
  return kernel;
}

export function firstRamUntyped(
  bootInfo: seL4_BootInfo,
  minBits = 12,
): { cap: number; paddr: number; sizeBits: number } {
  const i = bootInfo.untypedList.findIndex((u) => u.isDevice === 0 && u.sizeBits >= minBits);
  const u = bootInfo.untypedList[i]!;
  return { cap: bootInfo.untyped.start + i, paddr: u.paddr, sizeBits: u.sizeBits };
}
