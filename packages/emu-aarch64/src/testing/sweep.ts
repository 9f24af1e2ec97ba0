/**
 * The instruction-word sweep: execute arbitrary 32-bit words, one at a time, at EL1 and EL0 with
 * scrambled registers, and prove that none raises a host exception (every word either executes
 * or takes an architectural exception / exit).
 */
import { Aarch64Cpu } from "../cpu.js";
import { FlatPhysicalMemory } from "../host.js";
import { Reg } from "../state.js";

/** Counts of what the swept words did. */
export interface SweepStats {
  words: number;
  /** Words that raised UNDEFINED (EC 0 in ESR_EL1 after the step). */
  undefinedWords: number;
  /** Exit reasons other than "budget". */
  exits: Record<string, number>;
  /** The first word that raised a host exception, with its message (undefined when none did). */
  failure?: { word: number; message: string };
}

/** xorshift32: deterministic words. */
function nextWord(state: Uint32Array): number {
  let x = state[0]!;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state[0] = x;
  return x >>> 0;
}

/**
 * Run `count` words. `wordAt(i)` picks the i-th word (random by default); registers are
 * re-scrambled and the system state reset every 256 words.
 */
export function sweep(count: number, seed = 1, wordAt?: (i: number) => number): SweepStats {
  const ram = new Uint8Array(1 << 20);
  const memory = new FlatPhysicalMemory();
  memory.addRam(0, ram);
  const view = new DataView(ram.buffer);
  const cpu = new Aarch64Cpu({ memory });
  const rng = new Uint32Array([seed || 1]);
  const stats: SweepStats = { words: 0, undefinedWords: 0, exits: {} };
  const codeAt = 0x8000;
  let fresh = cpu.saveState();
  fresh.sysregs.CPACR_EL1 = 3n << 20n;
  fresh.sysregs.VBAR_EL1 = 0x10000n;
  cpu.loadState(fresh);
  fresh = cpu.saveState();
  for (let i = 0; i < count; i++) {
    if ((i & 255) === 0) {
      cpu.loadState(fresh);
      for (let r = 0; r < 31; r++) {
        // Small addresses half of the time so loads and stores hit RAM.
        const hi = nextWord(rng) & 1 ? 0 : nextWord(rng);
        const lo = hi === 0 ? nextWord(rng) & 0xffff8 : nextWord(rng);
        cpu.setX(r, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
      }
      for (let v = 0; v < 128; v++) cpu.vw[v] = nextWord(rng);
      cpu.setPstate((i >>> 8) & 1 ? 0x3c5 : 0x3c0 | ((nextWord(rng) & 1) * 4));
      cpu.setSp(0x40000n);
    }
    const word = wordAt ? wordAt(i) >>> 0 : nextWord(rng);
    view.setUint32(codeAt, word, true);
    cpu.setPc(BigInt(codeAt));
    cpu.sys[Reg.ESR_EL1 * 2] = -1;
    try {
      const exit = cpu.run(1);
      if (exit.reason !== "budget") stats.exits[exit.reason] = (stats.exits[exit.reason] ?? 0) + 1;
      if (cpu.sys[Reg.ESR_EL1 * 2] === 0x02000000) stats.undefinedWords++;
    } catch (e) {
      stats.failure = {
        word,
        message: e instanceof Error ? `${e.message}\n${e.stack}` : String(e),
      };
      stats.words = i + 1;
      return stats;
    }
  }
  stats.words = count;
  return stats;
}
