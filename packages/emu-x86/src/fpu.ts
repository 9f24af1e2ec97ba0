import type { CpuCore } from "./cpu.js";
import type { Instruction } from "./decode/instruction.js";
import { GuestFault, undefinedOpcode, Vector } from "./faults.js";
import { AF, CF, OF, PF, SF, settleFlags, testCondition, ZF } from "./flags.js";
import { CR0_EM, CR0_TS } from "./registers.js";

/**
 * The x87 FPU subset compiled C and Linux use: loads and stores (32/64-bit reals, 16/32/64-bit
 * integers, 80-bit extended), the arithmetic, compare and constant instructions, FXCH, FCMOVcc,
 * FCOMI, rounding control for integer stores and FRNDINT, FNSTSW/FNSTCW/FLDCW, FNINIT, FNCLEX,
 * FNSTENV/FLDENV, FNSAVE/FRSTOR. Registers hold IEEE doubles, not 80-bit values: results agree
 * with hardware wherever the program's own precision is double or lower. All floating-point
 * exceptions behave as masked (their status bits are set, no #MF is raised).
 */
export class FpuState {
  /** Registers by physical number (ST(i) is regs[(top + i) & 7]). */
  readonly regs = new Float64Array(8);
  /** Tag bits: 1 = empty, per physical register. */
  readonly empty = new Uint8Array(8).fill(1);
  top = 0;
  /** Control word (FNINIT value 0x37F: all exceptions masked, extended precision, nearest). */
  control = 0x37f;
  /** Status word without TOP (kept in `top`). */
  status = 0;
}

const C0 = 0x100;
const C1 = 0x200;
const C2 = 0x400;
const C3 = 0x4000;
const IE = 1;
const ZE = 4;
const SF_STACK = 0x40;

function st(f: FpuState, i: number): number {
  return f.regs[(f.top + i) & 7]!;
}

function setSt(f: FpuState, i: number, v: number): void {
  const p = (f.top + i) & 7;
  f.regs[p] = v;
  f.empty[p] = 0;
}

function push(f: FpuState, v: number): void {
  f.top = (f.top - 1) & 7;
  if (f.empty[f.top] === 0) {
    // Stack overflow, masked: the indefinite NaN is loaded.
    f.status |= IE | SF_STACK | C1;
    v = Number.NaN;
  }
  f.regs[f.top] = v;
  f.empty[f.top] = 0;
}

function pop(f: FpuState): void {
  f.empty[f.top] = 1;
  f.top = (f.top + 1) & 7;
}

