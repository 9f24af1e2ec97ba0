/** Test helper: builds real guest ELF files with the installed cross and native toolchains. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A built ELF and what the toolchain's readelf says about its program headers. */
export interface BuiltElf {
  bytes: Uint8Array;
  /** `readelf -lW` output. */
  readelf: string;
}

/** Assembles and links `source` (GNU as syntax) with `gcc`-style driver `compiler` and `flags`. */
export function buildWithToolchain(
  compiler: string,
  readelf: string,
  source: string,
  flags: readonly string[],
): BuiltElf {
  const dir = mkdtempSync(join(tmpdir(), "vmm-platsupport-elf-"));
  try {
    writeFileSync(join(dir, "prog.S"), source);
    const output = join(dir, "prog.elf");
    execFileSync(compiler, [
      "-nostdlib",
      "-static",
      "-Wl,--build-id=none",
      ...flags,
      "-o",
      output,
      join(dir, "prog.S"),
    ]);
    return {
      bytes: new Uint8Array(readFileSync(output)),
      readelf: execFileSync(readelf, ["-lW", output], { encoding: "utf8" }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The LOAD rows of `readelf -lW`: physical address, file size and memory size of each. */
export function readelfLoads(readelf: string): { paddr: number; filesz: number; memsz: number }[] {
  return readelf
    .split("\n")
    .filter((line) => line.trim().startsWith("LOAD"))
    .map((line) => {
      const [, , , paddr, filesz, memsz] = line.trim().split(/\s+/);
      return { paddr: Number(paddr), filesz: Number(filesz), memsz: Number(memsz) };
    });
}

/** The entry point line of `readelf -lW` ("Entry point 0x…"). */
export function readelfEntry(readelf: string): bigint {
  const match = /Entry point (0x[0-9a-f]+)/.exec(readelf);
  if (match === null) throw new Error("no entry point in readelf output");
  return BigInt(match[1]!);
}
