/**
 * Loads and stores: single registers (unsigned offset, unscaled, pre/post-index, register
 * offset, unprivileged, literal), pairs, exclusives and acquire/release, PRFM, and the FP/SIMD
 * register forms including LD1..LD4/ST1..ST4 structures.
 */
import type { Aarch64Cpu } from "../cpu.js";
import { Ec, raiseSync, undefinedInstruction } from "../exceptions.js";
import { Reg } from "../state.js";
import { checkFpAccess } from "../sysregs.js";
import { add64 } from "./alu.js";
import { extendRegister } from "./dp-reg.js";

/** Execute an instruction of the "loads and stores" group. */
export function execLoadStore(cpu: Aarch64Cpu, insn: number): void {
  if ((insn & 0x3f800000) === 0x39000000 && !cpu.alignCheck && fastUnsignedOffset(cpu, insn))
    return;
  const op = (insn >>> 24) & 0x3f; // bits [29:24]
  if ((op & 0x3b) === 0x08) {
    if (op & 4) undefinedInstruction(cpu);
    exclusive(cpu, insn);
    return;
  }
  if ((op & 0x3e) === 0x0c && insn >= 0) {
    structures(cpu, insn);
    return;
  }
  if ((op & 0x3b) === 0x18) {
    literal(cpu, insn);
    return;
  }
  if ((op & 0x3a) === 0x28) {
    pair(cpu, insn);
    return;
  }
  if ((op & 0x3b) === 0x39) {
    single(cpu, insn, 1);
    return;
  }
  if ((op & 0x3b) === 0x38) {
    if (!((insn >>> 21) & 1)) {
      single(cpu, insn, (insn >>> 10) & 3);
      return;
    }
    if (((insn >>> 10) & 3) === 2) {
      single(cpu, insn, 4);
      return;
    }
  }
  undefinedInstruction(cpu);
}

/**
 * The common case first: LDR/STR of a general register with an unsigned immediate offset
 * (opc 00/01). Returns false to leave the rare cases (misaligned SP base) to the general path.
 */
function fastUnsignedOffset(cpu: Aarch64Cpu, insn: number): boolean {
  const x = cpu.x;
  const rn = (insn >>> 5) & 31;
  const bi = rn === 31 ? 64 : rn * 2;
  const baseLo = x[bi]!;
  if (rn === 31 && baseLo & 15) return false;
  const size = insn >>> 30;
  const lo = (baseLo + (((insn >>> 10) & 0xfff) << size)) | 0;
  const hi = lo >>> 0 < baseLo >>> 0 ? (x[bi + 1]! + 1) | 0 : x[bi + 1]!;
  const rt = insn & 31;
  const el = cpu.el;
  if (insn & 0x400000) {
    let v: number;
    let vhi = 0;
    if (size === 3) {
      v = cpu.ld64(lo, hi, el);
      vhi = cpu.rhi;
    } else if (size === 2) v = cpu.ld32(lo, hi, el);
    else if (size === 1) v = cpu.ld16(lo, hi, el);
    else v = cpu.ld8(lo, hi, el);
    if (rt !== 31) {
      x[rt * 2] = v;
      x[rt * 2 + 1] = vhi;
    }
    return true;
  }
  const v = x[rt * 2]!;
  const set = 2 + el;
  if (size === 3) cpu.st64(lo, hi, set, v, x[rt * 2 + 1]!);
  else if (size === 2) cpu.st32(lo, hi, set, v);
  else if (size === 1) cpu.st16(lo, hi, set, v & 0xffff);
  else cpu.st8(lo, hi, set, v & 0xff);
  return true;
}

/** Base register value: SP (with the alignment check) or Xn. Returns low, high in `rhi`. */
function baseAddress(cpu: Aarch64Cpu, rn: number): number {
  if (rn === 31) {
    const lo = cpu.x[64]!;
    if (lo & 15) {
      const sctlr = cpu.sys[Reg.SCTLR_EL1 * 2]!;
      if (sctlr & (cpu.el === 0 ? 16 : 8)) {
        raiseSync(cpu, Ec.SpAlign, 0, cpu.curLo, cpu.curHi, false, 0, 0);
      }
    }
    cpu.rhi = cpu.x[65]!;
    return lo;
  }
  cpu.rhi = cpu.x[rn * 2 + 1]!;
  return cpu.x[rn * 2]!;
}

