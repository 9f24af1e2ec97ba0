/** IRQs (§10), VCPU objects (§8.2, §9.2), I/O ports (§9.6) and VMEnter (§9.5). */
import {
  seL4_AllRights,
  seL4_ARM_VCPUObject,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapIOPortControl,
  seL4_CapIRQControl,
  seL4_DeleteFirst,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_NoError,
  seL4_NotificationObject,
  seL4_RangeError,
  seL4_RevokeFirst,
  seL4_TCBObject,
  seL4_X86_VCPUObject,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const root = seL4_CapInitThreadCNode;

describe("interrupts", () => {
  it("aarch64: Get twice is RevokeFirst; reserved IRQs; range; SetNotification needs a notification", async () => {
    const kernel = await runRoot({ arch: "aarch64" }, async (sel4, bi) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const n = alloc();
      sel4.seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, root, 0, 0, n, 1);
      const h = alloc();
      expect(sel4.seL4_IRQControl_Get(seL4_CapIRQControl, 33, root, h, 64)).toBe(seL4_NoError);
      expect(sel4.seL4_IRQControl_Get(seL4_CapIRQControl, 33, root, alloc(), 64)).toBe(
        seL4_RevokeFirst,
      );
      expect(sel4.seL4_IRQControl_Get(seL4_CapIRQControl, 27, root, alloc(), 64)).toBe(
        seL4_RevokeFirst,
      );
      expect(sel4.seL4_IRQControl_Get(seL4_CapIRQControl, 160, root, alloc(), 64)).toBe(
        seL4_RangeError,
      );
      expect([sel4.seL4_GetMR(0), sel4.seL4_GetMR(1)]).toEqual([0n, 159n]);
      expect(sel4.seL4_IRQControl_Get(seL4_CapIRQControl, 34, root, h, 64)).toBe(seL4_DeleteFirst);
      expect(sel4.seL4_IRQHandler_SetNotification(h, root)).toBe(seL4_InvalidCapability);
      expect(sel4.seL4_IRQHandler_SetNotification(h, n)).toBe(seL4_NoError);
      expect(sel4.seL4_IRQHandler_Clear(h)).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_Delete(root, h, 64)).toBe(seL4_NoError);
      expect(sel4.seL4_IRQControl_Get(seL4_CapIRQControl, 33, root, h, 64)).toBe(seL4_NoError);
    });
    expect(kernel.raiseIRQ(1000)).toBe(false);
    expect(kernel.checkInvariants()).toEqual([]);
  });
});

it("IRQ delivery wakes a waiting root task from outside", async () => {
  const { Kernel } = await import("../src/index.js");
  const kernel = new Kernel({ arch: "aarch64", ramSize: 16 * 2 ** 20 });
  const seen: bigint[] = [];
  const booted = kernel.start(async (sel4, bi) => {
    const alloc = slots(bi);
    const ut = ramUntyped(bi, 12);
    const n = alloc();
    sel4.seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, root, 0, 0, n, 1);
    const nb = alloc();
    sel4.seL4_CNode_Mint(root, nb, 64, root, n, 64, seL4_AllRights, 0x40n);
    const h = alloc();
    sel4.seL4_IRQControl_Get(seL4_CapIRQControl, 33, root, h, 64);
    sel4.seL4_IRQHandler_SetNotification(h, nb);
    seen.push((await sel4.seL4_Wait(n)).sender);
    // Raised again while masked: pending, not delivered before the Ack.
    seen.push(sel4.seL4_Poll(n).sender);
    sel4.seL4_IRQHandler_Ack(h);
    seen.push(sel4.seL4_Poll(n).sender);
    sel4.seL4_IRQHandler_Ack(h);
    seen.push((await sel4.seL4_Wait(n)).sender);
  });
  expect(booted.untyped.end).toBeGreaterThan(booted.untyped.start);
  await kernel.idle();
  expect(kernel.raiseIRQ(33)).toBe(true);
  expect(kernel.raiseIRQ(33)).toBe(true); // masked: pending until the Ack
  await kernel.idle();
  expect(kernel.raiseIRQ(33)).toBe(true);
  await kernel.idle();
  expect(seen).toEqual([0x40n, 0n, 0x40n, 0x40n]);
});

