/**
 * Scalar floating point (single and double): arithmetic, fused multiply-add, compares,
 * conversions, rounding, FMOV, FCSEL, with ARM NaN rules (propagation, default NaN) and the
 * cumulative FPSR exception flags.
 *
 * Arithmetic rounds to nearest-even (JavaScript's only mode); FPCR.RMode is honoured by the
 * conversions and FRINT* that take it. Flush-to-zero is not implemented.
 */
import type { Aarch64Cpu } from "./cpu.js";
import { undefinedInstruction } from "./exceptions.js";
import { conditionHolds } from "./exec/cond.js";

/** FPSR cumulative flags. */
export const Fpsr = { IOC: 1, DZC: 2, OFC: 4, UFC: 8, IXC: 16, IDC: 128 } as const;

const MIN_NORMAL_D = 2.2250738585072014e-308;
const MIN_NORMAL_S = 1.1754943508222875e-38;
const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter

/** Is register n's low single (or double) a NaN, and is it signalling? */
function nanKind(cpu: Aarch64Cpu, n: number, double: boolean): number {
  if (double) {
    const hi = cpu.vw[n * 4 + 1]!;
    const lo = cpu.vw[n * 4]!;
    if ((hi & 0x7ff00000) !== 0x7ff00000 || ((hi & 0xfffff) | lo) === 0) return 0;
    return hi & 0x80000 ? 1 : 2; // 1 quiet, 2 signalling
  }
  const w = cpu.vw[n * 4]!;
  if ((w & 0x7f800000) !== 0x7f800000 || (w & 0x7fffff) === 0) return 0;
  return w & 0x400000 ? 1 : 2;
}

/** Write a scalar result to Vd, zeroing the rest of the register. NaN results become the default NaN. */
export function writeFp(cpu: Aarch64Cpu, d: number, value: number, double: boolean): void {
  const w = cpu.vw;
  const b = d * 4;
  if (double) {
    if (Number.isNaN(value)) {
      w[b] = 0;
      w[b + 1] = 0x7ff80000;
    } else cpu.vd[d * 2] = value;
  } else {
    if (Number.isNaN(value)) w[b] = 0x7fc00000;
    else cpu.vs[b] = value;
    w[b + 1] = 0;
  }
  w[b + 2] = 0;
  w[b + 3] = 0;
}

/** Read the low single or double of Vn. */
export function readFp(cpu: Aarch64Cpu, n: number, double: boolean): number {
  return double ? cpu.vd[n * 2]! : cpu.vs[n * 4]!;
}

/**
 * NaN operands: returns true (and writes Vd) when an operand is a NaN, following FPProcessNaNs:
 * signalling NaNs first (IOC), then quiet ones, in operand order; FPCR.DN gives the default NaN.
 */
function processNans(cpu: Aarch64Cpu, d: number, ops: number[], double: boolean): boolean {
  return pickNan(cpu, d, ops, double) >= 0;
}

/** {@link processNans}, returning the register whose NaN was used (or -1). */
function pickNan(cpu: Aarch64Cpu, d: number, ops: number[], double: boolean): number {
  let pick = -1;
  for (const want of [2, 1]) {
    for (const n of ops) {
      if (nanKind(cpu, n, double) === want) {
        pick = n;
        break;
      }
    }
    if (pick >= 0) {
      if (want === 2) cpu.fpsr |= Fpsr.IOC;
      break;
    }
  }
  if (pick < 0) return -1;
  const w = cpu.vw;
  const b = d * 4;
  const dn = (cpu.fpcr >>> 25) & 1;
  if (double) {
    const lo = w[pick * 4]!;
    const hi = w[pick * 4 + 1]!;
    w[b] = dn ? 0 : lo;
    w[b + 1] = dn ? 0x7ff80000 : hi | 0x80000;
  } else {
    const v = w[pick * 4]!;
    w[b] = dn ? 0x7fc00000 : v | 0x400000;
    w[b + 1] = 0;
  }
  w[b + 2] = 0;
  w[b + 3] = 0;
  return pick;
}

/** Set OFC/UFC/IXC for a result computed exactly as `exact` (or inexactly when `inexact`). */
function roundingFlags(
  cpu: Aarch64Cpu,
  result: number,
  inexact: boolean,
  double: boolean,
  finiteInputs: boolean,
): void {
  if (!Number.isFinite(result)) {
    if (finiteInputs && !Number.isNaN(result)) cpu.fpsr |= Fpsr.OFC | Fpsr.IXC;
    return;
  }
  if (inexact) {
    cpu.fpsr |= Fpsr.IXC;
    const a = Math.abs(result);
    if (a !== 0 && a < (double ? MIN_NORMAL_D : MIN_NORMAL_S)) cpu.fpsr |= Fpsr.UFC;
    if (result === 0) cpu.fpsr |= Fpsr.UFC;
  }
}

