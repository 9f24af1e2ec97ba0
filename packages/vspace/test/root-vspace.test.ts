import { bootstrap_use_current_simple } from "@sel4/allocman";
import { type Arch, inRootTask } from "@sel4/kernel/testing";
import {
  type Sel4,
  type Sel4_AArch64,
  type Sel4_X86_64,
  seL4_AllRights,
  seL4_ReadWrite,
} from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import { vka_alloc_frame, vka_free_object } from "@sel4/vka";
import { describe, expect, it } from "vitest";
import {
  sel4utils_bootstrap_vspace_with_bootinfo,
  VSPACE_FREE,
  VSPACE_PRESERVE,
  vspace_free_sized_stack,
  vspace_new_pages_at_vaddr_with_config,
  vspace_new_sized_stack,
} from "../src/index.js";
import { probeTranslations } from "./probe.js";

function frameAddress(sel4: Sel4, cap: number): number {
  const r =
    sel4.config === "aarch64"
      ? (sel4 as Sel4_AArch64).seL4_ARM_Page_GetAddress(cap)
      : (sel4 as Sel4_X86_64).seL4_X86_Page_GetAddress(cap);
  expect(r.error).toBe(0);
  return r.paddr;
}

const layout = { image_start: 0x40_0000, bootinfo_vaddr: 0x40_2000 };

