/**
 * Host memory for a guest with 1 GiB of RAM that touches 16 MiB (`touch16m`), against one that
 * touches nothing (`hello`), under `sel4-vmm run` in this process and under qemu-system-aarch64 in
 * the same run. Run: `node --expose-gc --import tsx bench/memory.ts` (the `bench` script does).
 *
 * The kernel model's backed page count is exact; the process deltas are read right after the run
 * returns, before a collection could free the guest's pages, so they are indicative only.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { EXIT_POWEROFF, parseCommandLine, runGuest } from "../src/index.js";
import { virtGuests } from "../test/cli-process.js";

const MiB = 2 ** 20;
const GUESTS = ["hello", "touch16m"] as const;
const manifest = JSON.parse(readFileSync(join(virtGuests, "expected", "cases.json"), "utf8")) as {
  machine: string[];
};

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error("run with node --expose-gc");

const discard = () =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

async function underSel4Vmm(binary: string) {
  const c = parseCommandLine(["run", "--kernel", join(virtGuests, "bin", binary), "-m", "1G"]);
  if (c.kind !== "run") throw new Error("not a run");
  collect?.();
  const before = process.memoryUsage();
  const r = await runGuest(c.options, {
    stdin: Readable.from([]),
    stdout: discard(),
    stderr: discard(),
  });
  const after = process.memoryUsage();
  if (r.status !== EXIT_POWEROFF) throw new Error(`${binary}: status ${r.status} ${r.reason}`);
  return {
    backed: r.stats.resident_pages * 4096,
    pages: r.stats.resident_pages,
    rss: after.rss - before.rss,
    heap: after.heapUsed - before.heapUsed,
    buffers: after.arrayBuffers - before.arrayBuffers,
  };
}

/** QEMU's peak RSS (VmHWM) through GNU time's "Maximum resident set size", or null. */
function underQemu(binary: string): number | null {
  const machine = manifest.machine.map((a, i, all) => (all[i - 1] === "-m" ? "1G" : a));
  const r = spawnSync(
    "/usr/bin/time",
    ["-v", "qemu-system-aarch64", ...machine, "-kernel", join(virtGuests, "bin", binary)],
    { input: "", timeout: 60_000, encoding: "utf8" },
  );
  const kib = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? "");
  if (r.status !== 0 || kib === null) return null;
  return Number(kib[1]) * 1024;
}

const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
process.stdout.write(`guest RAM -m 1G; ${new Date().toISOString()}; load average ${load}\n`);
await underSel4Vmm("hello"); // warm-up: compiles the emulator, so the deltas below are the guests'
for (const g of GUESTS) {
  const m = await underSel4Vmm(g);
  process.stdout.write(
    `${g}: sel4-vmm backed ${m.pages} pages = ${mib(m.backed)}; process delta rss ${mib(m.rss)}, heap ${mib(m.heap)}, array buffers ${mib(m.buffers)}\n`,
  );
}
for (const g of GUESTS) {
  const hwm = underQemu(g);
  process.stdout.write(
    `${g}: qemu-system-aarch64 (TCG) peak RSS ${hwm === null ? "not measured (no qemu or GNU time)" : mib(hwm)}\n`,
  );
}
