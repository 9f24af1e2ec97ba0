import type { CpuCore } from "./cpu.js";
import { GuestFault, Vector } from "./faults.js";
import { EPT_EXECUTE, EPT_MMIO, EPT_READ, EPT_WRITE } from "./memory.js";
import { CR0_PG, CR0_WP, CR4_PGE, CR4_PSE } from "./registers.js";
import { ExitReason } from "./vmcs.js";
import { recordExit, throwExit } from "./vmexit.js";

/**
 * Linear -> guest-physical (2-level 32-bit paging, 4 MiB pages with CR4.PSE, global pages with
 * CR4.PGE, CR0.WP) -> host RAM (the host's EPT answer, cached per frame), with a direct-mapped
 * software TLB of one entry per linear page. A TLB entry is the RAM offset of the frame ORed with
 * permission bits; an access hits when its bit is set, so every check is one AND.
 */

/** Access kinds. */
export const ACCESS_READ = 0;
/** Data write. */
export const ACCESS_WRITE = 1;
/** Instruction fetch. */
export const ACCESS_EXECUTE = 2;

/** TLB permission bits; the user variant of each is the supervisor bit shifted left by one. */
export const TLB_READ_SUPERVISOR = 1;
/** Readable at CPL 3. */
export const TLB_READ_USER = 2;
/** Writable at CPL 0-2. */
export const TLB_WRITE_SUPERVISOR = 4;
/** Writable at CPL 3. */
export const TLB_WRITE_USER = 8;
/** Executable at CPL 0-2. */
export const TLB_EXECUTE_SUPERVISOR = 16;
/** Executable at CPL 3. */
export const TLB_EXECUTE_USER = 32;
/** Survives CR3 loads (a global page with CR4.PGE). */
export const TLB_GLOBAL = 64;

const PTE_P = 1;
const PTE_RW = 2;
const PTE_US = 4;
const PTE_A = 0x20;
const PTE_D = 0x40;
const PTE_PS = 0x80;
const PTE_G = 0x100;

/** The host's EPT answer for a guest-physical frame, cached. */
export function eptLookup(cpu: CpuCore, frame: number): number {
  if (cpu.eptValid[frame] === 1) return cpu.eptCache[frame]!;
  const entry = cpu.memory.translate(frame) | 0;
  cpu.eptCache[frame] = entry;
  cpu.eptValid[frame] = 1;
  return entry;
}

const EPT_NEEDED = [EPT_READ, EPT_WRITE, EPT_EXECUTE];

function eptViolation(
  cpu: CpuCore,
  gpa: number,
  access: number,
  entry: number,
  lin: number,
  final: boolean,
): never {
  // Qualification: bit 0 read, 1 write, 2 fetch; bits 3-5 what the entry allows; bit 7 the linear
  // address is valid; bit 8 set when the access was to the translated address itself (not to a
  // paging-structure entry).
  const accessBit =
    access === ACCESS_WRITE ? 2 : access === ACCESS_EXECUTE ? 4 : cpu.rmw && final ? 3 : 1;
  const qual = accessBit | ((entry & 7) << 3) | (1 << 7) | (final ? 1 << 8 : 0);
  // EPT violations are fault-like: EIP names the instruction whose access failed (execution has
  // already moved it past). During event delivery EIP is the return address and stays.
  if (cpu.delivering === 0) cpu.eip = cpu.instructionStart;
  recordExit(cpu, ExitReason.EPT_VIOLATION, qual, cpu.insn.length);
  cpu.exitGuestPhysical = gpa | 0;
  cpu.exitGuestLinear = lin | 0;
  throwExit();
}

/**
 * Accesses guest-physical memory directly (page-table walks, MMIO, TSS/descriptor tables when
 * they cross into device memory). `lin` is reported in an EPT violation.
 */
export function physicalAccess(
  cpu: CpuCore,
  gpa: number,
  size: number,
  access: number,
  value: number,
  lin: number,
  final = true,
): number {
  const entry = eptLookup(cpu, gpa >>> 12);
  if ((entry & EPT_NEEDED[access]!) === 0) eptViolation(cpu, gpa, access, entry, lin, final);
  if ((entry & EPT_MMIO) !== 0) {
    if (access === ACCESS_WRITE) {
      cpu.memory.mmioWrite(gpa >>> 0, size, value);
      return 0;
    }
    const v = cpu.memory.mmioRead(gpa >>> 0, size);
    return size === 4 ? v >>> 0 : v & (size === 2 ? 0xffff : 0xff);
  }
  const host = (entry & ~0xfff) + (gpa & 0xfff);
  if (host + size > cpu.ram.length) eptViolation(cpu, gpa, access, 0, lin, final);
  if (access === ACCESS_WRITE) {
    cpu.noteRamWrite(host);
    if (size === 1) cpu.ram[host] = value;
    else if (size === 2) cpu.view.setUint16(host, value, true);
    else cpu.view.setInt32(host, value, true);
    return 0;
  }
  if (size === 1) return cpu.ram[host]!;
  if (size === 2) return cpu.view.getUint16(host, true);
  return cpu.view.getUint32(host, true);
}

function pageFault(cpu: CpuCore, lin: number, access: number, present: boolean): never {
  cpu.cr2Pending = lin;
  const code = (present ? 1 : 0) | (access === ACCESS_WRITE ? 2 : 0) | (cpu.userBit << 2);
  throw new GuestFault(Vector.PF, code);
}

/**
 * Translates `lin` for `access`, filling the TLB. Returns the host RAM offset of the byte, or -1
 * for device memory (then cpu.mmioAddress holds the guest-physical address). Throws #PF or an
 * EPT-violation exit.
 */
