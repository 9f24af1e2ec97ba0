/**
 * The AdvSIMD subset compilers emit for vectorised integer loops and C library string/memory
 * routines: three-same integer and FP arithmetic, compares, logic, pairwise and across-lane
 * reductions, two-register misc, shifts by immediate, narrows and widens, modified immediates,
 * DUP/INS/UMOV/SMOV, EXT, TBL/TBX, ZIP/UZP/TRN, and the scalar forms of a few of them.
 * Anything else is UNDEFINED.
 *
 * Lanes of up to 32 bits are numbers; 64-bit lanes use BigInt (a cold path).
 */
import type { Aarch64Cpu } from "../cpu.js";
import { undefinedInstruction } from "../exceptions.js";
import { fromInteger, roundInt } from "../fp.js";

const MASKS = [0xff, 0xffff, 0xffffffff];
const M64 = 0xffffffffffffffffn;

/** Read lane i (unsigned) of size 2^size bytes (size <= 2). */
function get(cpu: Aarch64Cpu, reg: number, size: number, i: number): number {
  if (size === 0) return cpu.vb[reg * 16 + i]!;
  if (size === 1) return cpu.vh[reg * 8 + i]!;
  return cpu.vu[reg * 4 + i]!;
}

/** Write lane i (size <= 2). */
function set(cpu: Aarch64Cpu, reg: number, size: number, i: number, v: number): void {
  if (size === 0) cpu.vb[reg * 16 + i] = v;
  else if (size === 1) cpu.vh[reg * 8 + i] = v;
  else cpu.vu[reg * 4 + i] = v;
}

/** Read all lanes of a register (numbers for size <= 2, bigints for size 3). */
function lanes(cpu: Aarch64Cpu, reg: number, size: number, count: number): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  for (let i = 0; i < count; i++) {
    out.push(size === 3 ? cpu.vq[reg * 2 + i]! : get(cpu, reg, size, i));
  }
  return out;
}

/** Write lanes to a register; zero the upper half when only 64 bits were written. */
function store(
  cpu: Aarch64Cpu,
  reg: number,
  size: number,
  values: (number | bigint)[],
  full: boolean,
): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (size === 3) cpu.vq[reg * 2 + i] = BigInt.asUintN(64, typeof v === "bigint" ? v : BigInt(v));
    else set(cpu, reg, size, i, Number(v) & MASKS[size]!);
  }
  if (!full) {
    cpu.vw[reg * 4 + 2] = 0;
    cpu.vw[reg * 4 + 3] = 0;
  }
}

/** Sign-extend a lane value. */
function signed(v: number | bigint, size: number): number | bigint {
  if (size === 3) return BigInt.asIntN(64, v as bigint);
  const bits = 8 << size;
  const n = v as number;
  return bits === 32 ? n | 0 : (n << (32 - bits)) >> (32 - bits);
}

/** All-ones lane of a size. */
function ones(size: number): number | bigint {
  return size === 3 ? M64 : MASKS[size]!;
}

/** Integer element operations of the three-same group. */
function elementOp(
  op: number,
  u: number,
  a: number | bigint,
  b: number | bigint,
  size: number,
): number | bigint | undefined {
  const big = size === 3;
  switch (op) {
    case 0x06: // CMGT / CMHI
      return (u ? a > b : signed(a, size) > signed(b, size)) ? ones(size) : 0;
    case 0x07: // CMGE / CMHS
      return (u ? a >= b : signed(a, size) >= signed(b, size)) ? ones(size) : 0;
    case 0x0c: // SMAX / UMAX
      return (u ? a > b : signed(a, size) > signed(b, size)) ? a : b;
    case 0x0d: // SMIN / UMIN
      return (u ? a < b : signed(a, size) < signed(b, size)) ? a : b;
    case 0x0e: {
      // SABD / UABD
      const x = u ? a : signed(a, size);
      const y = u ? b : signed(b, size);
      return big
        ? (x as bigint) > (y as bigint)
          ? (x as bigint) - (y as bigint)
          : (y as bigint) - (x as bigint)
        : Math.abs((x as number) - (y as number));
    }
    case 0x10: // ADD / SUB
      if (big) return u ? (a as bigint) - (b as bigint) : (a as bigint) + (b as bigint);
      return u ? (a as number) - (b as number) : (a as number) + (b as number);
    case 0x11: // CMTST / CMEQ
      if (u) return a === b ? ones(size) : 0;
      return (big ? ((a as bigint) & (b as bigint)) !== 0n : ((a as number) & (b as number)) !== 0)
        ? ones(size)
        : 0;
    case 0x13: // MUL
      if (big || u) return undefined;
      return size === 2 ? Math.imul(a as number, b as number) >>> 0 : (a as number) * (b as number);
    default:
      return undefined;
  }
}

