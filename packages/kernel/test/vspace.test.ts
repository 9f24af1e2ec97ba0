/** VSpace rules of both architectures (§7, sel4test pagetables.c/vspace.c/frames.c, §12.10). */
import {
  seL4_AlignmentError,
  seL4_AllRights,
  seL4_ARM_HugePageObject,
  seL4_ARM_LargePageObject,
  seL4_ARM_PageTableObject,
  seL4_ARM_SmallPageObject,
  seL4_ARM_VSpaceObject,
  seL4_CanRead,
  seL4_CapASIDControl,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadVSpace,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_NoError,
  seL4_RevokeFirst,
  seL4_UntypedObject,
  seL4_X64_PML4Object,
  seL4_X86_4K,
  seL4_X86_EPTPDObject,
  seL4_X86_EPTPDPTObject,
  seL4_X86_EPTPML4Object,
  seL4_X86_EPTPTObject,
  seL4_X86_LargePageObject,
  seL4_X86_PageDirectoryObject,
  seL4_X86_PageTableObject,
  seL4_X86_PDPTObject,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { type AnySel4, ramUntyped, runRoot, slots } from "./helpers.js";

const root = seL4_CapInitThreadCNode;

function make(sel4: AnySel4, ut: number, type: number, alloc: () => number): number {
  const s = alloc();
  expect(sel4.seL4_Untyped_Retype(ut, type, 0, root, 0, 0, s, 1)).toBe(seL4_NoError);
  return s;
}

describe("aarch64 VSpace", () => {
  it("missing-level lookup errors 30 then 21 (3-level hyp), then NoError; remap rules", async () => {
    const kernel = await runRoot({ arch: "aarch64" }, async (sel4, bi) => {
      if (sel4.config !== "aarch64") return;
      const alloc = slots(bi);
      const ut = ramUntyped(bi, 22);
      const vs = make(sel4, ut, seL4_ARM_VSpaceObject, alloc);
      const frame = make(sel4, ut, seL4_ARM_SmallPageObject, alloc);
      const va = 0x1_0000_0000;
      // Unassigned VSpace: InvalidCapability(1).
      expect(sel4.seL4_ARM_Page_Map(frame, vs, va, seL4_AllRights, 3)).toBe(seL4_InvalidCapability);
      expect(sel4.seL4_GetMR(0)).toBe(1n);
      expect(sel4.seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs)).toBe(
        seL4_InvalidCapability,
      );
      expect(sel4.seL4_ARM_Page_Map(frame, vs, va, seL4_AllRights, 3)).toBe(seL4_FailedLookup);
      expect(sel4.seL4_MappingFailedLookupLevel()).toBe(30n);
      const pt1 = make(sel4, ut, seL4_ARM_PageTableObject, alloc);
      expect(sel4.seL4_ARM_PageTable_Map(pt1, vs, va + 10, 3)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_Page_Map(frame, vs, va, seL4_AllRights, 3)).toBe(seL4_FailedLookup);
      expect(sel4.seL4_MappingFailedLookupLevel()).toBe(21n);
      const pt2 = make(sel4, ut, seL4_ARM_PageTableObject, alloc);
      expect(sel4.seL4_ARM_PageTable_Map(pt2, vs, va, 3)).toBe(seL4_NoError);
      expect(
        sel4.seL4_ARM_PageTable_Map(make(sel4, ut, seL4_ARM_PageTableObject, alloc), vs, va, 3),
      ).toBe(seL4_DeleteFirst);
      expect(sel4.seL4_ARM_PageTable_Map(pt2, vs, va, 3)).toBe(seL4_InvalidCapability);
      expect(sel4.seL4_ARM_Page_Map(frame, vs, va + 8, seL4_AllRights, 3)).toBe(
        seL4_AlignmentError,
      );
      expect(sel4.seL4_ARM_Page_Map(frame, vs, va, seL4_AllRights, 3)).toBe(seL4_NoError);
      // Remap at the same place changes rights; elsewhere InvalidArgument(0); other VSpace InvalidCapability(1).
      expect(sel4.seL4_ARM_Page_Map(frame, vs, va, seL4_CanRead, 3)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_Page_Map(frame, vs, va + 0x1000, seL4_AllRights, 3)).toBe(
        seL4_InvalidArgument,
      );
      expect(sel4.seL4_ARM_Page_Map(frame, seL4_CapInitThreadVSpace, va, seL4_AllRights, 3)).toBe(
        seL4_InvalidCapability,
      );
      // A copy of a mapped frame cap is unmapped and can map elsewhere.
      const copy = alloc();
      expect(sel4.seL4_CNode_Copy(root, copy, 64, root, frame, 64, seL4_AllRights)).toBe(
        seL4_NoError,
      );
      expect(sel4.seL4_ARM_Page_Map(copy, vs, va + 0x1000, seL4_AllRights, 3)).toBe(seL4_NoError);
      // Page-table copies need a mapped table; unmapping a table needs the final cap.
      const ptCopy = alloc();
      expect(sel4.seL4_CNode_Copy(root, ptCopy, 64, root, pt2, 64, seL4_AllRights)).toBe(
        seL4_NoError,
      );
      expect(sel4.seL4_ARM_PageTable_Unmap(pt2)).toBe(seL4_RevokeFirst);
      expect(sel4.seL4_CNode_Delete(root, ptCopy, 64)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_PageTable_Unmap(pt2)).toBe(seL4_NoError);
      const pt3 = make(sel4, ut, seL4_ARM_PageTableObject, alloc);
      expect(sel4.seL4_CNode_Copy(root, alloc(), 64, root, pt3, 64, seL4_AllRights)).toBe(
        seL4_IllegalOperation,
      );
      // Frames whose table vanished unmap fine; the address still works as a remap target only.
      expect(sel4.seL4_ARM_Page_Unmap(frame)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_Page_Unmap(frame)).toBe(seL4_NoError);
      // Cache maintenance ranges.
      expect(sel4.seL4_ARM_Page_Clean_Data(frame, 0, 4096)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_ARM_Page_Clean_Data(copy, 10, 10)).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_ARM_Page_Clean_Data(copy, 0, 4097)).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_ARM_Page_CleanInvalidate_Data(copy, 0, 4096)).toBe(seL4_NoError);
    });
    expect(kernel.checkInvariants()).toEqual([]);
  });

  it("PT0001: large pages need alignment; a PT at that level blocks them (FailedLookup 12)", async () => {
    await runRoot({ arch: "aarch64" }, async (sel4, bi) => {
      if (sel4.config !== "aarch64") return;
      const alloc = slots(bi);
      const ut = ramUntyped(bi, 23);
      const vs = make(sel4, ut, seL4_ARM_VSpaceObject, alloc);
      sel4.seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs);
      const large = make(sel4, ut, seL4_ARM_LargePageObject, alloc);
      const va = 0x4000_0000;
      expect(
        sel4.seL4_ARM_PageTable_Map(make(sel4, ut, seL4_ARM_PageTableObject, alloc), vs, va, 3),
      ).toBe(0);
      expect(sel4.seL4_ARM_Page_Map(large, vs, va + 0x1000, seL4_AllRights, 3)).toBe(
        seL4_AlignmentError,
      );
      expect(sel4.seL4_ARM_Page_Map(large, vs, va, seL4_AllRights, 3)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_Page_Unmap(large)).toBe(seL4_NoError);
      expect(
        sel4.seL4_ARM_PageTable_Map(make(sel4, ut, seL4_ARM_PageTableObject, alloc), vs, va, 3),
      ).toBe(0);
      expect(sel4.seL4_ARM_Page_Map(large, vs, va, seL4_AllRights, 3)).toBe(seL4_FailedLookup);
      expect(sel4.seL4_MappingFailedLookupLevel()).toBe(12n);
      // Huge pages map in the root.
      const hugeUt = bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 30);
      if (hugeUt >= 0) {
        const huge = alloc();
        expect(
          sel4.seL4_Untyped_Retype(
            bi.untyped.start + hugeUt,
            seL4_ARM_HugePageObject,
            0,
            root,
            0,
            0,
            huge,
            1,
          ),
        ).toBe(0);
        expect(
          sel4.seL4_ARM_Page_Map(huge, vs, 0x80_0000_0000 - 0x4000_0000, seL4_AllRights, 3),
        ).toBe(seL4_NoError);
      }
    });
  });

  it("VSPACE0001-0005: ASID pools: assign, delete VSpace then unmap, pool exhaustion", async () => {
    await runRoot({ arch: "aarch64" }, async (sel4, bi) => {
      if (sel4.config !== "aarch64") return;
      const alloc = slots(bi);
      const ut = ramUntyped(bi, 25);
      const vs = make(sel4, ut, seL4_ARM_VSpaceObject, alloc);
      sel4.seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs);
      const [pt1, pt2] = [
        make(sel4, ut, seL4_ARM_PageTableObject, alloc),
        make(sel4, ut, seL4_ARM_PageTableObject, alloc),
      ];
      const frame = make(sel4, ut, seL4_ARM_SmallPageObject, alloc);
      sel4.seL4_ARM_PageTable_Map(pt1, vs, 0x10000, 3);
      sel4.seL4_ARM_PageTable_Map(pt2, vs, 0x10000, 3);
      expect(sel4.seL4_ARM_Page_Map(frame, vs, 0x10000, seL4_AllRights, 3)).toBe(0);
      expect(sel4.seL4_CNode_Delete(root, vs, 64)).toBe(0);
      expect(sel4.seL4_ARM_Page_Unmap(frame)).toBe(seL4_NoError);
      // MakePool: a 4 KiB non-device untyped, 127 more pools, then DeleteFirst.
      const small = () => {
        const u = alloc();
        expect(sel4.seL4_Untyped_Retype(ut, seL4_UntypedObject, 12, root, 0, 0, u, 1)).toBe(0);
        return u;
      };
      const big = alloc();
      sel4.seL4_Untyped_Retype(ut, seL4_UntypedObject, 13, root, 0, 0, big, 1);
      expect(sel4.seL4_ARM_ASIDControl_MakePool(seL4_CapASIDControl, big, root, alloc(), 64)).toBe(
        seL4_InvalidCapability,
      );
      let pool = 0;
      for (let i = 0; i < 127; i++) {
        pool = alloc();
        expect(
          sel4.seL4_ARM_ASIDControl_MakePool(seL4_CapASIDControl, small(), root, pool, 64),
        ).toBe(0);
      }
      expect(
        sel4.seL4_ARM_ASIDControl_MakePool(seL4_CapASIDControl, small(), root, alloc(), 64),
      ).toBe(seL4_DeleteFirst);
      // A new pool accepts exactly 512 assigns.
      for (let i = 0; i < 512; i++) {
        expect(
          sel4.seL4_ARM_ASIDPool_Assign(pool, make(sel4, ut, seL4_ARM_VSpaceObject, alloc)),
        ).toBe(0);
      }
      expect(
        sel4.seL4_ARM_ASIDPool_Assign(pool, make(sel4, ut, seL4_ARM_VSpaceObject, alloc)),
      ).toBe(seL4_DeleteFirst);
    });
  });
});