export function translateLinear(cpu: CpuCore, lin: number, access: number): number {
  const user = cpu.userBit === 1;
  let gpa: number;
  let perms: number;
  if ((cpu.cr0 & CR0_PG) === 0) {
    gpa = lin;
    perms = 63;
  } else {
    const pdeAddr = (cpu.cr3 & ~0xfff) + ((lin >>> 22) << 2);
    let pde = physicalAccess(cpu, pdeAddr, 4, ACCESS_READ, 0, lin, false);
    if ((pde & PTE_P) === 0) pageFault(cpu, lin, access, false);
    let userOk: boolean;
    let writable: boolean;
    let dirty: boolean;
    let global: boolean;
    if ((pde & PTE_PS) !== 0 && (cpu.cr4 & CR4_PSE) !== 0) {
      userOk = (pde & PTE_US) !== 0;
      writable = (pde & PTE_RW) !== 0;
      checkPermission(cpu, lin, access, user, userOk, writable);
      const updated = pde | PTE_A | (access === ACCESS_WRITE ? PTE_D : 0);
      if (updated !== pde) physicalAccess(cpu, pdeAddr, 4, ACCESS_WRITE, updated, lin, false);
      dirty = (updated & PTE_D) !== 0;
      global = (pde & PTE_G) !== 0;
      gpa = (pde & 0xffc00000) | (lin & 0x3ff000);
    } else {
      if ((pde & PTE_A) === 0) {
        pde |= PTE_A;
        physicalAccess(cpu, pdeAddr, 4, ACCESS_WRITE, pde, lin, false);
      }
      const pteAddr = (pde & ~0xfff) + (((lin >>> 12) & 0x3ff) << 2);
      const pte = physicalAccess(cpu, pteAddr, 4, ACCESS_READ, 0, lin, false);
      if ((pte & PTE_P) === 0) pageFault(cpu, lin, access, false);
      userOk = (pde & pte & PTE_US) !== 0;
      writable = (pde & pte & PTE_RW) !== 0;
      checkPermission(cpu, lin, access, user, userOk, writable);
      const updated = pte | PTE_A | (access === ACCESS_WRITE ? PTE_D : 0);
      if (updated !== pte) physicalAccess(cpu, pteAddr, 4, ACCESS_WRITE, updated, lin, false);
      dirty = (updated & PTE_D) !== 0;
      global = (pte & PTE_G) !== 0;
      gpa = pte & ~0xfff;
    }
    perms = TLB_READ_SUPERVISOR | TLB_EXECUTE_SUPERVISOR;
    if (userOk) perms |= TLB_READ_USER | TLB_EXECUTE_USER;
    if (dirty) {
      if (writable || (cpu.cr0 & CR0_WP) === 0) perms |= TLB_WRITE_SUPERVISOR;
      if (writable && userOk) perms |= TLB_WRITE_USER;
    }
    if (global && (cpu.cr4 & CR4_PGE) !== 0) perms |= TLB_GLOBAL;
    gpa = (gpa & ~0xfff) | (lin & 0xfff);
  }
  const entry = eptLookup(cpu, gpa >>> 12);
  if ((entry & EPT_NEEDED[access]!) === 0) eptViolation(cpu, gpa, access, entry, lin, true);
  if ((entry & EPT_MMIO) !== 0 || (entry & ~0xfff) + 0x1000 > cpu.ram.length) {
    if ((entry & EPT_MMIO) === 0) eptViolation(cpu, gpa, access, 0, lin, true);
    cpu.mmioAddress = gpa;
    return -1;
  }
  if ((entry & EPT_READ) === 0) perms &= ~(TLB_READ_SUPERVISOR | TLB_READ_USER);
  if ((entry & EPT_WRITE) === 0) perms &= ~(TLB_WRITE_SUPERVISOR | TLB_WRITE_USER);
  if ((entry & EPT_EXECUTE) === 0) perms &= ~(TLB_EXECUTE_SUPERVISOR | TLB_EXECUTE_USER);
  const page = lin >>> 12;
  if (cpu.tlb[page] === 0) {
    if (cpu.tlbCount === cpu.tlbFilled.length) flushTlb(cpu, true);
    cpu.tlbFilled[cpu.tlbCount++] = page;
  }
  cpu.tlb[page] = (entry & ~0xfff) | perms;
  return (entry & ~0xfff) + (lin & 0xfff);
}

function checkPermission(
  cpu: CpuCore,
  lin: number,
  access: number,
  user: boolean,
  userOk: boolean,
  writable: boolean,
): void {
  if (user && !userOk) pageFault(cpu, lin, access, true);
  if (access === ACCESS_WRITE && !writable && (user || (cpu.cr0 & CR0_WP) !== 0))
    pageFault(cpu, lin, access, true);
}

/** Drops TLB entries: all of them, or all but global pages (a CR3 load). */
export function flushTlb(cpu: CpuCore, includingGlobal: boolean): void {
  cpu.decoded.epoch++;
  const list = cpu.tlbFilled;
  let kept = 0;
  for (let i = 0; i < cpu.tlbCount; i++) {
    const page = list[i]!;
    if (!includingGlobal && (cpu.tlb[page]! & TLB_GLOBAL) !== 0) list[kept++] = page;
    else cpu.tlb[page] = 0;
  }
  cpu.tlbCount = kept;
}

/** INVLPG: drops the entry of one linear page, global or not. */
export function invalidatePage(cpu: CpuCore, lin: number): void {
  cpu.decoded.epoch++;
  cpu.tlb[lin >>> 12] = 0;
}

/** Forgets every cached EPT answer (and the TLB built on them). */
export function invalidateEpt(cpu: CpuCore): void {
  cpu.eptValid.fill(0);
  flushTlb(cpu, true);
}
