/** TCB invocations (§6.2-§6.4, sel4test threads.c, frames.c FRAMEDIPC, fpu.c, domains). */
import {
  seL4_AlignmentError,
  seL4_ARM_SmallPageObject,
  seL4_CapDomain,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_NoError,
  seL4_NotificationObject,
  seL4_RangeError,
  seL4_TCBObject,
  seL4_X86_4K,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { type AnySel4, ramUntyped, runRoot, slots } from "./helpers.js";

const root = seL4_CapInitThreadCNode;

function newTCB(sel4: AnySel4, ut: number, slot: number): number {
  expect(sel4.seL4_Untyped_Retype(ut, seL4_TCBObject, 0, root, 0, 0, slot, 1)).toBe(seL4_NoError);
  return slot;
}

describe.each(["aarch64", "x86_64"] as const)("%s TCB", (arch) => {
  const nRegs = arch === "aarch64" ? 36 : 20;

  it("Read/WriteRegisters: self is IllegalOperation, count range, sanitisation", async () => {
    await runRoot({ arch }, async (sel4, bi) => {
      const alloc = slots(bi);
      const t = newTCB(sel4, ramUntyped(bi), alloc());
      expect(sel4.seL4_TCB_ReadRegisters(seL4_CapInitThreadTCB, false, 0, 1).error).toBe(
        seL4_IllegalOperation,
      );
      expect(sel4.seL4_TCB_ReadRegisters(t, false, 0, 0).error).toBe(seL4_RangeError);
      expect([sel4.seL4_GetMR(0), sel4.seL4_GetMR(1)]).toEqual([1n, BigInt(nRegs)]);
      expect(sel4.seL4_TCB_ReadRegisters(t, false, 0, nRegs + 1).error).toBe(seL4_RangeError);
      if (sel4.config === "aarch64") {
        const r = sel4.seL4_TCB_ReadRegisters(t, false, 0, 36);
        expect(r.regs.spsr).toBe(0x140n);
        const regs = { ...r.regs, pc: 0x1234n, x30: 0xffff_ffff_ffff_ffffn, spsr: 0xf000_03c5n };
        expect(sel4.seL4_TCB_WriteRegisters(t, false, 0, 36, regs)).toBe(seL4_NoError);
        const back = sel4.seL4_TCB_ReadRegisters(t, false, 0, 36).regs;
        expect([back.pc, back.x30, back.spsr]).toEqual([
          0x1234n,
          0xffff_ffff_ffff_ffffn,
          0xf000_0140n,
        ]);
        expect(sel4.seL4_TCB_WriteRegisters(seL4_CapInitThreadTCB, false, 0, 36, regs)).toBe(
          seL4_IllegalOperation,
        );
      } else if (sel4.config === "x86_64") {
        const r = sel4.seL4_TCB_ReadRegisters(t, false, 0, 20);
        expect(r.regs.rflags).toBe(0x202n);
        const regs = { ...r.regs, rip: 0x8000_0000_0000n, rflags: 1n, fs_base: 0x1000n };
        expect(sel4.seL4_TCB_WriteRegisters(t, false, 0, 20, regs)).toBe(seL4_NoError);
        const back = sel4.seL4_TCB_ReadRegisters(t, false, 0, 20).regs;
        // Non-canonical rip becomes 0; FLAGS gets bit 1 and IF.
        expect([back.rip, back.rflags, back.fs_base]).toEqual([0n, 0x203n, 0x1000n]);
      }
    });
  });

  it("CopyRegisters copies frame and integer registers; non-TCB source is InvalidCapability(1)", async () => {
    await runRoot({ arch }, async (sel4, bi) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const a = newTCB(sel4, ut, alloc());
      const b = newTCB(sel4, ut, alloc());
      sel4.seL4_TCB_SetTLSBase(a, 0x7777n);
      expect(sel4.seL4_TCB_CopyRegisters(b, a, false, false, true, true, 0)).toBe(seL4_NoError);
      const regs = sel4.seL4_TCB_ReadRegisters(b, false, 0, nRegs).regs as Record<string, bigint>;
      expect(regs[arch === "aarch64" ? "tpidr_el0" : "fs_base"]).toBe(0x7777n);
      expect(sel4.seL4_TCB_CopyRegisters(b, root, false, false, true, true, 0)).toBe(
        seL4_InvalidCapability,
      );
      expect(sel4.seL4_GetMR(0)).toBe(1n);
    });
  });

  it("THREADS0004/0005 and FRAMEDIPC0001/0002: Configure/SetSpace/SetIPCBuffer checks", async () => {
    await runRoot({ arch }, async (sel4, bi) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const t = newTCB(sel4, ut, alloc());
      const page = arch === "aarch64" ? seL4_ARM_SmallPageObject : seL4_X86_4K;
      const frame = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, page, 0, root, 0, 0, frame, 1)).toBe(seL4_NoError);
      const vs = seL4_CapInitThreadVSpace;
      expect(sel4.seL4_TCB_Configure(t, 0, 0, 0n, vs, 0n, 0, 0)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_TCB_SetSpace(t, 0, 0, 0n, vs, 0n)).toBe(seL4_IllegalOperation);
      // A VSpace without an ASID (a fresh one) is not a valid root either.
      expect(sel4.seL4_TCB_SetSpace(t, 0, root, 0n, root, 0n)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_TCB_SetSpace(t, 0, root, 0n, vs, 0n)).toBe(seL4_NoError);
      expect(sel4.seL4_TCB_SetIPCBuffer(t, 0x1000 + 8, frame)).toBe(seL4_AlignmentError);
      expect(sel4.seL4_TCB_SetIPCBuffer(t, 0x1000, root)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_TCB_SetIPCBuffer(t, 0x1400, frame)).toBe(seL4_NoError);
      // A device frame cannot be an IPC buffer.
      const devIndex = bi.untypedList.findIndex((u) => u.isDevice && u.sizeBits >= 12);
      const dev = alloc();
      expect(
        sel4.seL4_Untyped_Retype(bi.untyped.start + devIndex, page, 0, root, 0, 0, dev, 1),
      ).toBe(seL4_NoError);
      expect(sel4.seL4_TCB_SetIPCBuffer(t, 0x1000, dev)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_TCB_Configure(t, 0, root, 0n, vs, 0n, 0x1000, dev)).toBe(
        seL4_IllegalOperation,
      );
    });
  });

  it("BindNotification rules; SetFlags (FPU0003); TLS base; domains (DOMAINS0001-0003)", async () => {
    await runRoot({ arch }, async (sel4, bi) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const [t, u] = [newTCB(sel4, ut, alloc()), newTCB(sel4, ut, alloc())];
      const n = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, root, 0, 0, n, 1)).toBe(
        seL4_NoError,
      );
      expect(sel4.seL4_TCB_UnbindNotification(t)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_TCB_BindNotification(t, root)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_TCB_BindNotification(t, n)).toBe(seL4_NoError);
      expect(sel4.seL4_TCB_BindNotification(u, n)).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_TCB_SetFlags(t, 0n, 0n).flags).toBe(0n);
      expect(sel4.seL4_TCB_SetFlags(t, 0n, 1n).flags).toBe(1n);
      expect(sel4.seL4_TCB_SetFlags(t, 1n, 0n).flags).toBe(0n);
      expect(sel4.seL4_DomainSet_Set(seL4_CapDomain, 0, t)).toBe(seL4_NoError);
      expect(sel4.seL4_DomainSet_Set(seL4_CapDomain, 11, t)).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_DomainSet_Set(seL4_CapDomain, 0, root)).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_GetMR(0)).toBe(1n);
      expect(sel4.seL4_DomainSet_Set(t, 0, t)).toBe(seL4_IllegalOperation);
      // Resuming yourself is a no-op success (SCHED0002).
      expect(sel4.seL4_TCB_Resume(seL4_CapInitThreadTCB)).toBe(seL4_NoError);
    });
  });
});
