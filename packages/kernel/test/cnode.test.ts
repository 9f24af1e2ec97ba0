/** CNode operations (reference §3, sel4test cnodeops.c / cspace.c, §12.10 extra checks). */
import {
  seL4_AllRights,
  seL4_CanRead,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapIRQControl,
  seL4_CapTableObject,
  seL4_CNode_CapData_new,
  seL4_DeleteFirst,
  seL4_EndpointObject,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_InvalidCapability,
  seL4_NoError,
  seL4_RangeError,
  seL4_RevokeFirst,
  seL4_TCBObject,
  seL4_UntypedObject,
  wordFromCNodeCapData,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { type AnySel4, ramUntyped, runRoot, slots } from "./helpers.js";

const root = seL4_CapInitThreadCNode;

/** Runs a root-task body on aarch64 and checks the invariants afterwards. */
async function withRoot(
  body: (sel4: AnySel4, alloc: () => number, ut: number) => Promise<void> | void,
) {
  const kernel = await runRoot({ arch: "aarch64" }, async (sel4, bi) => {
    await body(sel4, slots(bi), ramUntyped(bi));
  });
  expect(kernel.checkInvariants()).toEqual([]);
}

function retype(sel4: AnySel4, ut: number, type: number, slot: number, bits = 0): void {
  expect(sel4.seL4_Untyped_Retype(ut, type, bits, root, 0, 0, slot, 1)).toBe(seL4_NoError);
}

/** seL4_DebugCapIdentify tag of a slot (0 = empty). */
const tag = (sel4: AnySel4, slot: number) => sel4.seL4_DebugCapIdentify(slot);

describe("CNode operations (CNODEOP0001-0009)", () => {
  it("Copy: to empty ok; to occupied DeleteFirst; dest checked before source; empty->empty FailedLookup", () =>
    withRoot((sel4, alloc, ut) => {
      const [a, b, c, d] = [alloc(), alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_TCBObject, a);
      retype(sel4, ut, seL4_TCBObject, b);
      expect(sel4.seL4_CNode_Copy(root, c, 64, root, a, 64, seL4_AllRights)).toBe(seL4_NoError);
      expect(tag(sel4, c)).toBe(12);
      expect(sel4.seL4_CNode_Copy(root, b, 64, root, a, 64, seL4_AllRights)).toBe(seL4_DeleteFirst);
      expect(sel4.seL4_CNode_Copy(root, b, 64, root, d, 64, seL4_AllRights)).toBe(seL4_DeleteFirst);
      expect(sel4.seL4_CNode_Copy(root, d, 64, root, d + 1, 64, seL4_AllRights)).toBe(
        seL4_FailedLookup,
      );
      // source flag 1, MissingCapability(bitsLeft = src depth)
      expect([sel4.seL4_GetMR(0), sel4.seL4_GetMR(1), sel4.seL4_GetMR(2)]).toEqual([1n, 2n, 64n]);
    }));

  it("Delete: occupied -> empty; empty -> NoError", () =>
    withRoot((sel4, alloc, ut) => {
      const a = alloc();
      retype(sel4, ut, seL4_TCBObject, a);
      expect(sel4.seL4_CNode_Delete(root, a, 64)).toBe(seL4_NoError);
      expect(tag(sel4, a)).toBe(0);
      expect(sel4.seL4_CNode_Delete(root, a, 64)).toBe(seL4_NoError);
    }));

  it("Mint / Move / Mutate outcomes; is_slot_empty idiom (Move slot->slot)", () =>
    withRoot((sel4, alloc, ut) => {
      const [a, b, c, e] = [alloc(), alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_TCBObject, a);
      retype(sel4, ut, seL4_TCBObject, b);
      expect(sel4.seL4_CNode_Mint(root, c, 64, root, a, 64, seL4_AllRights, 0n)).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_Mint(root, b, 64, root, a, 64, seL4_AllRights, 0n)).toBe(
        seL4_DeleteFirst,
      );
      expect(sel4.seL4_CNode_Mint(root, e, 64, root, e + 1, 64, seL4_AllRights, 0n)).toBe(
        seL4_FailedLookup,
      );
      expect(sel4.seL4_CNode_Move(root, e, 64, root, c, 64)).toBe(seL4_NoError);
      expect([tag(sel4, c), tag(sel4, e)]).toEqual([0, 12]);
      expect(sel4.seL4_CNode_Move(root, c, 64, root, c + 100, 64)).toBe(seL4_FailedLookup);
      expect(sel4.seL4_CNode_Move(root, b, 64, root, e, 64)).toBe(seL4_DeleteFirst);
      expect(sel4.seL4_CNode_Mutate(root, c, 64, root, e, 64, 0n)).toBe(seL4_NoError);
      expect([tag(sel4, c), tag(sel4, e)]).toEqual([12, 0]);
      // is_slot_empty: occupied -> DeleteFirst, empty -> FailedLookup
      expect(sel4.seL4_CNode_Move(root, c, 64, root, c, 64)).toBe(seL4_DeleteFirst);
      expect(sel4.seL4_CNode_Move(root, e, 64, root, e, 64)).toBe(seL4_FailedLookup);
    }));

  it("CancelBadgedSends: fresh endpoint ok, empty slot IllegalOperation, reduced rights IllegalOperation", () =>
    withRoot((sel4, alloc, ut) => {
      const [ep, copy, empty] = [alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_EndpointObject, ep);
      expect(sel4.seL4_CNode_CancelBadgedSends(root, ep, 64)).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_CancelBadgedSends(root, empty, 64)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_CNode_Mint(root, copy, 64, root, ep, 64, seL4_CanRead, 5n)).toBe(
        seL4_NoError,
      );
      expect(sel4.seL4_CNode_CancelBadgedSends(root, copy, 64)).toBe(seL4_IllegalOperation);
    }));

  it("Revoke: cap stays, children go; empty slot ok", () =>
    withRoot((sel4, alloc, ut) => {
      const [ep, c1, c2] = [alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_EndpointObject, ep);
      expect(sel4.seL4_CNode_Copy(root, c1, 64, root, ep, 64, seL4_AllRights)).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_Mint(root, c2, 64, root, ep, 64, seL4_AllRights, 7n)).toBe(
        seL4_NoError,
      );
      expect(sel4.seL4_CNode_Revoke(root, ep, 64)).toBe(seL4_NoError);
      expect([tag(sel4, ep), tag(sel4, c1), tag(sel4, c2)]).toEqual([4, 0, 0]);
      expect(sel4.seL4_CNode_Revoke(root, alloc(), 64)).toBe(seL4_NoError);
    }));

  it("Rotate: move, DeleteFirst, swap, pivot==src, all empty", () =>
    withRoot((sel4, alloc, ut) => {
      const [src, pivot, dest] = [alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_TCBObject, src);
      retype(sel4, ut, seL4_EndpointObject, pivot);
      const rot = (d: number, p: number, s: number) =>
        sel4.seL4_CNode_Rotate(root, d, 64, 0n, root, p, 64, 0n, root, s, 64);
      // Endpoint data update in preserve mode is a null cap: IllegalOperation.
      expect(rot(dest, pivot, src)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_CNode_Delete(root, pivot, 64)).toBe(seL4_NoError);
      retype(sel4, ut, seL4_TCBObject, pivot);
      expect(rot(dest, pivot, src)).toBe(seL4_NoError);
      expect([tag(sel4, src), tag(sel4, pivot), tag(sel4, dest)]).toEqual([0, 12, 12]);
      retype(sel4, ut, seL4_TCBObject, src);
      expect(rot(dest, pivot, src)).toBe(seL4_DeleteFirst);
      expect(rot(src, pivot, src)).toBe(seL4_NoError);
      expect(rot(dest, src, src)).toBe(seL4_IllegalOperation);
      const [x, y, z] = [alloc(), alloc(), alloc()];
      expect(rot(x, y, z)).toBe(seL4_FailedLookup);
    }));

  it("SaveCaller: no caller -> NoError and slot stays empty; occupied -> DeleteFirst", () =>
    withRoot((sel4, alloc, ut) => {
      const [a, b] = [alloc(), alloc()];
      expect(sel4.seL4_CNode_SaveCaller(root, a, 64)).toBe(seL4_NoError);
      expect(tag(sel4, a)).toBe(0);
      retype(sel4, ut, seL4_TCBObject, b);
      expect(sel4.seL4_CNode_SaveCaller(root, b, 64)).toBe(seL4_DeleteFirst);
    }));
});

