/**
 * MMIO instruction emulation for EPT violations: the instruction at the guest's RIP is fetched
 * (through the guest's page tables when paging is on), decoded and executed by the VMM, each of
 * its memory accesses going to RAM or, through `vm_memory_handle_fault`, to the device that owns
 * the address. Covers every memory-operand form a guest aims at a device in practice: MOV (all
 * forms), MOVZX/MOVSX, the ALU group (ADD OR ADC SBB AND SUB XOR CMP) with register and immediate
 * operands, TEST, NOT, NEG, INC, DEC, XCHG, CMPXCHG, XADD, BT/BTS/BTR, SETcc, PUSH/POP memory and
 * the string moves MOVS/STOS/LODS with REP and either direction. Segments are taken as flat (base
 * 0), as every 32-bit guest the VMM boots sets them. Anything else is refused (the run stops with
 * an error instead of C's assertion).
 */
import { VMX_GUEST_CS_BASE, VMX_GUEST_RFLAGS, VMX_GUEST_RSP } from "@sel4/sel4";
import type { vm_vcpu_t } from "@sel4/vm";
import type { X86Vm } from "../arch.js";
import type { GuestState, vcpu_context_reg_t } from "../guest-state.js";
import { vcpu_arch } from "../vcpu-state.js";
import { AF, alu, CF, DF, incDec, OF, PF, SF, STATUS, ZF } from "./flags.js";

/** Context slots of the x86 register numbers (ESP lives in the VMCS: -1). */
const SLOT: readonly (vcpu_context_reg_t | -1)[] = [0, 2, 3, 1, -1, 6, 4, 5];

class Refused extends Error {}

/** The machine the emulated instruction runs on: registers, flags and memory of one vCPU. */
class Machine {
  flags: number;
  constructor(
    readonly vm: X86Vm,
    readonly vcpu: vm_vcpu_t,
    readonly gs: GuestState,
  ) {
    this.flags = Number(gs.read(VMX_GUEST_RFLAGS) ?? 2n);
  }

  reg32(n: number): number {
    const s = SLOT[n]!;
    const v = s === -1 ? this.gs.read(VMX_GUEST_RSP) : this.gs.get_reg(s);
    if (v === null) throw new Refused("register unknown");
    return Number(v & 0xffff_ffffn);
  }

  setReg32(n: number, v: number): void {
    const s = SLOT[n]!;
    if (s === -1) this.gs.write(VMX_GUEST_RSP, BigInt(v >>> 0));
    else this.gs.set_reg(s, BigInt(v >>> 0));
  }

  /** Register `n` at width `bits` (8-bit numbers 4-7 are AH, CH, DH, BH). */
  reg(n: number, bits: number): number {
    if (bits === 8) return n < 4 ? this.reg32(n) & 0xff : (this.reg32(n - 4) >>> 8) & 0xff;
    if (bits === 16) return this.reg32(n) & 0xffff;
    return this.reg32(n);
  }

  setReg(n: number, bits: number, v: number): void {
    if (bits === 32) this.setReg32(n, v);
    else if (bits === 16) this.setReg32(n, ((this.reg32(n) & 0xffff_0000) | (v & 0xffff)) >>> 0);
    else if (n < 4) this.setReg32(n, ((this.reg32(n) & 0xffff_ff00) | (v & 0xff)) >>> 0);
    else this.setReg32(n - 4, ((this.reg32(n - 4) & 0xffff_00ff) | ((v & 0xff) << 8)) >>> 0);
  }

  load(addr: number, bits: number): number {
    const v = this.vm.guest_linear_read(this.vcpu, addr >>> 0, bits / 8);
    if (v === null) throw new Refused(`no memory at 0x${(addr >>> 0).toString(16)}`);
    return v;
  }

  store(addr: number, bits: number, v: number): void {
    const mask = bits === 32 ? 0xffff_ffff : (1 << bits) - 1;
    if (!this.vm.guest_linear_write(this.vcpu, addr >>> 0, bits / 8, (v & mask) >>> 0)) {
      throw new Refused(`no memory at 0x${(addr >>> 0).toString(16)}`);
    }
  }

  setStatus(f: number, mask = STATUS): void {
    this.flags = (this.flags & ~mask) | (f & mask);
  }