/** Error of a + b (TwoSum). */
function sumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** Split a finite non-zero double into a mantissa in [1, 2) and a power-of-two exponent. */
function frexp(v: number): [number, number] {
  let scale = 0;
  if (Math.abs(v) < 2 ** -900) {
    v *= 2 ** 600;
    scale = -600;
  } else if (Math.abs(v) > 2 ** 900) {
    v *= 2 ** -600;
    scale = 600;
  }
  let e = Math.floor(Math.log2(Math.abs(v)));
  let m = v / 2 ** e;
  while (Math.abs(m) >= 2) {
    m /= 2;
    e++;
  }
  while (Math.abs(m) < 1) {
    m *= 2;
    e--;
  }
  return [m, e + scale];
}

/** The TwoProduct error of x * y when both are moderate, else 0 (FMA correction term). */
function fmaProductError(x: number, y: number, p: number): number {
  if (!Number.isFinite(p) || Math.abs(x) > 2 ** 500 || Math.abs(y) > 2 ** 500) return 0;
  if (Math.abs(p) < 2 ** -900) return 0;
  return dekkerError(x, y, p);
}

/** Dekker's TwoProduct error of a * b for operands of moderate size. */
function dekkerError(a: number, b: number, p: number): number {
  const ca = SPLIT * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLIT * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * Non-zero when the rounded product `p` of a and b differs from the exact product (works for
 * any magnitudes, including subnormal results, by normalising the operands first).
 */
function productError(a: number, b: number, p: number): number {
  if (a === 0 || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return 0;
  if (!Number.isFinite(p)) return 0;
  const [ma, ea] = frexp(a);
  const [mb, eb] = frexp(b);
  const m = ma * mb;
  if (dekkerError(ma, mb, m) !== 0) return 1;
  // m is exact; p must equal m * 2^(ea+eb) exactly (scaled in two steps to stay in range).
  const e = ea + eb;
  const half = Math.trunc(e / 2);
  return p / 2 ** half / 2 ** (e - half) === m ? 0 : 1;
}

/** FP data-processing (2 source): FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL. */
function twoSource(cpu: Aarch64Cpu, insn: number, double: boolean): void {
  const op = (insn >>> 12) & 0xf;
  if (op > 8) undefinedInstruction(cpu);
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  const a = readFp(cpu, n, double);
  const b = readFp(cpu, m, double);
  if (op === 6 || op === 7) {
    // FMAXNM/FMINNM: a single quiet NaN loses against a number.
    const kn = nanKind(cpu, n, double);
    const km = nanKind(cpu, m, double);
    if (kn === 1 && km === 0) {
      writeFp(cpu, d, b, double);
      return;
    }
    if (km === 1 && kn === 0) {
      writeFp(cpu, d, a, double);
      return;
    }
  }
  if (processNans(cpu, d, [n, m], double)) {
    if (op === 8) cpu.vw[d * 4 + (double ? 1 : 0)] ^= 0x80000000; // FNMUL negates the NaN too
    return;
  }
  let r: number;
  let inexact = false;
  switch (op) {
    case 0:
    case 8:
      r = a * b;
      if (Number.isNaN(r)) cpu.fpsr |= Fpsr.IOC;
      inexact = double ? productError(a, b, r) !== 0 : false;
      if (op === 8) r = -r;
      break;
    case 1:
      r = a / b;
      if (Number.isNaN(r)) cpu.fpsr |= Fpsr.IOC;
      else if (b === 0 && Number.isFinite(a)) cpu.fpsr |= Fpsr.DZC;
      else if (double && Number.isFinite(r) && Number.isFinite(b)) {
        inexact = r === 0 ? a !== 0 : productError(r, b, a) !== 0;
      }
      break;
    case 2:
    case 3: {
      const bb = op === 3 ? -b : b;
      r = a + bb;
      if (Number.isNaN(r)) cpu.fpsr |= Fpsr.IOC;
      else if (double && Number.isFinite(r)) inexact = sumError(a, bb, r) !== 0;
      if (r === 0 && a === 0 && bb === 0 && Object.is(a, -0) && Object.is(bb, -0)) r = -0;
      break;
    }
    case 4:
    case 6:
      r = Math.max(a, b);
      if (a === 0 && b === 0) r = Object.is(a, 0) || Object.is(b, 0) ? 0 : -0;
      break;
    default:
      r = Math.min(a, b);
      if (a === b && a === 0) r = Object.is(a, -0) || Object.is(b, -0) ? -0 : 0;
      break;
  }
  if (!double) {
    const f = Math.fround(r);
    inexact ||= f !== r && !Number.isNaN(r);
    r = f;
  }
  if (op === 8 && Number.isNaN(r)) {
    // FNMUL of an invalid product: the negated default NaN.
    writeFp(cpu, d, r, double);
    cpu.vw[d * 4 + (double ? 1 : 0)] ^= 0x80000000;
    return;
  }
  if (op <= 3 || op === 8) {
    roundingFlags(
      cpu,
      r,
      inexact,
      double,
      Number.isFinite(a) && Number.isFinite(b) && !(op === 1 && b === 0),
    );
  }
  writeFp(cpu, d, r, double);
}

/** FMADD, FMSUB, FNMADD, FNMSUB: d = ±a ± n*m (fused for singles; doubles via TwoProduct). */
function threeSource(cpu: Aarch64Cpu, insn: number, double: boolean): void {
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const a = (insn >>> 10) & 31;
  const m = (insn >>> 16) & 31;
  const o1 = (insn >>> 21) & 1;
  const o0 = (insn >>> 15) & 1;
  const nan = pickNan(cpu, d, [a, n, m], double);
  if (nan >= 0) {
    // The operands are negated before NaN processing (FPMulAdd of -op1 or -addend).
    if (!((cpu.fpcr >>> 25) & 1) && ((nan === n && o0 !== o1) || (nan === a && o1))) {
      cpu.vw[d * 4 + (double ? 1 : 0)] ^= 0x80000000;
    }
    return;
  }
  let addend = readFp(cpu, a, double);
  let x = readFp(cpu, n, double);
  const y = readFp(cpu, m, double);
  if (o0 !== o1) x = -x;
  if (o1) addend = -addend;
  const p = x * y;
  let r: number;
  if (double) {
    const e = fmaProductError(x, y, p);
    const s = p + addend;
    const corr = Number.isFinite(s) ? sumError(p, addend, s) + e : 0;
    r = corr === 0 ? s : s + corr;
    if (!Number.isFinite(r)) r = s;
    const tinyProduct = p !== 0 && Math.abs(p) < 2 ** -900 && productError(x, y, p) !== 0;
    const inexact = corr !== 0 || tinyProduct || sumError(p, addend, s) !== 0;
    if (!Number.isNaN(r))
      roundingFlags(cpu, r, inexact, true, Number.isFinite(p) && Number.isFinite(addend));
  } else {
    const exact = p + addend;
    r = Math.fround(exact);
    const inexact = r !== exact || (Number.isFinite(exact) && sumError(p, addend, exact) !== 0);
    if (!Number.isNaN(r)) roundingFlags(cpu, r, inexact, false, Number.isFinite(exact));
  }
  if (Number.isNaN(r)) cpu.fpsr |= Fpsr.IOC;
  writeFp(cpu, d, r, double);
}

/** Round to an integral value with rounding mode `mode` (0 RN, 1 RP, 2 RM, 3 RZ, 4 RA). */
export function roundInt(v: number, mode: number): number {
  if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 52) return v;
  let r: number;
  switch (mode) {
    case 0: {
      r = Math.round(v);
      if (r - v === 0.5 && r % 2 !== 0) r -= 1;
      break;
    }
    case 1:
      r = Math.ceil(v);
      break;
    case 2:
      r = Math.floor(v);
      break;
    case 3:
      r = Math.trunc(v);
      break;
    default:
      r = Math.abs(v) >= 2 ** 52 ? v : v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
      break;
  }
  return r === 0 && (v < 0 || Object.is(v, -0)) ? -0 : r;
}

/** FMOV, FABS, FNEG, FSQRT, FCVT (single/double), FRINT*. */
function oneSource(cpu: Aarch64Cpu, insn: number, double: boolean): void {
  const op = (insn >>> 15) & 0x3f;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const w = cpu.vw;
  if (op <= 2) {
    // Bit operations: NaNs pass through untouched.
    let lo = w[n * 4]!;
    let hi = double ? w[n * 4 + 1]! : 0;
    if (op === 1) {
      if (double) hi &= 0x7fffffff;
      else lo &= 0x7fffffff;
    } else if (op === 2) {
      if (double) hi ^= 0x80000000;
      else lo ^= 0x80000000;
    }
    w[d * 4] = lo;
    w[d * 4 + 1] = hi;
    w[d * 4 + 2] = 0;
    w[d * 4 + 3] = 0;
    return;
  }
  if (op === 4 || op === 5) {
    const toDouble = op === 5;
    if (toDouble === double) undefinedInstruction(cpu);
    if (nanKind(cpu, n, double)) {
      const sig = nanKind(cpu, n, double) === 2;
      if (sig) cpu.fpsr |= Fpsr.IOC;
      const dn = (cpu.fpcr >>> 25) & 1;
      if (toDouble) {
        const v = w[n * 4]!;
        const mant = v & 0x3fffff;
        const hi = dn ? 0x7ff80000 : (v & 0x80000000) | 0x7ff80000 | (mant >>> 3);
        const lo = dn ? 0 : mant << 29;
        w[d * 4] = lo;
        w[d * 4 + 1] = hi;
      } else {
        const hi = w[n * 4 + 1]!;
        const lo = w[n * 4]!;
        const mant = ((hi & 0x7ffff) << 3) | (lo >>> 29);
        w[d * 4] = dn ? 0x7fc00000 : (hi & 0x80000000) | 0x7fc00000 | mant;
        w[d * 4 + 1] = 0;
      }
      w[d * 4 + 2] = 0;
      w[d * 4 + 3] = 0;
      return;
    }
    const v = readFp(cpu, n, double);
    if (toDouble) {
      writeFp(cpu, d, v, true);
      return;
    }
    const f = Math.fround(v);
    roundingFlags(cpu, f, f !== v, false, Number.isFinite(v));
    writeFp(cpu, d, f, false);
    return;
  }
  if (processNans(cpu, d, [n], double)) return;
  const v = readFp(cpu, n, double);
  if (op === 3) {
    if (v < 0) {
      cpu.fpsr |= Fpsr.IOC;
      writeFp(cpu, d, Number.NaN, double);
      return;
    }
    let r = Math.sqrt(v);
    let inexact = double ? r * r !== v || productError(r, r, r * r) !== 0 : false;
    if (!double) {
      const f = Math.fround(r);
      inexact ||= f !== r;
      r = f;
    }
    if (inexact) cpu.fpsr |= Fpsr.IXC;
    writeFp(cpu, d, r, double);
    return;
  }
  if (op >= 8 && op <= 15 && op !== 13) {
    const modes = [0, 1, 2, 3, 4, -1, -2, -3];
    let mode = modes[op - 8]!;
    if (mode < 0) mode = [0, 1, 2, 3][(cpu.fpcr >>> 22) & 3]!;
    const r = roundInt(v, mode);
    if (op === 14 && r !== v) cpu.fpsr |= Fpsr.IXC;
    writeFp(cpu, d, r, double);
    return;
  }
  undefinedInstruction(cpu);
}

/** FCMP/FCMPE with a register or zero: NZCV = 0110 equal, 1000 less, 0010 greater, 0011 unordered. */
function compare(cpu: Aarch64Cpu, insn: number, double: boolean): void {
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  const opc = insn & 31;
  if (opc & 7) undefinedInstruction(cpu);
  const withZero = (opc & 8) !== 0;
  const signalAll = (opc & 16) !== 0;
  const a = readFp(cpu, n, double);
  const b = withZero ? 0 : readFp(cpu, m, double);
  setCompareFlags(
    cpu,
    a,
    b,
    signalAll,
    nanKind(cpu, n, double) === 2 || (!withZero && nanKind(cpu, m, double) === 2),
  );
}

function setCompareFlags(
  cpu: Aarch64Cpu,
  a: number,
  b: number,
  signalAll: boolean,
  signalling: boolean,
): void {
  if (Number.isNaN(a) || Number.isNaN(b)) {
    if (signalAll || signalling) cpu.fpsr |= Fpsr.IOC;
    cpu.nf = 0;
    cpu.zf = 0;
    cpu.cf = 1;
    cpu.vf = 1;
    return;
  }
  cpu.nf = a < b ? 1 : 0;
  cpu.zf = a === b ? 1 : 0;
  cpu.cf = a >= b ? 1 : 0;
  cpu.vf = 0;
}

/** FCCMP/FCCMPE. */
function conditionalCompare(cpu: Aarch64Cpu, insn: number, double: boolean): void {
  if (conditionHolds(cpu, (insn >>> 12) & 0xf)) {
    const n = (insn >>> 5) & 31;
    const m = (insn >>> 16) & 31;
    const sig = nanKind(cpu, n, double) === 2 || nanKind(cpu, m, double) === 2;
    setCompareFlags(
      cpu,
      readFp(cpu, n, double),
      readFp(cpu, m, double),
      ((insn >>> 4) & 1) === 1,
      sig,
    );
    return;
  }
  cpu.nf = (insn >>> 3) & 1;
  cpu.zf = (insn >>> 2) & 1;
  cpu.cf = (insn >>> 1) & 1;
  cpu.vf = insn & 1;
}

/** FCSEL. */
function conditionalSelect(cpu: Aarch64Cpu, insn: number, double: boolean): void {
  const d = insn & 31;
  const src = conditionHolds(cpu, (insn >>> 12) & 0xf) ? (insn >>> 5) & 31 : (insn >>> 16) & 31;
  const w = cpu.vw;
  w[d * 4] = w[src * 4]!;
  w[d * 4 + 1] = double ? w[src * 4 + 1]! : 0;
  w[d * 4 + 2] = 0;
  w[d * 4 + 3] = 0;
}

/** FMOV (scalar, immediate): VFPExpandImm. */
function moveImmediate(cpu: Aarch64Cpu, insn: number, double: boolean): void {
  if ((insn >>> 5) & 31) undefinedInstruction(cpu);
  const imm8 = (insn >>> 13) & 0xff;
  const sign = imm8 >>> 7 ? -1 : 1;
  const cd = (imm8 >>> 4) & 3;
  const e = (imm8 >>> 6) & 1 ? cd - 3 : cd + 1;
  writeFp(cpu, insn & 31, sign * (16 + (imm8 & 15)) * 2 ** (e - 4), double);
}

/** Convert v to an integer of `bits` (32/64) with saturation; flags IOC/IXC. Returns the value as a number or BigInt for 64-bit. */
function toInteger(
  cpu: Aarch64Cpu,
  v: number,
  mode: number,
  unsigned: boolean,
  is64: boolean,
): bigint {
  if (Number.isNaN(v)) {
    cpu.fpsr |= Fpsr.IOC;
    return 0n;
  }
  const r = roundInt(v, mode);
  const bits = is64 ? 64 : 32;
  const limit = unsigned ? 2 ** bits : 2 ** (bits - 1); // exclusive upper bound
  const min = unsigned ? 0 : -limit;
  if (r >= limit) {
    cpu.fpsr |= Fpsr.IOC;
    return unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  }
  if (r < min) {
    cpu.fpsr |= Fpsr.IOC;
    return unsigned ? 0n : -(1n << BigInt(bits - 1));
  }
  if (r !== v) cpu.fpsr |= Fpsr.IXC;
  return BigInt(r);
}

/** Integer (or fixed-point) to FP, correctly rounded from a BigInt. */
export function fromInteger(
  v: bigint,
  fbits: number,
  double: boolean,
): { value: number; inexact: boolean } {
  // Round the integer to 53 (or 24) significant bits by hand: Number(BigInt) rounds to nearest even.
  const width = double ? 53 : 24;
  const neg = v < 0n;
  const mag = neg ? -v : v;
  const bits = mag.toString(2).length;
  let rounded = mag;
  if (bits > width) {
    const shift = BigInt(bits - width);
    const half = 1n << (shift - 1n);
    const rem = mag & ((1n << shift) - 1n);
    rounded = mag >> shift;
    if (rem > half || (rem === half && (rounded & 1n) === 1n)) rounded += 1n;
    rounded <<= shift;
  }
  const value = (neg ? -Number(rounded) : Number(rounded)) / 2 ** fbits;
  return { value: double ? value : Math.fround(value), inexact: rounded !== mag };
}

/** Conversions between FP and general registers, FMOV (general), fixed-point forms. */
function convert(cpu: Aarch64Cpu, insn: number, type: number, fixed: boolean): void {
  const is64 = insn < 0;
  const rmode = (insn >>> 19) & 3;
  const opcode = (insn >>> 16) & 7;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const x = cpu.x;
  const w = cpu.vw;
  if (!fixed && opcode >= 6) {
    // FMOV between general and FP registers.
    const toGeneral = opcode === 6;
    if (rmode === 0 && ((type === 0 && !is64) || (type === 1 && is64))) {
      if (toGeneral) {
        if (d !== 31) {
          x[d * 2] = w[n * 4]!;
          x[d * 2 + 1] = is64 ? w[n * 4 + 1]! : 0;
        }
      } else {
        w[d * 4] = x[n * 2]!;
        w[d * 4 + 1] = is64 ? x[n * 2 + 1]! : 0;
        w[d * 4 + 2] = 0;
        w[d * 4 + 3] = 0;
      }
      return;
    }
    if (rmode === 1 && type === 2 && is64) {
      // FMOV Xd, Vn.D[1] / Vd.D[1], Xn
      if (toGeneral) {
        if (d !== 31) {
          x[d * 2] = w[n * 4 + 2]!;
          x[d * 2 + 1] = w[n * 4 + 3]!;
        }
      } else {
        w[d * 4 + 2] = x[n * 2]!;
        w[d * 4 + 3] = x[n * 2 + 1]!;
      }
      return;
    }
    undefinedInstruction(cpu);
  }
  if (type > 1) undefinedInstruction(cpu);
  const double = type === 1;
  const scale = (insn >>> 10) & 0x3f;
  const fbits = fixed ? 64 - scale : 0;
  if (fixed && !is64 && scale < 32) undefinedInstruction(cpu);
  if ((opcode === 2 || opcode === 3) && (fixed ? rmode === 0 : rmode === 0)) {
    const unsigned = opcode === 3;
    const lo = x[n * 2]!;
    const hi = is64 ? x[n * 2 + 1]! : unsigned ? 0 : lo >> 31;
    let v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    if (!unsigned) v = BigInt.asIntN(64, v);
    else if (!is64) v &= 0xffffffffn;
    const { value, inexact } = fromInteger(v, fbits, double);
    if (inexact) cpu.fpsr |= Fpsr.IXC;
    writeFp(cpu, d, value, double);
    return;
  }
  if (opcode <= 1 || opcode === 4 || opcode === 5) {
    if (fixed && (rmode !== 3 || opcode > 1)) undefinedInstruction(cpu);
    if ((opcode === 4 || opcode === 5) && rmode !== 0) undefinedInstruction(cpu);
    const mode = opcode >= 4 ? 4 : [0, 1, 2, 3][rmode]!;
    const unsigned = (opcode & 1) === 1;
    const v = readFp(cpu, n, double) * 2 ** fbits;
    const r = toInteger(cpu, v, mode, unsigned, is64);
    if (d !== 31) {
      x[d * 2] = Number(BigInt.asIntN(32, r));
      x[d * 2 + 1] = is64 ? Number(BigInt.asIntN(32, r >> 32n)) : 0;
    }
    return;
  }
  undefinedInstruction(cpu);
}

/** Scalar FP instructions (bits [28:24] = 11110 or 11111, bit 30 = 0). */
export function execScalarFp(cpu: Aarch64Cpu, insn: number): void {
  const type = (insn >>> 22) & 3;
  if ((insn >>> 29) & 1) undefinedInstruction(cpu);
  if ((insn >>> 24) & 1) {
    if (type > 1 || insn < 0) undefinedInstruction(cpu);
    threeSource(cpu, insn, type === 1);
    return;
  }
  if (!((insn >>> 21) & 1)) {
    if (insn & (1 << 30)) undefinedInstruction(cpu);
    convert(cpu, insn, type, true);
    return;
  }
  if (((insn >>> 10) & 0x3f) === 0) {
    if (insn & (1 << 30)) undefinedInstruction(cpu);
    convert(cpu, insn, type, false);
    return;
  }
  if (insn < 0 || type > 1) undefinedInstruction(cpu);
  const double = type === 1;
  if (((insn >>> 10) & 0x1f) === 0x10) {
    oneSource(cpu, insn, double);
    return;
  }
  if (((insn >>> 10) & 0xf) === 0x8) {
    if ((insn >>> 14) & 3) undefinedInstruction(cpu);
    compare(cpu, insn, double);
    return;
  }
  if (((insn >>> 10) & 7) === 4) {
    moveImmediate(cpu, insn, double);
    return;
  }
  switch ((insn >>> 10) & 3) {
    case 1: {
      conditionalCompare(cpu, insn, double);
      return;
    }
    case 2: {
      twoSource(cpu, insn, double);
      return;
    }
    case 3: {
      conditionalSelect(cpu, insn, double);
      return;
    }
    default:
      undefinedInstruction(cpu);
  }
}

/** Exported for tests: the 64-bit pattern of a double. */
export function doubleBits(v: number): bigint {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v, true);
  return b.getBigUint64(0, true);
}