describe("badges, rights and derivation (§3.5-§3.7, §12.10)", () => {
  it("only unbadged caps can be badged; Mutate/Rotate of endpoints fail; Move works", () =>
    withRoot((sel4, alloc, ut) => {
      const [ep, b1, b2, m] = [alloc(), alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_EndpointObject, ep);
      expect(
        sel4.seL4_CNode_Mint(root, b1, 64, root, ep, 64, seL4_AllRights, 0xffff_ffff_ffff_ffffn),
      ).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_Mint(root, b2, 64, root, b1, 64, seL4_AllRights, 0n)).toBe(
        seL4_IllegalOperation,
      );
      expect(sel4.seL4_CNode_Mutate(root, m, 64, root, ep, 64, 0n)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_CNode_Copy(root, b2, 64, root, b1, 64, seL4_AllRights)).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_Move(root, m, 64, root, b2, 64)).toBe(seL4_NoError);
    }));

  it("revoking the original unbadged endpoint removes badged caps and their copies", () =>
    withRoot((sel4, alloc, ut) => {
      const [ep, b1, b1c, b2] = [alloc(), alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_EndpointObject, ep);
      sel4.seL4_CNode_Mint(root, b1, 64, root, ep, 64, seL4_AllRights, 1n);
      sel4.seL4_CNode_Copy(root, b1c, 64, root, b1, 64, seL4_AllRights);
      sel4.seL4_CNode_Mint(root, b2, 64, root, ep, 64, seL4_AllRights, 1n);
      // Revoking b1 removes its copy but not the independently minted b2 with the same badge.
      expect(sel4.seL4_CNode_Revoke(root, b1, 64)).toBe(seL4_NoError);
      expect([tag(sel4, b1), tag(sel4, b1c), tag(sel4, b2)]).toEqual([4, 0, 4]);
      expect(sel4.seL4_CNode_Revoke(root, ep, 64)).toBe(seL4_NoError);
      expect([tag(sel4, ep), tag(sel4, b1), tag(sel4, b2)]).toEqual([4, 0, 0]);
    }));

  it("untyped with children cannot be copied (RevokeFirst); IRQControl copies are IllegalOperation", () =>
    withRoot((sel4, alloc, ut) => {
      const [child, copy, irq] = [alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_EndpointObject, child);
      expect(sel4.seL4_CNode_Copy(root, copy, 64, root, ut, 64, seL4_AllRights)).toBe(
        seL4_RevokeFirst,
      );
      expect(
        sel4.seL4_CNode_Copy(root, irq, 64, root, seL4_CapIRQControl, 64, seL4_AllRights),
      ).toBe(seL4_IllegalOperation);
    }));

  it("copying a fresh untyped makes the source full (setUntypedCapAsFull)", () =>
    withRoot((sel4, alloc, ut) => {
      const [small, copy, obj] = [alloc(), alloc(), alloc()];
      retype(sel4, ut, seL4_UntypedObject, small, 12);
      expect(sel4.seL4_CNode_Copy(root, copy, 64, root, small, 64, seL4_AllRights)).toBe(
        seL4_NoError,
      );
      // The copy is a child of `small`, so `small` does not reset; its watermark is at the end.
      expect(sel4.seL4_Untyped_Retype(small, seL4_EndpointObject, 0, root, 0, 0, obj, 1)).toBe(10);
      expect(sel4.seL4_Untyped_Retype(copy, seL4_EndpointObject, 0, root, 0, 0, obj, 1)).toBe(
        seL4_NoError,
      );
    }));

  it("invoking a null cap: InvalidCapability(0); CNode label on a TCB: IllegalOperation", () =>
    withRoot((sel4, alloc) => {
      expect(sel4.seL4_TCB_Suspend(alloc())).toBe(seL4_InvalidCapability);
      expect(sel4.seL4_GetMR(0)).toBe(0n);
      expect(sel4.seL4_CNode_Delete(seL4_CapInitThreadTCB, 5, 64)).toBe(seL4_IllegalOperation);
    }));
});