  condition(cc: number): boolean {
    const f = this.flags;
    const sf = (f & SF) !== 0;
    const of = (f & OF) !== 0;
    const zf = (f & ZF) !== 0;
    const cf = (f & CF) !== 0;
    const r = [of, cf, zf, cf || zf, sf, (f & PF) !== 0, sf !== of, zf || sf !== of][cc >> 1]!;
    return (cc & 1) === 0 ? r : !r;
  }
}

/** Instruction bytes and a cursor over them. */
class Bytes {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  u8(): number {
    if (this.pos >= this.b.length) throw new Refused("instruction too long");
    return this.b[this.pos++]!;
  }
  imm(bits: number): number {
    let v = 0;
    for (let i = 0; i < bits / 8; i++) v += this.u8() * 2 ** (8 * i);
    return v;
  }
  s8(): number {
    return (this.u8() << 24) >> 24;
  }
}

interface ModRM {
  readonly mod: number;
  readonly reg: number;
  readonly rm: number;
  /** Effective address when mod != 3. */
  readonly addr: number;
}

function modrm(m: Machine, b: Bytes): ModRM {
  const x = b.u8();
  const mod = x >> 6;
  const reg = (x >> 3) & 7;
  const rm = x & 7;
  if (mod === 3) return { mod, reg, rm, addr: 0 };
  let addr: number;
  let base = rm;
  if (rm === 4) {
    const sib = b.u8();
    const scale = sib >> 6;
    const index = (sib >> 3) & 7;
    base = sib & 7;
    addr = index === 4 ? 0 : m.reg32(index) * (1 << scale);
    if (base === 5 && mod === 0) addr += b.imm(32);
    else addr += m.reg32(base);
  } else if (rm === 5 && mod === 0) {
    addr = b.imm(32);
  } else {
    addr = m.reg32(rm);
  }
  if (mod === 1) addr += b.s8();
  else if (mod === 2) addr += b.imm(32);
  return { mod, reg, rm, addr: addr >>> 0 };
}

function readRm(m: Machine, x: ModRM, bits: number): number {
  return x.mod === 3 ? m.reg(x.rm, bits) : m.load(x.addr, bits);
}

function writeRm(m: Machine, x: ModRM, bits: number, v: number): void {
  if (x.mod === 3) m.setReg(x.rm, bits, v);
  else m.store(x.addr, bits, v);
}

function signExtend(v: number, bits: number): number {
  return bits === 8 ? (v << 24) >> 24 : bits === 16 ? (v << 16) >> 16 : v | 0;
}

/** Fetches the instruction at the guest RIP (up to 15 bytes, stopping where memory ends). */
function fetch(vm: X86Vm, vcpu: vm_vcpu_t, gs: GuestState): Uint8Array {
  const start = Number((gs.read(VMX_GUEST_CS_BASE) ?? 0n) + gs.eip) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < 15; i++) {
    const gpa = vm.guest_linear_to_physical(vcpu, (start + i) >>> 0);
    const v = gpa === null ? null : vm.guest_physical_read(gpa, 1);
    if (v === null) break;
    out.push(v);
  }
  return Uint8Array.from(out);
}

function stringOp(m: Machine, op: number, bits: number, rep: boolean): void {
  const step = (m.flags & DF) !== 0 ? -(bits / 8) : bits / 8;
  let count = rep ? m.reg32(1) : 1;
  while (count > 0) {
    const esi = m.reg32(6);
    const edi = m.reg32(7);
    if (op === 0xa4) {
      m.store(edi, bits, m.load(esi, bits));
      m.setReg32(6, esi + step);
      m.setReg32(7, edi + step);
    } else if (op === 0xaa) {
      m.store(edi, bits, m.reg(0, bits));
      m.setReg32(7, edi + step);
    } else {
      m.setReg(0, bits, m.load(esi, bits));
      m.setReg32(6, esi + step);
    }
    count--;
    if (rep) m.setReg32(1, count);
  }
}

