import type { CpuCore } from "./cpu.js";
import { GuestFault, generalProtection, Vector } from "./faults.js";
import { CS, LDTR, SS } from "./registers.js";
import { ACCESS_RIGHTS_UNUSABLE } from "./vmcs.js";

/**
 * Segment descriptors: reading them from the GDT/LDT, the protection checks of segment-register
 * loads, and the hidden base/limit/access-rights parts (kept in the VMCS access-rights format).
 * Limits are recorded but, as in QEMU and JSLinux, not checked on ordinary data accesses.
 */

/** Descriptor words returned by readDescriptor (low then high dword). */
export class Descriptor {
  lo = 0;
  hi = 0;
  /** Linear address of the descriptor (for setting the accessed bit). */
  address = 0;
}

/** Access rights (VMCS format) from a descriptor's high dword. */
export function accessRights(hi: number): number {
  return (hi >>> 8) & 0xf0ff;
}

/** Segment base from a descriptor. */
export function descriptorBase(lo: number, hi: number): number {
  return (lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000);
}

/** Byte-granular segment limit from a descriptor. */
export function descriptorLimit(lo: number, hi: number): number {
  const raw = (lo & 0xffff) | (hi & 0xf0000);
  return (hi & 0x800000) !== 0 ? (raw << 12) | 0xfff : raw;
}

/** Reads the descriptor `selector` names into `out`; #GP(selector) when outside the table. */
export function readDescriptor(cpu: CpuCore, selector: number, out: Descriptor, ext = 0): void {
  let base: number;
  let limit: number;
  if ((selector & 4) !== 0) {
    if ((cpu.segAr[LDTR]! & ACCESS_RIGHTS_UNUSABLE) !== 0)
      generalProtection((selector & 0xfffc) | ext);
    base = cpu.segBase[LDTR]!;
    limit = cpu.segLimit[LDTR]!;
  } else {
    base = cpu.gdtrBase;
    limit = cpu.gdtrLimit;
  }
  const offset = selector & 0xfff8;
  if (offset + 7 > limit >>> 0) generalProtection((selector & 0xfffc) | ext);
  const address = (base + offset) | 0;
  out.address = address;
  cpu.systemAccess(() => {
    out.lo = cpu.read32(address);
    out.hi = cpu.read32((address + 4) | 0);
  });
}

/** Sets the accessed bit of a code/data descriptor, as the CPU does on a load. */
export function markAccessed(cpu: CpuCore, d: Descriptor): void {
  if ((d.hi & 0x100) === 0) {
    d.hi |= 0x100;
    cpu.systemAccess(() => cpu.write32((d.address + 4) | 0, d.hi));
  }
}

/** Loads the hidden part of segment register `seg` from a descriptor. */
export function setSegmentFromDescriptor(
  cpu: CpuCore,
  seg: number,
  selector: number,
  d: Descriptor,
): void {
  cpu.segSel[seg] = selector & 0xffff;
  cpu.segBase[seg] = descriptorBase(d.lo, d.hi);
  cpu.segLimit[seg] = descriptorLimit(d.lo, d.hi);
  cpu.segAr[seg] = accessRights(d.hi);
  if (seg === CS) cpu.code32 = (d.hi & 0x400000) !== 0;
  else if (seg === SS) cpu.stack32 = (d.hi & 0x400000) !== 0;
}

/** Loads a segment register the real-mode way (base = selector * 16). */
export function setRealModeSegment(cpu: CpuCore, seg: number, selector: number): void {
  cpu.segSel[seg] = selector & 0xffff;
  cpu.segBase[seg] = (selector & 0xffff) << 4;
}

/** MOV/POP/LDS... to DS, ES, FS, GS or SS with all protected-mode checks. */
export function loadSegment(cpu: CpuCore, seg: number, selector: number): void {
  selector &= 0xffff;
  if (!cpu.protectedMode) {
    setRealModeSegment(cpu, seg, selector);
    return;
  }
  const rpl = selector & 3;
  if ((selector & 0xfffc) === 0) {
    if (seg === SS) generalProtection(0);
    cpu.segSel[seg] = selector;
    cpu.segBase[seg] = 0;
    cpu.segLimit[seg] = 0;
    cpu.segAr[seg] = ACCESS_RIGHTS_UNUSABLE;
    return;
  }
  const d = new Descriptor();
  readDescriptor(cpu, selector, d);
  const ar = accessRights(d.hi);
  const dpl = (ar >> 5) & 3;
  const isCode = (ar & 0x18) === 0x18;
  if ((ar & 0x10) === 0) generalProtection(selector);
  if (seg === SS) {
    // A writable data segment with RPL = DPL = CPL.
    if (isCode || (ar & 2) === 0 || rpl !== cpu.cpl || dpl !== cpu.cpl) generalProtection(selector);
    if ((ar & 0x80) === 0) throw new GuestFault(Vector.SS, selector & 0xfffc);
  } else {
    if (isCode && (ar & 2) === 0) generalProtection(selector);
    const conforming = isCode && (ar & 4) !== 0;
    if (!conforming && (rpl > dpl || cpu.cpl > dpl)) generalProtection(selector);
    if ((ar & 0x80) === 0) throw new GuestFault(Vector.NP, selector & 0xfffc);
  }
  markAccessed(cpu, d);
  setSegmentFromDescriptor(cpu, seg, selector, d);
}

/** Makes DS/ES/FS/GS unusable when their DPL is below the new CPL (RET/IRET to an outer ring). */
export function clearOuterDataSegments(cpu: CpuCore): void {
  for (const seg of [0, 3, 4, 5]) {
    const ar = cpu.segAr[seg]!;
    const conformingCode = (ar & 0x1c) === 0x1c;
    if ((ar & ACCESS_RIGHTS_UNUSABLE) === 0 && !conformingCode && ((ar >> 5) & 3) < cpu.cpl) {
      cpu.segSel[seg] = 0;
      cpu.segAr[seg] = ACCESS_RIGHTS_UNUSABLE;
    }
  }
}

/**
 * Checks and loads CS for a far transfer to a code segment (JMP/CALL/RET/IRET/interrupts);
 * `newCpl` is the privilege the code will run at.
 */
export function loadCodeSegment(
  cpu: CpuCore,
  selector: number,
  d: Descriptor,
  newCpl: number,
): void {
  markAccessed(cpu, d);
  setSegmentFromDescriptor(cpu, CS, (selector & 0xfffc) | newCpl, d);
  cpu.setCpl(newCpl);
}

/** Validates a code-segment descriptor for a far transfer; returns its access rights. */
export function checkCodeDescriptor(selector: number, d: Descriptor): number {
  const ar = accessRights(d.hi);
  if ((ar & 0x18) !== 0x18) generalProtection(selector);
  if ((ar & 0x80) === 0) throw new GuestFault(Vector.NP, selector & 0xfffc);
  return ar;
}
