/**
 * The same guest ELF booted to power-off under `sel4-vmm run` (in this process: kernel model,
 * libsel4vm VMM, AArch64 emulator) and under `qemu-system-aarch64` (TCG), in the same run, so the
 * ratio between the two lines means something on a shared machine.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { bench, describe } from "vitest";
import { EXIT_POWEROFF, parseCommandLine, runGuest } from "../src/index.js";
import { virtGuests } from "../test/cli-process.js";

const manifest = JSON.parse(readFileSync(join(virtGuests, "expected", "cases.json"), "utf8")) as {
  machine: string[];
};
const haveQemu = spawnSync("qemu-system-aarch64", ["--version"]).status === 0;

const discard = () =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

async function underSel4Vmm(binary: string, smp: number): Promise<void> {
  const c = parseCommandLine([
    "run",
    "--kernel",
    join(virtGuests, "bin", binary),
    "--smp",
    `${smp}`,
  ]);
  if (c.kind !== "run") throw new Error("not a run");
  const r = await runGuest(c.options, {
    stdin: Readable.from([]),
    stdout: discard(),
    stderr: discard(),
  });
  if (r.status !== EXIT_POWEROFF) throw new Error(`${binary}: status ${r.status} ${r.reason}`);
}

function underQemu(binary: string, smp: number): void {
  const r = spawnSync(
    "qemu-system-aarch64",
    [...manifest.machine, "-smp", `${smp}`, "-kernel", join(virtGuests, "bin", binary)],
    { input: "", timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`qemu ${binary}: status ${r.status}`);
}

for (const [binary, smp] of [
  ["hello", 1],
  ["smp", 2],
] as const) {
  describe(`${binary} (-smp ${smp}), boot to power-off`, () => {
    bench("sel4-vmm run (in process)", () => underSel4Vmm(binary, smp), { iterations: 5 });
    bench.skipIf(!haveQemu)("qemu-system-aarch64 (TCG)", () => underQemu(binary, smp), {
      iterations: 5,
    });
  });
}