/** AdvSIMD three same (integer and FP), vector or scalar. */
function threeSame(cpu: Aarch64Cpu, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const m = (insn >>> 16) & 31;
  const op = (insn >>> 11) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (op >= 0x18) {
    fpThreeSame(cpu, insn, scalar);
    return;
  }
  if (op === 0x03) {
    if (scalar) undefinedInstruction(cpu);
    // Bitwise: AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF on 32-bit words.
    const words = q ? 4 : 2;
    const w = cpu.vw;
    for (let i = 0; i < words; i++) {
      const a = w[n * 4 + i]!;
      const b = w[m * 4 + i]!;
      const dv = w[d * 4 + i]!;
      let r: number;
      switch ((u << 2) | size) {
        case 0:
          r = a & b;
          break;
        case 1:
          r = a & ~b;
          break;
        case 2:
          r = a | b;
          break;
        case 3:
          r = a | ~b;
          break;
        case 4:
          r = a ^ b;
          break;
        case 5:
          r = (dv & a) | (~dv & b);
          break;
        case 6:
          r = (a & b) | (dv & ~b);
          break;
        default:
          r = (dv & b) | (a & ~b);
          break;
      }
      w[d * 4 + i] = r;
    }
    if (!q) {
      w[d * 4 + 2] = 0;
      w[d * 4 + 3] = 0;
    }
    return;
  }
  if (scalar && size !== 3) undefinedInstruction(cpu);
  if (!scalar && size === 3 && !q) undefinedInstruction(cpu);
  const count = scalar ? 1 : (q ? 16 : 8) >> size;
  const a = lanes(cpu, n, size, count);
  const b = lanes(cpu, m, size, count);
  let r: (number | bigint)[];
  if (op >= 0x14 && op <= 0x17) {
    if (scalar || (op === 0x17 && u) || op === 0x16 || (size === 3 && op !== 0x17))
      undefinedInstruction(cpu);
    // Pairwise: concatenate a and b, combine adjacent lanes.
    const all = a.concat(b);
    r = [];
    for (let i = 0; i < count; i++) {
      const x = all[2 * i]!;
      const y = all[2 * i + 1]!;
      if (op === 0x17)
        r.push(size === 3 ? (x as bigint) + (y as bigint) : (x as number) + (y as number));
      else r.push(elementOp(op === 0x14 ? 0x0c : 0x0d, u, x, y, size)!);
    }
  } else if (op === 0x12) {
    if (scalar || size === 3) undefinedInstruction(cpu);
    const acc = lanes(cpu, d, size, count);
    r = a.map((x, i) => {
      const p =
        size === 2
          ? Math.imul(x as number, b[i] as number) >>> 0
          : (x as number) * (b[i] as number);
      return u ? (acc[i] as number) - p : (acc[i] as number) + p;
    });
  } else if (op === 0x08) {
    // SSHL / USHL: shift by the signed low byte of each b lane.
    if (size === 3) undefinedInstruction(cpu);
    r = a.map((x, i) => {
      const sh = ((b[i] as number) << 24) >> 24;
      const bits = 8 << size;
      const v = u ? (x as number) : (signed(x, size) as number);
      if (sh >= 0) return sh >= bits ? 0 : Number((BigInt(v) << BigInt(sh)) & BigInt(MASKS[size]!));
      const s = -sh;
      if (s >= bits) return u || v >= 0 ? 0 : MASKS[size]!;
      return u ? v >>> s : v >> s;
    });
  } else {
    r = [];
    for (let i = 0; i < count; i++) {
      const v = elementOp(op, u, a[i]!, b[i]!, size);
      if (v === undefined) undefinedInstruction(cpu);
      r.push(v);
    }
  }
  store(cpu, d, size, r, q === 1 && !scalar);
  if (scalar) {
    cpu.vw[d * 4 + 2] = 0;
    cpu.vw[d * 4 + 3] = 0;
  }
}

/** Read an FP lane (size 2 single, 3 double). */
function fget(cpu: Aarch64Cpu, reg: number, double: boolean, i: number): number {
  return double ? cpu.vd[reg * 2 + i]! : cpu.vs[reg * 4 + i]!;
}

/** Write an FP lane; NaNs become the default NaN. */
function fset(cpu: Aarch64Cpu, reg: number, double: boolean, i: number, v: number): void {
  if (double) {
    if (Number.isNaN(v)) cpu.vq[reg * 2 + i] = 0x7ff8000000000000n;
    else cpu.vd[reg * 2 + i] = v;
  } else if (Number.isNaN(v)) cpu.vu[reg * 4 + i] = 0x7fc00000;
  else cpu.vs[reg * 4 + i] = v;
}

