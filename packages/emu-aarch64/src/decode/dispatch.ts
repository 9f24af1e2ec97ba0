/**
 * Top-level A64 decode: the op0 field (bits [28:25]) picks the instruction group. Decoding is a
 * pure function of the word, so a decoded-block cache can later memoise the handler per address.
 */
import type { Aarch64Cpu } from "../cpu.js";
import { undefinedInstruction } from "../exceptions.js";
import { execBranchSys } from "../exec/branch.js";
import { execDpImm } from "../exec/dp-imm.js";
import { execDpReg } from "../exec/dp-reg.js";
import { execLoadStore } from "../exec/loadstore.js";
import { execSimdFp } from "../exec/simd-fp.js";

/** Execute one instruction word (the PC already points past it; `cpu.cur*` at it). */
export function execute(cpu: Aarch64Cpu, insn: number): void {
  switch ((insn >>> 25) & 0xf) {
    case 0x8:
    case 0x9: {
      execDpImm(cpu, insn);
      return;
    }
    case 0xa:
    case 0xb: {
      execBranchSys(cpu, insn);
      return;
    }
    case 0x4:
    case 0x6:
    case 0xc:
    case 0xe: {
      execLoadStore(cpu, insn);
      return;
    }
    case 0x5:
    case 0xd: {
      execDpReg(cpu, insn);
      return;
    }
    case 0x7:
    case 0xf: {
      execSimdFp(cpu, insn);
      return;
    }
    default:
      undefinedInstruction(cpu);
  }
}
