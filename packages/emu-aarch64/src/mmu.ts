/**
 * Address translation: the stage-1 walk (4 KiB granule, TTBR0/TTBR1, 25- to 48-bit VAs,
 * blocks and pages, AP/XN/AF, table attributes), stage 2 through the host, TLB refills and the
 * slow paths of loads, stores and instruction fetch.
 */
import type { Aarch64Cpu } from "./cpu.js";
import { isvSyndrome } from "./decode/syndrome.js";
import { Ec, esrOf, exitToHost, raiseSync } from "./exceptions.js";
import type { AccessKind } from "./host.js";
import { Reg } from "./state.js";
import { TlbSet } from "./tlb.js";

/** Access kinds of the walk. */
export const Access = { Read: 0, Write: 1, Fetch: 2 } as const;

const TWO32 = 4294967296;
const ACCESS_NAMES: readonly AccessKind[] = ["read", "write", "fetch"];

/** Fault status codes (DFSC/IFSC) without the level. */
const Fsc = { AddressSize: 0x00, Translation: 0x04, AccessFlag: 0x08, Permission: 0x0c } as const;

/** The 48 low bits of (lo, hi) as an exact number. */
function low48(lo: number, hi: number): number {
  return (hi & 0xffff) * TWO32 + (lo >>> 0);
}

/**
 * Stage-1 translation of virtual address (lo, hi) for `access` at exception level `el`.
 * Returns the IPA (>= 0), or `-1 - fsc` for a stage-1 fault with fault status code `fsc`.
 */
export function walk(cpu: Aarch64Cpu, lo: number, hi: number, access: number, el: number): number {
  const s = cpu.sys;
  const sctlr = s[Reg.SCTLR_EL1 * 2]!;
  if (!(sctlr & 1)) {
    if (hi >>> 16 !== 0) return -1 - Fsc.AddressSize;
    cpu.walkAttributes = -1;
    return low48(lo, hi);
  }
  const tcrLo = s[Reg.TCR_EL1 * 2]!;
  const tcrHi = s[Reg.TCR_EL1 * 2 + 1]!;
  const upper = (hi >>> 23) & 1; // VA bit 55 selects TTBR1
  let vhi = hi;
  const tbi = upper ? (tcrHi >>> 6) & 1 : (tcrHi >>> 5) & 1;
  if (tbi && access !== Access.Fetch) vhi = upper ? hi | 0xff000000 : hi & 0x00ffffff;
  let txsz = upper ? (tcrLo >>> 16) & 0x3f : tcrLo & 0x3f;
  const epd = upper ? (tcrLo >>> 23) & 1 : (tcrLo >>> 7) & 1;
  if (txsz < 16) txsz = 16;
  if (txsz > 39) txsz = 39;
  const inputBits = 64 - txsz;
  const fill = upper ? -1 : 0;
  if (inputBits >= 32) {
    if (vhi >> (inputBits - 32) !== fill) return -1 - Fsc.Translation;
  } else if (vhi !== fill || lo >> inputBits !== fill) {
    return -1 - Fsc.Translation;
  }
  if (epd) return -1 - Fsc.Translation;
  const ttbr = upper ? Reg.TTBR1_EL1 : Reg.TTBR0_EL1;
  let table = low48(s[ttbr * 2]! & ~1, s[ttbr * 2 + 1]!);
  const va = low48(lo, vhi);
  let level = 4 - Math.ceil((inputBits - 12) / 9);
  let apTable = 0;
  let uxnTable = 0;
  let pxnTable = 0;
  for (;;) {
    const shift = 39 - 9 * level;
    const bits = Math.min(9, inputBits - shift);
    const index = Math.floor(va / 2 ** shift) % 2 ** bits;
    const dlo = readPhys64(cpu, table + index * 8, lo, hi);
    const dhi = cpu.rhi;
    if (!(dlo & 1)) return -1 - (Fsc.Translation | level);
    const out = low48(dlo & -4096, dhi);
    if (level < 3 && dlo & 2) {
      apTable |= (dhi >>> 29) & 3;
      uxnTable |= (dhi >>> 28) & 1;
      pxnTable |= (dhi >>> 27) & 1;
      table = out;
      level++;
      continue;
    }
    if (level === 0 || (level === 3 && !(dlo & 2))) return -1 - (Fsc.Translation | level);
    if (!(dlo & 0x400)) return -1 - (Fsc.AccessFlag | level);
    const ap = (dlo >>> 6) & 3;
    const el0Access = ap & 1 && !(apTable & 1);
    const readOnly = ap & 2 || apTable & 2;
    const writable = !readOnly;
    const wxn = (sctlr >>> 19) & 1 && writable;
    if (el === 0) {
      // AP[1] gates EL0 data accesses only: EL0 may execute from privileged-only pages
      // (execute-only memory) unless UXN says otherwise.
      if (!el0Access && access !== Access.Fetch) return -1 - (Fsc.Permission | level);
      if (access === Access.Write && readOnly) return -1 - (Fsc.Permission | level);
      if (access === Access.Fetch && ((dhi >>> 22) & 1 || uxnTable || wxn)) {
        return -1 - (Fsc.Permission | level);
      }
    } else {
      if (access === Access.Write && readOnly) return -1 - (Fsc.Permission | level);
      // Regions writable at EL0 are never executable at EL1.
      if (
        access === Access.Fetch &&
        ((dhi >>> 21) & 1 || pxnTable || wxn || (el0Access && writable))
      ) {
        return -1 - (Fsc.Permission | level);
      }
    }
    cpu.walkAttributes = ((dlo >>> 2) & 7) | (((dlo >>> 8) & 3) << 3);
    const blockSize = 2 ** (39 - 9 * level);
    const base = Math.floor(out / blockSize) * blockSize;
    return base + (va % blockSize);
  }
}

