/**
 * End to end: every recorded QEMU case of `@sel4/guests` (aarch64/virt) gives the same UART bytes
 * under `sel4-vmm run` with the same stdin, and `printf 'info\npoweroff\n' | pnpm start` answers
 * and exits 0.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  EXIT_GUARD,
  EXIT_GUEST_ERROR,
  EXIT_POWEROFF,
  EXIT_STALLED,
  parseCommandLine,
  type RunOptions,
  type RunResult,
  runGuest,
} from "../src/index.js";
import { runChild, sel4vmm, virtGuests } from "./cli-process.js";

interface QemuCase {
  readonly name: string;
  readonly binary: string;
  readonly smp: number;
  readonly stdin: string;
}

const manifest = JSON.parse(readFileSync(join(virtGuests, "expected", "cases.json"), "utf8")) as {
  cases: QemuCase[];
};

function options(args: string[]): RunOptions {
  const c = parseCommandLine(["run", ...args]);
  if (c.kind !== "run") throw new Error("not a run");
  return c.options;
}

/** Runs in this process with real streams: stdin from bytes, stdout and stderr collected. */
async function runInProcess(args: string[], stdin: string) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const collect = (into: Buffer[]) =>
    new Writable({
      write(chunk, _enc, cb) {
        into.push(Buffer.from(chunk));
        cb();
      },
    });
  const result: RunResult = await runGuest(options(args), {
    stdin: Readable.from([Buffer.from(stdin, "latin1")]),
    stdout: collect(out),
    stderr: collect(err),
  });
  return { result, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() };
}

describe("guests under sel4-vmm match QEMU byte for byte", () => {
  for (const c of manifest.cases) {
    it(`${c.name} (${c.binary}, -smp ${c.smp})`, { timeout: 120_000 }, async () => {
      const kernel = join(virtGuests, "bin", c.binary);
      const r = await runInProcess(["--kernel", kernel, "--smp", String(c.smp)], c.stdin);
      const expected = readFileSync(join(virtGuests, "expected", `${c.name}.txt`));
      expect(r.stdout.toString("latin1")).toBe(expected.toString("latin1"));
      expect([r.result.status, r.result.reason]).toEqual([EXIT_POWEROFF, null]);
      expect(r.stderr).toBe("");
    });
  }
});

describe("run outcomes", () => {
  it("--max-insns stops the guest with status 4 and one line; --stats and --trace exits go to stderr", {
    timeout: 60_000,
  }, async () => {
    const r = await sel4vmm([
      "run",
      "--kernel",
      join(virtGuests, "bin", "smp"),
      "--smp",
      "2",
      "--max-insns",
      "1000000",
      "--stats",
      "--trace",
      "exits",
    ]);
    expect(r.status).toBe(EXIT_GUARD);
    const lines = r.stderr.trimEnd().split("\n");
    const trace = lines.filter((l) => l.startsWith("exit "));
    expect(trace[0]).toMatch(/^exit 1 vcpu0 mmio ip=0x4020[0-9a-f]{4} addr=0x90000[0-9a-f]{2}$/);
    expect(trace.some((l) => / vcpu1 /.test(l))).toBe(true); // CPU_ON reached the second vCPU
    expect(trace.every((l, i) => l.startsWith(`exit ${i + 1} vcpu`))).toBe(true);
    expect(lines).toContain("sel4-vmm: instruction guard reached (--max-insns 1000000)");
    expect(lines).toContain(`sel4-vmm: vm exits: ${trace.length}`);
    expect(lines).toContain("sel4-vmm: instructions: 1000000");
    expect(lines).toContain("sel4-vmm: virtual time: 0.001000 s");
    expect(r.stdout.toString()).toMatch(/^smp: /);
    expect(r.stdout.toString()).not.toMatch(/sel4-vmm|exit \d/);
  });

  it("a guest waiting for input when stdin is closed stops with status 5", {
    timeout: 60_000,
  }, async () => {
    const r = await runInProcess(["--kernel", join(virtGuests, "bin", "uart-irq")], "abc");
    expect(r.result.status).toBe(EXIT_STALLED);
    expect(r.result.reason).toBe("the guest waits for input and stdin is closed");
    expect(r.stdout.toString()).toContain("abc");
  });

  it("a kernel jumping outside RAM and devices is a guest error with status 1 and the fault address", {
    timeout: 60_000,
  }, async () => {
    // A Linux arm64 Image whose first instruction branches to 0x1000_0000 (nothing there).
    const image = new Uint8Array(4096);
    const dv = new DataView(image.buffer);
    dv.setUint32(56, 0x644d5241, true); // "ARM\x64"
    dv.setBigUint64(16, 4096n, true); // image_size
    // ldr x1, =0x10000000 ; br x1 -> movz x1, #0x1000, lsl #16 ; br x1
    dv.setUint32(0, 0xd2a20001, true);
    dv.setUint32(4, 0xd61f0020, true);
    const path = join(virtGuests, "..", "..", "..", "..", "vmm", "temp-bad-image");
    const { writeFileSync, rmSync, mkdirSync } = await import("node:fs");
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, image);
    try {
      const r = await runInProcess(["--kernel", path], "");
      expect(r.result.status).toBe(EXIT_GUEST_ERROR);
      expect(r.result.reason).toMatch(/^guest error: .*10000000/);
    } finally {
      rmSync(path);
    }
  });

  it("printf 'info\\npoweroff\\n' | pnpm -s start: the answer on stdout and status 0", {
    timeout: 120_000,
  }, async () => {
    const r = await runChild("pnpm", ["-s", "start"], "info\npoweroff\n");
    const out = r.stdout.toString("latin1");
    expect(r.status).toBe(0);
    expect(out).toMatch(/^\r?\nsel4-shell: /);
    expect(out).toContain(
      "sel4> info\r\ncpus: 2 (MPIDR 0x0 0x1)\r\nmemory: 128 MiB at 0x40000000\r\n",
    );
    expect(out).toMatch(/Powering off\.\r\n$/);
  });
});
