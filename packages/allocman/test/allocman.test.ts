import { type Arch, inRootTask } from "@sel4/kernel/testing";
import {
  type Sel4,
  type Sel4_AArch64,
  type Sel4_X86_64,
  seL4_AllRights,
  type seL4_BootInfo,
  seL4_CapTableObject,
  seL4_NoError,
  seL4_TCBBits,
  seL4_TCBObject,
  seL4_UntypedObject,
} from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import {
  vka_alloc_endpoint,
  vka_alloc_frame,
  vka_alloc_frame_at,
  vka_alloc_frame_maybe_device,
  vka_alloc_object,
  vka_alloc_object_at,
  vka_alloc_untyped,
  vka_alloc_untyped_at,
  vka_cnode_copy,
  vka_free_object,
  vka_object_paddr,
  type vka_object_t,
} from "@sel4/vka";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Allocman,
  bootstrap_new_2level_simple,
  bootstrap_use_current_simple,
  SingleLevelCSpace,
  untypeds_of_simple,
} from "../src/index.js";

function frameAddress(sel4: Sel4, cptr: number): number {
  const r =
    sel4.config === "aarch64"
      ? (sel4 as Sel4_AArch64).seL4_ARM_Page_GetAddress(cptr)
      : (sel4 as Sel4_X86_64).seL4_X86_Page_GetAddress(cptr);
  expect(r.error).toBe(seL4_NoError);
  return r.paddr;
}

/** Proves with the kernel that every RAM untyped is whole again: an untyped of its full size fits at its base. */
function expectEveryRamUntypedWhole(vka: Allocman, bi: seL4_BootInfo): void {
  for (const u of bi.untypedList.filter((d) => d.isDevice === 0)) {
    const r = vka_alloc_untyped_at(vka, u.sizeBits, u.paddr);
    expect(r.error, `untyped at 0x${u.paddr.toString(16)}`).toBe(0);
    vka_free_object(vka, r.object);
  }
}

