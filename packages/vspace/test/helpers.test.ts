import { bootstrap_use_current_simple } from "@sel4/allocman";
import { inRootTask } from "@sel4/kernel/testing";
import { seL4_ReadWrite } from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import { vka_alloc_frame, vka_free_object } from "@sel4/vka";
import { describe, expect, it } from "vitest";
import {
  default_vspace_new_pages_config,
  sel4_page_size_bits_for_memory_region,
  sel4_valid_size_bits,
  sel4utils_bootstrap_vspace_with_bootinfo,
  VSPACE_FREE,
  VSPACE_PRESERVE,
  vspace_free_ipc_buffer,
  vspace_get_cap,
  vspace_get_ept_map_obj,
  vspace_get_map_obj,
  vspace_map_pages,
  vspace_new_ipc_buffer,
  vspace_new_pages,
  vspace_new_pages_with_config,
  vspace_reserve_range_at,
  vspace_unmap_pages,
} from "../src/index.js";

describe("page sizes", () => {
  it("lists 4 KiB, 2 MiB and 1 GiB and picks the largest fitting a region", () => {
    expect(sel4_valid_size_bits("aarch64", 21)).toBe(true);
    expect(sel4_valid_size_bits("x86_64", 13)).toBe(false);
    expect(sel4_page_size_bits_for_memory_region("x86_64", 100)).toBe(12);
    expect(sel4_page_size_bits_for_memory_region("x86_64", 3 * 2 ** 20)).toBe(21);
    expect(sel4_page_size_bits_for_memory_region("aarch64", 2 ** 31)).toBe(30);
  });
});

describe("wrappers and generic helpers", () => {
  it("check counts before calling members (C's vspace_map_pages tested the wrong member)", async () => {
    await inRootTask("x86_64", (sel4, bi) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const vs = sel4utils_bootstrap_vspace_with_bootinfo(vka, bi, {
        image_start: 0x40_0000,
        bootinfo_vaddr: 0x40_2000,
      });
      expect(vspace_new_pages(vs, seL4_ReadWrite, 0, 12)).toBeNull();
      const frame = vka_alloc_frame(vka, 12).object;
      expect(vspace_map_pages(vs, [frame.cptr], null, seL4_ReadWrite, 0, 12, true)).toBeNull();
      const v = vspace_map_pages(vs, [frame.cptr], null, seL4_ReadWrite, 1, 12, true)!;
      expect(vspace_get_cap(vs, v)).toBe(frame.cptr);
      vspace_unmap_pages(vs, v, 0, 12, VSPACE_PRESERVE); // ignored
      expect(vspace_get_cap(vs, v)).toBe(frame.cptr);
      vspace_unmap_pages(vs, v, 1, 12, VSPACE_PRESERVE);
      vka_free_object(vka, frame);
      expect(vspace_reserve_range_at(vs, 0x3000_0000, 0, seL4_ReadWrite, true)).toBeNull();
      expect(default_vspace_new_pages_config(0, 12)).toBeNull();
      const at = vspace_new_pages_with_config(
        vs,
        { ...default_vspace_new_pages_config(2, 12)!, vaddr: 0x3000_0000 },
        seL4_ReadWrite,
      );
      expect(at).toBe(0x3000_0000);
      expect(vs.reservation_count).toBe(3); // only the task's existing ranges: the temporary one is gone
      const anywhere = vspace_new_pages_with_config(
        vs,
        default_vspace_new_pages_config(1, 21)!,
        seL4_ReadWrite,
      )!;
      expect(anywhere % 2 ** 21).toBe(0);
      const ipc = vspace_new_ipc_buffer(vs);
      expect(ipc.page).toBe(vspace_get_cap(vs, ipc.vaddr!));
      vspace_free_ipc_buffer(vs, ipc.vaddr!);
      vs.tear_down(VSPACE_FREE);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("maps a failed-lookup level to the object that fills it", async () => {
    await inRootTask("x86_64", (sel4) => {
      expect(vspace_get_map_obj(sel4, 21)?.type).toBe(10); // seL4_X86_PageTableObject
      expect(vspace_get_map_obj(sel4, 30)?.type).toBe(11); // seL4_X86_PageDirectoryObject
      expect(vspace_get_map_obj(sel4, 39)?.type).toBe(5); // seL4_X86_PDPTObject
      expect(vspace_get_map_obj(sel4, 12)).toBeNull();
      expect(vspace_get_ept_map_obj(sel4, 21)?.type).toBe(16); // seL4_X86_EPTPTObject
    });
    await inRootTask("aarch64", (sel4) => {
      expect(vspace_get_map_obj(sel4, 30)?.type).toBe(9); // seL4_ARM_PageTableObject
      expect(vspace_get_ept_map_obj(sel4, 21)).toBeNull();
    });
  });
});
