/**
 * The generic timer: a counter derived from the retired-instruction count (deterministic), the
 * EL1 physical and virtual timers (CNTP_*, CNTV_*), and their output lines.
 */
import type { Aarch64Cpu } from "./cpu.js";
import { Reg } from "./state.js";

const TWO32 = 4294967296;
const TWO64 = TWO32 * TWO32;

/** An unsigned 64-bit register slot as a (possibly rounded) number. */
function slot(cpu: Aarch64Cpu, reg: number): number {
  return (cpu.sys[reg * 2 + 1]! >>> 0) * TWO32 + (cpu.sys[reg * 2]! >>> 0);
}

/** Clock and compare logic of the generic timer. */
export class Timer {
  /**
   * @param frequency - CNTFRQ in Hz.
   * @param instructionsPerSecond - guest instructions per second of the instruction clock.
   */
  constructor(
    readonly frequency: number,
    readonly instructionsPerSecond: number,
  ) {}

  /** CNTPCT for the CPU's retired-instruction count. */
  physicalCount(cpu: Aarch64Cpu): number {
    return Math.floor((cpu.instret * this.frequency) / this.instructionsPerSecond);
  }

  /** CNTVCT = CNTPCT - CNTVOFF_EL2 (mod 2^64). */
  virtualCount(cpu: Aarch64Cpu): number {
    const v = this.physicalCount(cpu) - slot(cpu, Reg.CNTVOFF_EL2);
    return v < 0 ? v + TWO64 : v;
  }

  /** ISTATUS of a timer: its count has reached its compare value. */
  private status(cpu: Aarch64Cpu, virtual: boolean): boolean {
    const cval = slot(cpu, virtual ? Reg.CNTV_CVAL_EL0 : Reg.CNTP_CVAL_EL0);
    return (virtual ? this.virtualCount(cpu) : this.physicalCount(cpu)) >= cval;
  }

  /** CNTx_CTL with its read-only ISTATUS bit filled in. */
  readControl(cpu: Aarch64Cpu, virtual: boolean): number {
    const ctl = cpu.sys[(virtual ? Reg.CNTV_CTL_EL0 : Reg.CNTP_CTL_EL0) * 2]! & 3;
    return ctl & 1 && this.status(cpu, virtual) ? ctl | 4 : ctl;
  }

  /** CNTx_TVAL: the signed 32-bit distance from the count to the compare value. */
  readTval(cpu: Aarch64Cpu, virtual: boolean): number {
    const cval = slot(cpu, virtual ? Reg.CNTV_CVAL_EL0 : Reg.CNTP_CVAL_EL0);
    const count = virtual ? this.virtualCount(cpu) : this.physicalCount(cpu);
    return Number(BigInt.asIntN(32, BigInt(cval - count)));
  }

  /** Writing CNTx_TVAL sets the compare value to the count plus the sign-extended value. */
  writeTval(cpu: Aarch64Cpu, virtual: boolean, value: number): void {
    const count = virtual ? this.virtualCount(cpu) : this.physicalCount(cpu);
    const cval = BigInt.asUintN(64, BigInt(count) + BigInt(value | 0));
    cpu.setSys(virtual ? Reg.CNTV_CVAL_EL0 : Reg.CNTP_CVAL_EL0, cval);
  }

  /** Output line levels: bit 0 virtual timer, bit 1 physical timer. */
  lines(cpu: Aarch64Cpu): number {
    let lines = 0;
    if ((this.readControl(cpu, true) & 7) === 5) lines |= 1;
    if ((this.readControl(cpu, false) & 7) === 5) lines |= 2;
    return lines;
  }

  /** The retired-instruction count at which an enabled, not yet firing timer fires. */
  nextDeadline(cpu: Aarch64Cpu): number {
    let deadline = Number.POSITIVE_INFINITY;
    for (const virtual of [true, false]) {
      const ctl = cpu.sys[(virtual ? Reg.CNTV_CTL_EL0 : Reg.CNTP_CTL_EL0) * 2]!;
      if (!(ctl & 1) || this.status(cpu, virtual)) continue;
      let target = slot(cpu, virtual ? Reg.CNTV_CVAL_EL0 : Reg.CNTP_CVAL_EL0);
      if (virtual) target += slot(cpu, Reg.CNTVOFF_EL2);
      const at = Math.ceil((target * this.instructionsPerSecond) / this.frequency);
      if (at < deadline) deadline = at;
    }
    return deadline;
  }
}