/** FP three same: FADD, FSUB, FMUL, FDIV, FMAX, FMIN, FMLA, FMLS, FADDP, FCMEQ/GE/GT. */
function fpThreeSame(cpu: Aarch64Cpu, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const a1 = (insn >>> 23) & 1;
  const double = ((insn >>> 22) & 1) === 1;
  const m = (insn >>> 16) & 31;
  const op = (insn >>> 11) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (double && !q && !scalar) undefinedInstruction(cpu);
  const count = scalar ? 1 : (q ? 4 : 2) >> (double ? 1 : 0);
  const key = (u << 6) | (a1 << 5) | op;
  const a: number[] = [];
  const b: number[] = [];
  const acc: number[] = [];
  for (let i = 0; i < count; i++) {
    a.push(fget(cpu, n, double, i));
    b.push(fget(cpu, m, double, i));
    acc.push(fget(cpu, d, double, i));
  }
  const round = double ? (x: number) => x : Math.fround;
  const mask = (c: boolean) => (c ? -1 : 0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let r: number;
    switch (key) {
      case 0x1a:
        r = round(x + y);
        break;
      case 0x3a:
        r = round(x - y);
        break;
      case 0x5b:
        r = round(x * y);
        break;
      case 0x5f:
        r = round(x / y);
        break;
      case 0x19:
        r = round(acc[i]! + x * y);
        break;
      case 0x39:
        r = round(acc[i]! - x * y);
        break;
      case 0x1e:
        r = Math.max(x, y);
        break;
      case 0x3e:
        r = Math.min(x, y);
        break;
      case 0x5a: {
        if (scalar) undefinedInstruction(cpu);
        const all = a.concat(b);
        r = round(all[2 * i]! + all[2 * i + 1]!);
        break;
      }
      case 0x1c:
        r = mask(x === y);
        break;
      case 0x5c:
        r = mask(x >= y);
        break;
      case 0x7c:
        r = mask(x > y);
        break;
      default:
        undefinedInstruction(cpu);
    }
    out.push(r);
  }
  const isMask = key === 0x1c || key === 0x5c || key === 0x7c;
  for (let i = 0; i < count; i++) {
    if (isMask) {
      if (double) cpu.vq[d * 2 + i] = out[i] ? M64 : 0n;
      else cpu.vu[d * 4 + i] = out[i] ? 0xffffffff : 0;
    } else fset(cpu, d, double, i, out[i]!);
  }
  if (scalar) {
    if (!double) cpu.vw[d * 4 + 1] = 0;
    cpu.vw[d * 4 + 2] = 0;
    cpu.vw[d * 4 + 3] = 0;
  } else if (!q) {
    cpu.vw[d * 4 + 2] = 0;
    cpu.vw[d * 4 + 3] = 0;
  }
}

/** Population count of a byte. */
function popcount8(v: number): number {
  v = v - ((v >>> 1) & 0x55);
  v = (v & 0x33) + ((v >>> 2) & 0x33);
  return (v + (v >>> 4)) & 0x0f;
}

/** AdvSIMD two-register miscellaneous (vector or scalar). */
function twoRegMisc(cpu: Aarch64Cpu, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const op = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const full = q === 1 && !scalar;
  if (op >= 0x0c && op !== 0x12 && op !== 0x14) {
    fpTwoRegMisc(cpu, insn, scalar);
    return;
  }
  if (scalar && size !== 3 && op !== 0x12) undefinedInstruction(cpu);
  if (!scalar && size === 3 && !q && op !== 0x12) undefinedInstruction(cpu);
  const count = scalar ? 1 : (q ? 16 : 8) >> size;
  switch (op) {
    case 0x00:
    case 0x01: {
      // REV64 / REV32 / REV16: reverse elements inside containers.
      const container = op === 1 ? 1 : u ? 2 : 3;
      if (scalar || size >= container) undefinedInstruction(cpu);
      const bytes = cpu.vb.slice(n * 16, n * 16 + 16);
      const esz = 1 << size;
      const csz = 1 << container;
      const total = q ? 16 : 8;
      for (let c = 0; c < total; c += csz) {
        for (let e = 0; e < csz; e += esz) {
          for (let k = 0; k < esz; k++) cpu.vb[d * 16 + c + e + k] = bytes[c + csz - esz - e + k]!;
        }
      }
      if (!q) store(cpu, d, 0, [], false);
      return;
    }
    case 0x05: {
      if (scalar) undefinedInstruction(cpu);
      const src = cpu.vb.slice(n * 16, n * 16 + 16);
      const total = q ? 16 : 8;
      for (let i = 0; i < total; i++) {
        const v = src[i]!;
        let r: number;
        if (!u && size === 0) r = popcount8(v);
        else if (u && size === 0) r = ~v & 0xff;
        else if (u && size === 1) {
          r = 0;
          for (let b = 0; b < 8; b++) r |= ((v >>> b) & 1) << (7 - b);
        } else undefinedInstruction(cpu);
        cpu.vb[d * 16 + i] = r;
      }
      if (!q) store(cpu, d, 0, [], false);
      return;
    }
    case 0x02:
    case 0x06: {
      // SADDLP/UADDLP, SADALP/UADALP
      if (scalar || size === 3) undefinedInstruction(cpu);
      const src = lanes(cpu, n, size, count);
      const outCount = count / 2;
      const acc = lanes(cpu, d, size + 1, outCount);
      const r: (number | bigint)[] = [];
      for (let i = 0; i < outCount; i++) {
        const x = u ? src[2 * i]! : signed(src[2 * i]!, size);
        const y = u ? src[2 * i + 1]! : signed(src[2 * i + 1]!, size);
        let s: number | bigint = (x as number) + (y as number);
        if (op === 0x06)
          s = size + 1 === 3 ? BigInt(s) + (acc[i] as bigint) : (s as number) + (acc[i] as number);
        r.push(size + 1 === 3 ? BigInt.asUintN(64, BigInt(s)) : s);
      }
      store(cpu, d, size + 1, r, q === 1);
      return;
    }
    case 0x12:
    case 0x14: {
      // XTN / XTN2 (op 0x12, U=0); SQXTN/UQXTN (0x14) and SQXTUN (0x12, U=1): narrow with or without saturation.
      if (size === 3) undefinedInstruction(cpu);
      const ncount = scalar ? 1 : 8 >> size;
      const src = lanes(cpu, n, size + 1, ncount);
      const bits = 8 << size;
      const r = src.map((v) => {
        if (op === 0x12 && !u)
          return size + 1 === 3 ? Number((v as bigint) & 0xffffffffn) : (v as number);
        const wide = size + 1 === 3 ? (v as bigint) : BigInt(v as number);
        const sv = u && op === 0x14 ? wide : BigInt.asIntN(16 << size, wide);
        const lo = op === 0x12 || u ? 0n : -(1n << BigInt(bits - 1));
        const hi = op === 0x14 && !u ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
        if (sv < lo || sv > hi) cpu.fpsr |= 1 << 27;
        return Number(BigInt.asUintN(bits, sv < lo ? lo : sv > hi ? hi : sv));
      });
      if (scalar) {
        store(cpu, d, size, r, false);
        cpu.vw[d * 4 + 1] = size === 2 ? 0 : cpu.vw[d * 4 + 1]!;
        for (let i = (1 << size) * 1; i < 16; i++) if (i >= 1 << size) cpu.vb[d * 16 + i] = 0;
        return;
      }
      if (q) {
        for (let i = 0; i < r.length; i++) set(cpu, d, size, r.length + i, r[i]!);
      } else store(cpu, d, size, r, false);
      return;
    }
    default:
      break;
  }
  const a = lanes(cpu, n, size, count);
  const zero = size === 3 ? 0n : 0;
  const r = a.map((x) => {
    const sx = signed(x, size);
    switch (op) {
      case 0x08:
        return (u ? sx >= zero : sx > zero) ? ones(size) : 0;
      case 0x09:
        return (u ? sx <= zero : sx === zero) ? ones(size) : 0;
      case 0x0a:
        return !u && sx < zero ? ones(size) : 0;
      case 0x0b:
        if (size === 3) return u ? -(x as bigint) : (sx as bigint) < 0n ? -(sx as bigint) : sx;
        return u ? -(x as number) : Math.abs(sx as number);
      default:
        return Number.NaN;
    }
  });
  if (op === 0x0a && u) undefinedInstruction(cpu);
  if (r.some((v) => typeof v === "number" && Number.isNaN(v))) undefinedInstruction(cpu);
  store(cpu, d, size, r, full);
  if (scalar) {
    cpu.vw[d * 4 + 2] = 0;
    cpu.vw[d * 4 + 3] = 0;
  }
}

