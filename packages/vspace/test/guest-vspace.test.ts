import { bootstrap_use_current_simple } from "@sel4/allocman";
import { type Arch, inRootTask } from "@sel4/kernel/testing";
import { type Sel4, type Sel4_AArch64, type Sel4_X86_64, seL4_ReadWrite } from "@sel4/sel4";
import { simple_ASIDPool_assign, simple_default_init_bootinfo } from "@sel4/simple";
import {
  vka_alloc_ept_pml4,
  vka_alloc_frame,
  vka_alloc_vspace_root,
  vka_free_object,
  type vka_object_t,
} from "@sel4/vka";
import { describe, expect, it } from "vitest";
import {
  Sel4UtilsVspace,
  sel4utils_bootstrap_vspace_with_bootinfo,
  sel4utils_get_empty_vspace_with_map,
  sel4utils_map_page_ept,
  sel4utils_map_page_pd,
  VSPACE_FREE,
  VSPACE_PRESERVE,
  vspace_access_page_with_callback,
  vspace_share_mem,
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

/** A guest address space as libsel4vm builds it: a stage-2 VSpace (ARM) or an EPT (x86) with an ASID. */
function guestSpace(sel4: Sel4, bi: Parameters<typeof simple_default_init_bootinfo>[1]) {
  const simple = simple_default_init_bootinfo(sel4, bi);
  const vka = bootstrap_use_current_simple(simple);
  const root = (sel4.config === "aarch64" ? vka_alloc_vspace_root(vka) : vka_alloc_ept_pml4(vka))
    .object;
  expect(root.cptr).not.toBe(0);
  expect(simple_ASIDPool_assign(simple, root.cptr)).toBe(0);
  const hook = sel4.config === "aarch64" ? sel4utils_map_page_pd : sel4utils_map_page_ept;
  const guest = sel4utils_get_empty_vspace_with_map(vka, root.cptr, hook);
  const probeRoot = sel4.config === "aarch64" ? { vspace: root.cptr } : { ept: root.cptr };
  return { vka, root, guest, probeRoot };
}

describe.each<Arch>(["aarch64", "x86_64"])("guest address space on %s", (arch) => {
  it("deferred-rights reservations map guest RAM at guest-physical addresses, and tear_down frees the tables (C bug #13)", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const objectsBefore = kernel.liveObjectCount;
      const { vka, root, guest, probeRoot } = guestSpace(sel4, bi);
      const gpa = 0x4000_0000;
      const res = guest.reserve_deferred_rights_range_at(gpa, 0x20_0000, true)!;
      const frames: vka_object_t[] = [0, 1, 2, 3].map(() => vka_alloc_frame(vka, 12).object);
      const caps = frames.map((f) => f.cptr);
      expect(
        guest.deferred_rights_map_pages_at_vaddr(
          caps,
          null,
          gpa + 0x1000,
          4,
          12,
          seL4_ReadWrite,
          res,
        ),
      ).toBe(0);
      const probed = await probeTranslations(sel4, vka, kernel, probeRoot, [
        gpa,
        gpa + 0x1000,
        gpa + 0x4abc,
      ]);
      expect(probed[0]!.paddr).toBeNull();
      expect(probed[1]!.paddr).toBe(frameAddress(sel4, caps[0]!));
      expect(probed[2]!.paddr).toBe(frameAddress(sel4, caps[3]!) + 0xabc);
      expect(guest.paging_objects.length).toBe(arch === "aarch64" ? 2 : 3);
      // Unmapping with the VMM's vka deletes the caps; the frames were mapped without cookies, so
      // their memory goes back only through their own vka objects (libsel4vm's leak, C bug #12, is the caller's).
      guest.unmap_pages(gpa + 0x1000, 4, 12, VSPACE_PRESERVE);
      expect(
        (await probeTranslations(sel4, vka, kernel, probeRoot, [gpa + 0x1000]))[0]!.paddr,
      ).toBeNull();
      for (const f of frames) vka_free_object(vka, f);
      guest.tear_down(VSPACE_FREE);
      expect(guest.paging_objects.length).toBe(0);
      vka_free_object(vka, root);
      expect(vka.is_pristine()).toBe(true);
      expect(kernel.liveObjectCount).toBe(objectsBefore);
    });
  });

  it("maps the top of the guest-physical space: stage-2 IPA above 2^39 on AArch64 (C bug #10), EPT near 2^48", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const { vka, root, guest, probeRoot } = guestSpace(sel4, bi);
      const gpa = arch === "aarch64" ? 2 ** 40 - 2 ** 21 : 2 ** 48 - 2 ** 21;
      const res = guest.reserve_range_at(gpa, 2 ** 21, seL4_ReadWrite, true)!;
      expect(guest.new_pages_at_vaddr(gpa, 1, 21, res, false)).toBe(0);
      const probed = await probeTranslations(sel4, vka, kernel, probeRoot, [gpa + 0x12345]);
      expect(probed[0]!.paddr).toBe(frameAddress(sel4, guest.get_cap(gpa)) + 0x12345);
      expect(guest.reserve_range_at(gpa + 2 ** 21, 4096, seL4_ReadWrite, true)).toBeNull(); // past the top
      guest.tear_down(VSPACE_FREE);
      vka_free_object(vka, root);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("vspace_access_page_with_callback shows a guest page to the VMM and cleans up after", async () => {
    await inRootTask(arch, async (sel4, bi, kernel) => {
      const { vka, root, guest } = guestSpace(sel4, bi);
      const vmm = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, {
        image_start: 0x40_0000,
        bootinfo_vaddr: 0x40_2000,
      });
      const gpa = 0x8000_0000;
      const res = guest.reserve_range_at(gpa, 0x2000, seL4_ReadWrite, true)!;
      expect(guest.new_pages_at_vaddr(gpa, 2, 12, res, false)).toBe(0);
      const guestPaddr = frameAddress(sel4, guest.get_cap(gpa + 0x1000));
      kernel.writePhysical(guestPaddr + 0x10, Uint8Array.of(0x5a));
      // The first access may create the VMM's page tables (kept by the VMM's vspace); measure after it.
      expect(
        vspace_access_page_with_callback(guest, vmm, gpa, 12, seL4_ReadWrite, true, () => 1),
      ).toBe(1);
      const stats = vka.stats();
      let seen = -1;
      const result = vspace_access_page_with_callback(
        guest,
        vmm,
        gpa + 0x1010,
        12,
        seL4_ReadWrite,
        true,
        (access, vaddr) => {
          expect(access).toBe(gpa + 0x1010);
          seen = vaddr;
          expect(frameAddress(sel4, vmm.get_cap(vaddr))).toBe(guestPaddr);
          return 7;
        },
      );
      expect(result).toBe(7);
      expect(vmm.get_cap(seen)).toBe(0);
      expect(vka.stats().slotsUsed).toBe(stats.slotsUsed);
      // Through the kernel: the VMM's mapping existed while the callback ran; check a fresh share.
      const shared = vspace_share_mem(guest, vmm, gpa + 0x1000, 1, 12, seL4_ReadWrite, true)!;
      const probed = await probeTranslations(sel4, vka, kernel, {}, [shared + 0x10], 1);
      expect(probed[0]!.bytes).toEqual(Uint8Array.of(0x5a));
      vmm.unmap_pages(shared, 1, 12, VSPACE_FREE);
      expect(
        vspace_access_page_with_callback(
          guest,
          vmm,
          gpa + 0x5000,
          12,
          seL4_ReadWrite,
          true,
          () => 0,
        ),
      ).toBe(-1);
      expect(vka.stats().slotsUsed).toBe(stats.slotsUsed);
      guest.tear_down(VSPACE_FREE);
      vmm.tear_down(VSPACE_FREE);
      vka_free_object(vka, root);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("update_entries/clear_entries keep shadow bookkeeping without kernel calls; reservations move and resize", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const { vka, root, guest } = guestSpace(sel4, bi);
      const shadow = new Sel4UtilsVspace({ vka, root: 0, floor: 0, top: 2 ** 40 });
      expect(shadow.update_entries(0x1000, 77, 12, 0)).toBe(0);
      expect(shadow.update_entries(0x1000, 78, 12, 0)).toBe(-1);
      expect(shadow.update_entries(0x1001, 78, 12, 0)).toBe(-1);
      expect(shadow.get_cap(0x1fff)).toBe(77);
      shadow.clear_entries(0x1000, 12);
      expect(shadow.get_cap(0x1000)).toBe(0);
      const a = guest.reserve_range_at(0x10_0000, 0x4000, seL4_ReadWrite, true)!;
      const b = guest.reserve_range_at(0x20_0000, 0x1000, seL4_ReadWrite, true)!;
      expect(guest.move_resize_reservation(a, 0x10_0000, 0x10_1000)).toBe(-1); // would cover b
      expect(guest.move_resize_reservation(a, 0x18_0000, 0x8000)).toBe(0);
      expect(guest.reserve_range_at(0x10_0000, 0x1000, seL4_ReadWrite, true)).not.toBeNull();
      expect(guest.new_pages_at_vaddr(0x18_7000, 1, 12, a, false)).toBe(0);
      guest.free_reservation(b);
      guest.tear_down(VSPACE_FREE);
      vka_free_object(vka, root);
      expect(vka.is_pristine()).toBe(true);
    });
  });
});
