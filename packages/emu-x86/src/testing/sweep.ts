import { VmcsField as F } from "../vmcs.js";
import { resetSystemState, systemMachine } from "./system.js";

/** One random-code case that made the emulator throw a host exception. */
export interface SweepFailure {
  seed: number;
  code: number[];
  error: string;
}

/** What a sweep did. */
export interface SweepResult {
  failures: SweepFailure[];
  /** Instructions retired over all cases (shows the cases ran beyond their first byte). */
  instructions: number;
  /** How often each exit reason ended a case. */
  exits: Map<number, number>;
}

/**
 * Runs `cases` random byte sequences as code (protected and real mode, random registers and
 * flags, every exception intercepted) and returns the cases that threw on the host: a correct
 * emulator returns an empty list, whatever the bytes.
 */
export function randomCodeSweep(cases: number, firstSeed = 1): SweepResult {
  const exits = new Map<number, number>();
  const m = systemMachine();
  const failures: SweepFailure[] = [];
  let state = firstSeed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const saved = m.ram.slice(0, 0x10000);
  for (let n = 0; n < cases; n++) {
    const seed = state;
    m.ram.set(saved);
    resetSystemState(m.cpu);
    const code: number[] = [];
    for (let i = 0; i < 32; i++) code.push(next() >>> 24);
    // Bias towards the 0F page and prefixes, where decoding is hardest.
    if ((next() & 3) === 0) code[0] = 0x0f;
    if ((next() & 7) === 0) code.unshift(0x66);
    m.ram.set(code, 0x1000);
    // Mostly addresses inside RAM, so memory operands get past their first access.
    for (let r = 0; r < 8; r++)
      m.cpu.setRegister(r, (next() & 7) === 0 ? next() : next() & 0x3fffff);
    m.cpu.writeVmcs(F.GUEST_RFLAGS, (next() & 0x8d5) | 2);
    m.cpu.writeVmcs(F.CONTROL_EXCEPTION_BITMAP, 0xffffffff);
    m.cpu.writeVmcs(F.GUEST_CR0, (next() & 7) === 0 ? 0x10 : 0x11);
    try {
      for (let k = 0; k < 4; k++) {
        const exit = m.cpu.run(64);
        exits.set(exit.reason, (exits.get(exit.reason) ?? 0) + 1);
        if (exit.reason !== 52 && exit.reason !== 30) break;
        m.cpu.writeVmcs(F.GUEST_RIP, m.cpu.readVmcs(F.GUEST_RIP) + exit.instructionLength);
      }
    } catch (e) {
      failures.push({
        seed,
        code,
        error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e),
      });
    }
  }
  return { failures, instructions: m.cpu.instructionsRetired, exits };
}
