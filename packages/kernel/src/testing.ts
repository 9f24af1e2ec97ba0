/**
 * Helpers for tests of code that runs on the kernel model (`@sel4/kernel/testing`): run a root
 * task on a fresh kernel and insist that it finished, that no thread died with a host error, and
 * that the kernel's invariants hold afterwards. Framework-neutral: failures are thrown.
 *
 * @packageDocumentation
 */
import type { Sel4, seL4_BootInfo } from "@sel4/sel4";
import type { Arch } from "./abi.js";
import { Kernel } from "./kernel.js";

/** A failed {@link inRootTask} check: the root task did not finish, a thread died, or an invariant broke. */
export class RootTaskCheckError extends Error {
  override readonly name = "RootTaskCheckError";
}

/**
 * Boots a fresh kernel model for `arch` with `ramSize` bytes of RAM and runs `body` as its root
 * task. Rethrows what `body` throws; throws {@link RootTaskCheckError} when the root task did not
 * run to its end, when any thread's program failed, or when `checkInvariants` reports violations.
 * Returns the kernel for further inspection.
 */
export async function inRootTask(
  arch: Arch,
  body: (sel4: Sel4, bootInfo: seL4_BootInfo, kernel: Kernel) => void | Promise<void>,
  ramSize = 64 * 2 ** 20,
): Promise<Kernel> {
  const kernel = new Kernel({ arch, ramSize });
  let failure: { error: unknown } | null = null;
  let finished = false;
  await kernel.run(async (sel4, bootInfo) => {
    try {
      await body(sel4, bootInfo, kernel);
      finished = true;
    } catch (error) {
      failure = { error };
    }
  });
  if (failure !== null) throw (failure as { error: unknown }).error;
  if (!finished) throw new RootTaskCheckError("the root task did not run to its end");
  if (kernel.threadErrors.length > 0) {
    const first = kernel.threadErrors[0]!.error;
    throw new RootTaskCheckError(
      `${kernel.threadErrors.length} thread(s) failed; first: ${String(first)}`,
      { cause: first },
    );
  }
  const violations = kernel.checkInvariants();
  if (violations.length > 0) {
    throw new RootTaskCheckError(`kernel invariants broken: ${JSON.stringify(violations)}`);
  }
  return kernel;
}

/** The first RAM (non-device) untyped of at least `minBits`: its cap, physical address, size. */
export function firstRamUntyped(
  bootInfo: seL4_BootInfo,
  minBits = 12,
): { cap: number; paddr: number; sizeBits: number } {
  const i = bootInfo.untypedList.findIndex((u) => u.isDevice === 0 && u.sizeBits >= minBits);
  if (i < 0) throw new RootTaskCheckError(`no RAM untyped of ${minBits} bits or more`);
  const u = bootInfo.untypedList[i]!;
  return { cap: bootInfo.untyped.start + i, paddr: u.paddr, sizeBits: u.sizeBits };
}

export type { Arch };