describe("VCPUs and I/O ports", () => {
  it("VCPU0001 and ARM VCPU invocation rules", async () => {
    await runRoot({ arch: "aarch64" }, async (sel4, bi) => {
      if (sel4.config !== "aarch64") return;
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const v = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_ARM_VCPUObject, 0, root, 0, 0, v, 1)).toBe(
        seL4_NoError,
      );
      expect(sel4.seL4_ARM_VCPU_InjectIRQ(v, 0, 0, 0, 0)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_VCPU_InjectIRQ(v, 1024, 0, 0, 0)).toBe(seL4_RangeError);
      expect([sel4.seL4_GetMR(0), sel4.seL4_GetMR(1)]).toEqual([0n, 1023n]);
      expect(sel4.seL4_ARM_VCPU_InjectIRQ(v, 1, 0, 0, 4)).toBe(seL4_RangeError);
      expect(sel4.seL4_ARM_VCPU_ReadRegs(v, 0).value).toBe(0x34d5_8820n);
      expect(sel4.seL4_ARM_VCPU_WriteRegs(v, 17, 0x8000n)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_VCPU_ReadRegs(v, 17).value).toBe(0x8000n);
      expect(sel4.seL4_ARM_VCPU_ReadRegs(v, 24).error).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_ARM_VCPU_AckVPPI(v, 26)).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_ARM_VCPU_AckVPPI(v, 27)).toBe(seL4_NoError);
      expect(sel4.seL4_ARM_VCPU_SetTCB(v, root)).toBe(seL4_IllegalOperation);
      const t = alloc();
      sel4.seL4_Untyped_Retype(ut, seL4_TCBObject, 0, root, 0, 0, t, 1);
      expect(sel4.seL4_ARM_VCPU_SetTCB(v, t)).toBe(seL4_NoError);
      // A VCPU-bound thread keeps EL1h SPSR values verbatim.
      const regs = sel4.seL4_TCB_ReadRegisters(t, false, 0, 36).regs;
      sel4.seL4_TCB_WriteRegisters(t, false, 0, 36, { ...regs, spsr: 0x3c5n });
      expect(sel4.seL4_TCB_ReadRegisters(t, false, 0, 36).regs.spsr).toBe(0x3c5n);
    });
  });

  it("x86: IOPortControl_Issue, IOPort In/Out ranges, VCPU VMCS rules, VMEnter", async () => {
    const out: bigint[] = [];
    await runRoot({ arch: "x86_64" }, async (sel4, bi, kernel) => {
      if (sel4.config !== "x86_64") return;
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const io = alloc();
      expect(
        sel4.seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x3f8, 0x3ff, root, io, 64),
      ).toBe(0);
      expect(
        sel4.seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x3fa, 0x400, root, alloc(), 64),
      ).toBe(seL4_RevokeFirst);
      expect(
        sel4.seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 9, 8, root, alloc(), 64),
      ).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_X86_IOPort_Out8(io, 0x3f8, 0x41)).toBe(seL4_NoError);
      expect(sel4.seL4_X86_IOPort_In32(io, 0x3fd).error).toBe(seL4_IllegalOperation);
      expect(sel4.seL4_X86_IOPort_In8(io, 0x3ff).error).toBe(seL4_NoError);
      expect(
        sel4.seL4_CNode_Copy(root, alloc(), 64, root, seL4_CapIOPortControl, 64, seL4_AllRights),
      ).toBe(seL4_IllegalOperation);
      const v = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_X86_VCPUObject, 0, root, 0, 0, v, 1)).toBe(0);
      expect(sel4.seL4_X86_VCPU_ReadVMCS(v, 0x1234).error).toBe(seL4_IllegalOperation);
      const w = sel4.seL4_X86_VCPU_WriteVMCS(v, 0x4002, 0n);
      expect(w.error).toBe(0);
      expect(w.written).toBe((1n << 25n) | (1n << 28n) | (1n << 31n));
      expect(sel4.seL4_X86_VCPU_EnableIOPort(v, io, 0x3f0, 0x3f8)).toBe(seL4_InvalidArgument);
      expect(sel4.seL4_X86_VCPU_EnableIOPort(v, io, 0x3f8, 0x3f9)).toBe(0);
      // VMEnter without a VCPU is an UnknownSyscall fault; with one and no executor, a failed entry.
      expect(sel4.seL4_X86_VCPU_SetTCB(v, seL4_CapInitThreadTCB)).toBe(0);
      const r = await sel4.seL4_VMEnter();
      out.push(r.result, sel4.seL4_GetMR(3), sel4.seL4_GetMR(4));
      void kernel;
    });
    expect(out).toEqual([1n, 0xffff_ffffn, (1n << 64n) - 1n]);
  });

  it("x86: VMEnter with an active bound notification returns NOTIF with the badge at once", async () => {
    const out: bigint[] = [];
    await runRoot({ arch: "x86_64" }, async (sel4, bi) => {
      if (sel4.config !== "x86_64") return;
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const v = alloc();
      sel4.seL4_Untyped_Retype(ut, seL4_X86_VCPUObject, 0, root, 0, 0, v, 1);
      const n = alloc();
      sel4.seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, root, 0, 0, n, 1);
      const nb = alloc();
      sel4.seL4_CNode_Mint(root, nb, 64, root, n, 64, seL4_AllRights, 0x99n);
      sel4.seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n);
      sel4.seL4_X86_VCPU_SetTCB(v, seL4_CapInitThreadTCB);
      sel4.seL4_Signal(nb);
      const r = await sel4.seL4_VMEnter();
      out.push(r.result, r.sender);
    });
    expect(out).toEqual([0n, 0x99n]);
  });

  it("UNKNOWN_SYSCALL_001: VMEnter from a thread without a VCPU faults", async () => {
    let label = -1;
    await runRoot({ arch: "x86_64" }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = alloc();
      sel4.seL4_Untyped_Retype(ut, 2, 0, root, 0, 0, ep, 1);
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          if (s.config === "x86_64") await s.seL4_VMEnter();
        },
        { faultEP: ep },
      );
      label = (await sel4.seL4_Recv(ep)).info.label;
    });
    expect(label).toBe(2);
  });
});

