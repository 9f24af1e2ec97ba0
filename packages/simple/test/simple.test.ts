import { type Arch, firstRamUntyped, inRootTask } from "@sel4/kernel/testing";
import {
  type Sel4_AArch64,
  type Sel4_X86_64,
  seL4_ARM_VSpaceObject,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapIOPortControl,
  seL4_CapNull,
  seL4_FailedLookup,
  seL4_InvalidArgument,
  seL4_NoError,
  seL4_X64_PML4Object,
} from "@sel4/sel4";
import type { cspacepath_t } from "@sel4/vka";
import { describe, expect, it } from "vitest";
import {
  simple_ASIDPool_assign,
  simple_default_init_bootinfo,
  simple_get_cap_count,
  simple_get_cnode,
  simple_get_cnode_size_bits,
  simple_get_core_count,
  simple_get_extended_bootinfo,
  simple_get_extended_bootinfo_length,
  simple_get_frame_cap,
  simple_get_frame_info,
  simple_get_IOPort_cap,
  simple_get_IRQ_handler,
  simple_get_IRQ_trigger,
  simple_get_init_cap,
  simple_get_ioapic,
  simple_get_msi,
  simple_get_nth_cap,
  simple_get_nth_untyped,
  simple_get_nth_userimage,
  simple_get_pd,
  simple_get_sched_ctrl,
  simple_get_tcb,
  simple_get_untyped_count,
  simple_get_userimage_count,
  simple_is_untyped_cap,
  simple_last_valid_cap,
} from "../src/index.js";

function rootPath(slot: number): cspacepath_t {
  return {
    capPtr: slot,
    capDepth: 64,
    root: seL4_CapInitThreadCNode,
    dest: 0,
    destDepth: 0,
    offset: slot,
    window: 1,
  };
}