describe("x86_64 VSpace", () => {
  it("missing levels 39, 30, 21 then NoError; large pages and DeleteFirst; EPT", async () => {
    const kernel = await runRoot({ arch: "x86_64" }, async (sel4, bi) => {
      if (sel4.config !== "x86_64") return;
      const alloc = slots(bi);
      const ut = ramUntyped(bi, 23);
      const pml4 = make(sel4, ut, seL4_X64_PML4Object, alloc);
      expect(sel4.seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4)).toBe(0);
      const frame = make(sel4, ut, seL4_X86_4K, alloc);
      const va = 0x80_0000_0000;
      const levels: bigint[] = [];
      expect(sel4.seL4_X86_Page_Map(frame, pml4, va, seL4_AllRights, 0)).toBe(seL4_FailedLookup);
      levels.push(sel4.seL4_MappingFailedLookupLevel());
      expect(
        sel4.seL4_X86_PDPT_Map(make(sel4, ut, seL4_X86_PDPTObject, alloc), pml4, va + 123, 0),
      ).toBe(0);
      expect(sel4.seL4_X86_Page_Map(frame, pml4, va, seL4_AllRights, 0)).toBe(seL4_FailedLookup);
      levels.push(sel4.seL4_MappingFailedLookupLevel());
      const pd = make(sel4, ut, seL4_X86_PageDirectoryObject, alloc);
      expect(sel4.seL4_X86_PageDirectory_Map(pd, pml4, va, 0)).toBe(0);
      expect(sel4.seL4_X86_Page_Map(frame, pml4, va, seL4_AllRights, 0)).toBe(seL4_FailedLookup);
      levels.push(sel4.seL4_MappingFailedLookupLevel());
      const pt = make(sel4, ut, seL4_X86_PageTableObject, alloc);
      expect(sel4.seL4_X86_PageTable_Map(pt, pml4, va, 0)).toBe(0);
      expect(
        sel4.seL4_X86_PageTable_Map(make(sel4, ut, seL4_X86_PageTableObject, alloc), pml4, va, 0),
      ).toBe(seL4_DeleteFirst);
      expect(sel4.seL4_X86_Page_Map(frame, pml4, va, seL4_AllRights, 0)).toBe(0);
      expect(levels).toEqual([39n, 30n, 21n]);
      // A 2 MiB page where a PT sits: DeleteFirst; at the next 2 MiB: fine.
      const large = make(sel4, ut, seL4_X86_LargePageObject, alloc);
      expect(sel4.seL4_X86_Page_Map(large, pml4, va, seL4_AllRights, 0)).toBe(seL4_DeleteFirst);
      expect(sel4.seL4_X86_Page_Map(large, pml4, va + 0x1000, seL4_AllRights, 0)).toBe(
        seL4_AlignmentError,
      );
      expect(sel4.seL4_X86_Page_Map(large, pml4, va + 0x20_0000, seL4_AllRights, 0)).toBe(0);
      expect(sel4.seL4_X86_Page_Map(frame, pml4, 0x7fff_ffff_f000, seL4_AllRights, 0)).toBe(
        seL4_InvalidArgument,
      );
      expect(sel4.seL4_X86_PageTable_Unmap(pt)).toBe(0);
      expect(sel4.seL4_X86_Page_Unmap(frame)).toBe(0);
      // EPT: tables and MapEPT.
      const ept = make(sel4, ut, seL4_X86_EPTPML4Object, alloc);
      const gframe = make(sel4, ut, seL4_X86_4K, alloc);
      expect(sel4.seL4_X86_Page_MapEPT(gframe, ept, 0x1000, seL4_AllRights, 6)).toBe(
        seL4_InvalidCapability,
      );
      expect(sel4.seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, ept)).toBe(0);
      expect(sel4.seL4_X86_Page_MapEPT(gframe, ept, 0x1000, seL4_AllRights, 6)).toBe(
        seL4_FailedLookup,
      );
      expect(sel4.seL4_MappingFailedLookupLevel()).toBe(39n);
      expect(
        sel4.seL4_X86_EPTPDPT_Map(make(sel4, ut, seL4_X86_EPTPDPTObject, alloc), ept, 0, 6),
      ).toBe(0);
      expect(sel4.seL4_X86_EPTPD_Map(make(sel4, ut, seL4_X86_EPTPDObject, alloc), ept, 0, 6)).toBe(
        0,
      );
      expect(
        sel4.seL4_X86_EPTPT_Map(make(sel4, ut, seL4_X86_EPTPTObject, alloc), ept, 0x1234, 6),
      ).toBe(0);
      expect(sel4.seL4_X86_Page_MapEPT(gframe, ept, 0x1fff, seL4_AllRights, 6)).toBe(0);
      expect(sel4.seL4_X86_Page_MapEPT(gframe, ept, 0x1000, seL4_AllRights, 6)).toBe(
        seL4_InvalidCapability,
      );
      expect(sel4.seL4_X86_Page_GetAddress(gframe).error).toBe(0);
    });
    expect(kernel.checkInvariants()).toEqual([]);
  });
});