describe("CSpace resolution (§3.2, CSPACE0001)", () => {
  it("depth out of range is RangeError(1, 64); remaining bits are a DepthMismatch", () =>
    withRoot((sel4) => {
      expect(sel4.seL4_CNode_Delete(root, 5, 0)).toBe(seL4_RangeError);
      expect([sel4.seL4_GetMR(0), sel4.seL4_GetMR(1)]).toEqual([1n, 64n]);
      // depth 32 with a 52-bit guard: guard mismatch (guard bits > depth).
      expect(sel4.seL4_CNode_Delete(root, 5, 32)).toBe(seL4_FailedLookup);
      expect(sel4.seL4_GetMR(1)).toBe(4n);
    }));

  it("a guard skip word lets a 2-level CSpace resolve; a wrong guard is GuardMismatch with details", () =>
    withRoot((sel4, alloc, ut) => {
      const [cn, ep] = [alloc(), alloc()];
      expect(sel4.seL4_Untyped_Retype(ut, seL4_CapTableObject, 4, root, 0, 0, cn, 1)).toBe(
        seL4_NoError,
      );
      // Give the second-level CNode a guard of 8 bits with value 0x5a: 12 + 8 + 4 = 24 bits.
      const guarded = alloc();
      const data = wordFromCNodeCapData(seL4_CNode_CapData_new(0x5an, 8));
      expect(sel4.seL4_CNode_Mutate(root, guarded, 64, root, cn, 64, data)).toBe(seL4_NoError);
      retype(sel4, ut, seL4_EndpointObject, ep);
      // Through the guarded cap, (0x5a << 4) | 3 at depth 12 names slot 3 of the second CNode.
      const idx = (0x5a << 4) | 3;
      expect(sel4.seL4_CNode_Move(guarded, idx, 12, root, ep, 64)).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_Move(root, ep, 64, guarded, idx, 12)).toBe(seL4_NoError);
      const bad = (0x11 << 4) | 3;
      expect(sel4.seL4_CNode_Move(guarded, bad, 12, root, ep, 64)).toBe(seL4_FailedLookup);
      // dest lookup: source flag 0, GuardMismatch(bitsLeft 12, guardFound 0x5a, bitsFound 8)
      expect([0, 1, 2, 3, 4].map((i) => sel4.seL4_GetMR(i))).toEqual([0n, 4n, 12n, 0x5an, 8n]);
      // depth 13 leaves one bit unresolved: DepthMismatch(bitsLeft 1, bitsFound 0)
      expect(sel4.seL4_CNode_Delete(guarded, idx << 1, 13)).toBe(seL4_FailedLookup);
      expect([0, 1, 2, 3].map((i) => sel4.seL4_GetMR(i))).toEqual([0n, 3n, 1n, 0n]);
    }));
});
