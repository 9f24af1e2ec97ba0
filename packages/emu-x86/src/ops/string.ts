import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { DF, getZF } from "../flags.js";
import { ES, REP_CHUNK } from "../registers.js";
import { alu } from "./alu.js";
import type { Handler } from "./execute.js";
import { portAccess } from "./system.js";

/**
 * String instructions with REP/REPE/REPNE. Each iteration updates ESI/EDI/ECX before the next,
 * so a fault mid-way leaves the registers describing the iterations done and EIP on the
 * instruction; long REPs yield after REP_CHUNK iterations and resume.
 */

const MOVS = 0;
const CMPS = 1;
const STOS = 2;
const LODS = 3;
const SCAS = 4;
const INS = 5;
const OUTS = 6;

function advance(cpu: CpuCore, reg: number, delta: number, a32: boolean): void {
  if (a32) cpu.regs[reg] = (cpu.regs[reg]! + delta) | 0;
  else cpu.regs[reg] = (cpu.regs[reg]! & ~0xffff) | ((cpu.regs[reg]! + delta) & 0xffff);
}

function stringOp(cpu: CpuCore, insn: Instruction, kind: number): void {
  const w = (insn.opcode & 1) === 0 ? 8 : insn.opsize;
  const bytes = w >> 3;
  const delta = (cpu.fStored & DF) !== 0 ? -bytes : bytes;
  const a32 = insn.adsize === 32;
  const amask = a32 ? -1 : 0xffff;
  const rep = insn.rep;
  if (kind === INS || kind === OUTS) {
    portAccess(cpu, insn, cpu.regs[2]! & 0xffff, w, kind === INS, true);
    return;
  }
  if (rep !== 0 && (cpu.regs[1]! & amask) === 0) return;
  const srcBase = cpu.segBase[insn.seg]!;
  const dstBase = cpu.segBase[ES]!;
  // Each iteration is a step of the clock, as in QEMU's instruction counting: a REP runs at most
  // as many iterations as the budget has left, and the loop in cpu.ts counts the last one.
  const limit = Math.max(1, Math.min(REP_CHUNK, cpu.stopAt - cpu.retired));
  let n = 0;
  try {
    for (; n < limit; n++) {
      if (stringStep(cpu, insn, kind, w, delta, a32, amask, srcBase, dstBase)) return;
    }
    n--;
  } finally {
    cpu.retired += n;
  }
  // Not finished: run the instruction again (interrupts and exits can come in between).
  cpu.eip = cpu.instructionStart;
}

/** One iteration; true when the instruction is complete. */
function stringStep(
  cpu: CpuCore,
  insn: Instruction,
  kind: number,
  w: number,
  delta: number,
  a32: boolean,
  amask: number,
  srcBase: number,
  dstBase: number,
): boolean {
  const rep = insn.rep;
  {
    const si = cpu.regs[6]! & amask;
    const di = cpu.regs[7]! & amask;
    switch (kind) {
      case MOVS:
        cpu.writeW((dstBase + di) | 0, w, cpu.readW((srcBase + si) | 0, w));
        advance(cpu, 6, delta, a32);
        advance(cpu, 7, delta, a32);
        break;
      case CMPS: {
        const a = cpu.readW((srcBase + si) | 0, w);
        const b = cpu.readW((dstBase + di) | 0, w);
        alu(cpu, 7, a, b, w);
        advance(cpu, 6, delta, a32);
        advance(cpu, 7, delta, a32);
        break;
      }
      case STOS:
        cpu.writeW((dstBase + di) | 0, w, cpu.regs[0]!);
        advance(cpu, 7, delta, a32);
        break;
      case LODS:
        cpu.setReg(0, w, cpu.readW((srcBase + si) | 0, w));
        advance(cpu, 6, delta, a32);
        break;
      default:
        alu(cpu, 7, cpu.getReg(0, w), cpu.readW((dstBase + di) | 0, w), w);
        advance(cpu, 7, delta, a32);
        break;
    }
    if (rep === 0) return true;
    const count = (cpu.regs[1]! - 1) & amask;
    if (a32) cpu.regs[1] = count;
    else cpu.regs[1] = (cpu.regs[1]! & ~0xffff) | count;
    if (count === 0) return true;
    if (kind === CMPS || kind === SCAS) {
      const zf = getZF(cpu);
      if (rep === 0xf3 ? zf === 0 : zf === 1) return true;
    }
  }
  return false;
}

/** Registers the handlers of this group. */
export function registerString(t: Handler[]): void {
  const kinds: [number, number][] = [
    [0xa4, MOVS],
    [0xa6, CMPS],
    [0xaa, STOS],
    [0xac, LODS],
    [0xae, SCAS],
    [0x6c, INS],
    [0x6e, OUTS],
  ];
  for (const [op, kind] of kinds) {
    const h: Handler = (cpu, insn) => stringOp(cpu, insn, kind);
    t[op] = h;
    t[op + 1] = h;
  }
}
