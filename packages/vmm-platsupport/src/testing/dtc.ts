/** Test helpers that run Debian's `dtc` (device-tree-compiler), the reference implementation. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function inTempDir<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "vmm-platsupport-dtc-"));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decompiles a blob with `dtc -I dtb -O dts`; returns dtc's text. */
export function dtcDecompile(blob: Uint8Array): string {
  return inTempDir((dir) => {
    const input = join(dir, "in.dtb");
    writeFileSync(input, blob);
    return execFileSync("dtc", ["-q", "-I", "dtb", "-O", "dts", input], { encoding: "utf8" });
  });
}

/** Compiles dts source with `dtc -I dts -O dtb` plus extra arguments; returns the blob. */
export function dtcCompile(source: string, extraArgs: readonly string[] = []): Uint8Array {
  return inTempDir((dir) => {
    const input = join(dir, "in.dts");
    const output = join(dir, "out.dtb");
    writeFileSync(input, source);
    execFileSync("dtc", ["-q", "-I", "dts", "-O", "dtb", ...extraArgs, "-o", output, input]);
    return new Uint8Array(readFileSync(output));
  });
}

/** Runs dtc's checks on a blob; returns its warnings and errors (empty when it has none). */
export function dtcWarnings(blob: Uint8Array): string {
  return inTempDir((dir) => {
    const input = join(dir, "in.dtb");
    writeFileSync(input, blob);
    const run = spawnSync("dtc", ["-I", "dtb", "-O", "dts", "-o", join(dir, "out.dts"), input], {
      encoding: "utf8",
    });
    return `${run.stderr}${run.status === 0 ? "" : `exit status ${run.status}`}`;
  });
}
