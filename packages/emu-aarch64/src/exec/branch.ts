/** Branches and exception-generating instructions. */
import type { Aarch64Cpu } from "../cpu.js";
import {
  Ec,
  esrOf,
  exceptionReturn,
  exitToHost,
  raiseSync,
  undefinedInstruction,
} from "../exceptions.js";
import { Hcr } from "../state.js";
import { add64 } from "./alu.js";
import { conditionHolds } from "./cond.js";
import { execSystem } from "./system.js";

/** Execute an instruction of the "branches, exception generating and system" group. */
export function execBranchSys(cpu: Aarch64Cpu, insn: number): void {
  if ((insn & 0x7c000000) === 0x14000000) {
    if (insn < 0) {
      cpu.x[60] = cpu.pcLo;
      cpu.x[61] = cpu.pcHi;
    }
    branchTo(cpu, (insn << 6) >> 4);
    return;
  }
  if ((insn & 0x7e000000) === 0x34000000) {
    compareAndBranch(cpu, insn);
    return;
  }
  if ((insn & 0x7e000000) === 0x36000000) {
    testAndBranch(cpu, insn);
    return;
  }
  if ((insn & 0xff000010) === 0x54000000) {
    if (conditionHolds(cpu, insn & 0xf)) branchTo(cpu, ((insn << 8) >> 13) << 2);
    return;
  }
  if ((insn & 0xff000000) >>> 0 === 0xd4000000) {
    exceptionGenerating(cpu, insn);
    return;
  }
  if ((insn & 0xffc00000) >>> 0 === 0xd5000000) {
    execSystem(cpu, insn);
    return;
  }
  if ((insn & 0xfe000000) >>> 0 === 0xd6000000) {
    branchRegister(cpu, insn);
    return;
  }
  undefinedInstruction(cpu);
}

/** PC = address of this instruction + offset (a signed 32-bit byte offset). */
function branchTo(cpu: Aarch64Cpu, offset: number): void {
  cpu.pcLo = add64(cpu, cpu.curLo, cpu.curHi, offset, offset >> 31, 0, false);
  cpu.pcHi = cpu.rhi;
}

/** CBZ, CBNZ. */
function compareAndBranch(cpu: Aarch64Cpu, insn: number): void {
  const rt = insn & 31;
  const zero = insn < 0 ? (cpu.x[rt * 2]! | cpu.x[rt * 2 + 1]!) === 0 : cpu.x[rt * 2] === 0;
  if (zero !== ((insn >>> 24) & 1) > 0) branchTo(cpu, ((insn << 8) >> 13) << 2);
}

/** TBZ, TBNZ. */
function testAndBranch(cpu: Aarch64Cpu, insn: number): void {
  const rt = insn & 31;
  const bit = ((insn >>> 26) & 32) | ((insn >>> 19) & 31);
  const word = bit >= 32 ? cpu.x[rt * 2 + 1]! : cpu.x[rt * 2]!;
  const set = (word >>> (bit & 31)) & 1;
  if (set === ((insn >>> 24) & 1)) branchTo(cpu, ((insn << 13) >> 18) << 2);
}

/** BR, BLR, RET, ERET. */
function branchRegister(cpu: Aarch64Cpu, insn: number): void {
  if ((insn & 0x001ffc1f) !== 0x001f0000) undefinedInstruction(cpu);
  const opc = (insn >>> 21) & 0xf;
  const rn = (insn >>> 5) & 31;
  if (opc === 4) {
    if (rn !== 31) undefinedInstruction(cpu);
    exceptionReturn(cpu);
    return;
  }
  if (opc > 2) undefinedInstruction(cpu);
  const lo = cpu.x[rn * 2]!;
  const hi = cpu.x[rn * 2 + 1]!;
  if (opc === 1) {
    cpu.x[60] = cpu.pcLo;
    cpu.x[61] = cpu.pcHi;
  }
  cpu.pcLo = lo;
  cpu.pcHi = hi;
}

/** SVC, HVC, SMC, BRK (HLT and DCPS are UNDEFINED: no halting debug, no debug state). */
function exceptionGenerating(cpu: Aarch64Cpu, insn: number): void {
  if (insn & 0x1c) undefinedInstruction(cpu);
  const opc = (insn >>> 21) & 7;
  const ll = insn & 3;
  const imm = (insn >>> 5) & 0xffff;
  if (opc === 0) {
    if (ll === 1) {
      cpu.retireOnException = 1;
      raiseSync(cpu, Ec.Svc, imm, cpu.pcLo, cpu.pcHi, false, 0, 0);
    }
    if (ll === 2 && cpu.el === 1) {
      cpu.retireOnException = 1;
      exitToHost(cpu, "hvc", esrOf(Ec.Hvc, imm), cpu.pcLo, cpu.pcHi);
    }
    if (ll === 3 && cpu.el === 1 && cpu.hcr() & Hcr.TSC) {
      exitToHost(cpu, "smc", esrOf(Ec.Smc, imm), cpu.curLo, cpu.curHi);
    }
    undefinedInstruction(cpu);
  }
  if (opc === 1 && ll === 0) raiseSync(cpu, Ec.Brk, imm, cpu.curLo, cpu.curHi, false, 0, 0);
  undefinedInstruction(cpu);
}