/** Raise an alignment fault (DFSC 0x21) for an access at (lo, hi). */
function alignmentFault(cpu: Aarch64Cpu, lo: number, hi: number, write: boolean): never {
  const ec = cpu.el === 0 ? Ec.DataAbortLower : Ec.DataAbortSame;
  raiseSync(cpu, ec, 0x21 | (write ? 1 << 6 : 0), cpu.curLo, cpu.curHi, true, lo, hi);
}

/** Single-register addressing modes: 0 unscaled, 1 unsigned offset / post-index, ... */
const Mode = { Unscaled: 0, PostIndex: 1, Unprivileged: 2, PreIndex: 3, Register: 4 } as const;

/**
 * LDR/STR and friends, integer and FP/SIMD. `mode` is bits [11:10] for the imm9 forms, or 1
 * with bit 24 set for the unsigned offset, or {@link Mode.Register}.
 */
function single(cpu: Aarch64Cpu, insn: number, mode: number): void {
  const x = cpu.x;
  const size = insn >>> 30;
  const vector = (insn >>> 26) & 1;
  const opc = (insn >>> 22) & 3;
  const rn = (insn >>> 5) & 31;
  const rt = insn & 31;
  const unsignedOffset = ((insn >>> 24) & 1) === 1;
  let scale = size;
  if (vector) {
    if (opc >= 2) {
      if (size !== 0) undefinedInstruction(cpu);
      scale = 4;
    }
    checkFpAccess(cpu);
  } else if (size === 3 && opc >= 2) {
    // PRFM / PRFUM: a prefetch is a NOP; other modes are unallocated.
    if (opc === 2 && (unsignedOffset || mode === Mode.Unscaled || mode === Mode.Register)) return;
    undefinedInstruction(cpu);
  } else if ((size === 2 && opc === 3) || (opc === 3 && size === 3)) {
    undefinedInstruction(cpu);
  }
  if (!unsignedOffset && mode === Mode.Unprivileged && vector) undefinedInstruction(cpu);
  let baseLo = baseAddress(cpu, rn);
  let baseHi = cpu.rhi;
  let offLo: number;
  let offHi: number;
  let writeback = false;
  let postIndex = false;
  if (unsignedOffset) {
    offLo = ((insn >>> 10) & 0xfff) << scale;
    offHi = 0;
  } else if (mode === Mode.Register) {
    const option = (insn >>> 13) & 7;
    if (!(option & 2)) undefinedInstruction(cpu);
    const rm = (insn >>> 16) & 31;
    offLo = extendRegister(cpu, x[rm * 2]!, x[rm * 2 + 1]!, option, (insn >>> 12) & 1 ? scale : 0);
    offHi = cpu.rhi;
  } else {
    offLo = (insn << 11) >> 23;
    offHi = offLo >> 31;
    writeback = mode === Mode.PostIndex || mode === Mode.PreIndex;
    postIndex = mode === Mode.PostIndex;
  }
  let addrLo = baseLo;
  let addrHi = baseHi;
  if (!postIndex) {
    addrLo = add64(cpu, baseLo, baseHi, offLo, offHi, 0, false);
    addrHi = cpu.rhi;
  }
  if (cpu.alignCheck && addrLo & ((1 << scale) - 1)) {
    alignmentFault(cpu, addrLo, addrHi, opc === 0);
  }
  const el = !unsignedOffset && mode === Mode.Unprivileged && cpu.el === 1 ? 0 : cpu.el;
  if (vector) {
    vectorTransfer(cpu, addrLo, addrHi, rt, scale, (opc & 1) === 1, el);
  } else {
    integerTransfer(cpu, addrLo, addrHi, rt, size, opc, el);
  }
  if (writeback) {
    if (postIndex) {
      baseLo = add64(cpu, baseLo, baseHi, offLo, offHi, 0, false);
      baseHi = cpu.rhi;
    } else {
      baseLo = addrLo;
      baseHi = addrHi;
    }
    const bi = rn === 31 ? 64 : rn * 2;
    if (rn !== rt || vector || opc === 0) {
      x[bi] = baseLo;
      x[bi + 1] = baseHi;
    }
  }
}