/** Executes one instruction; returns its length. */
function execute(m: Machine, b: Bytes): number {
  let opsize = 32;
  let rep = false;
  let op = b.u8();
  for (;;) {
    if (op === 0x66) opsize = 16;
    else if (op === 0xf3 || op === 0xf2) rep = true;
    else if (op === 0x67) throw new Refused("16-bit addressing");
    else if (![0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0].includes(op)) break;
    op = b.u8();
  }
  const bitsOf = (w: number) => ((w & 1) === 0 ? 8 : opsize);
  if (op < 0x40 && (op & 7) < 4) {
    // ALU r/m, r and r, r/m.
    const aluOp = op >> 3;
    const bits = bitsOf(op);
    const x = modrm(m, b);
    const toRm = (op & 2) === 0;
    const a = toRm ? readRm(m, x, bits) : m.reg(x.reg, bits);
    const c = toRm ? m.reg(x.reg, bits) : readRm(m, x, bits);
    const r = alu(aluOp, a, c, bits, m.flags & CF);
    m.setStatus(r.flags);
    if (aluOp !== 7) {
      if (toRm) writeRm(m, x, bits, r.value);
      else m.setReg(x.reg, bits, r.value);
    }
    return b.pos;
  }
  switch (op) {
    case 0x80:
    case 0x81:
    case 0x83: {
      const bits = op === 0x80 ? 8 : opsize;
      const x = modrm(m, b);
      const imm = op === 0x81 ? b.imm(bits) : op === 0x83 ? signExtend(b.u8(), 8) : b.u8();
      const r = alu(x.reg, readRm(m, x, bits), imm, bits, m.flags & CF);
      m.setStatus(r.flags);
      if (x.reg !== 7) writeRm(m, x, bits, r.value);
      return b.pos;
    }
    case 0x84:
    case 0x85: {
      const bits = bitsOf(op);
      const x = modrm(m, b);
      m.setStatus(alu(4, readRm(m, x, bits), m.reg(x.reg, bits), bits, 0).flags);
      return b.pos;
    }
    case 0x86:
    case 0x87: {
      const bits = bitsOf(op);
      const x = modrm(m, b);
      const old = readRm(m, x, bits);
      writeRm(m, x, bits, m.reg(x.reg, bits));
      m.setReg(x.reg, bits, old);
      return b.pos;
    }
    case 0x88:
    case 0x89: {
      const bits = bitsOf(op);
      const x = modrm(m, b);
      writeRm(m, x, bits, m.reg(x.reg, bits));
      return b.pos;
    }
    case 0x8a:
    case 0x8b: {
      const bits = bitsOf(op);
      const x = modrm(m, b);
      m.setReg(x.reg, bits, readRm(m, x, bits));
      return b.pos;
    }
    case 0x8f: {
      const x = modrm(m, b);
      if (x.reg !== 0) break;
      const esp = m.reg32(4);
      const v = m.load(esp, opsize);
      m.setReg32(4, esp + opsize / 8);
      writeRm(m, x, opsize, v);
      return b.pos;
    }
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3: {
      const bits = bitsOf(op);
      const addr = b.imm(32);
      if (op < 0xa2) m.setReg(0, bits, m.load(addr, bits));
      else m.store(addr, bits, m.reg(0, bits));
      return b.pos;
    }
    case 0xa4:
    case 0xa5:
    case 0xaa:
    case 0xab:
    case 0xac:
    case 0xad:
      stringOp(m, op & 0xfe, bitsOf(op), rep);
      return b.pos;
    case 0xc6:
    case 0xc7: {
      const bits = bitsOf(op);
      const x = modrm(m, b);
      if (x.reg !== 0) break;
      writeRm(m, x, bits, b.imm(bits));
      return b.pos;
    }
    case 0xf6:
    case 0xf7: {
      const bits = bitsOf(op);
      const x = modrm(m, b);
      const v = readRm(m, x, bits);
      if (x.reg === 0) {
        m.setStatus(alu(4, v, b.imm(bits), bits, 0).flags);
      } else if (x.reg === 2) {
        writeRm(m, x, bits, ~v);
      } else if (x.reg === 3) {
        const r = alu(5, 0, v, bits, 0);
        m.setStatus(r.flags);
        writeRm(m, x, bits, r.value);
      } else {
        break;
      }
      return b.pos;
    }
    case 0xfe:
    case 0xff: {
      const bits = bitsOf(op);
      const x = modrm(m, b);
      if (x.reg === 0 || x.reg === 1) {
        const r = incDec(x.reg === 1, readRm(m, x, bits), bits, m.flags);
        m.setStatus(r.flags);
        writeRm(m, x, bits, r.value);
        return b.pos;
      }
      if (op === 0xff && x.reg === 6) {
        const v = readRm(m, x, opsize);
        const esp = (m.reg32(4) - opsize / 8) >>> 0;
        m.store(esp, opsize, v);
        m.setReg32(4, esp);
        return b.pos;
      }
      break;
    }
    case 0x0f:
      return executeTwoByte(m, b, opsize);
    default:
      break;
  }
  throw new Refused(`opcode 0x${op.toString(16)}`);
}

