/**
 * 64-bit integer arithmetic on (low, high) Int32 halves. Helpers return the low half and leave
 * the high half in `cpu.rhi`; no BigInt except in 64-bit division of wide operands.
 */
import type { Aarch64Cpu } from "../cpu.js";

/** a + b + carry (64-bit); sets NZCV when `setFlags`. */
export function add64(
  cpu: Aarch64Cpu,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  carry: number,
  setFlags: boolean,
): number {
  const lo = (aLo >>> 0) + (bLo >>> 0) + carry;
  const hi = (aHi >>> 0) + (bHi >>> 0) + (lo > 0xffffffff ? 1 : 0);
  const rlo = lo | 0;
  const rhi = hi | 0;
  if (setFlags) {
    cpu.nf = rhi >>> 31;
    cpu.zf = (rlo | rhi) === 0 ? 1 : 0;
    cpu.cf = hi > 0xffffffff ? 1 : 0;
    cpu.vf = ((aHi ^ rhi) & (bHi ^ rhi)) >>> 31;
  }
  cpu.rhi = rhi;
  return rlo;
}

/** a + b + carry (32-bit); sets NZCV when `setFlags`. */
export function add32(
  cpu: Aarch64Cpu,
  a: number,
  b: number,
  carry: number,
  setFlags: boolean,
): number {
  const r = (a >>> 0) + (b >>> 0) + carry;
  const res = r | 0;
  if (setFlags) {
    cpu.nf = res >>> 31;
    cpu.zf = res === 0 ? 1 : 0;
    cpu.cf = r > 0xffffffff ? 1 : 0;
    cpu.vf = ((a ^ res) & (b ^ res)) >>> 31;
  }
  return res;
}

/** Logical shift left by n (0..63). */
export function lsl64(cpu: Aarch64Cpu, lo: number, hi: number, n: number): number {
  if (n === 0) {
    cpu.rhi = hi;
    return lo;
  }
  if (n < 32) {
    cpu.rhi = (hi << n) | (lo >>> (32 - n));
    return lo << n;
  }
  cpu.rhi = lo << (n - 32);
  return 0;
}