/** Rounds to an integer with the rounding control of the control word. */
function roundByControl(f: FpuState, v: number): number {
  switch ((f.control >> 10) & 3) {
    case 0: {
      const r = Math.round(v);
      // Math.round rounds halves up; x87 rounds them to even.
      return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
    case 1:
      return Math.floor(v);
    case 2:
      return Math.ceil(v);
    default:
      return Math.trunc(v);
  }
}

function arith(op: number, a: number, b: number, f: FpuState): number {
  switch (op) {
    case 0:
      return a + b;
    case 1:
      return a * b;
    case 4:
      return a - b;
    case 5:
      return b - a;
    case 6:
      if (b === 0 && !Number.isNaN(a)) f.status |= ZE;
      return a / b;
    default:
      if (a === 0 && !Number.isNaN(b)) f.status |= ZE;
      return b / a;
  }
}

/** FCOM-style result in C3/C2/C0. */
function compare(f: FpuState, a: number, b: number): void {
  f.status &= ~(C0 | C1 | C2 | C3);
  if (Number.isNaN(a) || Number.isNaN(b)) f.status |= C0 | C2 | C3;
  else if (a < b) f.status |= C0;
  else if (a === b) f.status |= C3;
}

/** FCOMI-style result in ZF/PF/CF (OF, SF, AF cleared). */
function compareToEflags(cpu: CpuCore, a: number, b: number): void {
  settleFlags(cpu);
  let bits = 0;
  if (Number.isNaN(a) || Number.isNaN(b)) bits = ZF | PF | CF;
  else if (a < b) bits = CF;
  else if (a === b) bits = ZF;
  cpu.fStored = (cpu.fStored & ~(ZF | PF | CF | OF | SF | AF)) | bits;
}

function readReal(cpu: CpuCore, lin: number, size: number): number {
  if (size === 4) {
    const scratch = new DataView(new ArrayBuffer(8));
    scratch.setInt32(0, cpu.read32(lin), true);
    return scratch.getFloat32(0, true);
  }
  if (size === 8) {
    const scratch = new DataView(new ArrayBuffer(8));
    scratch.setInt32(0, cpu.read32(lin), true);
    scratch.setInt32(4, cpu.read32((lin + 4) | 0), true);
    return scratch.getFloat64(0, true);
  }
  return readExtended(
    cpu.read32(lin) >>> 0,
    cpu.read32((lin + 4) | 0) >>> 0,
    cpu.read16((lin + 8) | 0),
  );
}

function writeReal(cpu: CpuCore, lin: number, size: number, v: number): void {
  const scratch = new DataView(new ArrayBuffer(8));
  if (size === 4) {
    scratch.setFloat32(0, v, true);
    cpu.write32(lin, scratch.getInt32(0, true));
    return;
  }
  if (size === 8) {
    scratch.setFloat64(0, v, true);
    // Probe the second dword first so a fault leaves memory untouched.
    cpu.write32((lin + 4) | 0, scratch.getInt32(4, true));
    cpu.write32(lin, scratch.getInt32(0, true));
    return;
  }
  const [lo, hi, se] = toExtended(v);
  cpu.write16((lin + 8) | 0, se);
  cpu.write32((lin + 4) | 0, hi);
  cpu.write32(lin, lo);
}

/** 80-bit extended (mantissa lo, hi with explicit integer bit, sign+exponent) to a double. */
export function readExtended(lo: number, hi: number, signExp: number): number {
  const sign = signExp & 0x8000 ? -1 : 1;
  const exp = signExp & 0x7fff;
  const mantissa = hi * 2 ** 32 + lo;
  if (exp === 0x7fff)
    return (hi & 0x7fffffff) === 0 && lo === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  if (exp === 0 && mantissa === 0) return sign * 0;
  return sign * mantissa * 2 ** (exp - 16383 - 63);
}

/** A double as 80-bit extended: [mantissa lo, mantissa hi, sign+exponent]. */
export function toExtended(v: number): [number, number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v, true);
  const lo32 = view.getUint32(0, true);
  const hi32 = view.getUint32(4, true);
  const sign = (hi32 >>> 31) << 15;
  const exp = (hi32 >>> 20) & 0x7ff;
  let fracHi = hi32 & 0xfffff;
  let fracLo = lo32;
  if (exp === 0x7ff) {
    const nan = fracHi !== 0 || fracLo !== 0;
    return [
      nan ? ((fracLo << 11) | 0) >>> 0 : 0,
      (0x80000000 | (nan ? 0x40000000 | (fracHi << 11) | (fracLo >>> 21) : 0)) >>> 0,
      sign | 0x7fff,
    ];
  }
  if (exp === 0) {
    if (fracHi === 0 && fracLo === 0) return [0, 0, sign];
    // Denormal double: normalise into the wider exponent range.
    let e = -1022;
    while ((fracHi & 0x100000) === 0) {
      fracHi = ((fracHi << 1) | (fracLo >>> 31)) & 0x1fffff;
      fracLo = (fracLo << 1) >>> 0;
      e--;
    }
    fracHi &= 0xfffff;
    return [
      (fracLo << 11) >>> 0,
      (0x80000000 | (fracHi << 11) | (fracLo >>> 21)) >>> 0,
      sign | (e + 1 + 16383),
    ];
  }
  return [
    (fracLo << 11) >>> 0,
    (0x80000000 | (fracHi << 11) | (fracLo >>> 21)) >>> 0,
    sign | (exp - 1023 + 16383),
  ];
}

function readInt(cpu: CpuCore, lin: number, size: number): number {
  if (size === 2) return (cpu.read16(lin) << 16) >> 16;
  if (size === 4) return cpu.read32(lin);
  return cpu.read32((lin + 4) | 0) * 2 ** 32 + (cpu.read32(lin) >>> 0);
}

