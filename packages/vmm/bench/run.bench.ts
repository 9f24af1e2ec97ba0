/**
 * Whole runs of `sel4-vmm run`, in process: `hello` (boot set-up dominates: kernel model, allocman,
 * 128 MiB of guest RAM mapped, the vGIC, loading) and `smp -smp 2` (about 3 million guest
 * instructions with a few hundred VM exits: emulation and exit handling dominate).
 */
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { bench, describe } from "vitest";
import { parseCommandLine, runGuest } from "../src/index.js";

const virt = join(import.meta.dirname, "..", "..", "guests", "aarch64", "virt", "bin");

async function run(args: string[]): Promise<void> {
  const c = parseCommandLine(["run", ...args]);
  if (c.kind !== "run") throw new Error("not a run");
  const drop = () =>
    new Writable({
      write(_chunk, _enc, cb) {
        cb();
      },
    });
  const r = await runGuest(c.options, { stdin: Readable.from([]), stdout: drop(), stderr: drop() });
  if (r.status !== 0) throw new Error(`status ${r.status}: ${r.reason}`);
}

describe("sel4-vmm run", () => {
  bench("hello (boot set-up + 50 k instructions)", () => run(["--kernel", join(virt, "hello")]), {
    iterations: 5,
  });
  bench(
    "smp --smp 2 (3.06 M instructions)",
    () => run(["--kernel", join(virt, "smp"), "--smp", "2"]),
    {
      iterations: 3,
    },
  );
});
