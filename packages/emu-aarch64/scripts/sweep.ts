/**
 * The full instruction-word sweep (opt-in; `pnpm sweep [count] [seed]`): random words, then every
 * encoding of bits [31:16] with fixed low halves. Prints the statistics as JSON; exits non-zero if
 * any word raised a host exception.
 */
import { sweep } from "../src/testing/sweep.js";

const count = Number(process.argv[2] ?? 1e8);
const seed = Number(process.argv[3] ?? 2024);
const started = performance.now();
const chunk = 1e6;
const total = { words: 0, undefinedWords: 0, exits: {} as Record<string, number> };
for (let done = 0; done < count; done += chunk) {
  const n = Math.min(chunk, count - done);
  const stats = sweep(n, (seed + done) | 0 || 1);
  total.words += stats.words;
  total.undefinedWords += stats.undefinedWords;
  for (const [k, v] of Object.entries(stats.exits)) total.exits[k] = (total.exits[k] ?? 0) + v;
  if (stats.failure) {
    console.error(
      `host exception for word 0x${stats.failure.word.toString(16)}: ${stats.failure.message}`,
    );
    process.exit(1);
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  console.error(`${done + n} words, no host exception (${seconds} s)`);
}
for (const low of [0x0000, 0x5555, 0xaaaa, 0xffff]) {
  const stats = sweep(65536, 3, (i) => ((i << 16) | low) >>> 0);
  total.words += stats.words;
  if (stats.failure) {
    console.error(
      `host exception for word 0x${stats.failure.word.toString(16)}: ${stats.failure.message}`,
    );
    process.exit(1);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ ...total, seconds: Math.round(seconds) }));