/** Logical shift right by n (0..63). */
export function lsr64(cpu: Aarch64Cpu, lo: number, hi: number, n: number): number {
  if (n === 0) {
    cpu.rhi = hi;
    return lo;
  }
  if (n < 32) {
    cpu.rhi = hi >>> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  cpu.rhi = 0;
  return hi >>> (n - 32);
}

/** Arithmetic shift right by n (0..63). */
export function asr64(cpu: Aarch64Cpu, lo: number, hi: number, n: number): number {
  if (n === 0) {
    cpu.rhi = hi;
    return lo;
  }
  if (n < 32) {
    cpu.rhi = hi >> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  cpu.rhi = hi >> 31;
  return hi >> (n - 32);
}

/** Rotate right by n (0..63). */
export function ror64(cpu: Aarch64Cpu, lo: number, hi: number, n: number): number {
  if (n >= 32) {
    const t = lo;
    lo = hi;
    hi = t;
    n -= 32;
  }
  if (n === 0) {
    cpu.rhi = hi;
    return lo;
  }
  cpu.rhi = (hi >>> n) | (lo << (32 - n));
  return (lo >>> n) | (hi << (32 - n));
}

/** Rotate a 32-bit value right by n (0..31). */
export function ror32(v: number, n: number): number {
  return n === 0 ? v : (v >>> n) | (v << (32 - n));
}

/** Apply shift type (0 LSL, 1 LSR, 2 ASR, 3 ROR) by n to a 64-bit value. */
export function shift64(cpu: Aarch64Cpu, lo: number, hi: number, type: number, n: number): number {
  switch (type) {
    case 0:
      return lsl64(cpu, lo, hi, n);
    case 1:
      return lsr64(cpu, lo, hi, n);
    case 2:
      return asr64(cpu, lo, hi, n);
    default:
      return ror64(cpu, lo, hi, n);
  }
}

/** Apply shift type by n (0..31) to a 32-bit value. */
export function shift32(v: number, type: number, n: number): number {
  switch (type) {
    case 0:
      return v << n;
    case 1:
      return v >>> n;
    case 2:
      return v >> n;
    default:
      return ror32(v, n);
  }
}

/** Unsigned 32x32 -> 64 multiply, in 16-bit pieces with integer operations only. */
export function umul32(cpu: Aarch64Cpu, a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  cpu.rhi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
  return Math.imul(a, b);
}

/** Low 64 bits of a 64x64 product. */
export function mul64(cpu: Aarch64Cpu, aLo: number, aHi: number, bLo: number, bHi: number): number {
  const lo = umul32(cpu, aLo, bLo);
  cpu.rhi = (cpu.rhi + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0;
  return lo;
}

/** High 64 bits of the unsigned 128-bit product. */
export function umulh64(
  cpu: Aarch64Cpu,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): number {
  const a = [aLo & 0xffff, aLo >>> 16, aHi & 0xffff, aHi >>> 16];
  const b = [bLo & 0xffff, bLo >>> 16, bHi & 0xffff, bHi >>> 16];
  const r = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    let carry = 0;
    for (let j = 0; j < 4; j++) {
      const t = a[i]! * b[j]! + r[i + j]! + carry;
      r[i + j] = t % 65536;
      carry = Math.floor(t / 65536);
    }
    r[i + 4] = carry;
  }
  cpu.rhi = r[6]! | (r[7]! << 16) | 0;
  return r[4]! | (r[5]! << 16) | 0;
}

/** High 64 bits of the signed 128-bit product. */
export function smulh64(
  cpu: Aarch64Cpu,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): number {
  let lo = umulh64(cpu, aLo, aHi, bLo, bHi);
  let hi = cpu.rhi;
  if (aHi < 0) {
    lo = add64(cpu, lo, hi, ~bLo, ~bHi, 1, false);
    hi = cpu.rhi;
  }
  if (bHi < 0) {
    lo = add64(cpu, lo, hi, ~aLo, ~aHi, 1, false);
    hi = cpu.rhi;
  }
  cpu.rhi = hi;
  return lo;
}

/** A 64-bit value as BigInt (cold paths). */
export function toBig(lo: number, hi: number, signed: boolean): bigint {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return signed ? BigInt.asIntN(64, v) : v;
}

/** Store a BigInt's low 64 bits as halves: returns low, high in `cpu.rhi`. */
export function fromBig(cpu: Aarch64Cpu, v: bigint): number {
  cpu.rhi = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}

/** 64-bit division (unsigned or signed; division by zero gives 0). */
export function div64(
  cpu: Aarch64Cpu,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  signed: boolean,
): number {
  if ((bLo | bHi) === 0) {
    cpu.rhi = 0;
    return 0;
  }
  if (!signed && aHi === 0 && bHi === 0) {
    cpu.rhi = 0;
    return Math.floor((aLo >>> 0) / (bLo >>> 0)) | 0;
  }
  const a = toBig(aLo, aHi, signed);
  const b = toBig(bLo, bHi, signed);
  return fromBig(cpu, a / b);
}

/** A mask of the n low bits (n = 0..32) as int32. */
export function ones32(n: number): number {
  return n >= 32 ? -1 : (1 << n) - 1;
}

/**
 * DecodeBitMasks for logical immediates: returns the low half of the mask (high half in
 * `cpu.rhi`), or `undefined` for a reserved encoding.
 */
export function bitMask(
  cpu: Aarch64Cpu,
  n: number,
  imms: number,
  immr: number,
  is64: boolean,
): number | undefined {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1 || (!is64 && len > 5)) return undefined;
  const levels = (1 << len) - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return undefined;
  const esize = 1 << len;
  if (esize === 64) {
    let lo = ones32(s + 1);
    let hi = s + 1 > 32 ? ones32(s + 1 - 32) : 0;
    lo = ror64(cpu, lo, hi, r);
    hi = cpu.rhi;
    cpu.rhi = hi;
    return lo;
  }
  const welem = ones32(s + 1);
  const emask = ones32(esize);
  let elem = r === 0 ? welem : ((welem >>> r) | (welem << (esize - r))) & emask;
  for (let e = esize; e < 32; e *= 2) elem |= elem << e;
  cpu.rhi = is64 ? elem : 0;
  return elem;
}
