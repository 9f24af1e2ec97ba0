/** ARM and x86 VCPU objects' invocations (§8.2, §9.2) and x86 I/O ports (§9.6). */
import { ARMLabel, X86Label } from "./abi.js";
import {
  GIC_NUM_LIST_REGS,
  listRegisterIsActive,
  pendingListRegister,
} from "./arch/aarch64/vgic.js";
import { cteInsert } from "./cdt.js";
import { depthOf, lookupSlotForCNodeOp } from "./cspace/resolve.js";
import { dissociateVCPU } from "./delete.js";
import { fail } from "./errors.js";
import { arg, type Invocation, type InvocationReply } from "./invocation.js";
import { revokeIOPortGrant } from "./ioport-grant.js";
import type { TCB, VCPU } from "./objects/types.js";
/** `seL4_VCPUReg_Num`. */
export const VCPU_REG_NUM = 24;
/** The virtual timer PPI, the only virtualised PPI. */
const VTIMER_PPI = 27;

function associate(vcpu: VCPU, t: TCB): void {
  dissociateVCPU(vcpu.tcb);
  dissociateVCPU(t);
  vcpu.tcb = t;
  t.vcpu = vcpu;
}

/** ARM VCPU invocations. */
export function decodeARMVCPUInvocation(inv: Invocation): InvocationReply {
  if (inv.cap.type !== "vcpu") throw fail.illegalOperation();
  const vcpu = inv.cap.obj;
  switch (inv.label) {
    case ARMLabel.ARMVCPUSetTCB: {
      if (inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const cap = inv.extraCaps[0]!.cap;
      if (cap.type !== "thread") throw fail.illegalOperation();
      associate(vcpu, cap.obj);
      return undefined;
    }
    case ARMLabel.ARMVCPUReadReg: {
      if (inv.length < 1) throw fail.truncatedMessage();
      const field = arg(inv, 0);
      if (field >= BigInt(VCPU_REG_NUM)) throw fail.invalidArgument(1);
      return [vcpu.regs[Number(field)]!];
    }
    case ARMLabel.ARMVCPUWriteReg: {
      if (inv.length < 2) throw fail.truncatedMessage();
      const field = arg(inv, 0);
      if (field >= BigInt(VCPU_REG_NUM)) throw fail.invalidArgument(1);
      vcpu.regs[Number(field)] = arg(inv, 1);
      return undefined;
    }
    case ARMLabel.ARMVCPUInjectIRQ: {
      if (inv.length < 1) throw fail.truncatedMessage();
      const w = arg(inv, 0);
      const virq = Number(w & 0xffffn);
      const priority = Number((w >> 16n) & 0xffn);
      const group = Number((w >> 24n) & 0xffn);
      const index = Number((w >> 32n) & 0xffn);
      if (virq > 1023) throw fail.rangeError(0, 1023);
      if (priority > 31) throw fail.rangeError(0, 31);
      if (group > 1) throw fail.rangeError(0, 1);
      if (index >= GIC_NUM_LIST_REGS) throw fail.rangeError(0, GIC_NUM_LIST_REGS - 1);
      if (listRegisterIsActive(vcpu.lrs[index]!)) throw fail.deleteFirst();
      vcpu.lrs[index] = pendingListRegister(virq, priority, group);
      return undefined;
    }
    case ARMLabel.ARMVCPUAckVPPI: {
      if (inv.length < 1) throw fail.truncatedMessage();
      const irq = arg(inv, 0);
      if (irq > BigInt(inv.k.params.maxIRQ)) throw fail.rangeError(0, inv.k.params.maxIRQ);
      if (Number(irq) !== VTIMER_PPI) throw fail.invalidArgument(0);
      vcpu.vppiMasked.delete(VTIMER_PPI);
      return undefined;
    }
    default:
      throw fail.illegalOperation();
  }
}

/** VMCS fields a VMM may read and write (Intel encodings, §9.2). */
const VMCS_RW = new Set<number>([
  0x681e,
  0x681c,
  0x6820,
  0x6800,
  0x6802,
  0x6804,
  0x681a,
  0x4810,
  0x4812,
  0x6816,
  0x6818,
  0x2802,
  0x2804,
  0x2806,
  0x2808,
  0x280a,
  0x280c,
  0x280e,
  0x2810,
  0x4824,
  0x4826,
  0x4828,
  0x482a,
  0x482e,
  0x6822,
  0x6824,
  0x6826,
  0x6000,
  0x6002,
  0x6004,
  0x6006,
  0x4004,
  0x4016,
  0x4000,
  0x4002,
  0x401e,
  0x400c,
  0x4012,
  ...[0, 2, 4, 6, 8, 10, 12, 14].flatMap((i) => [0x0800 + i, 0x4800 + i, 0x4814 + i, 0x6806 + i]),
]);
const VMCS_READ_ONLY = new Set<number>([
  0x4400, 0x4404, 0x4406, 0x4408, 0x440a, 0x440c, 0x440e, 0x2400, 0x6402, 0x6404, 0x6406, 0x6408,
  0x640a,
]);
const VMCS_WRITE_ONLY = new Set<number>([0x4018]);

/** Bits the kernel forces on in the control fields (`applyFixedBits`, must-be-one part). */
const VMCS_FIXED_ONES = new Map<number, bigint>([
  [0x4000, (1n << 0n) | (1n << 3n) | (1n << 5n)],
  [0x4002, (1n << 25n) | (1n << 28n) | (1n << 31n)],
  [0x401e, (1n << 1n) | (1n << 5n)],
  [0x400c, (1n << 2n) | (1n << 9n) | (1n << 12n) | (1n << 15n) | (0xfn << 18n)],
]);

/** x86 VCPU invocations. */
export function decodeX86VCPUInvocation(inv: Invocation): InvocationReply {
  if (inv.cap.type !== "vcpu") throw fail.illegalOperation();
  const vcpu = inv.cap.obj;
  switch (inv.label) {
    case X86Label.X86VCPUSetTCB: {
      if (inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const cap = inv.extraCaps[0]!.cap;
      if (cap.type !== "thread") throw fail.illegalOperation();
      associate(vcpu, cap.obj);
      return undefined;
    }
    case X86Label.X86VCPUReadVMCS: {
      if (inv.length < 1) throw fail.illegalOperation();
      const field = arg(inv, 0);
      const f = Number(field & 0xffffn);
      if (field > 0xffffn || !(VMCS_RW.has(f) || VMCS_READ_ONLY.has(f)))
        throw fail.illegalOperation();
      return [vcpu.vmcs.get(f) ?? 0n];
    }
    case X86Label.X86VCPUWriteVMCS: {
      if (inv.length < 2) throw fail.illegalOperation();
      const field = arg(inv, 0);
      const f = Number(field & 0xffffn);
      if (field > 0xffffn || !(VMCS_RW.has(f) || VMCS_WRITE_ONLY.has(f)))
        throw fail.illegalOperation();
      const value = arg(inv, 1) | (VMCS_FIXED_ONES.get(f) ?? 0n);
      vcpu.vmcs.set(f, value);
      return [value];
    }
    case X86Label.X86VCPUEnableIOPort: {
      if (inv.length < 2 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const slot = inv.extraCaps[0]!;
      const cap = slot.cap;
      if (cap.type !== "io_port") throw fail.illegalOperation();
      const low = arg(inv, 0);
      const high = arg(inv, 1);
      if (low < BigInt(cap.first) || high > BigInt(cap.last)) throw fail.invalidArgument(0);
      // One grant per IOPort cap: an earlier grant through this cap is withdrawn first.
      revokeIOPortGrant(cap);
      for (let p = Number(low); p <= Number(high); p++) vcpu.ioPortsEnabled.add(p);
      slot.cap = { ...cap, vcpu };
      return undefined;
    }
    case X86Label.X86VCPUDisableIOPort: {
      if (inv.length < 2) throw fail.truncatedMessage();
      const low = Number(arg(inv, 0) & 0xffffn);
      const high = Number(arg(inv, 1) & 0xffffn);
      for (let p = low; p <= high; p++) vcpu.ioPortsEnabled.delete(p);
      return undefined;
    }
    case X86Label.X86VCPUWriteRegisters: {
      if (inv.length < 7) throw fail.truncatedMessage();
      for (let i = 0; i < 7; i++) vcpu.guestRegisters[i] = arg(inv, i);
      return undefined;
    }
    default:
      throw fail.illegalOperation();
  }
}

/** IOPortControl_Issue. */
export function decodeIOPortControlInvocation(inv: Invocation): InvocationReply {
  const { k } = inv;
  if (inv.label !== X86Label.X86IOPortControlIssue) throw fail.illegalOperation();
  if (inv.length < 4 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
  const first = Number(arg(inv, 0) & 0xffffn);
  const last = Number(arg(inv, 1) & 0xffffn);
  if (last < first) throw fail.invalidArgument(1);
  for (let p = first; p <= last; p++) if (k.ioPortIssued[p]) throw fail.revokeFirst();
  const dest = lookupSlotForCNodeOp(
    false,
    inv.extraCaps[0]!.cap,
    arg(inv, 2),
    depthOf(arg(inv, 3)),
  );
  if (dest.cap.type !== "null") throw fail.deleteFirst();
  for (let p = first; p <= last; p++) k.ioPortIssued[p] = 1;
  cteInsert({ type: "io_port", first, last }, inv.slot, dest);
  return undefined;
}

/** IOPort In/Out: the model has no port devices on the bus; reads give all ones. */
export function decodeIOPortInvocation(inv: Invocation): InvocationReply {
  if (inv.cap.type !== "io_port") throw fail.illegalOperation();
  const { first, last } = inv.cap;
  const widths: Record<number, number> = {
    [X86Label.X86IOPortIn8]: 1,
    [X86Label.X86IOPortIn16]: 2,
    [X86Label.X86IOPortIn32]: 4,
    [X86Label.X86IOPortOut8]: 1,
    [X86Label.X86IOPortOut16]: 2,
    [X86Label.X86IOPortOut32]: 4,
  };
  const width = widths[inv.label];
  if (width === undefined) throw fail.illegalOperation();
  const isIn = inv.label <= X86Label.X86IOPortIn32;
  if (inv.length < (isIn ? 1 : 2)) throw fail.truncatedMessage();
  const port = Number(arg(inv, 0) & 0xffffn);
  if (port < first || port + width - 1 > last) throw fail.illegalOperation();
  if (isIn) return [(1n << BigInt(8 * width)) - 1n];
  return undefined;
}
