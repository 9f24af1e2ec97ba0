import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Assembles AT&T-syntax source with the host's GNU as (binutils, present wherever gcc is) into
 * flat bytes placed at `origin`, so tests can state their guest code as readable assembly.
 */
export function assemble(source: string, origin = 0, bits: 16 | 32 = 32): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "emu-x86-as-"));
  try {
    writeFileSync(join(dir, "a.s"), `.code${bits}\n.org 0\n${source}\n`);
    execFileSync("as", ["--32", "-o", join(dir, "a.o"), join(dir, "a.s")]);
    execFileSync("ld", [
      "-m",
      "elf_i386",
      "-Ttext",
      `0x${origin.toString(16)}`,
      "--oformat",
      "binary",
      "-e",
      "0",
      "-o",
      join(dir, "a.bin"),
      join(dir, "a.o"),
    ]);
    return new Uint8Array(readFileSync(join(dir, "a.bin")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