/** FP two-register misc: FABS, FNEG, FSQRT, SCVTF/UCVTF, FCVTZS/FCVTZU, FRINT*, FCMxx #0. */
function fpTwoRegMisc(cpu: Aarch64Cpu, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const hiBit = (insn >>> 23) & 1;
  const double = ((insn >>> 22) & 1) === 1;
  const op = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (double && !q && !scalar) undefinedInstruction(cpu);
  const count = scalar ? 1 : (q ? 4 : 2) >> (double ? 1 : 0);
  const key = (u << 6) | (hiBit << 5) | op;
  const round = double ? (x: number) => x : Math.fround;
  for (let i = 0; i < count; i++) {
    const bitsIn = double ? cpu.vq[n * 2 + i]! : BigInt(cpu.vu[n * 4 + i]!);
    const x = fget(cpu, n, double, i);
    switch (key) {
      case 0x2f: // FABS
      case 0x6f: {
        // FNEG
        if (scalar) undefinedInstruction(cpu);
        const signBit = double ? 1n << 63n : 1n << 31n;
        const v = key === 0x2f ? bitsIn & ~signBit : bitsIn ^ signBit;
        if (double) cpu.vq[d * 2 + i] = v;
        else cpu.vu[d * 4 + i] = Number(v);
        continue;
      }
      case 0x7f:
        if (scalar) undefinedInstruction(cpu);
        fset(cpu, d, double, i, round(Math.sqrt(x)));
        continue;
      case 0x1d:
      case 0x5d: {
        const v = u ? bitsIn : BigInt.asIntN(double ? 64 : 32, bitsIn);
        const { value, inexact } = fromInteger(v, 0, double);
        if (inexact) cpu.fpsr |= 16;
        fset(cpu, d, double, i, value);
        continue;
      }
      case 0x3b:
      case 0x7b: {
        const bits = double ? 64 : 32;
        const t = roundInt(x, 3);
        let v: bigint;
        const lo = u ? 0 : -(2 ** (bits - 1));
        const hi = u ? 2 ** bits : 2 ** (bits - 1);
        if (Number.isNaN(t) || t < lo || t >= hi) cpu.fpsr |= 1;
        else if (t !== x) cpu.fpsr |= 16;
        if (Number.isNaN(t)) v = 0n;
        else if (t >= hi) v = (1n << BigInt(u ? bits : bits - 1)) - 1n;
        else if (t < lo) v = u ? 0n : -(1n << BigInt(bits - 1));
        else v = BigInt(t);
        if (double) cpu.vq[d * 2 + i] = BigInt.asUintN(64, v);
        else cpu.vu[d * 4 + i] = Number(BigInt.asUintN(32, v));
        continue;
      }
      case 0x18:
      case 0x19:
      case 0x38:
      case 0x39:
      case 0x58:
      case 0x59: {
        if (scalar) undefinedInstruction(cpu);
        const mode =
          key === 0x18
            ? 0
            : key === 0x19
              ? 2
              : key === 0x38
                ? 1
                : key === 0x39
                  ? 3
                  : key === 0x58
                    ? 4
                    : [0, 1, 2, 3][(cpu.fpcr >>> 22) & 3]!;
        fset(cpu, d, double, i, roundInt(x, mode));
        continue;
      }
      case 0x2c:
      case 0x6c:
      case 0x2d:
      case 0x6d:
      case 0x2e: {
        const c =
          key === 0x2c
            ? x > 0
            : key === 0x6c
              ? x >= 0
              : key === 0x2d
                ? x === 0
                : key === 0x6d
                  ? x <= 0
                  : x < 0;
        if (double) cpu.vq[d * 2 + i] = c ? M64 : 0n;
        else cpu.vu[d * 4 + i] = c ? 0xffffffff : 0;
        continue;
      }
      default:
        undefinedInstruction(cpu);
    }
  }
  if (scalar) {
    if (!double) cpu.vw[d * 4 + 1] = 0;
    cpu.vw[d * 4 + 2] = 0;
    cpu.vw[d * 4 + 3] = 0;
  } else if (!q) {
    cpu.vw[d * 4 + 2] = 0;
    cpu.vw[d * 4 + 3] = 0;
  }
}

