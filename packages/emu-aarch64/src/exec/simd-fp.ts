/** Data processing - SIMD and floating point. */
import type { Aarch64Cpu } from "../cpu.js";
import { undefinedInstruction } from "../exceptions.js";
import { checkFpAccess } from "../sysregs.js";

/** Execute an instruction of the "data processing - SIMD and FP" group. */
export function execSimdFp(cpu: Aarch64Cpu, insn: number): void {
  checkFpAccess(cpu);
  undefinedInstruction(cpu);
  return void insn;
}