function writeInt(cpu: CpuCore, f: FpuState, lin: number, size: number, v: number): void {
  let r = roundByControl(f, v);
  const limit = size === 2 ? 0x8000 : size === 4 ? 0x80000000 : 2 ** 63;
  if (!(r >= -limit && r < limit)) {
    f.status |= IE;
    r = -limit;
  }
  if (size === 2) cpu.write16(lin, r);
  else if (size === 4) cpu.write32(lin, r);
  else {
    const hi = Math.floor(r / 2 ** 32);
    cpu.write32((lin + 4) | 0, hi | 0);
    cpu.write32(lin, (r - hi * 2 ** 32) >>> 0);
  }
}

function statusWord(f: FpuState): number {
  let s = (f.status & ~0x3800) | (f.top << 11);
  if ((s & 0x3f & ~f.control) !== 0) s |= 0x80;
  return s & 0xffff;
}

function tagWord(f: FpuState): number {
  let tags = 0;
  for (let p = 0; p < 8; p++) {
    const v = f.regs[p]!;
    const tag = f.empty[p] ? 3 : v === 0 ? 1 : Number.isFinite(v) ? 0 : 2;
    tags |= tag << (2 * p);
  }
  return tags;
}

function storeEnvironment(cpu: CpuCore, f: FpuState, lin: number): void {
  cpu.write32(lin, f.control | 0xffff0000);
  cpu.write32((lin + 4) | 0, statusWord(f) | 0xffff0000);
  cpu.write32((lin + 8) | 0, tagWord(f) | 0xffff0000);
  for (let i = 12; i < 28; i += 4) cpu.write32((lin + i) | 0, 0);
}

function loadEnvironment(cpu: CpuCore, f: FpuState, lin: number): void {
  f.control = cpu.read16(lin);
  const status = cpu.read16((lin + 4) | 0);
  const tags = cpu.read16((lin + 8) | 0);
  f.top = (status >> 11) & 7;
  f.status = status & ~0x3800;
  for (let p = 0; p < 8; p++) f.empty[p] = ((tags >> (2 * p)) & 3) === 3 ? 1 : 0;
}

function reset(f: FpuState): void {
  f.control = 0x37f;
  f.status = 0;
  f.top = 0;
  f.empty.fill(1);
}

const CONSTANTS = [1, Math.log2(10), Math.LOG2E, Math.PI, Math.log10(2), Math.LN2, 0];
const MEM_ARITH_SIZE = [4, 4, 4, 4, 8, 0, 2, 0];

/** Executes an x87 instruction (opcodes D8-DF). */
export function executeFpu(cpu: CpuCore, insn: Instruction): void {
  if ((cpu.cr0 & (CR0_EM | CR0_TS)) !== 0) throw new GuestFault(Vector.NM, -1);
  const f = cpu.fpu;
  const op = insn.opcode & 7;
  const reg = insn.reg;
  if (insn.mod !== 3) {
    const lin = cpu.effectiveAddress(insn);
    memoryForm(cpu, f, op, reg, lin);
    return;
  }
  registerForm(cpu, f, op, reg, insn.rm);
}