/** Across lanes: SADDLV/UADDLV, SMAXV/UMAXV, SMINV/UMINV, ADDV. */
function acrossLanes(cpu: Aarch64Cpu, insn: number): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const op = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (size === 3 || (size === 2 && !q)) undefinedInstruction(cpu);
  const count = (q ? 16 : 8) >> size;
  const a = lanes(cpu, n, size, count).map((v) =>
    u ? (v as number) : (signed(v, size) as number),
  );
  let r: number;
  let outSize = size;
  switch (op) {
    case 0x03:
      r = a.reduce((s, v) => s + v, 0);
      outSize = size + 1;
      break;
    case 0x0a:
      r = Math.max(...a);
      break;
    case 0x1a:
      r = Math.min(...a);
      break;
    case 0x1b:
      if (u) undefinedInstruction(cpu);
      r = a.reduce((s, v) => s + v, 0);
      break;
    default:
      undefinedInstruction(cpu);
  }
  cpu.vw[d * 4] = 0;
  cpu.vw[d * 4 + 1] = 0;
  cpu.vw[d * 4 + 2] = 0;
  cpu.vw[d * 4 + 3] = 0;
  if (outSize === 3) cpu.vq[d * 2] = BigInt.asUintN(64, BigInt(r));
  else set(cpu, d, outSize, 0, r & MASKS[outSize]!);
}

/** Three different: SADDL/UADDL, SADDW/UADDW, SSUBL/USUBL, SSUBW/USUBW, SMULL/UMULL, SMLAL/UMLAL, SMLSL/UMLSL (and "2"). */
function threeDifferent(cpu: Aarch64Cpu, insn: number): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const m = (insn >>> 16) & 31;
  const op = (insn >>> 12) & 15;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (size === 3) undefinedInstruction(cpu);
  const count = 8 >> size;
  const half = q ? count : 0;
  const wideSize = size + 1;
  const ext = (reg: number, i: number) => {
    const v = get(cpu, reg, size, half + i);
    return u ? BigInt(v) : BigInt(signed(v, size) as number);
  };
  const wideLane = (reg: number, i: number) => {
    const v = wideSize === 3 ? cpu.vq[reg * 2 + i]! : BigInt(get(cpu, reg, wideSize, i));
    return u ? v : BigInt.asIntN(16 << size, v);
  };
  const r: bigint[] = [];
  for (let i = 0; i < count; i++) {
    let v: bigint;
    switch (op) {
      case 0:
        v = ext(n, i) + ext(m, i);
        break;
      case 1:
        v = wideLane(n, i) + ext(m, i);
        break;
      case 2:
        v = ext(n, i) - ext(m, i);
        break;
      case 3:
        v = wideLane(n, i) - ext(m, i);
        break;
      case 8:
        v = wideLane(d, i) + ext(n, i) * ext(m, i);
        break;
      case 10:
        v = wideLane(d, i) - ext(n, i) * ext(m, i);
        break;
      case 12:
        v = ext(n, i) * ext(m, i);
        break;
      default:
        undefinedInstruction(cpu);
    }
    r.push(BigInt.asUintN(16 << size, v));
  }
  store(
    cpu,
    d,
    wideSize,
    r.map((v) => (wideSize === 3 ? v : Number(v))),
    true,
  );
}