/** Load or store one integer register of 2^size bytes; opc 0 store, 1 load, 2/3 sign-extend to 64/32. */
function integerTransfer(
  cpu: Aarch64Cpu,
  lo: number,
  hi: number,
  rt: number,
  size: number,
  opc: number,
  el: number,
): void {
  const x = cpu.x;
  if (opc === 0) {
    const v = x[rt * 2]!;
    const set = 2 + el;
    if (size === 0) cpu.st8(lo, hi, set, v & 0xff);
    else if (size === 1) cpu.st16(lo, hi, set, v & 0xffff);
    else if (size === 2) cpu.st32(lo, hi, set, v);
    else cpu.st64(lo, hi, set, v, x[rt * 2 + 1]!);
    return;
  }
  let v: number;
  let vhi = 0;
  if (size === 0) v = cpu.ld8(lo, hi, el);
  else if (size === 1) v = cpu.ld16(lo, hi, el);
  else if (size === 2) v = cpu.ld32(lo, hi, el);
  else {
    v = cpu.ld64(lo, hi, el);
    vhi = cpu.rhi;
  }
  if (opc >= 2) {
    if (size === 0) v = (v << 24) >> 24;
    else if (size === 1) v = (v << 16) >> 16;
    vhi = opc === 2 ? v >> 31 : 0;
  }
  if (rt !== 31) {
    x[rt * 2] = v;
    x[rt * 2 + 1] = vhi;
  }
}

/** Load or store the low 2^scale bytes of Vt (loads zero the rest of the register). */
function vectorTransfer(
  cpu: Aarch64Cpu,
  lo: number,
  hi: number,
  rt: number,
  scale: number,
  load: boolean,
  el: number,
): void {
  const w = cpu.vw;
  const base = rt * 4;
  if (load) {
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    if (scale === 0) w0 = cpu.ld8(lo, hi, el);
    else if (scale === 1) w0 = cpu.ld16(lo, hi, el);
    else if (scale === 2) w0 = cpu.ld32(lo, hi, el);
    else {
      w0 = cpu.ld64(lo, hi, el);
      w1 = cpu.rhi;
      if (scale === 4) {
        const nlo = add64(cpu, lo, hi, 8, 0, 0, false);
        w2 = cpu.ld64(nlo, cpu.rhi, el);
        w3 = cpu.rhi;
      }
    }
    w[base] = w0;
    w[base + 1] = w1;
    w[base + 2] = w2;
    w[base + 3] = w3;
    return;
  }
  const set = 2 + el;
  if (scale === 0) cpu.st8(lo, hi, set, w[base]! & 0xff);
  else if (scale === 1) cpu.st16(lo, hi, set, w[base]! & 0xffff);
  else if (scale === 2) cpu.st32(lo, hi, set, w[base]!);
  else {
    cpu.st64(lo, hi, set, w[base]!, w[base + 1]!);
    if (scale === 4) {
      const nlo = add64(cpu, lo, hi, 8, 0, 0, false);
      cpu.st64(nlo, cpu.rhi, set, w[base + 2]!, w[base + 3]!);
    }
  }
}

/** LDR (literal), LDRSW (literal), PRFM (literal), LDR S/D/Q (literal). */
function literal(cpu: Aarch64Cpu, insn: number): void {
  const opc = insn >>> 30;
  const vector = (insn >>> 26) & 1;
  const rt = insn & 31;
  const off = ((insn << 8) >> 13) << 2;
  const lo = add64(cpu, cpu.curLo, cpu.curHi, off, off >> 31, 0, false);
  const hi = cpu.rhi;
  if (vector) {
    if (opc === 3) undefinedInstruction(cpu);
    checkFpAccess(cpu);
    vectorTransfer(cpu, lo, hi, rt, opc + 2, true, cpu.el);
    return;
  }
  if (opc === 3) return; // PRFM
  integerTransfer(cpu, lo, hi, rt, opc === 1 ? 3 : 2, opc === 2 ? 2 : 1, cpu.el);
}

