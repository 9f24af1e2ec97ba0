// The aarch64/virt guests: committed binaries match their sources (when the cross compiler is
// here), each runs under QEMU with exactly its recorded UART output, and the binaries have the
// shape our ELF loader and QEMU's -kernel expect.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  expectedPath,
  loadManifest,
  qemuArgs,
  qemuBinary,
  runQemu,
  virtDir,
} from "../aarch64/virt/scripts/qemu-cases.js";
import { listGuests } from "../src/index.js";

const QEMU_TIMEOUT_MS = 20_000;
const RAM_BASE = 0x4000_0000n;
const LOAD_ADDRESS = 0x4020_0000n;
const EM_AARCH64 = 183;
const PT_LOAD = 1;

function installed(command: string): boolean {
  return spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;
}

const haveQemu = installed(qemuBinary);
const haveCrossCompiler = installed("aarch64-linux-gnu-gcc") && installed("make");
// CI installs both; only a developer machine without them may skip.
const mustRun = process.env.CI !== undefined && process.env.CI !== "";

const manifest = loadManifest();
const binDir = join(virtDir, "bin");
const committed = readdirSync(binDir).sort();

describe("aarch64/virt guest binaries", () => {
  const tempDirs: string[] = [];
  afterAll(() => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!haveCrossCompiler && !mustRun)(
    "are byte-identical to a fresh build of the sources",
    () => {
      const out = mkdtempSync(join(tmpdir(), "guests-virt-"));
      tempDirs.push(out);
      const make = spawnSync(
        "make",
        ["-s", "-j2", "-C", virtDir, `OUT=${join(out, "bin")}`, `BUILD=${join(out, "obj")}`],
        { encoding: "utf8" },
      );
      expect(make.stderr).toBe("");
      expect(make.status).toBe(0);
      const rebuilt = readdirSync(join(out, "bin")).sort();
      expect(rebuilt).toEqual(committed);
      for (const name of committed) {
        const fresh = readFileSync(join(out, "bin", name));
        const old = readFileSync(join(binDir, name));
        expect(fresh.equals(old), `bin/${name} is stale: run make -C packages/guests`).toBe(true);
      }
    },
    120_000,
  );

  it("are listed by listGuests", () => {
    const names = listGuests("aarch64", "virt").map((g) => g.name);
    expect(names).toEqual(committed);
    expect(committed).toEqual(
      expect.arrayContaining([
        "hello",
        "vectors",
        "timer",
        "mmu",
        "fault",
        "smp",
        "uart-irq",
        "sel4-shell",
      ]),
    );
  });

  it.each(committed)("%s is an AArch64 ELF entered at 0x40200000, loaded above the DTB", (name) => {
    const elf = readFileSync(join(binDir, name));
    expect(elf.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(elf[4]).toBe(2); // 64-bit
    expect(elf[5]).toBe(1); // little-endian
    expect(elf.readUInt16LE(18)).toBe(EM_AARCH64);
    expect(elf.readBigUInt64LE(24)).toBe(LOAD_ADDRESS);
    const phoff = Number(elf.readBigUInt64LE(32));
    const phentsize = elf.readUInt16LE(54);
    const phnum = elf.readUInt16LE(56);
    let loads = 0;
    for (let i = 0; i < phnum; i++) {
      const ph = phoff + i * phentsize;
      if (elf.readUInt32LE(ph) !== PT_LOAD) continue;
      loads++;
      const paddr = elf.readBigUInt64LE(ph + 24);
      const memsz = elf.readBigUInt64LE(ph + 40);
      // QEMU puts its 1 MiB device tree at the RAM base: the program must leave that free.
      expect(paddr >= RAM_BASE + 0x20_0000n).toBe(true);
      expect(paddr + memsz <= RAM_BASE + 0x800_0000n).toBe(true); // fits QEMU's default 128 MiB
    }
    expect(loads).toBeGreaterThan(0);
  });

  it("each have at least one recorded QEMU case", () => {
    const covered = new Set(manifest.cases.map((c) => c.binary));
    expect([...covered].sort()).toEqual(committed);
  });
});

describe.skipIf(!haveQemu && !mustRun)("aarch64/virt guests under QEMU", () => {
  it.each(manifest.cases.map((c) => [c.name, c] as const))(
    "%s prints exactly its expected output and powers off",
    async (_name, c) => {
      const run = await runQemu(qemuArgs(manifest, c), [c.stdin], QEMU_TIMEOUT_MS);
      expect(run.timedOut, `QEMU did not exit: ${run.stdout.toString("latin1")}`).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      const expected = readFileSync(expectedPath(c));
      expect(run.stdout.toString("latin1")).toBe(expected.toString("latin1"));
    },
    QEMU_TIMEOUT_MS + 5_000,
  );

  it.skipIf((!installed("gcc") || !installed("dtc")) && !mustRun)(
    "the guests' device tree reader survives corrupted trees (host build, AddressSanitizer)",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "guests-fdt-"));
      try {
        const qemuDtb = join(dir, "virt.dtb");
        const dump = spawnSync(qemuBinary, [
          ...manifest.machine,
          "-smp",
          "2",
          "-M",
          `virt,gic-version=2,dumpdtb=${qemuDtb}`,
        ]);
        expect(dump.status, dump.stderr?.toString()).toBe(0);
        const oneCellDtb = join(dir, "one-cell.dtb");
        const dtc = spawnSync(
          "dtc",
          ["-I", "dts", "-O", "dtb", "-o", oneCellDtb, "host-tests/one-cell.dts"],
          { cwd: virtDir, encoding: "utf8" },
        );
        expect(dtc.status, dtc.stderr).toBe(0);
        const harness = join(dir, "fdt_fuzz");
        const gcc = spawnSync(
          "gcc",
          [
            "-O1",
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-Iinclude",
            "-o",
            harness,
            "host-tests/fdt_fuzz.c",
            "runtime/fdt.c",
            "runtime/machine.c",
          ],
          { cwd: virtDir, encoding: "utf8" },
        );
        expect(gcc.stderr).toBe("");
        const trees = [
          [qemuDtb, "2", "128", "hvc"],
          [oneCellDtb, "3", "256", "smc"],
        ];
        for (const [dtb, cpus, mib, psci] of trees) {
          const fuzz = spawnSync(harness, [dtb!, cpus!, mib!, psci!, "20000", "1"], {
            encoding: "utf8",
          });
          expect(fuzz.stderr).toBe("");
          expect(fuzz.status).toBe(0);
          const [iterations, intact] = fuzz.stdout.trim().split(" ").map(Number);
          expect(iterations).toBe(20000);
          // Some corruptions leave a walkable tree, most do not: both paths ran.
          expect(intact).toBeGreaterThan(0);
          expect(intact).toBeLessThan(20000);
        }
        // The harness itself can fail: a wrong expectation is reported.
        const wrong = spawnSync(harness, [oneCellDtb, "3", "256", "hvc", "1", "1"]);
        expect(wrong.status).not.toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it("sel4-shell counts timer interrupts while it waits for input", async () => {
    const shell = manifest.cases.find((c) => c.binary === "sel4-shell")!;
    const run = await runQemu(
      qemuArgs(manifest, shell),
      ["ticks\n", "ticks\npoweroff\n"],
      QEMU_TIMEOUT_MS,
      300,
      "sel4> ",
    );
    expect(run.code, run.stderr).toBe(0);
    const counts = [...run.stdout.toString("latin1").matchAll(/ticks: (\d+) \(100 Hz/g)].map((m) =>
      Number(m[1]),
    );
    expect(counts).toHaveLength(2);
    // 300 ms apart at 100 Hz: about 30 ticks; any increase proves the interrupts arrive.
    expect(counts[1]!).toBeGreaterThan(counts[0]!);
  });
});