/** Shift by immediate (vector or scalar): SSHR/USHR, SSRA/USRA, SHL, SLI, SRI, SHRN/RSHRN, SSHLL/USHLL. */
function shiftImmediate(cpu: Aarch64Cpu, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const immh = (insn >>> 19) & 15;
  const immb = (insn >>> 16) & 7;
  const op = (insn >>> 11) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const size = 31 - Math.clz32(immh);
  const esize = 8 << size;
  const immhb = (immh << 3) | immb;
  const right = 2 * esize - immhb;
  const left = immhb - esize;
  if (scalar && size !== 3) undefinedInstruction(cpu);
  if (!scalar && size === 3 && !q && op !== 0x10 && op !== 0x11 && op !== 0x14)
    undefinedInstruction(cpu);
  if (op === 0x10 || op === 0x11 || op === 0x14) {
    if (scalar || size === 3) undefinedInstruction(cpu);
    if (op === 0x14) {
      // SSHLL/USHLL: widen the low or high half, shift left.
      const count = 8 >> size;
      const half = q ? count : 0;
      const r: (number | bigint)[] = [];
      for (let i = 0; i < count; i++) {
        const v = get(cpu, n, size, half + i);
        const w = (u ? BigInt(v) : BigInt(signed(v, size) as number)) << BigInt(left);
        r.push(size + 1 === 3 ? BigInt.asUintN(64, w) : Number(BigInt.asUintN(16 << size, w)));
      }
      store(cpu, d, size + 1, r, true);
      return;
    }
    if (u) undefinedInstruction(cpu);
    // SHRN/RSHRN: narrow 2*esize lanes shifted right.
    const count = 8 >> size;
    const src = lanes(cpu, n, size + 1, count);
    const r = src.map((v) => {
      let w = typeof v === "bigint" ? v : BigInt(v);
      if (op === 0x11) w += 1n << BigInt(right - 1);
      return Number(BigInt.asUintN(esize, w >> BigInt(right)));
    });
    if (q) for (let i = 0; i < count; i++) set(cpu, d, size, count + i, r[i]!);
    else store(cpu, d, size, r, false);
    return;
  }
  const count = scalar ? 1 : (q ? 16 : 8) >> size;
  const a = lanes(cpu, n, size, count);
  const acc = lanes(cpu, d, size, count);
  const bits = BigInt(esize);
  const r: (number | bigint)[] = [];
  for (let i = 0; i < count; i++) {
    const x = BigInt(a[i]!);
    const sx = u ? x : BigInt.asIntN(esize, x);
    let v: bigint;
    switch (op) {
      case 0x00:
        v = sx >> BigInt(right);
        break;
      case 0x02:
        v = BigInt(acc[i]!) + (sx >> BigInt(right));
        break;
      case 0x04:
        v = (sx + (1n << BigInt(right - 1))) >> BigInt(right);
        break;
      case 0x0a:
        if (u) {
          const mask = ((1n << bits) - 1n) << BigInt(left);
          v = (BigInt(acc[i]!) & ~mask) | ((x << BigInt(left)) & mask);
        } else v = x << BigInt(left);
        break;
      case 0x08: {
        if (!u) undefinedInstruction(cpu);
        const mask = ((1n << bits) - 1n) >> BigInt(right);
        v = (BigInt(acc[i]!) & ~mask) | ((x >> BigInt(right)) & mask);
        break;
      }
      default:
        undefinedInstruction(cpu);
    }
    v = BigInt.asUintN(esize, v);
    r.push(size === 3 ? v : Number(v));
  }
  store(cpu, d, size, r, q === 1 && !scalar);
  if (scalar) {
    cpu.vw[d * 4 + 2] = 0;
    cpu.vw[d * 4 + 3] = 0;
  }
}

/** AdvSIMD modified immediate: MOVI, MVNI, ORR, BIC (vector, immediate), FMOV (vector, immediate). */
function modifiedImmediate(cpu: Aarch64Cpu, insn: number): void {
  const q = (insn >>> 30) & 1;
  const op = (insn >>> 29) & 1;
  const cmode = (insn >>> 12) & 15;
  const d = insn & 31;
  const imm8 = (((insn >>> 16) & 7) << 5) | ((insn >>> 5) & 31);
  let lo: number;
  let hi: number;
  let kind: "move" | "orr" | "bic" = "move";
  let invert = op === 1;
  if (cmode < 8) {
    // 32-bit shifted immediate
    const v = (imm8 << (8 * (cmode >>> 1))) >>> 0;
    lo = hi = v;
    if (cmode & 1) kind = op ? "bic" : "orr";
  } else if (cmode < 12) {
    const h = (imm8 << (8 * ((cmode >>> 1) & 1))) & 0xffff;
    lo = hi = (h | (h << 16)) >>> 0;
    if (cmode & 1) kind = op ? "bic" : "orr";
  } else if (cmode < 14) {
    const v = cmode === 12 ? (imm8 << 8) | 0xff : (imm8 << 16) | 0xffff;
    lo = hi = v >>> 0;
  } else if (cmode === 14 && !op) {
    const b = imm8 * 0x01010101;
    lo = hi = b >>> 0;
  } else if (cmode === 14) {
    // 64-bit: each imm8 bit becomes a byte of ones.
    lo = 0;
    hi = 0;
    for (let i = 0; i < 4; i++) {
      if ((imm8 >>> i) & 1) lo |= 0xff << (8 * i);
      if ((imm8 >>> (i + 4)) & 1) hi |= 0xff << (8 * i);
    }
    invert = false;
  } else {
    // FMOV (vector, immediate): single (op 0) or double (op 1, Q must be 1)
    if (op && !q) undefinedInstruction(cpu);
    const a = (imm8 >>> 7) & 1;
    const b = (imm8 >>> 6) & 1;
    const cdefgh = imm8 & 0x3f;
    if (!op) {
      const v = (a << 31) | ((b ? 0 : 1) << 30) | ((b ? 0x1f : 0) << 25) | (cdefgh << 19);
      lo = hi = v >>> 0;
    } else {
      lo = 0;
      hi = ((a << 31) | ((b ? 0 : 1) << 30) | ((b ? 0xff : 0) << 22) | (cdefgh << 16)) >>> 0;
    }
    invert = false;
  }
  if (invert && kind === "move") {
    lo = ~lo >>> 0;
    hi = ~hi >>> 0;
  }
  const u = cpu.vu;
  const words = q ? 4 : 2;
  for (let i = 0; i < words; i++) {
    const imm = i & 1 ? hi : lo;
    if (kind === "orr") u[d * 4 + i] = u[d * 4 + i]! | imm;
    else if (kind === "bic") u[d * 4 + i] = u[d * 4 + i]! & ~imm;
    else u[d * 4 + i] = imm;
  }
  if (!q) {
    u[d * 4 + 2] = 0;
    u[d * 4 + 3] = 0;
  }
}