function executeTwoByte(m: Machine, b: Bytes, opsize: number): number {
  const op = b.u8();
  if (op >= 0x90 && op <= 0x9f) {
    const x = modrm(m, b);
    writeRm(m, x, 8, m.condition(op & 15) ? 1 : 0);
    return b.pos;
  }
  switch (op) {
    case 0xb6:
    case 0xb7:
    case 0xbe:
    case 0xbf: {
      const src = (op & 1) === 0 ? 8 : 16;
      const x = modrm(m, b);
      const v = readRm(m, x, src);
      m.setReg(x.reg, opsize, op >= 0xbe ? signExtend(v, src) : v);
      return b.pos;
    }
    case 0xb0:
    case 0xb1: {
      const bits = op === 0xb0 ? 8 : opsize;
      const x = modrm(m, b);
      const dest = readRm(m, x, bits);
      const r = alu(7, m.reg(0, bits), dest, bits, 0);
      m.setStatus(r.flags);
      if ((r.flags & ZF) !== 0) writeRm(m, x, bits, m.reg(x.reg, bits));
      else {
        writeRm(m, x, bits, dest);
        m.setReg(0, bits, dest);
      }
      return b.pos;
    }
    case 0xc0:
    case 0xc1: {
      const bits = op === 0xc0 ? 8 : opsize;
      const x = modrm(m, b);
      const dest = readRm(m, x, bits);
      const r = alu(0, dest, m.reg(x.reg, bits), bits, 0);
      m.setStatus(r.flags);
      m.setReg(x.reg, bits, dest);
      writeRm(m, x, bits, r.value);
      return b.pos;
    }
    case 0xa3:
    case 0xab:
    case 0xb3:
    case 0xba: {
      const x = modrm(m, b);
      let kind: number;
      let bit: number;
      let addr = x.addr;
      if (op === 0xba) {
        if (x.reg < 4) break;
        kind = x.reg - 4;
        bit = b.u8() & (opsize - 1);
      } else {
        kind = op === 0xa3 ? 0 : op === 0xab ? 1 : 2;
        const offset = m.reg(x.reg, opsize);
        if (x.mod !== 3) {
          const signed = signExtend(offset, opsize);
          addr = (addr + Math.floor(signed / opsize) * (opsize / 8)) >>> 0;
          bit = ((signed % opsize) + opsize) % opsize;
        } else {
          bit = offset & (opsize - 1);
        }
      }
      const target = { ...x, addr };
      const v = readRm(m, target, opsize);
      const set = Math.floor(v / 2 ** bit) % 2;
      m.setStatus(set ? CF : 0, CF);
      if (kind === 1) writeRm(m, target, opsize, (v | (2 ** bit)) >>> 0);
      else if (kind === 2 && set) writeRm(m, target, opsize, v - 2 ** bit);
      else if (kind === 3) writeRm(m, target, opsize, set ? v - 2 ** bit : v + 2 ** bit);
      return b.pos;
    }
    default:
      break;
  }
  throw new Refused(`opcode 0x0f 0x${op.toString(16)}`);
}

/**
 * Emulates the instruction that caused the current EPT violation. Returns its length (the caller
 * advances RIP), or -1 if it cannot be emulated (unknown instruction, no memory at an operand).
 */
export function emulate_mmio_instruction(vm: X86Vm, vcpu: vm_vcpu_t): number {
  const gs = vcpu_arch(vcpu).guest_state;
  const bytes = fetch(vm, vcpu, gs);
  const m = new Machine(vm, vcpu, gs);
  try {
    const length = execute(m, new Bytes(bytes));
    gs.write(VMX_GUEST_RFLAGS, BigInt(m.flags >>> 0));
    return length;
  } catch (e) {
    if (e instanceof Refused) return -1;
    throw e;
  }
}

/** Flags the emulator defines (for tests). */
export const EMULATED_FLAGS = { CF, PF, AF, ZF, SF, OF, DF } as const;
