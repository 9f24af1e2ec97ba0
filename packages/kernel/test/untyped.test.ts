/** Untyped_Retype (reference §4, sel4test inc_untyped.c RETYPE0000-0002, §12.10). */
import {
  seL4_AllRights,
  seL4_ARM_SmallPageObject,
  seL4_CapInitThreadCNode,
  seL4_CapTableObject,
  seL4_DeleteFirst,
  seL4_EndpointObject,
  seL4_FailedLookup,
  seL4_InvalidArgument,
  seL4_NoError,
  seL4_NotEnoughMemory,
  seL4_RangeError,
  seL4_TCBObject,
  seL4_TruncatedMessage,
  seL4_UntypedObject,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { type AnySel4, ramUntyped, runRoot, slots } from "./helpers.js";

const root = seL4_CapInitThreadCNode;

async function withRoot(body: (sel4: AnySel4, alloc: () => number, ut: number) => void) {
  const kernel = await runRoot({ arch: "aarch64" }, async (sel4, bi) =>
    body(sel4, slots(bi), ramUntyped(bi)),
  );
  expect(kernel.checkInvariants()).toEqual([]);
  return kernel;
}

const mrs = (sel4: AnySel4, n: number) => Array.from({ length: n }, (_, i) => sel4.seL4_GetMR(i));

describe("Retype checks in seL4's order", () => {
  it("RETYPE0000: fan-out and offset ranges, DeleteFirst, reset after all children are gone", () =>
    withRoot((sel4, alloc, ut) => {
      const small = alloc();
      const cn = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_UntypedObject, 11 + 3, root, 0, 0, small, 1)).toBe(
        seL4_NoError,
      );
      expect(sel4.seL4_Untyped_Retype(ut, seL4_CapTableObject, 2, root, 0, 0, cn, 1)).toBe(
        seL4_NoError,
      );
      const R = (offset: number, n: number) =>
        sel4.seL4_Untyped_Retype(small, seL4_TCBObject, 0, root, cn, 64, offset, n);
      expect(R(0, 0)).toBe(seL4_RangeError);
      expect(mrs(sel4, 2)).toEqual([1n, 256n]);
      expect(R(3, 2)).toBe(seL4_RangeError);
      expect(mrs(sel4, 2)).toEqual([1n, 1n]);
      for (let i = 0; i < 4; i++) expect(R(i, 1)).toBe(seL4_NoError);
      expect(R(4, 2)).toBe(seL4_RangeError);
      expect(mrs(sel4, 2)).toEqual([0n, 3n]);
      for (let i = 0; i < 4; i++) expect(R(i, 1)).toBe(seL4_DeleteFirst);
      for (let i = 0; i < 4; i++) expect(sel4.seL4_CNode_Delete(cn, i, 2)).toBe(seL4_NoError);
      expect(R(0, 2 ** 31)).toBe(seL4_RangeError);
      expect(R(0, 5)).toBe(seL4_RangeError);
      expect(R(0, 3)).toBe(seL4_NoError);
      expect([0, 1, 2, 3].map((i) => R(i, 1))).toEqual([
        seL4_DeleteFirst,
        seL4_DeleteFirst,
        seL4_DeleteFirst,
        seL4_NoError,
      ]);
    }));

  it("RETYPE0001: CNodes larger than the untyped fail (NotEnoughMemory, then RangeError past 2^47)", () =>
    withRoot((sel4, alloc, ut) => {
      const n = 16;
      const u = alloc();
      const dest = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_UntypedObject, n, root, 0, 0, u, 1)).toBe(
        seL4_NoError,
      );
      for (let i = 1; i <= 40; i++) {
        const e = sel4.seL4_Untyped_Retype(u, seL4_CapTableObject, n - 5 + i, root, 0, 0, dest, 1);
        expect(n + i > 47 ? seL4_RangeError : seL4_NotEnoughMemory).toBe(e);
      }
      expect(sel4.seL4_Untyped_Retype(u, seL4_CapTableObject, n - 5, root, 0, 0, dest, 1)).toBe(
        seL4_NoError,
      );
    }));

  it("RETYPE0002: 16 pages from 64 KiB, then NotEnoughMemory with 0 bytes free", () =>
    withRoot((sel4, alloc, ut) => {
      const u = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, root, 0, 0, u, 1)).toBe(
        seL4_NoError,
      );
      const first = alloc();
      for (let i = 1; i < 16; i++) alloc();
      for (let i = 0; i < 16; i++) {
        expect(
          sel4.seL4_Untyped_Retype(u, seL4_ARM_SmallPageObject, 0, root, 0, 0, first + i, 1),
        ).toBe(seL4_NoError);
      }
      expect(sel4.seL4_Untyped_Retype(u, seL4_ARM_SmallPageObject, 0, root, 0, 0, first, 1)).toBe(
        seL4_DeleteFirst,
      );
      expect(sel4.seL4_Untyped_Retype(u, seL4_ARM_SmallPageObject, 0, root, 0, 0, alloc(), 1)).toBe(
        seL4_NotEnoughMemory,
      );
      expect(sel4.seL4_GetMR(0)).toBe(0n);
    }));

  it("argument errors: type, size bits, CNode of 0 bits, tiny untyped, truncation, bad destination", () =>
    withRoot((sel4, alloc, ut) => {
      const d = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, 11, 0, root, 0, 0, d, 1)).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_GetMR(0)).toBe(0n);
      expect(sel4.seL4_Untyped_Retype(ut, seL4_UntypedObject, 63, root, 0, 0, d, 1)).toBe(
        seL4_RangeError,
      );
      expect(mrs(sel4, 2)).toEqual([0n, 47n]);
      expect(sel4.seL4_Untyped_Retype(ut, seL4_CapTableObject, 0, root, 0, 0, d, 1)).toBe(
        seL4_InvalidArgument,
      );
      expect(sel4.seL4_GetMR(0)).toBe(1n);
      expect(sel4.seL4_Untyped_Retype(ut, seL4_UntypedObject, 3, root, 0, 0, d, 1)).toBe(
        seL4_InvalidArgument,
      );
      // Destination is not a CNode: FailedLookup(MissingCapability(node_depth)).
      expect(sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, ut, 64, 0, 1)).toBe(
        seL4_FailedLookup,
      );
      expect(mrs(sel4, 3)).toEqual([0n, 2n, 64n]);
      expect(sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, 4096, 1)).toBe(
        seL4_RangeError,
      );
      expect(mrs(sel4, 2)).toEqual([0n, 4095n]);
      // Only a Retype label is understood; a CNode label on an untyped is IllegalOperation.
      expect(sel4.seL4_CNode_Copy(ut, 0, 64, root, 1, 64, seL4_AllRights)).toBe(3);
      expect(seL4_TruncatedMessage).toBe(7);
    }));

  it("device untypeds: only frames and untypeds (InvalidArgument(1) after the memory check); not zeroed", async () => {
    let paddr = 0;
    const kernel = await runRoot(
      { arch: "aarch64" },
      async (sel4, bi) => {
        const alloc = slots(bi);
        const i = bi.untypedList.findIndex((u) => u.isDevice && u.paddr === 0x0900_0000);
        const dev = bi.untyped.start + i;
        expect(i).toBeGreaterThanOrEqual(0);
        expect(sel4.seL4_Untyped_Retype(dev, seL4_EndpointObject, 0, root, 0, 0, alloc(), 1)).toBe(
          seL4_InvalidArgument,
        );
        expect(sel4.seL4_GetMR(0)).toBe(1n);
        const f = alloc();
        expect(sel4.seL4_Untyped_Retype(dev, seL4_ARM_SmallPageObject, 0, root, 0, 0, f, 1)).toBe(
          seL4_NoError,
        );
        const r = sel4.config === "aarch64" ? sel4.seL4_ARM_Page_GetAddress(f) : null;
        paddr = r!.paddr;
      },
      (k) => k.writePhysical(0x0900_0000, new Uint8Array([1, 2, 3])),
    );
    expect(paddr).toBe(0x0900_0000);
    expect([...kernel.readPhysical(0x0900_0000, 3)]).toEqual([1, 2, 3]);
  });

  it("reset zeroes the memory of RAM untypeds", async () => {
    let frameAddr = 0;
    const kernel = await runRoot(
      { arch: "aarch64" },
      async (sel4, bi) => {
        const alloc = slots(bi);
        const u = ramUntyped(bi);
        const f = alloc();
        expect(sel4.seL4_Untyped_Retype(u, seL4_ARM_SmallPageObject, 0, root, 0, 0, f, 1)).toBe(
          seL4_NoError,
        );
        if (sel4.config !== "aarch64") return;
        frameAddr = sel4.seL4_ARM_Page_GetAddress(f).paddr;
      },
      (k) => k.writePhysical(0x4020_0000, new Uint8Array([9, 9, 9, 9])),
    );
    // Boot untypeds start with the watermark at the end: the first Retype resets and zeroes.
    expect(frameAddr).toBe(0x4020_0000);
    expect([...kernel.readPhysical(frameAddr, 4)]).toEqual([0, 0, 0, 0]);
  });
});