describe.each<Arch>(["aarch64", "x86_64"])("root-task vspace on %s", (arch) => {
  it("new_pages maps fresh frames the kernel translates to their physical addresses", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const objectsBefore = kernel.liveObjectCount;
      const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, layout);
      const v = vs.new_pages(seL4_ReadWrite, 3, 12)!;
      expect(v).toBeGreaterThanOrEqual(0x1000_0000);
      const paddrs = [0, 1, 2].map((i) => frameAddress(sel4, vs.get_cap(v + i * 4096)));
      for (const [i, p] of paddrs.entries())
        kernel.writePhysical(p, Uint8Array.of(0xa0 + i, 1, 2, 3));
      const probed = await probeTranslations(
        sel4,
        vka,
        kernel,
        {},
        [v, v + 4096 + 8, v + 8192, v + 3 * 4096],
        4,
      );
      expect(probed[0]).toEqual({ paddr: paddrs[0], bytes: Uint8Array.of(0xa0, 1, 2, 3) });
      expect(probed[1]!.paddr).toBe(paddrs[1]! + 8);
      expect(probed[2]!.bytes).toEqual(Uint8Array.of(0xa2, 1, 2, 3));
      expect(probed[3]!.paddr).toBeNull();
      // Near the image only the last-level table was missing.
      expect(vs.paging_objects.length).toBe(1);
      // A region far away needs every level below the root: 2 on AArch64 (3-level stage 2), 3 on x86_64.
      const far = arch === "aarch64" ? 0x80_0000_0000 : 0x100_0000_0000;
      const res = vs.reserve_range_at(far, 4096, seL4_ReadWrite, true)!;
      expect(vs.new_pages_at_vaddr(far, 1, 12, res, false)).toBe(0);
      expect(vs.paging_objects.length).toBe(arch === "aarch64" ? 3 : 4);
      const farProbe = await probeTranslations(sel4, vka, kernel, {}, [far + 16]);
      expect(farProbe[0]!.paddr).toBe(frameAddress(sel4, vs.get_cap(far)) + 16);
      vs.unmap_pages(v, 3, 12, VSPACE_FREE);
      expect((await probeTranslations(sel4, vka, kernel, {}, [v]))[0]!.paddr).toBeNull();
      vs.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
      expect(kernel.liveObjectCount).toBe(objectsBefore);
    });
  });

  it("maps and frees 2 MiB pages, including in tear_down (C bug #6b)", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, layout);
      const v = vs.new_pages(seL4_AllRights, 2, 21)!;
      expect(v % 2 ** 21).toBe(0);
      const p = frameAddress(sel4, vs.get_cap(v + 2 ** 21));
      const probed = await probeTranslations(sel4, vka, kernel, {}, [v + 2 ** 21 + 0x1234]);
      expect(probed[0]!.paddr).toBe(p + 0x1234);
      expect(vs.get_cookie(v + 5)).not.toBe(0);
      vs.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("keeps the task's image, IPC buffer and BootInfo out of reach", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, layout);
      expect(vs.reserve_range_at(bi.ipcBuffer, 4096, seL4_AllRights, true)).toBeNull();
      expect(vs.reserve_range_at(layout.image_start, 10, seL4_AllRights, true)).toBeNull();
      expect(
        vs.reserve_range_at(layout.bootinfo_vaddr + 100, 4096, seL4_AllRights, true),
      ).toBeNull();
      vs.free_reservation_by_vaddr(bi.ipcBuffer);
      expect(vs.reserve_range_at(bi.ipcBuffer, 4096, seL4_AllRights, true)).toBeNull();
      expect(
        vs.reserve_range_at(layout.bootinfo_vaddr + 4096, 4096, seL4_AllRights, true),
      ).not.toBeNull();
    });
  });

  it("reservations: overlap refused, mapping only inside and with the right rights mode", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, layout);
      const base = 0x2000_0000;
      const res = vs.reserve_range_at(base + 1, 0x3000, seL4_ReadWrite, true)!; // rounded out to [base, base+0x4000)
      expect(res).not.toBeNull();
      expect(vs.reserve_range_at(base + 0x3000, 0x1000, seL4_ReadWrite, true)).toBeNull();
      expect(vs.new_pages_at_vaddr(base + 0x4000, 1, 12, res, false)).toBe(-1); // outside
      expect(vs.new_pages_at_vaddr(base, 5, 12, res, false)).toBe(-1); // runs out of it
      expect(vs.new_pages_at_vaddr(base, 4, 12, res, false)).toBe(0);
      expect(vs.new_pages_at_vaddr(base, 1, 12, res, false)).toBe(-1); // already mapped
      const frame = vka_alloc_frame(vka, 12).object;
      expect(
        vs.deferred_rights_map_pages_at_vaddr([frame.cptr], null, base, 1, 12, seL4_ReadWrite, res),
      ).toBe(-1); // not deferred
      const deferred = vs.reserve_deferred_rights_range_at(base + 0x10000, 0x1000, true)!;
      expect(vs.map_pages_at_vaddr([frame.cptr], null, base + 0x10000, 1, 12, deferred)).toBe(-1); // needs rights
      expect(
        vs.deferred_rights_map_pages_at_vaddr(
          [frame.cptr],
          null,
          base + 0x10000,
          1,
          12,
          seL4_ReadWrite,
          deferred,
        ),
      ).toBe(0);
      expect(vs.get_cap(base + 0x10000)).toBe(frame.cptr);
      expect(vs.get_cookie(base + 0x10000)).toBe(0);
      // Freeing a reservation keeps its mappings; the range is then free to reserve again only where unmapped.
      vs.free_reservation(res);
      expect(vs.get_cap(base)).not.toBe(0);
      expect(vs.reserve_range_at(base, 0x1000, seL4_ReadWrite, true)).toBeNull();
      vs.unmap_pages(base, 4, 12, VSPACE_FREE);
      expect(vs.reserve_range_at(base, 0x1000, seL4_ReadWrite, true)).not.toBeNull();
      vs.unmap_pages(base + 0x10000, 1, 12, VSPACE_PRESERVE);
      vka_free_object(vka, frame);
      vs.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("map_pages is all or nothing when a cap in the batch cannot be mapped (C bug #6)", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, layout);
      const good = vka_alloc_frame(vka, 12).object;
      const notAFrame = 1; // the initial TCB cap
      const before = vs.mapping_count;
      expect(vs.map_pages([good.cptr, notAFrame], null, seL4_ReadWrite, 2, 12, true)).toBeNull();
      expect(vs.mapping_count).toBe(before);
      const v = vs.map_pages([good.cptr], null, seL4_ReadWrite, 1, 12, true)!;
      expect((await probeTranslations(sel4, vka, kernel, {}, [v]))[0]!.paddr).toBe(
        frameAddress(sel4, good.cptr),
      );
      vs.unmap_pages(v, 1, 12, VSPACE_PRESERVE);
      vka_free_object(vka, good);
      vs.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("unmapping where nothing is recorded touches no slot (C bug #5); garbage arguments fail cleanly", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, layout);
      vs.unmap_pages(0x3000_0000, 4, 12, VSPACE_FREE);
      expect(sel4.seL4_DebugCapIdentify(0)).toBe(0);
      expect(vka.is_pristine()).toBe(true);
      for (const bits of [13, 0, -1, Number.NaN, 64])
        expect(vs.new_pages(seL4_ReadWrite, 1, bits)).toBeNull();
      for (const n of [0, -1, 1.5, Number.NaN, 2 ** 60])
        expect(vs.new_pages(seL4_ReadWrite, n, 12)).toBeNull();
      expect(vs.reserve_range_at(-4096, 4096, seL4_ReadWrite, true)).toBeNull();
      expect(vs.reserve_range_at(2 ** 52, 4096, seL4_ReadWrite, true)).toBeNull();
      expect(vs.reserve_range_aligned(0, 12, seL4_ReadWrite, true).reservation).toBeNull();
      // A failed aligned reservation leaves nothing behind (C writes to it after freeing it, bug #4).
      const before = vs.reservation_count;
      expect(vs.reserve_range_aligned(2 ** 50, 12, seL4_ReadWrite, true)).toEqual({
        reservation: null,
        vaddr: 0,
      });
      expect(vs.reservation_count).toBe(before);
      const res = vs.reserve_range_at(0x3000_0000, 0x2000, seL4_ReadWrite, true)!;
      expect(vs.new_pages_at_vaddr(0x3000_0800, 1, 12, res, false)).toBe(-1); // misaligned
      expect(vs.new_pages_at_vaddr(0x3000_0000, 1, 12, { res: {} }, false)).toBe(-1); // foreign reservation
      expect(
        vspace_new_pages_at_vaddr_with_config(
          vs,
          { vaddr: 0x3000_0000, num_pages: 1, size_bits: 12, can_use_dev: false },
          null,
        ),
      ).toBe(-1); // C bug #3
      expect(vs.map_pages([], null, seL4_ReadWrite, 1, 12, true)).toBeNull();
      expect(vs.get_cap(Number.NaN)).toBe(0);
      expect(vs.mapping_count).toBe(0);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("stacks: pages below an unmapped guard, freed with it", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, layout);
      const top = vspace_new_sized_stack(vs, 4)!;
      const probed = await probeTranslations(sel4, vka, kernel, {}, [
        top - 8,
        top - 4 * 4096,
        top - 5 * 4096,
      ]);
      expect(probed.map((p) => p.paddr !== null)).toEqual([true, true, false]);
      expect(vs.reserve_range_at(top - 5 * 4096, 4096, seL4_ReadWrite, true)).toBeNull(); // guard kept reserved
      vspace_free_sized_stack(vs, top, 4);
      expect(vs.mapping_count).toBe(0);
      expect(vs.reserve_range_at(top - 5 * 4096, 5 * 4096, seL4_ReadWrite, true)).not.toBeNull();
      vs.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });
});