/** DUP (element, general), INS (element, general), UMOV, SMOV; scalar DUP (element). */
function copy(cpu: Aarch64Cpu, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const op = (insn >>> 29) & 1;
  const imm5 = (insn >>> 16) & 31;
  const imm4 = (insn >>> 11) & 15;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const size = 31 - Math.clz32(imm5 & -imm5);
  if (imm5 === 0 || size > 3) undefinedInstruction(cpu);
  const index = imm5 >>> (size + 1);
  const read = (reg: number, i: number) =>
    size === 3 ? cpu.vq[reg * 2 + i]! : get(cpu, reg, size, i);
  if (scalar) {
    if (op || imm4) undefinedInstruction(cpu);
    const v = read(n, index);
    store(cpu, d, size, [v], false);
    for (let b = 1 << size; b < 8; b++) cpu.vb[d * 16 + b] = 0;
    return;
  }
  if (op) {
    // INS (element)
    if (!q) undefinedInstruction(cpu);
    const src = read(n, imm4 >>> size);
    if (size === 3) cpu.vq[d * 2 + index] = src as bigint;
    else set(cpu, d, size, index, src as number);
    return;
  }
  const x = cpu.x;
  switch (imm4) {
    case 0: {
      if (size === 3 && !q) undefinedInstruction(cpu);
      const v = read(n, index);
      const count = (q ? 16 : 8) >> size;
      store(cpu, d, size, new Array(count).fill(v), q === 1);
      return;
    }
    case 1: {
      if (size === 3 && !q) undefinedInstruction(cpu);
      const v =
        size === 3
          ? (BigInt(x[n * 2 + 1]! >>> 0) << 32n) | BigInt(x[n * 2]! >>> 0)
          : x[n * 2]! >>> 0;
      const count = (q ? 16 : 8) >> size;
      store(cpu, d, size, new Array(count).fill(v), q === 1);
      return;
    }
    case 3: {
      if (!q) undefinedInstruction(cpu);
      if (size === 3)
        cpu.vq[d * 2 + index] = (BigInt(x[n * 2 + 1]! >>> 0) << 32n) | BigInt(x[n * 2]! >>> 0);
      else set(cpu, d, size, index, (x[n * 2]! >>> 0) & MASKS[size]!);
      return;
    }
    case 5:
    case 7: {
      // SMOV / UMOV
      const unsigned = imm4 === 7;
      if (unsigned ? (q ? size !== 3 : size === 3) : size >= (q ? 3 : 2)) undefinedInstruction(cpu);
      if (d === 31) return;
      if (size === 3) {
        const v = cpu.vq[n * 2 + index]!;
        x[d * 2] = Number(v & 0xffffffffn) | 0;
        x[d * 2 + 1] = Number(v >> 32n) | 0;
        return;
      }
      const v = get(cpu, n, size, index);
      const s = unsigned ? v | 0 : (signed(v, size) as number);
      x[d * 2] = s;
      x[d * 2 + 1] = unsigned || !q ? 0 : s >> 31;
      if (!unsigned && !q) x[d * 2] = s & 0xffffffff;
      return;
    }
    default:
      undefinedInstruction(cpu);
  }
}

/** EXT. */
function extract(cpu: Aarch64Cpu, insn: number): void {
  const q = (insn >>> 30) & 1;
  const m = (insn >>> 16) & 31;
  const pos = (insn >>> 11) & 15;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const total = q ? 16 : 8;
  if (!q && pos >= 8) undefinedInstruction(cpu);
  const src = new Uint8Array(32);
  src.set(cpu.vb.subarray(n * 16, n * 16 + total), 0);
  src.set(cpu.vb.subarray(m * 16, m * 16 + total), total);
  for (let i = 0; i < total; i++) cpu.vb[d * 16 + i] = src[pos + i]!;
  if (!q) store(cpu, d, 0, [], false);
}

