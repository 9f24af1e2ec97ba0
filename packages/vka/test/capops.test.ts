import { type Arch, firstRamUntyped, inRootTask } from "@sel4/kernel/testing";
import {
  seL4_AllRights,
  type seL4_BootInfo,
  seL4_CapInitThreadCNode,
  seL4_CapTableObject,
  seL4_EndpointObject,
  seL4_IllegalOperation,
  seL4_NoError,
  seL4_NotEnoughMemory,
  seL4_UntypedObject,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import {
  type cspacepath_t,
  kobject_get_type,
  vka_cnode_copy,
  vka_cnode_delete,
  vka_cnode_mint,
  vka_cnode_move,
  vka_cnode_mutate,
  vka_cnode_revoke,
  vka_cnode_rotate,
  vka_get_object_size,
  vka_untyped_retype,
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

function freeSlots(bi: seL4_BootInfo, n: number): cspacepath_t[] {
  return Array.from({ length: n }, (_, i) => rootPath(bi.empty.start + i));
}

describe.each<Arch>(["aarch64", "x86_64"])("cap operations on %s", (arch) => {
  it("vka_untyped_retype passes the Retype size of a CNode unchanged (C bug #1 fixed)", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const [utPath, cnode] = freeSlots(bi, 2) as [cspacepath_t, cspacepath_t];
      const ram = firstRamUntyped(bi);
      // A 512-byte untyped holds exactly a 16-slot CNode (2^(4 + seL4_SlotBits)).
      expect(
        sel4.seL4_Untyped_Retype(
          ram.cap,
          seL4_UntypedObject,
          9,
          utPath.root,
          0,
          0,
          utPath.offset,
          1,
        ),
      ).toBe(seL4_NoError);
      const untyped = { cptr: utPath.capPtr, ut: 0, type: seL4_UntypedObject, size_bits: 9 };
      // C would pass vka_get_object_size(...) = 9 as the CNode's slot bits: 2^14 bytes, too large.
      expect(
        sel4.seL4_Untyped_Retype(
          untyped.cptr,
          seL4_CapTableObject,
          vka_get_object_size(arch, seL4_CapTableObject, 4)!,
          cnode.root,
          0,
          0,
          cnode.offset,
          1,
        ),
      ).toBe(seL4_NotEnoughMemory);
      expect(vka_untyped_retype(sel4, untyped, seL4_CapTableObject, 4, 1, cnode)).toBe(
        seL4_NoError,
      );
      expect(sel4.seL4_DebugCapIdentify(cnode.capPtr)).not.toBe(0);
      expect(vka_cnode_delete(sel4, cnode)).toBe(seL4_NoError);
      expect(vka_cnode_delete(sel4, utPath)).toBe(seL4_NoError);
    });
  });

  it("copy, mint, move, mutate, rotate, revoke and delete act on the named slots", async () => {
    await inRootTask(arch, (sel4, bi) => {
      const [ep, a, b, c, d, f1, f2, f3] = freeSlots(bi, 8) as [
        cspacepath_t,
        cspacepath_t,
        cspacepath_t,
        cspacepath_t,
        cspacepath_t,
        cspacepath_t,
        cspacepath_t,
        cspacepath_t,
      ];
      const ram = firstRamUntyped(bi);
      expect(
        sel4.seL4_Untyped_Retype(
          ram.cap,
          seL4_EndpointObject,
          0,
          ep.root,
          ep.dest,
          ep.destDepth,
          ep.offset,
          1,
        ),
      ).toBe(0);
      const present = (p: cspacepath_t) => sel4.seL4_DebugCapIdentify(p.capPtr) !== 0;
      expect(vka_cnode_copy(sel4, a, ep, seL4_AllRights)).toBe(seL4_NoError);
      expect(vka_cnode_mint(sel4, b, ep, seL4_AllRights, 7n)).toBe(seL4_NoError);
      expect(vka_cnode_copy(sel4, a, ep, seL4_AllRights)).not.toBe(seL4_NoError); // occupied
      expect(vka_cnode_move(sel4, c, a)).toBe(seL4_NoError);
      expect([present(a), present(c)]).toEqual([false, true]);
      // Mutate preserves rights and badges (seL4 refuses to badge an endpoint that way).
      expect(vka_cnode_mutate(sel4, a, c, 5n)).toBe(seL4_IllegalOperation);
      expect([present(a), present(c)]).toEqual([false, true]);
      expect(vka_cnode_move(sel4, a, c)).toBe(seL4_NoError);
      // Rotate also preserves badges: refused for endpoints, allowed for frames.
      expect(vka_cnode_rotate(sel4, d, 0n, a, 0n, b)).toBe(seL4_IllegalOperation);
      const frameType = kobject_get_type(arch, "KOBJECT_FRAME", 12);
      expect(sel4.seL4_Untyped_Retype(ram.cap, frameType, 12, f1.root, 0, 0, f1.offset, 2)).toBe(0);
      expect(vka_cnode_rotate(sel4, f3, 0n, f1, 0n, f2)).toBe(seL4_NoError);
      expect([present(f3), present(f1), present(f2)]).toEqual([true, true, false]);
      expect(vka_cnode_revoke(sel4, ep)).toBe(seL4_NoError);
      expect([present(ep), present(a), present(b)]).toEqual([true, false, false]);
      expect(vka_cnode_delete(sel4, ep)).toBe(seL4_NoError);
      expect(present(ep)).toBe(false);
    });
  });
});