function memoryForm(cpu: CpuCore, f: FpuState, op: number, reg: number, lin: number): void {
  switch (op) {
    case 0:
    case 2:
    case 4:
    case 6: {
      // D8 m32real, DA m32int, DC m64real, DE m16int: ST0 = ST0 op mem.
      const size = MEM_ARITH_SIZE[op]!;
      const value =
        op === 0 || op === 4 ? readReal(cpu, lin, size) : readInt(cpu, lin, op === 2 ? 4 : 2);
      if (reg === 2 || reg === 3) {
        compare(f, st(f, 0), value);
        if (reg === 3) pop(f);
        return;
      }
      setSt(f, 0, arith(reg, st(f, 0), value, f));
      return;
    }
    case 1:
      switch (reg) {
        case 0:
          push(f, readReal(cpu, lin, 4));
          return;
        case 2:
          writeReal(cpu, lin, 4, st(f, 0));
          return;
        case 3:
          writeReal(cpu, lin, 4, st(f, 0));
          pop(f);
          return;
        case 4:
          loadEnvironment(cpu, f, lin);
          return;
        case 5:
          f.control = cpu.read16(lin);
          return;
        case 6:
          storeEnvironment(cpu, f, lin);
          f.control |= 0x3f;
          return;
        case 7:
          cpu.write16(lin, f.control);
          return;
        default:
          undefinedOpcode();
      }
      return;
    case 3:
      switch (reg) {
        case 0:
          push(f, readInt(cpu, lin, 4));
          return;
        case 2:
          writeInt(cpu, f, lin, 4, st(f, 0));
          return;
        case 3:
          writeInt(cpu, f, lin, 4, st(f, 0));
          pop(f);
          return;
        case 5:
          push(f, readReal(cpu, lin, 10));
          return;
        case 7:
          writeReal(cpu, lin, 10, st(f, 0));
          pop(f);
          return;
        default:
          undefinedOpcode();
      }
      return;
    case 5:
      switch (reg) {
        case 0:
          push(f, readReal(cpu, lin, 8));
          return;
        case 2:
          writeReal(cpu, lin, 8, st(f, 0));
          return;
        case 3:
          writeReal(cpu, lin, 8, st(f, 0));
          pop(f);
          return;
        case 4: {
          loadEnvironment(cpu, f, lin);
          for (let i = 0; i < 8; i++) {
            const p = (f.top + i) & 7;
            f.regs[p] = readReal(cpu, (lin + 28 + i * 10) | 0, 10);
          }
          return;
        }
        case 6: {
          storeEnvironment(cpu, f, lin);
          for (let i = 0; i < 8; i++) writeReal(cpu, (lin + 28 + i * 10) | 0, 10, st(f, i));
          reset(f);
          return;
        }
        case 7:
          cpu.write16(lin, statusWord(f));
          return;
        default:
          undefinedOpcode();
      }
      return;
    default:
      // DF: 16/64-bit integers.
      switch (reg) {
        case 0:
          push(f, readInt(cpu, lin, 2));
          return;
        case 2:
          writeInt(cpu, f, lin, 2, st(f, 0));
          return;
        case 3:
          writeInt(cpu, f, lin, 2, st(f, 0));
          pop(f);
          return;
        case 5:
          push(f, readInt(cpu, lin, 8));
          return;
        case 7:
          writeInt(cpu, f, lin, 8, st(f, 0));
          pop(f);
          return;
        default:
          undefinedOpcode();
      }
  }
}

function registerForm(cpu: CpuCore, f: FpuState, op: number, reg: number, i: number): void {
  switch (op) {
    case 0:
      if (reg === 2 || reg === 3) {
        compare(f, st(f, 0), st(f, i));
        if (reg === 3) pop(f);
      } else setSt(f, 0, arith(reg, st(f, 0), st(f, i), f));
      return;
    case 1:
      d9Register(f, reg, i);
      return;
    case 2:
      if (reg === 5 && i === 1) {
        compare(f, st(f, 0), st(f, 1));
        pop(f);
        pop(f);
        return;
      }
      if (reg > 3) undefinedOpcode();
      // FCMOVB/E/BE/U: conditions B, E, BE, P.
      if (testCondition(cpu, [2, 4, 6, 0xa][reg]!)) setSt(f, 0, st(f, i));
      return;
    case 3:
      if (reg < 4) {
        if (testCondition(cpu, [3, 5, 7, 0xb][reg]!)) setSt(f, 0, st(f, i));
        return;
      }
      if (reg === 4 && i === 2) {
        f.status &= ~0x80ff;
        return;
      }
      if (reg === 4 && i === 3) {
        reset(f);
        return;
      }
      if (reg === 5 || reg === 6) {
        compareToEflags(cpu, st(f, 0), st(f, i));
        return;
      }
      undefinedOpcode();
      return;
    case 4:
    case 6: {
      // DC / DE: ST(i) = ST(i) op ST0 (SUB/SUBR and DIV/DIVR swap); DE pops.
      if (reg === 2 || reg === 3) {
        if (op === 6 && !(reg === 3 && i === 1)) undefinedOpcode();
        compare(f, st(f, 0), st(f, i));
        if (reg === 3) pop(f);
        if (op === 6) pop(f);
        return;
      }
      const swapped = reg >= 4 ? reg ^ 1 : reg;
      setSt(f, i, arith(swapped, st(f, i), st(f, 0), f));
      if (op === 6) pop(f);
      return;
    }
    case 5:
      switch (reg) {
        case 0:
          f.empty[(f.top + i) & 7] = 1;
          return;
        case 2:
          setSt(f, i, st(f, 0));
          return;
        case 3:
          setSt(f, i, st(f, 0));
          pop(f);
          return;
        case 4:
          compare(f, st(f, 0), st(f, i));
          return;
        case 5:
          compare(f, st(f, 0), st(f, i));
          pop(f);
          return;
        default:
          undefinedOpcode();
      }
      return;
    default:
      if (reg === 4 && i === 0) {
        cpu.setReg(0, 16, statusWord(f));
        return;
      }
      if (reg === 5 || reg === 6) {
        compareToEflags(cpu, st(f, 0), st(f, i));
        pop(f);
        return;
      }
      undefinedOpcode();
  }
}

