/** Data processing - SIMD and floating point: scalar FP, scalar and vector AdvSIMD. */
import type { Aarch64Cpu } from "../cpu.js";
import { undefinedInstruction } from "../exceptions.js";
import { execScalarFp } from "../fp.js";
import { checkFpAccess } from "../sysregs.js";
import { execAdvSimd } from "./simd.js";

/** Execute an instruction of the "data processing - SIMD and FP" group. */
export function execSimdFp(cpu: Aarch64Cpu, insn: number): void {
  checkFpAccess(cpu);
  if ((insn >>> 28) & 1) {
    if (!((insn >>> 30) & 1)) {
      execScalarFp(cpu, insn);
      return;
    }
    if (insn >= 0) {
      execAdvSimd(cpu, insn, true);
      return;
    }
    undefinedInstruction(cpu);
  }
  if (insn < 0) undefinedInstruction(cpu);
  execAdvSimd(cpu, insn, false);
}
