import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { GuestFault, generalProtection, undefinedOpcode, Vector } from "../faults.js";
import { IF, IOPL, settleFlags, ZF } from "../flags.js";
import { flushTlb, invalidatePage } from "../paging.js";
import { CR0_EM, CR0_ET, CR0_MP, CR0_PE, CR0_PG, CR0_TS, CR0_WP, LDTR, TR } from "../registers.js";
import {
  accessRights,
  Descriptor,
  descriptorLimit,
  markAccessed,
  readDescriptor,
  setSegmentFromDescriptor,
} from "../segmentation.js";
import {
  ACCESS_RIGHTS_UNUSABLE,
  ActivityState,
  ExitReason,
  Interruptibility,
  PrimaryControl,
} from "../vmcs.js";
import { instructionExit } from "../vmexit.js";
import type { Handler } from "./execute.js";
import { checkIopl } from "./stack.js";

/**
 * System instructions: port I/O, CLI/STI/HLT, CPUID, MSRs, RDTSC, control and debug registers
 * (with the VT-x CR0/CR4 guest/host masks, read shadows and CR3 exiting), descriptor-table
 * registers, LLDT/LTR, LAR/LSL/VERR/VERW, INVLPG, VMCALL.
 */

const CR0_VALID =
  CR0_PE |
  CR0_MP |
  CR0_EM |
  CR0_TS |
  CR0_ET |
  0x20 |
  CR0_WP |
  0x40000 |
  0x20000000 |
  0x40000000 |
  CR0_PG;
/** CR4 bits a guest may set: TSD, DE, PSE, PGE, PCE (and VMXE, normally host-owned). */
const CR4_VALID = 0x4 | 0x8 | 0x10 | 0x80 | 0x100 | 0x2000;

function requireCpl0(cpu: CpuCore): void {
  if (cpu.protectedMode && cpu.cpl !== 0) generalProtection(0);
}

/** The TSS I/O-permission bitmap check for CPL > IOPL. */
function checkIoPermission(cpu: CpuCore, port: number, bytes: number): void {
  if (!cpu.protectedMode || cpu.cpl <= (cpu.fStored & IOPL) >> 12) return;
  const trType = cpu.segAr[TR]! & 0xf;
  if (trType !== 0x9 && trType !== 0xb) generalProtection(0);
  const base = cpu.segBase[TR]!;
  const limit = cpu.segLimit[TR]! >>> 0;
  if (limit < 0x67) generalProtection(0);
  const mapBase = cpu.systemAccess(() => cpu.read16((base + 0x66) | 0));
  const at = mapBase + (port >> 3);
  if (at + 1 > limit) generalProtection(0);
  const bits = cpu.systemAccess(() => cpu.read16((base + at) | 0));
  if (((bits >> (port & 7)) & ((1 << bytes) - 1)) !== 0) generalProtection(0);
}

function ioExits(cpu: CpuCore, port: number, bytes: number): boolean {
  const ppc = cpu.primaryControls;
  if ((ppc & PrimaryControl.USE_IO_BITMAPS) !== 0 && cpu.ioBitmap !== null) {
    for (let i = 0; i < bytes; i++) {
      const p = (port + i) & 0xffff;
      if (((cpu.ioBitmap[p >> 3]! >> (p & 7)) & 1) !== 0) return true;
    }
    return false;
  }
  return (ppc & PrimaryControl.UNCONDITIONAL_IO_EXITING) !== 0 || cpu.ioBitmap === null;
}

/**
 * IN/OUT/INS/OUTS: privilege checks, then an I/O-instruction exit (qualification: size - 1,
 * direction, string, REP, immediate operand, port) or a pass-through access.
 */
