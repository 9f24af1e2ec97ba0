// Map + unmap of 4 KiB pages per second through the sel4utils vspace of a root task on the kernel
// model. Each iteration boots a kernel, allocates 64 frames and maps/unmaps each 64 times (4096
// pairs); "setup only" is the baseline to subtract: pairs per second = 4096 / (iteration - setup).
import { bootstrap_use_current_simple } from "@sel4/allocman";
import { Kernel } from "@sel4/kernel";
import { type Sel4, type seL4_BootInfo, seL4_ReadWrite } from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import { vka_alloc_frame } from "@sel4/vka";
import { bench, describe } from "vitest";
import { sel4utils_bootstrap_vspace_with_bootinfo, VSPACE_PRESERVE } from "../src/index.js";

const FRAMES = 64;
const ROUNDS = 64;

async function inRoot(body: (sel4: Sel4, bi: seL4_BootInfo) => void): Promise<void> {
  const kernel = new Kernel({ arch: "aarch64", ramSize: 64 * 2 ** 20 });
  await kernel.run(async (sel4, bi) => body(sel4, bi));
  if (kernel.threadErrors.length > 0) throw kernel.threadErrors[0]!.error;
}

function setup(sel4: Sel4, bi: seL4_BootInfo) {
  const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
  const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, {
    image_start: 0x40_0000,
    bootinfo_vaddr: 0x40_2000,
  });
  const frames = Array.from({ length: FRAMES }, () => vka_alloc_frame(vka, 12).object.cptr);
  const res = vs.reserve_range_at(0x2000_0000, FRAMES * 4096, seL4_ReadWrite, true)!;
  return { vs, frames, res };
}

describe("vspace map + unmap of 4 KiB pages (aarch64, 4096 pairs per iteration)", () => {
  bench("setup only (baseline)", async () => {
    await inRoot((sel4, bi) => {
      setup(sel4, bi);
    });
  });
  bench("map_pages_at_vaddr + unmap_pages", async () => {
    await inRoot((sel4, bi) => {
      const { vs, frames, res } = setup(sel4, bi);
      for (let r = 0; r < ROUNDS; r++) {
        for (const [i, cap] of frames.entries()) {
          if (vs.map_pages_at_vaddr([cap], null, 0x2000_0000 + i * 4096, 1, 12, res) !== 0)
            throw new Error("map failed");
        }
        vs.unmap_pages(0x2000_0000, FRAMES, 12, VSPACE_PRESERVE);
      }
    });
  });
});
