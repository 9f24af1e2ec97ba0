import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { undefinedOpcode } from "../faults.js";
import { CF, DF, getCF, STATUS_FLAGS, settleFlags, ZF } from "../flags.js";
import { CS, SS } from "../registers.js";
import { loadSegment } from "../segmentation.js";
import { Interruptibility } from "../vmcs.js";
import type { Handler } from "./execute.js";

/** Data movement: MOV forms, XCHG, LEA, MOVZX/MOVSX, CBW/CWD, XLAT, LAHF/SAHF, far-pointer loads,
 * CMPXCHG8B and the flag-bit instructions that need no privilege. */

function moveSegment(cpu: CpuCore, insn: Instruction): void {
  const seg = insn.reg;
  if (seg > 5 || seg === CS) undefinedOpcode();
  const sel = cpu.readRM(insn, 16);
  loadSegment(cpu, seg, sel);
  if (seg === SS) cpu.blockInterrupts(Interruptibility.BLOCKING_BY_MOV_SS);
}

function loadFarPointer(cpu: CpuCore, insn: Instruction, seg: number): void {
  if (insn.mod === 3) undefinedOpcode();
  const w = insn.opsize;
  const lin = cpu.effectiveAddress(insn);
  const offset = cpu.readW(lin, w);
  const sel = cpu.read16((lin + (w >> 3)) | 0);
  loadSegment(cpu, seg, sel);
  cpu.setReg(insn.reg, w, offset);
}