function d9Register(f: FpuState, reg: number, i: number): void {
  switch (reg) {
    case 0:
      push(f, st(f, i));
      return;
    case 1: {
      const a = st(f, 0);
      setSt(f, 0, st(f, i));
      setSt(f, i, a);
      return;
    }
    case 2:
      if (i !== 0) undefinedOpcode();
      return;
    case 4: {
      const x = st(f, 0);
      switch (i) {
        case 0:
          setSt(f, 0, -x);
          return;
        case 1:
          setSt(f, 0, Math.abs(x));
          return;
        case 4:
          compare(f, x, 0);
          return;
        case 5: {
          // FXAM: class in C3/C2/C0, sign in C1.
          f.status &= ~(C0 | C1 | C2 | C3);
          if (Object.is(x, -0) || x < 0) f.status |= C1;
          if (f.empty[f.top]) f.status |= C3 | C0;
          else if (Number.isNaN(x)) f.status |= C0;
          else if (!Number.isFinite(x)) f.status |= C2 | C0;
          else if (x === 0) f.status |= C3;
          else f.status |= C2;
          return;
        }
        default:
          undefinedOpcode();
      }
      return;
    }
    case 5:
      if (i === 7) undefinedOpcode();
      push(f, CONSTANTS[i]!);
      return;
    case 6: {
      const x = st(f, 0);
      switch (i) {
        case 0:
          setSt(f, 0, 2 ** x - 1);
          return;
        case 1:
          setSt(f, 1, st(f, 1) * Math.log2(x));
          pop(f);
          return;
        case 2:
          setSt(f, 0, Math.tan(x));
          push(f, 1);
          return;
        case 3:
          setSt(f, 1, Math.atan2(st(f, 1), x));
          pop(f);
          return;
        case 4: {
          const e = x === 0 ? Number.NEGATIVE_INFINITY : Math.floor(Math.log2(Math.abs(x)));
          setSt(f, 0, e);
          push(f, x === 0 ? x : x / 2 ** e);
          return;
        }
        case 5: {
          const y = st(f, 1);
          setSt(f, 0, x - Math.round(x / y) * y);
          f.status &= ~C2;
          return;
        }
        case 6:
          f.top = (f.top - 1) & 7;
          return;
        default:
          f.top = (f.top + 1) & 7;
          return;
      }
    }
    default: {
      const x = st(f, 0);
      switch (i) {
        case 0: {
          const y = st(f, 1);
          const q = Math.trunc(x / y);
          setSt(f, 0, x % y);
          f.status &= ~(C0 | C1 | C2 | C3);
          if (q & 1) f.status |= C1;
          if (q & 2) f.status |= C3;
          if (q & 4) f.status |= C0;
          return;
        }
        case 1:
          setSt(f, 1, st(f, 1) * Math.log2(x + 1));
          pop(f);
          return;
        case 2:
          if (x < 0) f.status |= IE;
          setSt(f, 0, Math.sqrt(x));
          return;
        case 3:
          setSt(f, 0, Math.sin(x));
          push(f, Math.cos(x));
          return;
        case 4:
          setSt(f, 0, roundByControl(f, x));
          return;
        case 5:
          setSt(f, 0, x * 2 ** Math.trunc(st(f, 1)));
          return;
        case 6:
          setSt(f, 0, Math.sin(x));
          f.status &= ~C2;
          return;
        default:
          setSt(f, 0, Math.cos(x));
          f.status &= ~C2;
          return;
      }
    }
  }
}