/** LDP/STP/LDPSW/LDNP/STNP, integer and FP/SIMD. */
function pair(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const opc = insn >>> 30;
  const vector = (insn >>> 26) & 1;
  const indexing = (insn >>> 23) & 3;
  const load = (insn >>> 22) & 1;
  const rt2 = (insn >>> 10) & 31;
  const rn = (insn >>> 5) & 31;
  const rt = insn & 31;
  if (opc === 3) undefinedInstruction(cpu);
  let scale: number;
  if (vector) {
    scale = 2 + opc;
    checkFpAccess(cpu);
  } else {
    if (opc === 1 && (!load || indexing === 0)) undefinedInstruction(cpu);
    scale = opc === 2 ? 3 : 2;
  }
  const imm = ((insn << 10) >> 25) * (1 << scale);
  let baseLo = baseAddress(cpu, rn);
  let baseHi = cpu.rhi;
  const post = indexing === 1;
  let addrLo = baseLo;
  let addrHi = baseHi;
  if (!post) {
    addrLo = add64(cpu, baseLo, baseHi, imm, imm >> 31, 0, false);
    addrHi = cpu.rhi;
  }
  if (cpu.alignCheck && addrLo & ((1 << scale) - 1)) alignmentFault(cpu, addrLo, addrHi, !load);
  const secondLo = add64(cpu, addrLo, addrHi, 1 << scale, 0, 0, false);
  const secondHi = cpu.rhi;
  const el = cpu.el;
  if (vector) {
    vectorTransfer(cpu, addrLo, addrHi, rt, scale, load === 1, el);
    vectorTransfer(cpu, secondLo, secondHi, rt2, scale, load === 1, el);
  } else if (load) {
    const size = scale;
    const sext = opc === 1 ? 2 : 1;
    // Load both before writing either so a fault on the second leaves the registers intact.
    integerTransferTo(cpu, addrLo, addrHi, size, sext, el);
    const aLo = cpu.pairLo;
    const aHi = cpu.pairHi;
    integerTransferTo(cpu, secondLo, secondHi, size, sext, el);
    if (rt !== 31) {
      x[rt * 2] = aLo;
      x[rt * 2 + 1] = aHi;
    }
    if (rt2 !== 31) {
      x[rt2 * 2] = cpu.pairLo;
      x[rt2 * 2 + 1] = cpu.pairHi;
    }
  } else {
    integerTransfer(cpu, addrLo, addrHi, rt, scale, 0, el);
    integerTransfer(cpu, secondLo, secondHi, rt2, scale, 0, el);
  }
  if (indexing === 1 || indexing === 3) {
    if (post) {
      baseLo = add64(cpu, baseLo, baseHi, imm, imm >> 31, 0, false);
      baseHi = cpu.rhi;
    } else {
      baseLo = addrLo;
      baseHi = addrHi;
    }
    const bi = rn === 31 ? 64 : rn * 2;
    x[bi] = baseLo;
    x[bi + 1] = baseHi;
  }
}

/** Load 2^size bytes (sign-extended to 64 when opc is 2) into `cpu.pairLo/pairHi`. */
function integerTransferTo(
  cpu: Aarch64Cpu,
  lo: number,
  hi: number,
  size: number,
  opc: number,
  el: number,
): void {
  if (size === 3) {
    cpu.pairLo = cpu.ld64(lo, hi, el);
    cpu.pairHi = cpu.rhi;
    return;
  }
  const v = cpu.ld32(lo, hi, el);
  cpu.pairLo = v;
  cpu.pairHi = opc === 2 ? v >> 31 : 0;
}

