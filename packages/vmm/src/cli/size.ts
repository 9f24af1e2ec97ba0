/** QEMU's `-m` size syntax. */
import { UsageError } from "./usage-error.js";

const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  K: 2 ** 10,
  M: 2 ** 20,
  G: 2 ** 30,
  T: 2 ** 40,
};

/**
 * Parses a memory size as QEMU's `-m` does: a number with an optional unit suffix B, K, M, G or T
 * (powers of 1024, either case); no suffix means MiB (`128` = 128 MiB). A decimal fraction is
 * allowed when the result is a whole number of bytes (`1.5G`). QEMU's `size=` prefix is accepted.
 * @param text - the argument
 * @returns the size in bytes
 * @throws UsageError when the text is not a size or the size is zero
 */
export function parseMemorySize(text: string): number {
  const body = text.startsWith("size=") ? text.slice(5) : text;
  const m = /^(\d+(?:\.\d+)?)([BKMGTbkmgt]?)$/.exec(body);
  if (m === null) {
    throw new UsageError(`-m: '${text}' is not a size (examples: 128, 512M, 1G)`);
  }
  const unit = UNITS[(m[2] || "M").toUpperCase()]!;
  const [whole, frac = ""] = m[1]!.split(".");
  // Exact arithmetic: whole * unit + frac * unit / 10^digits, in bigint.
  const scale = 10n ** BigInt(frac.length);
  const numerator = (BigInt(whole!) * scale + BigInt(frac || "0")) * BigInt(unit);
  if (numerator % scale !== 0n) {
    throw new UsageError(`-m: '${text}' is not a whole number of bytes`);
  }
  const bytes = numerator / scale;
  if (bytes === 0n) throw new UsageError(`-m: the size must not be zero`);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError(`-m: '${text}' is too large`);
  return Number(bytes);
}