export function portAccess(
  cpu: CpuCore,
  insn: Instruction,
  port: number,
  width: number,
  input: boolean,
  string: boolean,
): void {
  const bytes = width >> 3;
  checkIoPermission(cpu, port, bytes);
  if (ioExits(cpu, port, bytes)) {
    const immediate = insn.opcode >= 0xe4 && insn.opcode <= 0xe7;
    const qual =
      (bytes - 1) |
      (input ? 8 : 0) |
      (string ? 16 : 0) |
      (string && insn.rep !== 0 ? 32 : 0) |
      (immediate ? 64 : 0) |
      (port << 16);
    if (string) {
      const a = insn.adsize === 32 ? -1 : 0xffff;
      cpu.exitGuestLinear = input
        ? (cpu.segBase[0]! + (cpu.regs[7]! & a)) | 0
        : (cpu.segBase[insn.seg]! + (cpu.regs[6]! & a)) | 0;
    }
    const linear = cpu.exitGuestLinear;
    try {
      instructionExit(cpu, ExitReason.IO_INSTRUCTION, qual);
    } finally {
      cpu.exitGuestLinear = string ? linear : 0;
    }
  }
  const mem = cpu.memory;
  if (string) {
    // Pass-through string I/O: one element per execution of the REP loop body.
    const a32 = insn.adsize === 32;
    const amask = a32 ? -1 : 0xffff;
    if (insn.rep !== 0 && (cpu.regs[1]! & amask) === 0) return;
    const delta = (cpu.fStored & 0x400) !== 0 ? -bytes : bytes;
    if (input) {
      const v = mem.portIn ? mem.portIn(port, bytes) : -1;
      cpu.writeW((cpu.segBase[0]! + (cpu.regs[7]! & amask)) | 0, width, v);
      cpu.regs[7] = a32
        ? (cpu.regs[7]! + delta) | 0
        : (cpu.regs[7]! & ~0xffff) | ((cpu.regs[7]! + delta) & 0xffff);
    } else {
      const v = cpu.readW((cpu.segBase[insn.seg]! + (cpu.regs[6]! & amask)) | 0, width);
      mem.portOut?.(port, bytes, v);
      cpu.regs[6] = a32
        ? (cpu.regs[6]! + delta) | 0
        : (cpu.regs[6]! & ~0xffff) | ((cpu.regs[6]! + delta) & 0xffff);
    }
    if (insn.rep !== 0) {
      cpu.regs[1] = a32
        ? (cpu.regs[1]! - 1) | 0
        : (cpu.regs[1]! & ~0xffff) | ((cpu.regs[1]! - 1) & 0xffff);
      if ((cpu.regs[1]! & amask) !== 0) cpu.eip = cpu.instructionStart;
    }
    return;
  }
  if (input) cpu.setReg(0, width, mem.portIn ? mem.portIn(port, bytes) : -1);
  else mem.portOut?.(port, bytes, cpu.getReg(0, width));
}

function readCr(cpu: CpuCore, insn: Instruction, cr: number): number {
  switch (cr) {
    case 0:
      return (cpu.cr0 & ~cpu.cr0Mask) | (cpu.cr0Shadow & cpu.cr0Mask);
    case 2:
      return cpu.cr2;
    case 3:
      if ((cpu.primaryControls & PrimaryControl.CR3_STORE_EXITING) !== 0)
        instructionExit(cpu, ExitReason.CR_ACCESS, 3 | (1 << 4) | (insn.rm << 8));
      return cpu.cr3;
    case 4:
      return (cpu.cr4 & ~cpu.cr4Mask) | (cpu.cr4Shadow & cpu.cr4Mask);
    default:
      return undefinedOpcode();
  }
}

/** Writes CR0 as the guest sees it (host-owned bits keep their values). */
function writeCr0(cpu: CpuCore, value: number): void {
  if ((value & ~CR0_VALID) !== 0) generalProtection(0);
  if ((value & CR0_PG) !== 0 && (value & CR0_PE) === 0) generalProtection(0);
  const merged = (value & ~cpu.cr0Mask) | (cpu.cr0 & cpu.cr0Mask) | CR0_ET | 0;
  const changed = merged ^ cpu.cr0;
  cpu.cr0 = merged;
  if ((changed & (CR0_PG | CR0_WP | CR0_PE)) !== 0) flushTlb(cpu, true);
}