/** Registers the handlers of this group. */
export function registerTransfer(t: Handler[]): void {
  t[0x88] = (cpu, insn) => cpu.writeRM(insn, 8, cpu.getReg8(insn.reg));
  t[0x89] = (cpu, insn) => {
    if (insn.opsize === 32) {
      // The most frequent instruction: no width dispatch.
      if (insn.mod === 3) cpu.regs[insn.rm] = cpu.regs[insn.reg]!;
      else cpu.write32(cpu.effectiveAddress(insn), cpu.regs[insn.reg]!);
    } else cpu.writeRM(insn, 16, cpu.regs[insn.reg]!);
  };
  t[0x8a] = (cpu, insn) => cpu.setReg8(insn.reg, cpu.readRM(insn, 8));
  t[0x8b] = (cpu, insn) => {
    if (insn.opsize === 32) {
      cpu.regs[insn.reg] =
        insn.mod === 3 ? cpu.regs[insn.rm]! : cpu.read32(cpu.effectiveAddress(insn));
    } else cpu.setReg(insn.reg, 16, cpu.readRM(insn, 16));
  };
  t[0x8c] = (cpu, insn) => {
    if (insn.reg > 5) undefinedOpcode();
    const sel = cpu.segSel[insn.reg]!;
    // A register destination with 32-bit operand size gets the zero-extended selector.
    if (insn.mod === 3) cpu.setReg(insn.rm, insn.opsize, sel);
    else cpu.writeW(cpu.effectiveAddress(insn), 16, sel);
  };
  t[0x8e] = moveSegment;
  t[0x8d] = (cpu, insn) => {
    if (insn.mod === 3) undefinedOpcode();
    cpu.setReg(insn.reg, insn.opsize, cpu.effectiveOffset(insn));
  };
  t[0xa0] = (cpu, insn) => cpu.setReg8(0, cpu.read8(cpu.effectiveAddress(insn)));
  t[0xa1] = (cpu, insn) =>
    cpu.setReg(0, insn.opsize, cpu.readW(cpu.effectiveAddress(insn), insn.opsize));
  t[0xa2] = (cpu, insn) => cpu.write8(cpu.effectiveAddress(insn), cpu.getReg8(0));
  t[0xa3] = (cpu, insn) => cpu.writeW(cpu.effectiveAddress(insn), insn.opsize, cpu.regs[0]!);
  for (let r = 0; r < 8; r++) {
    t[0xb0 + r] = (cpu, insn) => cpu.setReg8(r, insn.imm);
    t[0xb8 + r] = (cpu, insn) => cpu.setReg(r, insn.opsize, insn.imm);
  }
  t[0xc6] = (cpu, insn) => {
    if (insn.reg !== 0) undefinedOpcode();
    cpu.writeRM(insn, 8, insn.imm);
  };
  t[0xc7] = (cpu, insn) => {
    if (insn.reg !== 0) undefinedOpcode();
    cpu.writeRM(insn, insn.opsize, insn.imm);
  };
  t[0x86] = t[0x87] = (cpu, insn) => {
    const w = insn.opcode === 0x86 ? 8 : insn.opsize;
    const a = cpu.getReg(insn.reg, w);
    if (insn.mod === 3) {
      cpu.setReg(insn.reg, w, cpu.getReg(insn.rm, w));
      cpu.setReg(insn.rm, w, a);
    } else {
      const lin = cpu.effectiveAddress(insn);
      const b = cpu.readForWrite(lin, w);
      cpu.writeW(lin, w, a);
      cpu.setReg(insn.reg, w, b);
    }
  };
  for (let r = 1; r < 8; r++) {
    t[0x90 + r] = (cpu, insn) => {
      const w = insn.opsize;
      const a = cpu.getReg(0, w);
      cpu.setReg(0, w, cpu.getReg(r, w));
      cpu.setReg(r, w, a);
    };
  }
  t[0x90] = () => {};
  t[0x98] = (cpu, insn) => {
    if (insn.opsize === 32) cpu.regs[0] = (cpu.regs[0]! << 16) >> 16;
    else cpu.setReg(0, 16, (cpu.regs[0]! << 24) >> 24);
  };
  t[0x99] = (cpu, insn) => {
    if (insn.opsize === 32) cpu.regs[2] = cpu.regs[0]! >> 31;
    else cpu.setReg(2, 16, (cpu.regs[0]! << 16) >> 31);
  };
  t[0xd7] = (cpu, insn) => {
    const off =
      insn.adsize === 32
        ? (cpu.regs[3]! + cpu.getReg8(0)) | 0
        : (cpu.regs[3]! + cpu.getReg8(0)) & 0xffff;
    cpu.setReg8(0, cpu.read8((cpu.segBase[insn.seg]! + off) | 0));
  };
  t[0x9e] = (cpu) => {
    settleFlags(cpu);
    const ah = cpu.getReg8(4);
    const mask = STATUS_FLAGS & 0xff;
    cpu.fStored = (cpu.fStored & ~mask) | (ah & mask) | 2;
  };
  t[0x9f] = (cpu) => {
    settleFlags(cpu);
    cpu.setReg8(4, (cpu.fStored & 0xd5) | 2);
  };
  t[0xd6] = (cpu) => cpu.setReg8(0, getCF(cpu) ? 0xff : 0);
  t[0x1b6] = (cpu, insn) => cpu.setReg(insn.reg, insn.opsize, cpu.readRM(insn, 8));
  t[0x1b7] = (cpu, insn) => cpu.setReg(insn.reg, insn.opsize, cpu.readRM(insn, 16));
  t[0x1be] = (cpu, insn) => cpu.setReg(insn.reg, insn.opsize, (cpu.readRM(insn, 8) << 24) >> 24);
  t[0x1bf] = (cpu, insn) => cpu.setReg(insn.reg, insn.opsize, (cpu.readRM(insn, 16) << 16) >> 16);
  t[0xc4] = (cpu, insn) => loadFarPointer(cpu, insn, 0);
  t[0xc5] = (cpu, insn) => loadFarPointer(cpu, insn, 3);
  t[0x1b2] = (cpu, insn) => loadFarPointer(cpu, insn, 2);
  t[0x1b4] = (cpu, insn) => loadFarPointer(cpu, insn, 4);
  t[0x1b5] = (cpu, insn) => loadFarPointer(cpu, insn, 5);
  t[0x1c7] = (cpu, insn) => {
    if (insn.reg !== 1 || insn.mod === 3) undefinedOpcode();
    const lin = cpu.effectiveAddress(insn);
    const lo = cpu.read32(lin);
    const hi = cpu.read32((lin + 4) | 0);
    settleFlags(cpu);
    if (lo === cpu.regs[0] && hi === cpu.regs[2]) {
      cpu.write32(lin, cpu.regs[3]!);
      cpu.write32((lin + 4) | 0, cpu.regs[1]!);
      cpu.fStored |= ZF;
    } else {
      // The old value is written back, as the locked read-modify-write always writes.
      cpu.write32(lin, lo);
      cpu.write32((lin + 4) | 0, hi);
      cpu.regs[0] = lo;
      cpu.regs[2] = hi;
      cpu.fStored &= ~ZF;
    }
  };
  const flagOp =
    (f: (cpu: CpuCore) => void): Handler =>
    (cpu) => {
      settleFlags(cpu);
      f(cpu);
    };
  t[0xf5] = flagOp((cpu) => {
    cpu.fStored ^= CF;
  });
  t[0xf8] = flagOp((cpu) => {
    cpu.fStored &= ~CF;
  });
  t[0xf9] = flagOp((cpu) => {
    cpu.fStored |= CF;
  });
  t[0xfc] = flagOp((cpu) => {
    cpu.fStored &= ~DF;
  });
  t[0xfd] = flagOp((cpu) => {
    cpu.fStored |= DF;
  });
  // Hint NOPs (0F 18-1F with ModRM): the operand is decoded, not accessed.
  for (let op = 0x118; op <= 0x11f; op++) t[op] = () => {};
}