/** LDXR/STXR/LDAXR/STLXR (+ pairs), LDAR/STLR. */
function exclusive(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const size = insn >>> 30;
  const o2 = (insn >>> 23) & 1;
  const load = (insn >>> 22) & 1;
  const o1 = (insn >>> 21) & 1;
  const o0 = (insn >>> 15) & 1;
  const rs = (insn >>> 16) & 31;
  const rt2 = (insn >>> 10) & 31;
  const rn = (insn >>> 5) & 31;
  const rt = insn & 31;
  if (o1 && (o2 || size < 2)) undefinedInstruction(cpu);
  if (o2 && !o0) undefinedInstruction(cpu);
  const lo = baseAddress(cpu, rn);
  const hi = cpu.rhi;
  const bytes = o1 ? 2 << size : 1 << size;
  if (lo & (bytes - 1)) alignmentFault(cpu, lo, hi, !load);
  const el = cpu.el;
  if (o2) {
    // LDAR / STLR: ordinary accesses on a single in-order CPU, reported with AR = 1.
    integerTransfer(cpu, lo, hi, rt, size, load, el);
    return;
  }
  if (load) {
    if (o1) {
      const half = size;
      integerTransferTo(cpu, lo, hi, half, 1, el);
      const aLo = cpu.pairLo;
      const aHi = cpu.pairHi;
      const nlo = add64(cpu, lo, hi, 1 << half, 0, 0, false);
      integerTransferTo(cpu, nlo, cpu.rhi, half, 1, el);
      if (rt !== 31) {
        x[rt * 2] = aLo;
        x[rt * 2 + 1] = aHi;
      }
      if (rt2 !== 31) {
        x[rt2 * 2] = cpu.pairLo;
        x[rt2 * 2 + 1] = cpu.pairHi;
      }
    } else {
      integerTransfer(cpu, lo, hi, rt, size, 1, el);
    }
    cpu.exclusiveArmed = true;
    cpu.exclusiveLo = lo;
    cpu.exclusiveHi = hi;
    cpu.exclusiveSize = bytes;
    return;
  }
  const ok =
    cpu.exclusiveArmed &&
    cpu.exclusiveLo === lo &&
    cpu.exclusiveHi === hi &&
    cpu.exclusiveSize === bytes;
  cpu.exclusiveArmed = false;
  if (ok) {
    if (o1) {
      const half = size;
      integerTransfer(cpu, lo, hi, rt, half, 0, el);
      const nlo = add64(cpu, lo, hi, 1 << half, 0, 0, false);
      integerTransfer(cpu, nlo, cpu.rhi, rt2, half, 0, el);
    } else {
      integerTransfer(cpu, lo, hi, rt, size, 0, el);
    }
  }
  if (rs !== 31) {
    x[rs * 2] = ok ? 0 : 1;
    x[rs * 2 + 1] = 0;
  }
}

/** Registers and element counts of the LD/ST multiple-structure opcodes. */
const MULTIPLE: Readonly<Record<number, { regs: number; elems: number }>> = {
  0: { regs: 4, elems: 4 },
  2: { regs: 4, elems: 1 },
  4: { regs: 3, elems: 3 },
  6: { regs: 3, elems: 1 },
  7: { regs: 1, elems: 1 },
  8: { regs: 2, elems: 2 },
  10: { regs: 2, elems: 1 },
};