it("x86 IRQControl_GetIOAPIC: vector range, then destination, then IOAPIC/pin/level/polarity checks", async () => {
  const out: number[] = [];
  await runRoot({ arch: "x86_64" }, async (sel4, bi) => {
    if (sel4.config !== "x86_64") return;
    const alloc = slots(bi);
    const d = alloc();
    const get = (
      slot: number,
      ioapic: number,
      pin: number,
      level: number,
      polarity: number,
      vector: number,
    ) =>
      sel4.seL4_IRQControl_GetIOAPIC(
        seL4_CapIRQControl,
        root,
        slot,
        64,
        ioapic,
        pin,
        level,
        polarity,
        vector,
      );
    out.push(get(d, 0, 4, 0, 0, 108));
    out.push(get(d, 1, 4, 0, 0, 10));
    out.push(get(d, 0, 24, 0, 0, 10));
    out.push(get(d, 0, 4, 2, 0, 10), Number(sel4.seL4_GetMR(0)));
    out.push(get(d, 0, 4, 0, 2, 10), Number(sel4.seL4_GetMR(0)));
    out.push(get(d, 0, 4, 1, 1, 10));
    out.push(get(alloc(), 0, 5, 0, 0, 10));
    out.push(get(d, 0, 5, 0, 0, 11));
    out.push(sel4.seL4_IRQControl_Get(seL4_CapIRQControl, 4, root, alloc(), 64));
  });
  expect(out).toEqual([
    seL4_RangeError,
    seL4_RangeError,
    seL4_RangeError,
    seL4_InvalidArgument,
    2,
    seL4_InvalidArgument,
    3,
    seL4_NoError,
    seL4_RevokeFirst,
    seL4_DeleteFirst,
    seL4_IllegalOperation,
  ]);
});
