import type { Aarch64Cpu } from "../cpu.js";

/** ConditionHolds: evaluate the 4-bit condition code against NZCV. */
export function conditionHolds(cpu: Aarch64Cpu, cond: number): boolean {
  let r: boolean;
  switch (cond >>> 1) {
    case 0:
      r = cpu.zf === 1;
      break;
    case 1:
      r = cpu.cf === 1;
      break;
    case 2:
      r = cpu.nf === 1;
      break;
    case 3:
      r = cpu.vf === 1;
      break;
    case 4:
      r = cpu.cf === 1 && cpu.zf === 0;
      break;
    case 5:
      r = cpu.nf === cpu.vf;
      break;
    case 6:
      r = cpu.nf === cpu.vf && cpu.zf === 0;
      break;
    default:
      return true;
  }
  return cond & 1 ? !r : r;
}