function writeCr(cpu: CpuCore, insn: Instruction, cr: number, value: number): void {
  const exitQual = cr | (insn.rm << 8);
  switch (cr) {
    case 0:
      if (((value ^ cpu.cr0Shadow) & cpu.cr0Mask) !== 0)
        instructionExit(cpu, ExitReason.CR_ACCESS, exitQual);
      writeCr0(cpu, value);
      return;
    case 2:
      cpu.cr2 = value;
      return;
    case 3:
      if ((cpu.primaryControls & PrimaryControl.CR3_LOAD_EXITING) !== 0)
        instructionExit(cpu, ExitReason.CR_ACCESS, exitQual);
      cpu.cr3 = value;
      flushTlb(cpu, false);
      return;
    case 4: {
      if (((value ^ cpu.cr4Shadow) & cpu.cr4Mask) !== 0)
        instructionExit(cpu, ExitReason.CR_ACCESS, exitQual);
      if ((value & ~CR4_VALID & ~cpu.cr4Mask) !== 0) generalProtection(0);
      cpu.cr4 = (value & ~cpu.cr4Mask) | (cpu.cr4 & cpu.cr4Mask);
      flushTlb(cpu, true);
      return;
    }
    default:
      undefinedOpcode();
  }
}

function loadSystemSegment(cpu: CpuCore, insn: Instruction, task: boolean): void {
  requireCpl0(cpu);
  const selector = cpu.readRM(insn, 16);
  if ((selector & 0xfffc) === 0) {
    if (task) generalProtection(0);
    cpu.segSel[LDTR] = selector;
    cpu.segAr[LDTR] = ACCESS_RIGHTS_UNUSABLE;
    return;
  }
  if ((selector & 4) !== 0) generalProtection(selector);
  const d = new Descriptor();
  readDescriptor(cpu, selector, d);
  const ar = accessRights(d.hi);
  const type = ar & 0x1f;
  if (task ? type !== 0x9 && type !== 0x1 : type !== 0x2) generalProtection(selector);
  if ((ar & 0x80) === 0) throw new GuestFault(Vector.NP, selector & 0xfffc);
  if (task) {
    // Mark the TSS busy.
    d.hi |= 0x200;
    cpu.systemAccess(() => cpu.write32((d.address + 4) | 0, d.hi));
  }
  setSegmentFromDescriptor(cpu, task ? TR : LDTR, selector, d);
}

/** LAR/LSL/VERR/VERW: ZF tells whether the selector is accessible; no exception for a bad one. */
function inspectSelector(
  cpu: CpuCore,
  selector: number,
  kind: "lar" | "lsl" | "verr" | "verw",
): number {
  settleFlags(cpu);
  cpu.fStored &= ~ZF;
  if ((selector & 0xfffc) === 0) return -1;
  const table = (selector & 4) !== 0 ? cpu.segLimit[LDTR]! : cpu.gdtrLimit;
  if ((selector & 4) !== 0 && (cpu.segAr[LDTR]! & ACCESS_RIGHTS_UNUSABLE) !== 0) return -1;
  if ((selector & 0xfff8) + 7 > table >>> 0) return -1;
  const d = new Descriptor();
  readDescriptor(cpu, selector, d);
  const ar = accessRights(d.hi);
  const dpl = (ar >> 5) & 3;
  const system = (ar & 0x10) === 0;
  const conformingCode = (ar & 0x1c) === 0x1c;
  if (!conformingCode && (dpl < cpu.cpl || dpl < (selector & 3))) return -1;
  if (system) {
    const type = ar & 0xf;
    const larOk = [1, 2, 3, 4, 5, 9, 0xb, 0xc].includes(type);
    const lslOk = [1, 2, 3, 9, 0xb].includes(type);
    if (kind === "lar" ? !larOk : kind === "lsl" ? !lslOk : true) return -1;
  } else if (kind === "verr" && (ar & 0x1a) === 0x18) return -1;
  else if (kind === "verw" && ((ar & 8) !== 0 || (ar & 2) === 0)) return -1;
  cpu.fStored |= ZF;
  if (kind === "lar") return d.hi & 0x00f0ff00;
  if (kind === "lsl") return descriptorLimit(d.lo, d.hi);
  return 0;
}