describe.each<Arch>(["aarch64", "x86_64"])("simple-default on %s", (arch) => {
  it("enumerates exactly the non-null initial caps and the BootInfo regions", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const simple = simple_default_init_bootinfo(sel4, bi);
      const n = simple_get_cap_count(simple);
      const caps = Array.from({ length: n }, (_, i) => simple_get_nth_cap(simple, i));
      for (const c of caps) expect(sel4.seL4_DebugCapIdentify(c), `cap ${c}`).not.toBe(0);
      expect(new Set(caps).size).toBe(n);
      expect(caps).toContain(seL4_CapInitThreadTCB);
      expect(caps.includes(seL4_CapIOPortControl)).toBe(arch === "x86_64");
      expect(caps).toContain(bi.untyped.end - 1);
      expect(simple_get_nth_cap(simple, n)).toBe(seL4_CapNull);
      expect(simple_get_nth_cap(simple, -1)).toBe(seL4_CapNull);
      expect(simple_get_nth_cap(simple, 0.5)).toBe(seL4_CapNull);
      expect(simple_last_valid_cap(simple)).toBe(bi.untyped.end - 1);
    });
  });

  it("answers the init caps, sizes, untypeds, image frames and cores from BootInfo", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const simple = simple_default_init_bootinfo(sel4, bi);
      expect(simple_get_cnode(simple)).toBe(seL4_CapInitThreadCNode);
      expect(simple_get_tcb(simple)).toBe(seL4_CapInitThreadTCB);
      expect(simple_get_pd(simple)).toBe(seL4_CapInitThreadVSpace);
      expect(simple_get_init_cap(simple, 5)).toBe(5);
      expect(simple_get_cnode_size_bits(simple)).toBe(bi.initThreadCNodeSizeBits);
      expect(simple_get_core_count(simple)).toBe(bi.numNodes);
      expect(simple_get_sched_ctrl(simple, 0)).toBe(seL4_CapNull);
      expect(simple_get_untyped_count(simple)).toBe(bi.untyped.end - bi.untyped.start);
      const u = simple_get_nth_untyped(simple, 0)!;
      expect(u).toEqual({
        cap: bi.untyped.start,
        size_bits: bi.untypedList[0]!.sizeBits,
        paddr: bi.untypedList[0]!.paddr,
        device: bi.untypedList[0]!.isDevice !== 0,
      });
      expect(simple_get_nth_untyped(simple, 10_000)).toBeNull();
      expect(simple_is_untyped_cap(simple, bi.untyped.start)).toBe(true);
      expect(simple_is_untyped_cap(simple, seL4_CapInitThreadTCB)).toBe(false);
      expect(simple_get_userimage_count(simple)).toBe(
        bi.userImageFrames.end - bi.userImageFrames.start,
      );
      expect(simple_get_nth_userimage(simple, 0)).toBe(bi.userImageFrames.start);
      expect(simple_get_nth_userimage(simple, 99)).toBe(seL4_CapNull);
      expect(simple.print!()).toContain(`cnode size bits ${bi.initThreadCNodeSizeBits}`);
    });
  });

  it("frame_cap gives a frame at the untyped's address once, and refuses a used untyped (C bug #14)", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const simple = simple_default_init_bootinfo(sel4, bi);
      const ram = firstRamUntyped(bi);
      const [p1, p2] = [rootPath(bi.empty.start), rootPath(bi.empty.start + 1)];
      expect(simple_get_frame_cap(simple, ram.paddr, 12, p1)).toBe(seL4_NoError);
      const addr =
        arch === "aarch64"
          ? (sel4 as Sel4_AArch64).seL4_ARM_Page_GetAddress(p1.capPtr)
          : (sel4 as Sel4_X86_64).seL4_X86_Page_GetAddress(p1.capPtr);
      expect(addr.paddr).toBe(ram.paddr);
      // C would retype again from the same untyped and hand out the next page as if it were paddr.
      expect(simple_get_frame_cap(simple, ram.paddr, 12, p2)).toBe(seL4_FailedLookup);
      expect(sel4.seL4_DebugCapIdentify(p2.capPtr)).toBe(0);
      expect(simple_get_frame_cap(simple, ram.paddr + 0x1000, 12, p2)).toBe(seL4_FailedLookup);
      expect(simple_get_frame_cap(simple, ram.paddr, 13, p2)).toBe(seL4_InvalidArgument);
      expect(simple_get_frame_info(simple, ram.paddr + 0x1000, 12)).toEqual({
        vaddr: null,
        cap: ram.cap,
        ut_offset: 0x1000,
      });
      expect(simple_get_frame_info(simple, 2 ** 52, 12)).toBeNull();
    });
  });

  it("assigns an ASID to a new vspace root", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const simple = simple_default_init_bootinfo(sel4, bi);
      const ram = firstRamUntyped(bi, 13);
      const slot = bi.empty.start;
      const type = arch === "aarch64" ? seL4_ARM_VSpaceObject : seL4_X64_PML4Object;
      expect(
        sel4.seL4_Untyped_Retype(ram.cap, type, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1),
      ).toBe(0);
      expect(simple_ASIDPool_assign(simple, slot)).toBe(seL4_NoError);
      expect(simple_ASIDPool_assign(simple, seL4_CapInitThreadTCB)).not.toBe(seL4_NoError);
    });
  });

  it("issues IRQ handler caps and (x86) IOPort caps into a path", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const simple = simple_default_init_bootinfo(sel4, bi);
      const path = rootPath(bi.empty.start);
      expect(simple_get_IRQ_handler(simple, arch === "aarch64" ? 33 : 4, path)).toBe(seL4_NoError);
      expect(sel4.seL4_DebugCapIdentify(path.capPtr)).not.toBe(0);
      const io = rootPath(bi.empty.start + 1);
      const r = simple_get_IOPort_cap(simple, 0x3f8, 0x3ff, io.root, io.capPtr, io.capDepth);
      expect(r).toBe(arch === "x86_64" ? seL4_NoError : seL4_InvalidArgument);
    });
  });

  it("arch members a configuration lacks answer seL4_InvalidArgument instead of calling nothing (C bug #16)", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const simple = simple_default_init_bootinfo(sel4, bi);
      const path = rootPath(bi.empty.start);
      const msi = simple_get_msi(simple, path, 0, 3, 0, 0, 40);
      const trigger = simple_get_IRQ_trigger(simple, 34, 1, path);
      if (arch === "aarch64") {
        expect(msi).toBe(seL4_InvalidArgument);
        expect(trigger).toBe(seL4_NoError);
      } else {
        expect(msi).toBe(seL4_NoError);
        expect(trigger).toBe(seL4_InvalidArgument);
      }
      expect(simple_get_ioapic({ ...simple, arch_simple: {} }, path, 0, 1, 0, 0, 41)).toBe(
        seL4_InvalidArgument,
      );
    });
  });

  it("finds extra-bootinfo chunks by id and ignores malformed ones", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const extra = new Uint8Array(48);
      const view = new DataView(extra.buffer);
      view.setBigUint64(0, 6n, true);
      view.setBigUint64(8, 24n, true);
      view.setBigUint64(24, 5n, true);
      view.setBigUint64(32, 1000n, true); // runs past the end: ignored
      const simple = simple_default_init_bootinfo(sel4, bi, extra);
      expect(simple_get_extended_bootinfo_length(simple, 6)).toBe(24);
      expect(simple_get_extended_bootinfo(simple, 6)?.byteLength).toBe(24);
      expect(simple_get_extended_bootinfo_length(simple, 5)).toBe(-1);
      expect(simple_get_extended_bootinfo(simple, 5)).toBeNull();
    });
  });
});
