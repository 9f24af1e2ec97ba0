// Allocations + frees per second of each allocator, in a root task on the kernel model. Each
// iteration boots a kernel and runs OPS allocate/free pairs; the "boot only" row is the baseline
// to subtract: pairs per second = OPS / (iteration time - boot time).
import { Kernel } from "@sel4/kernel";
import type { Sel4, seL4_BootInfo } from "@sel4/sel4";
import { simple_default_init_bootinfo, type simple_t } from "@sel4/simple";
import {
  type VkaAllocResult,
  vka_alloc_endpoint,
  vka_alloc_frame,
  vka_free_object,
  type vka_t,
} from "@sel4/vka";
import { bench, describe } from "vitest";
import { bootstrap_bump_allocator, bootstrap_use_current_simple } from "../src/index.js";

const OPS = 1000;

async function inRoot(body: (sel4: Sel4, bi: seL4_BootInfo) => void): Promise<void> {
  const kernel = new Kernel({ arch: "aarch64", ramSize: 64 * 2 ** 20 });
  await kernel.run(async (sel4, bi) => body(sel4, bi));
  if (kernel.threadErrors.length > 0) throw kernel.threadErrors[0]!.error;
}

function cycles(vka: vka_t, alloc: (vka: vka_t) => VkaAllocResult): void {
  for (let i = 0; i < OPS; i++) {
    const r = alloc(vka);
    if (r.error !== 0) throw new Error(`allocation failed: ${r.error}`);
    vka_free_object(vka, r.object);
  }
}

const allocators = {
  allocman: (s: simple_t) => bootstrap_use_current_simple(s),
  "allocman (lazy)": (s: simple_t) => bootstrap_use_current_simple(s, { coalesce: "lazy" }),
  bump: bootstrap_bump_allocator,
};

describe("vka alloc + free (aarch64, 1000 pairs per iteration)", () => {
  bench("boot only (baseline)", async () => {
    await inRoot((sel4, bi) => {
      bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
    });
  });
  for (const [name, make] of Object.entries(allocators)) {
    bench(`${name}: 4 KiB frame`, async () => {
      await inRoot((sel4, bi) =>
        cycles(make(simple_default_init_bootinfo(sel4, bi)), (v) => vka_alloc_frame(v, 12)),
      );
    });
    bench(`${name}: endpoint`, async () => {
      await inRoot((sel4, bi) =>
        cycles(make(simple_default_init_bootinfo(sel4, bi)), vka_alloc_endpoint),
      );
    });
  }
});