/** Registers the handlers of this group. */
export function registerSystem(t: Handler[]): void {
  t[0xe4] = (cpu, insn) => portAccess(cpu, insn, insn.imm & 0xff, 8, true, false);
  t[0xe5] = (cpu, insn) => portAccess(cpu, insn, insn.imm & 0xff, insn.opsize, true, false);
  t[0xe6] = (cpu, insn) => portAccess(cpu, insn, insn.imm & 0xff, 8, false, false);
  t[0xe7] = (cpu, insn) => portAccess(cpu, insn, insn.imm & 0xff, insn.opsize, false, false);
  t[0xec] = (cpu, insn) => portAccess(cpu, insn, cpu.regs[2]! & 0xffff, 8, true, false);
  t[0xed] = (cpu, insn) => portAccess(cpu, insn, cpu.regs[2]! & 0xffff, insn.opsize, true, false);
  t[0xee] = (cpu, insn) => portAccess(cpu, insn, cpu.regs[2]! & 0xffff, 8, false, false);
  t[0xef] = (cpu, insn) => portAccess(cpu, insn, cpu.regs[2]! & 0xffff, insn.opsize, false, false);
  t[0xfa] = (cpu) => {
    checkIopl(cpu);
    cpu.fStored &= ~IF;
  };
  t[0xfb] = (cpu) => {
    checkIopl(cpu);
    if ((cpu.fStored & IF) === 0) cpu.blockInterrupts(Interruptibility.BLOCKING_BY_STI);
    cpu.fStored |= IF;
  };
  t[0xf4] = (cpu) => {
    requireCpl0(cpu);
    if ((cpu.primaryControls & PrimaryControl.HLT_EXITING) !== 0)
      instructionExit(cpu, ExitReason.HLT, 0);
    cpu.activity = ActivityState.HLT;
  };
  t[0x1a2] = (cpu) => instructionExit(cpu, ExitReason.CPUID, 0);
  t[0x132] = (cpu) => {
    requireCpl0(cpu);
    instructionExit(cpu, ExitReason.MSR_READ, 0);
  };
  t[0x130] = (cpu) => {
    requireCpl0(cpu);
    instructionExit(cpu, ExitReason.MSR_WRITE, 0);
  };
  t[0x131] = (cpu) => {
    if ((cpu.cr4 & 4) !== 0 && cpu.protectedMode && cpu.cpl !== 0) generalProtection(0);
    const tsc = cpu.clock + cpu.tscOffset;
    cpu.regs[0] = tsc % 0x100000000;
    cpu.regs[2] = Math.floor(tsc / 0x100000000);
  };
  t[0x133] = () => generalProtection(0);
  t[0x108] = t[0x109] = (cpu) => requireCpl0(cpu);
  t[0x10b] = () => undefinedOpcode();
  t[0x106] = (cpu) => {
    requireCpl0(cpu);
    if ((cpu.cr0Mask & CR0_TS) !== 0 && (cpu.cr0Shadow & CR0_TS) !== 0)
      instructionExit(cpu, ExitReason.CR_ACCESS, 2 << 4);
    if ((cpu.cr0Mask & CR0_TS) === 0) cpu.cr0 &= ~CR0_TS;
  };
  t[0x120] = (cpu, insn) => {
    requireCpl0(cpu);
    cpu.regs[insn.rm] = readCr(cpu, insn, insn.reg);
  };
  t[0x122] = (cpu, insn) => {
    requireCpl0(cpu);
    writeCr(cpu, insn, insn.reg, cpu.regs[insn.rm]!);
  };
  t[0x121] = (cpu, insn) => {
    requireCpl0(cpu);
    const r = insn.reg === 4 ? 6 : insn.reg === 5 ? 7 : insn.reg;
    cpu.regs[insn.rm] = cpu.dr[r]!;
  };
  t[0x123] = (cpu, insn) => {
    requireCpl0(cpu);
    const r = insn.reg === 4 ? 6 : insn.reg === 5 ? 7 : insn.reg;
    cpu.dr[r] = cpu.regs[insn.rm]!;
  };
  t[0x100] = (cpu, insn) => {
    if (!cpu.protectedMode) undefinedOpcode();
    switch (insn.reg) {
      case 0:
        cpu.writeRM(insn, insn.mod === 3 ? insn.opsize : 16, cpu.segSel[LDTR]!);
        return;
      case 1:
        cpu.writeRM(insn, insn.mod === 3 ? insn.opsize : 16, cpu.segSel[TR]!);
        return;
      case 2:
        loadSystemSegment(cpu, insn, false);
        return;
      case 3:
        loadSystemSegment(cpu, insn, true);
        return;
      case 4:
        inspectSelector(cpu, cpu.readRM(insn, 16), "verr");
        return;
      case 5:
        inspectSelector(cpu, cpu.readRM(insn, 16), "verw");
        return;
      default:
        undefinedOpcode();
    }
  };
  t[0x102] = (cpu, insn) => {
    if (!cpu.protectedMode) undefinedOpcode();
    const v = inspectSelector(cpu, cpu.readRM(insn, 16), "lar");
    if (v !== -1) cpu.setReg(insn.reg, insn.opsize, v);
  };
  t[0x103] = (cpu, insn) => {
    if (!cpu.protectedMode) undefinedOpcode();
    const v = inspectSelector(cpu, cpu.readRM(insn, 16), "lsl");
    if (v !== -1) cpu.setReg(insn.reg, insn.opsize, v);
  };
  t[0x101] = (cpu, insn) => {
    if (insn.mod === 3) {
      if (insn.reg === 0 && insn.rm === 1) instructionExit(cpu, ExitReason.VMCALL, 0);
      if (insn.reg === 4) {
        cpu.setReg(insn.rm, insn.opsize, readCr(cpu, insn, 0));
        return;
      }
      if (insn.reg === 6) {
        lmsw(cpu, insn, cpu.getReg(insn.rm, 16));
        return;
      }
      undefinedOpcode();
    }
    const lin = cpu.effectiveAddress(insn);
    switch (insn.reg) {
      case 0:
      case 1: {
        const idt = insn.reg === 1;
        cpu.write16(lin, idt ? cpu.idtrLimit : cpu.gdtrLimit);
        cpu.write32((lin + 2) | 0, idt ? cpu.idtrBase : cpu.gdtrBase);
        return;
      }
      case 2:
      case 3: {
        requireCpl0(cpu);
        const limit = cpu.read16(lin);
        let base = cpu.read32((lin + 2) | 0);
        if (insn.opsize === 16) base &= 0xffffff;
        if (insn.reg === 3) {
          cpu.idtrLimit = limit;
          cpu.idtrBase = base;
        } else {
          cpu.gdtrLimit = limit;
          cpu.gdtrBase = base;
        }
        return;
      }
      case 4:
        cpu.write16(lin, readCr(cpu, insn, 0));
        return;
      case 6:
        lmsw(cpu, insn, cpu.read16(lin));
        return;
      case 7:
        requireCpl0(cpu);
        invalidatePage(cpu, lin);
        return;
      default:
        undefinedOpcode();
    }
  };
  t[0x9b] = (cpu) => {
    if ((cpu.cr0 & (CR0_TS | CR0_MP)) === (CR0_TS | CR0_MP)) throw new GuestFault(Vector.NM, -1);
  };
  void markAccessed;
}

/** LMSW: loads CR0 bits 0-3; it can set PE but never clear it. */
function lmsw(cpu: CpuCore, insn: Instruction, value: number): void {
  requireCpl0(cpu);
  const guestCr0 = (cpu.cr0 & ~cpu.cr0Mask) | (cpu.cr0Shadow & cpu.cr0Mask);
  const newLow = (value & 0xf) | (guestCr0 & CR0_PE);
  const target = (guestCr0 & ~0xf) | newLow;
  if (((target ^ cpu.cr0Shadow) & cpu.cr0Mask & 0xf) !== 0) {
    const memory = insn.mod !== 3 ? 1 << 6 : 0;
    if (memory) cpu.exitGuestLinear = cpu.effectiveAddress(insn);
    instructionExit(cpu, ExitReason.CR_ACCESS, (3 << 4) | memory | ((value & 0xffff) << 16));
  }
  writeCr0(cpu, target);
}