/** LD1-4/ST1-4 (multiple structures, single structure, replicate), with post-index. */
function structures(cpu: Aarch64Cpu, insn: number): void {
  checkFpAccess(cpu);
  const q = (insn >>> 30) & 1;
  const post = (insn >>> 23) & 1;
  const load = ((insn >>> 22) & 1) === 1;
  const rm = (insn >>> 16) & 31;
  const rn = (insn >>> 5) & 31;
  const rt = insn & 31;
  const single = ((insn >>> 24) & 1) === 1;
  if (!post && rm !== 0) undefinedInstruction(cpu);
  const baseLo = baseAddress(cpu, rn);
  const baseHi = cpu.rhi;
  const el = cpu.el;
  let total: number;
  if (!single) {
    if ((insn >>> 21) & 1) undefinedInstruction(cpu);
    const shape = MULTIPLE[(insn >>> 12) & 0xf];
    const size = (insn >>> 10) & 3;
    if (!shape || (size === 3 && q === 0 && shape.elems > 1)) undefinedInstruction(cpu);
    const ebytes = 1 << size;
    const lanes = (q ? 16 : 8) / ebytes;
    let offset = 0;
    for (let r = 0; r < shape.regs; r += shape.elems) {
      for (let e = 0; e < lanes; e++) {
        for (let s = 0; s < shape.elems; s++) {
          const reg = (rt + r + s) & 31;
          transferLane(cpu, baseLo, baseHi, offset, reg, e, size, load, el);
          offset += ebytes;
        }
      }
    }
    if (load && !q) for (let r = 0; r < shape.regs; r++) clearHigh(cpu, (rt + r) & 31);
    total = offset;
  } else {
    const count = ((((insn >>> 13) & 1) << 1) | ((insn >>> 21) & 1)) + 1;
    const opcode = (insn >>> 13) & 7;
    const s = (insn >>> 12) & 1;
    let size = (insn >>> 10) & 3;
    let index: number;
    const kind = opcode >>> 1;
    if (kind === 3) {
      // LD1R..LD4R: load one element and replicate it to all lanes.
      if (!load || s) undefinedInstruction(cpu);
      const ebytes = 1 << size;
      const lanes = (q ? 16 : 8) / ebytes;
      for (let i = 0; i < count; i++) {
        const reg = (rt + i) & 31;
        transferLane(cpu, baseLo, baseHi, i * ebytes, reg, 0, size, true, el);
        for (let e = 1; e < lanes; e++) {
          for (let b = 0; b < ebytes; b++)
            cpu.vb[reg * 16 + e * ebytes + b] = cpu.vb[reg * 16 + b]!;
        }
        if (!q) clearHigh(cpu, reg);
      }
      total = count * ebytes;
    } else {
      if (kind === 0) {
        index = (q << 3) | (s << 2) | size;
        size = 0;
      } else if (kind === 1) {
        if (size & 1) undefinedInstruction(cpu);
        index = (q << 2) | (s << 1) | (size >>> 1);
        size = 1;
      } else if ((size & 1) === 0) {
        if (size & 2) undefinedInstruction(cpu);
        index = (q << 1) | s;
        size = 2;
      } else {
        if (s || size !== 1) undefinedInstruction(cpu);
        index = q;
        size = 3;
      }
      const ebytes = 1 << size;
      for (let i = 0; i < count; i++) {
        transferLane(cpu, baseLo, baseHi, i * ebytes, (rt + i) & 31, index, size, load, el);
      }
      total = count * ebytes;
    }
  }
  if (post) {
    let incLo = total;
    let incHi = 0;
    if (rm !== 31) {
      incLo = cpu.x[rm * 2]!;
      incHi = cpu.x[rm * 2 + 1]!;
    }
    const lo = add64(cpu, baseLo, baseHi, incLo, incHi, 0, false);
    const bi = rn === 31 ? 64 : rn * 2;
    cpu.x[bi] = lo;
    cpu.x[bi + 1] = cpu.rhi;
  }
}

/** Zero bits [127:64] of Vn. */
function clearHigh(cpu: Aarch64Cpu, reg: number): void {
  cpu.vw[reg * 4 + 2] = 0;
  cpu.vw[reg * 4 + 3] = 0;
}

/** Move one lane of 2^size bytes between memory at base+offset and Vreg[lane]. */
function transferLane(
  cpu: Aarch64Cpu,
  baseLo: number,
  baseHi: number,
  offset: number,
  reg: number,
  lane: number,
  size: number,
  load: boolean,
  el: number,
): void {
  const lo = add64(cpu, baseLo, baseHi, offset, 0, 0, false);
  const hi = cpu.rhi;
  const at = reg * 16 + (lane << size);
  const vb = cpu.vb;
  if (load) {
    if (size === 3) {
      const v = cpu.ld64(lo, hi, el);
      const h = cpu.rhi;
      cpu.vw[at >>> 2] = v;
      cpu.vw[(at >>> 2) + 1] = h;
    } else {
      const v =
        size === 0 ? cpu.ld8(lo, hi, el) : size === 1 ? cpu.ld16(lo, hi, el) : cpu.ld32(lo, hi, el);
      for (let b = 0; b < 1 << size; b++) vb[at + b] = (v >>> (8 * b)) & 0xff;
    }
    return;
  }
  const set = 2 + el;
  if (size === 3) cpu.st64(lo, hi, set, cpu.vw[at >>> 2]!, cpu.vw[(at >>> 2) + 1]!);
  else if (size === 2) cpu.st32(lo, hi, set, cpu.vw[at >>> 2]!);
  else if (size === 1) cpu.st16(lo, hi, set, vb[at]! | (vb[at + 1]! << 8));
  else cpu.st8(lo, hi, set, vb[at]!);
}