describe.each<Arch>(["aarch64", "x86_64"])("allocman on %s", (arch) => {
  it("two-level CSpace: boot cptrs survive the switch, new level-2 nodes are addressable, trim gives them back", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const { error, allocman } = bootstrap_new_2level_simple(
        simple_default_init_bootinfo(sel4, bi),
        { node0_slots: 32 },
      );
      expect(error).toBe(0);
      const vka = allocman!;
      const start = vka.stats();
      expect(sel4.seL4_DebugCapIdentify(bi.untyped.start)).not.toBe(0); // a boot cptr, through the new root
      const eps = Array.from({ length: 200 }, () => vka_alloc_endpoint(vka).object);
      const high = eps.filter((o) => o.cptr >= 2 ** bi.initThreadCNodeSizeBits);
      expect(high.length).toBeGreaterThan(150);
      for (const o of high) expect(sel4.seL4_DebugCapIdentify(o.cptr)).not.toBe(0);
      const copy = vka.cspace_alloc().cptr;
      expect(
        vka_cnode_copy(
          sel4,
          vka.cspace_make_path(copy),
          vka.cspace_make_path(high[0]!.cptr),
          seL4_AllRights,
        ),
      ).toBe(0);
      expect(sel4.seL4_DebugCapIdentify(copy)).not.toBe(0);
      const p = vka.cspace_make_path(copy);
      expect(sel4.seL4_CNode_Delete(p.root, p.capPtr, p.capDepth)).toBe(0);
      vka.cspace_free(copy);
      for (const o of eps) vka_free_object(vka, o);
      vka.trim();
      expect(vka.stats()).toEqual(start);
    });
  });

  it("lazy coalescing reuses freed split nodes, merges when memory runs short, and recovers on coalesce()", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi), {
        coalesce: "lazy",
      });
      const a = vka_alloc_frame(vka, 12).object;
      const paddr = vka_object_paddr(vka, a);
      vka_free_object(vka, a);
      expect(vka.is_pristine()).toBe(false); // still split
      const slotsBefore = vka.stats().slotsUsed;
      const b = vka_alloc_frame(vka, 12).object;
      expect(Math.abs(vka_object_paddr(vka, b) - paddr)).toBeLessThanOrEqual(4096); // a freed leaf of the same split
      expect(vka.stats().slotsUsed).toBe(slotsBefore + 1); // only the object's slot: no new split
      vka_free_object(vka, b);
      // The whole 2 MiB untyped at the start of RAM can only be had after merging.
      const first = bi.untypedList.find((u) => u.isDevice === 0)!;
      const whole = vka_alloc_untyped_at(vka, first.sizeBits, first.paddr);
      expect(whole.error).toBe(0);
      vka_free_object(vka, whole.object);
      vka.coalesce();
      expect(vka.is_pristine()).toBe(true);
      expectEveryRamUntypedWhole(vka, bi);
    });
  });

  it("random allocate/free sequences end with every untyped back in its initial state", async () => {
    const kinds = [
      { type: seL4_UntypedObject, bits: 12 },
      { type: seL4_UntypedObject, bits: 17 },
      { type: seL4_TCBObject, bits: seL4_TCBBits },
      { type: seL4_CapTableObject, bits: 6 },
      { type: -1, bits: 12 }, // a 4 KiB frame
      { type: -1, bits: 21 }, // a 2 MiB frame
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ kind: fc.nat(kinds.length - 1), free: fc.nat(7) }), {
          minLength: 1,
          maxLength: 60,
        }),
        async (steps) => {
          await inRootTask(arch, (sel4, bi, kernel) => {
            const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
            const objectsBefore = kernel.liveObjectCount;
            const live: vka_object_t[] = [];
            for (const step of steps) {
              const k = kinds[step.kind]!;
              const r =
                k.type < 0 ? vka_alloc_frame(vka, k.bits) : vka_alloc_object(vka, k.type, k.bits);
              expect(r.error).toBe(0);
              live.push(r.object);
              if (step.free < live.length) vka_free_object(vka, live.splice(step.free, 1)[0]!);
            }
            for (const o of live) vka_free_object(vka, o);
            expect(vka.is_pristine()).toBe(true);
            expect(kernel.liveObjectCount).toBe(objectsBefore);
            expectEveryRamUntypedWhole(vka, bi);
          });
        },
      ),
      { numRuns: 8, seed: 4 },
    );
  });

  it("coalesces freed buddies: the split tree disappears and the stats return", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const start = vka.stats();
      const a = vka_alloc_frame(vka, 12).object;
      const b = vka_alloc_frame(vka, 12).object;
      expect(Math.abs(vka_object_paddr(vka, a) - vka_object_paddr(vka, b))).toBe(4096);
      expect(vka.stats().freeBytes.ram).toBe(start.freeBytes.ram - 8192);
      vka_free_object(vka, a);
      expect(vka.is_pristine()).toBe(false);
      vka_free_object(vka, b);
      expect(vka.stats()).toEqual(start);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("serves device frames only when allowed, at their address, and never device TCBs", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
      const dev = bi.untypedList.find((u) => u.isDevice !== 0 && u.sizeBits >= 16)!;
      const at = vka_alloc_frame_at(vka, 12, dev.paddr + 0x1000);
      expect(at.error).toBe(0);
      expect(frameAddress(sel4, at.object.cptr)).toBe(dev.paddr + 0x1000);
      // The kernel refuses a TCB in device memory; the allocator undoes its splits.
      expect(
        vka_alloc_object_at(vka, seL4_TCBObject, seL4_TCBBits, dev.paddr + 0x4000).error,
      ).not.toBe(0);
      vka_free_object(vka, at.object);
      expect(vka.is_pristine()).toBe(true);
      // Exhaust RAM with 1 MiB untypeds, then a frame comes from device memory only when allowed.
      const ram: vka_object_t[] = [];
      for (let bits = 25; bits >= 12; bits--) {
        for (;;) {
          const r = vka_alloc_untyped(vka, bits);
          if (r.error !== 0) break;
          ram.push(r.object);
        }
      }
      expect(vka_alloc_frame_maybe_device(vka, 12, false).error).not.toBe(0);
      const d = vka_alloc_frame_maybe_device(vka, 12, true);
      expect(d.error).toBe(0);
      const paddr = vka_object_paddr(vka, d.object);
      expect(
        bi.untypedList.some(
          (u) => u.isDevice !== 0 && paddr >= u.paddr && paddr < u.paddr + 2 ** u.sizeBits,
        ),
      ).toBe(true);
      vka_free_object(vka, d.object);
      for (const o of ram) vka_free_object(vka, o);
      expect(vka.is_pristine()).toBe(true);
    });
  });

  it("running out of slots mid-split is an error that undoes the splits", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const simple = simple_default_init_bootinfo(sel4, bi);
      const cspace = new SingleLevelCSpace({
        cnode: 2,
        cnode_size_bits: 12,
        cnode_guard_bits: 52,
        first_slot: bi.empty.start,
        end_slot: bi.empty.start + 8,
      });
      const vka = new Allocman(sel4, cspace, untypeds_of_simple(simple));
      // A 4 KiB frame from a 2 MiB untyped needs 9 splits (18 slots): only 8 slots exist.
      const r = vka_alloc_frame(vka, 12);
      expect(r.error).not.toBe(0);
      expect(vka.is_pristine()).toBe(true);
      const small = vka_alloc_untyped(vka, 20);
      expect(small.error).toBe(0);
      vka_free_object(vka, small.object);
      expect(vka.is_pristine()).toBe(true);
    });
  });
});