/** Read a 64-bit translation table entry at IPA `pa` (stage 2 through the host). */
function readPhys64(cpu: Aarch64Cpu, pa: number, vaLo: number, vaHi: number): number {
  const page = pa - (pa % 4096);
  const r = cpu.memory.stage2(page, "read");
  if (r.kind === "ram") {
    cpu.rhi = r.view.getInt32(r.offset + (pa % 4096) + 4, true);
    return r.view.getInt32(r.offset + (pa % 4096), true);
  }
  if (r.kind === "mmio") {
    const v = cpu.memory.mmioRead(pa, 8);
    cpu.rhi = Number((v >> 32n) & 0xffffffffn) | 0;
    return Number(v & 0xffffffffn) | 0;
  }
  const status = r.kind === "fault" ? r.status : 0x07;
  stage2Abort(cpu, vaLo, vaHi, pa, status, (1 << 7) | status, false);
}

/** Report a stage-2 abort to the host; `iss` is the full ISS. */
function stage2Abort(
  cpu: Aarch64Cpu,
  vaLo: number,
  vaHi: number,
  ipa: number,
  _status: number,
  iss: number,
  fetch: boolean,
): never {
  const exit = cpu.exit;
  exit.far = (BigInt(vaHi >>> 0) << 32n) | BigInt(vaLo >>> 0);
  exit.ipa = ipa;
  exit.hpfar = Math.floor(ipa / 4096) * 16;
  const ec = fetch ? Ec.InsnAbortLower : Ec.DataAbortLower;
  exitToHost(cpu, "stage2-abort", esrOf(ec, iss), cpu.curLo, cpu.curHi);
}

/** Raise the stage-1 fault `code` (as returned by {@link walk}) for a data access. */
function dataAbort(cpu: Aarch64Cpu, lo: number, hi: number, code: number, write: boolean): never {
  const fsc = -1 - code;
  const ec = cpu.el === 0 ? Ec.DataAbortLower : Ec.DataAbortSame;
  raiseSync(cpu, ec, fsc | (write ? 1 << 6 : 0), cpu.curLo, cpu.curHi, true, lo, hi);
}

/**
 * The slow path of a load or store of `size` bytes at (lo, hi) through TLB set `set`: page
 * crossing, translation, TLB refill, MMIO and the GICV frame. Returns the loaded value (low half;
 * high half in `cpu.rhi` for 8-byte loads).
 */
export function accessSlow(
  cpu: Aarch64Cpu,
  lo: number,
  hi: number,
  size: number,
  set: number,
  vlo: number,
  vhi: number,
): number {
  const write = set === TlbSet.WriteEl0 || set === TlbSet.WriteEl1;
  if (size > 1 && (lo & 0xfff) + size > 0x1000) return crossPage(cpu, lo, hi, size, set, vlo, vhi);
  const el = set & 1;
  const pa = walk(cpu, lo, hi, write ? Access.Write : Access.Read, el);
  if (pa < 0) dataAbort(cpu, lo, hi, pa, write);
  const page = pa - (pa % 4096);
  const r = cpu.memory.stage2(page, write ? "write" : "read");
  const offset = lo & 0xfff;
  switch (r.kind) {
    case "ram": {
      if (write && !r.writable) {
        stage2Abort(cpu, lo, hi, pa, 0x0f, isvSyndrome(cpu.insn) | (1 << 6) | 0x0f, false);
      }
      cpu.tlb.fill(set, lo, hi, r.view, r.offset);
      const v = r.view;
      const p = r.offset + offset;
      if (write) {
        if (size === 1) v.setUint8(p, vlo);
        else if (size === 2) v.setUint16(p, vlo, true);
        else {
          v.setInt32(p, vlo, true);
          if (size === 8) v.setInt32(p + 4, vhi, true);
        }
        return 0;
      }
      if (size === 1) return v.getUint8(p);
      if (size === 2) return v.getUint16(p, true);
      if (size === 8) cpu.rhi = v.getInt32(p + 4, true);
      return v.getInt32(p, true);
    }
    case "mmio": {
      if (write) {
        const value =
          size === 8
            ? (BigInt(vhi >>> 0) << 32n) | BigInt(vlo >>> 0)
            : BigInt((size === 4 ? vlo : vlo & ((1 << (size * 8)) - 1)) >>> 0);
        cpu.memory.mmioWrite(pa, size, value);
        return 0;
      }
      const value = cpu.memory.mmioRead(pa, size);
      cpu.rhi = Number((value >> 32n) & 0xffffffffn) | 0;
      const low = Number(value & 0xffffffffn) | 0;
      return size === 4 || size === 8 ? low : low & ((1 << (size * 8)) - 1);
    }
    case "gicv": {
      const at = r.frameOffset + offset;
      if (write) {
        cpu.gic.write(cpu, at, vlo);
        return 0;
      }
      cpu.rhi = 0;
      return cpu.gic.read(cpu, at);
    }
    default: {
      const wnr = write ? 1 << 6 : 0;
      stage2Abort(cpu, lo, hi, pa, r.status, isvSyndrome(cpu.insn) | wnr | r.status, false);
    }
  }
}