/** TBL / TBX. */
function tableLookup(cpu: Aarch64Cpu, insn: number): void {
  const q = (insn >>> 30) & 1;
  const m = (insn >>> 16) & 31;
  const len = ((insn >>> 13) & 3) + 1;
  const tbx = (insn >>> 12) & 1;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const table = new Uint8Array(64);
  for (let r = 0; r < len; r++)
    table.set(cpu.vb.subarray(((n + r) & 31) * 16, ((n + r) & 31) * 16 + 16), r * 16);
  const idx = cpu.vb.slice(m * 16, m * 16 + 16);
  const total = q ? 16 : 8;
  for (let i = 0; i < total; i++) {
    const k = idx[i]!;
    if (k < len * 16) cpu.vb[d * 16 + i] = table[k]!;
    else if (!tbx) cpu.vb[d * 16 + i] = 0;
  }
  if (!q) store(cpu, d, 0, [], false);
}

/** UZP1/2, TRN1/2, ZIP1/2. */
function permute(cpu: Aarch64Cpu, insn: number): void {
  const q = (insn >>> 30) & 1;
  const size = (insn >>> 22) & 3;
  const m = (insn >>> 16) & 31;
  const op = (insn >>> 12) & 7;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (op === 0 || op === 4 || (size === 3 && !q)) undefinedInstruction(cpu);
  const count = (q ? 16 : 8) >> size;
  const a = lanes(cpu, n, size, count);
  const b = lanes(cpu, m, size, count);
  const part = op >= 5 ? 1 : 0;
  const r: (number | bigint)[] = [];
  const half = count / 2;
  for (let i = 0; i < count; i++) {
    switch (op & 3) {
      case 1: {
        // UZP
        const all = a.concat(b);
        r.push(all[2 * i + part]!);
        break;
      }
      case 2: {
        // TRN
        r.push(i & 1 ? b[(i & ~1) + part]! : a[(i & ~1) + part]!);
        break;
      }
      default: {
        // ZIP
        const base = part * half;
        r.push(i & 1 ? b[base + (i >>> 1)]! : a[base + (i >>> 1)]!);
        break;
      }
    }
  }
  store(cpu, d, size, r, q === 1);
}

/** Scalar pairwise: ADDP (D), FADDP (S/D), FMAXP/FMINP. */
function scalarPairwise(cpu: Aarch64Cpu, insn: number): void {
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const op = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (!u && op === 0x1b && size === 3) {
    cpu.vq[d * 2] = BigInt.asUintN(64, cpu.vq[n * 2]! + cpu.vq[n * 2 + 1]!);
    cpu.vq[d * 2 + 1] = 0n;
    return;
  }
  if (u && op === 0x0d && size < 2) {
    const double = size === 1;
    const r = double
      ? cpu.vd[n * 2]! + cpu.vd[n * 2 + 1]!
      : Math.fround(cpu.vs[n * 4]! + cpu.vs[n * 4 + 1]!);
    cpu.vq[d * 2] = 0n;
    cpu.vq[d * 2 + 1] = 0n;
    fset(cpu, d, double, 0, r);
    return;
  }
  undefinedInstruction(cpu);
}

/** Vector AdvSIMD (bit 28 = 0) or scalar AdvSIMD (bits [31:28] = 01x1). */
export function execAdvSimd(cpu: Aarch64Cpu, insn: number, scalar: boolean): void {
  const bit24 = (insn >>> 24) & 1;
  const bit21 = (insn >>> 21) & 1;
  const bit10 = (insn >>> 10) & 1;
  if (bit24) {
    if (!bit10) undefinedInstruction(cpu); // by element: not implemented
    if (((insn >>> 19) & 15) === 0) {
      if (scalar) undefinedInstruction(cpu);
      modifiedImmediate(cpu, insn);
      return;
    }
    shiftImmediate(cpu, insn, scalar);
    return;
  }
  if (bit21) {
    if (bit10) {
      threeSame(cpu, insn, scalar);
      return;
    }
    const sub = (insn >>> 17) & 15;
    if (((insn >>> 10) & 3) === 2) {
      if (sub === 0) {
        twoRegMisc(cpu, insn, scalar);
        return;
      }
      if (sub === 8) {
        if (scalar) scalarPairwise(cpu, insn);
        else acrossLanes(cpu, insn);
        return;
      }
      undefinedInstruction(cpu);
    }
    if (((insn >>> 10) & 3) === 0 && !scalar) {
      threeDifferent(cpu, insn);
      return;
    }
    undefinedInstruction(cpu);
  }
  if (((insn >>> 21) & 7) === 0 && !((insn >>> 15) & 1) && bit10 && ((insn >>> 24) & 0xf) === 0xe) {
    copy(cpu, insn, scalar);
    return;
  }
  if (scalar) undefinedInstruction(cpu);
  if (((insn >>> 29) & 1) === 1) {
    if (((insn >>> 22) & 3) === 0 && !((insn >>> 15) & 1) && !bit10) {
      extract(cpu, insn);
      return;
    }
    undefinedInstruction(cpu);
  }
  if (((insn >>> 22) & 3) === 0 && ((insn >>> 10) & 3) === 0 && !((insn >>> 15) & 1)) {
    tableLookup(cpu, insn);
    return;
  }
  if (((insn >>> 10) & 3) === 2 && !((insn >>> 15) & 1)) {
    permute(cpu, insn);
    return;
  }
  undefinedInstruction(cpu);
}