/** An access that straddles two pages, done byte by byte. */
function crossPage(
  cpu: Aarch64Cpu,
  lo: number,
  hi: number,
  size: number,
  set: number,
  vlo: number,
  vhi: number,
): number {
  const write = set === TlbSet.WriteEl0 || set === TlbSet.WriteEl1;
  let rlo = 0;
  let rhi = 0;
  for (let b = 0; b < size; b++) {
    const a = (lo + b) | 0;
    const ahi = a >>> 0 < lo >>> 0 ? (hi + 1) | 0 : hi;
    if (write) {
      const byte = b < 4 ? vlo >>> (8 * b) : vhi >>> (8 * (b - 4));
      cpu.st8(a, ahi, set, byte & 0xff);
    } else {
      const byte = cpu.ld8(a, ahi, set);
      if (b < 4) rlo |= byte << (8 * b);
      else rhi |= byte << (8 * (b - 4));
    }
  }
  cpu.rhi = rhi;
  return rlo;
}

/** The slow path of instruction fetch: alignment, translation, refill of the fetch page. */
export function fetchSlow(cpu: Aarch64Cpu): number {
  const lo = cpu.pcLo;
  const hi = cpu.pcHi;
  if (lo & 3) raiseSync(cpu, Ec.PcAlign, 0, lo, hi, true, lo, hi);
  const pa = walk(cpu, lo, hi, Access.Fetch, cpu.el);
  if (pa < 0) {
    const ec = cpu.el === 0 ? Ec.InsnAbortLower : Ec.InsnAbortSame;
    raiseSync(cpu, ec, -1 - pa, lo, hi, true, lo, hi);
  }
  const r = cpu.memory.stage2(pa - (pa % 4096), "fetch");
  if (r.kind === "ram" && r.executable) {
    cpu.fetchTagLo = lo & -4096;
    cpu.fetchTagHi = hi;
    const at = r.view.byteOffset + r.offset;
    // A word view of the page (host RAM is little-endian, as on every platform Node runs on);
    // an unaligned page offset from the host falls back to a copy-free DataView read each time.
    cpu.fetchWords = at % 4 === 0 ? new Int32Array(r.view.buffer, at, 1024) : cpu.fetchWords;
    if (at % 4 !== 0) cpu.fetchTagLo = 1;
    return r.view.getInt32(r.offset + (lo & 0xfff), true);
  }
  const status = r.kind === "fault" ? r.status : 0x0f;
  return stage2Abort(cpu, lo, hi, pa, status, status, true);
}

/**
 * AT S1E{0,1}{R,W}: translate and write PAR_EL1 (PA on success, F=1 and FST on a fault).
 */
export function addressTranslate(
  cpu: Aarch64Cpu,
  lo: number,
  hi: number,
  write: boolean,
  el: number,
): void {
  const pa = walk(cpu, lo, hi, write ? Access.Write : Access.Read, el);
  const s = cpu.sys;
  if (pa < 0) {
    s[Reg.PAR_EL1 * 2] = 1 | ((-1 - pa) << 1);
    s[Reg.PAR_EL1 * 2 + 1] = 0;
    return;
  }
  const page = pa - (pa % 4096);
  // PAR_EL1: PA, memory attributes from MAIR (device nGnRnE with the MMU off), shareability,
  // NS and the RES1 bit 11, as QEMU reports them.
  let attr = 0;
  let sh = 2;
  const walked = cpu.walkAttributes;
  if (walked >= 0) {
    const index = walked & 7;
    const mair = s[Reg.MAIR_EL1 * 2 + (index >= 4 ? 1 : 0)]!;
    attr = (mair >>> (8 * (index & 3))) & 0xff;
    sh = (attr & 0xf0) === 0 ? 2 : walked >>> 3;
  }
  s[Reg.PAR_EL1 * 2] = (page % TWO32) | (1 << 11) | (1 << 9) | (sh << 7);
  s[Reg.PAR_EL1 * 2 + 1] = Math.floor(page / TWO32) | (attr << 24);
}

/** Name of an access kind as the host interface spells it. */
export function accessName(access: number): AccessKind {
  return ACCESS_NAMES[access]!;
}
