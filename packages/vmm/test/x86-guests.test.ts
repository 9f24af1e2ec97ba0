/**
 * `sel4-vmm run --arch x86`: every recorded QEMU case of `@sel4/guests` (x86/pc) gives the same
 * UART bytes and exit status, in process and as a child process; bad x86 inputs are one-line
 * errors; a guest halted for good ends the run with a message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  EXIT_BAD_FILE,
  EXIT_GUARD,
  EXIT_STALLED,
  EXIT_USAGE,
  parseCommandLine,
  sel4_vmm_main,
} from "../src/index.js";
import { repoRoot, sel4vmm } from "./cli-process.js";

const PC = join(repoRoot, "packages", "guests", "x86", "pc");
const PROGRAMS = [
  "hello",
  "echo",
  "interrupts",
  "paging",
  "mmio",
  "cpuid-msr",
  "rtc",
  "unhandled-fault",
];

interface Expected {
  readonly argv: readonly string[];
  readonly stdin: string;
  readonly status: number;
  readonly output: string;
}

function expected(name: string): Expected {
  const text = readFileSync(join(PC, "expected", `${name}.txt`), "latin1");
  const marker = "--- serial output ---\n";
  const head = text.slice(0, text.indexOf(marker)).split("\n");
  const field = (key: string): string => {
    const line = head.find((l) => l.startsWith(`${key}: `));
    if (line === undefined) throw new Error(`${name}: no ${key}`);
    return line.slice(key.length + 2);
  };
  return {
    argv: JSON.parse(field("argv")) as string[],
    stdin: JSON.parse(field("stdin")) as string,
    status: Number(field("exit status")),
    output: text.slice(text.indexOf(marker) + marker.length),
  };
}

/** Our arguments for QEMU's: the kernel (at `kernel`), -m and -append carry over. */
function argsFor(e: Expected, kernel: string): string[] {
  const args = ["run", "--arch", "x86", "--kernel", kernel];
  const m = e.argv.indexOf("-m");
  if (m >= 0) args.push("-m", e.argv[m + 1]!);
  const a = e.argv.indexOf("-append");
  if (a >= 0) args.push("--append", e.argv[a + 1]!);
  return args;
}

/** QEMU was run with the kernel at `bin/NAME`: the guest prints its command line, path first. */
function outputFor(e: Expected, name: string, kernel: string): string {
  return e.output.replace(`command line: "bin/${name}`, `command line: "${kernel}`);
}

function collector() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

async function runInProcess(args: string[], stdin: Uint8Array) {
  const out = collector();
  const err = collector();
  const status = await sel4_vmm_main(args, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: out.stream,
    stderr: err.stream,
  });
  return { status, stdout: out.bytes(), stderr: err.bytes().toString("utf8") };
}

/** A Multiboot-less flat ELF32 (EM_386) with `code` at 0x100000, entered there. */
function tinyElf(code: number[], machine = 3): Uint8Array {
  const b = Buffer.alloc(0x1000 + code.length);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeUInt32LE(0x100000, 24);
  b.writeUInt32LE(52, 28);
  b.writeUInt16LE(52, 40);
  b.writeUInt16LE(32, 42);
  b.writeUInt16LE(1, 44);
  b.writeUInt32LE(1, 52);
  b.writeUInt32LE(0x1000, 56);
  b.writeUInt32LE(0x100000, 60);
  b.writeUInt32LE(0x100000, 64);
  b.writeUInt32LE(code.length, 68);
  b.writeUInt32LE(code.length, 72);
  b.writeUInt32LE(5, 76);
  b.set(code, 0x1000);
  return new Uint8Array(b);
}

function tempFile(bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), "sel4-vmm-x86-")), "guest.elf");
  writeFileSync(path, bytes);
  return path;
}

describe("sel4-vmm run --arch x86 (in process)", () => {
  for (const name of PROGRAMS) {
    it(`${name}: QEMU's serial output and exit status`, async () => {
      const e = expected(name);
      const kernel = join(PC, "bin", name);
      const r = await runInProcess(argsFor(e, kernel), Buffer.from(e.stdin, "latin1"));
      expect(r.stdout.toString("latin1")).toBe(outputFor(e, name, kernel));
      expect(r.status).toBe(e.status);
      expect(r.stderr).toBe("");
    }, 120_000);
  }

  it("--arch x86, i386 and x86_64 select the PC machine; aarch64 stays the default", () => {
    for (const arch of ["x86", "i386", "x86_64"]) {
      const c = parseCommandLine(["run", "--kernel", "k", "--arch", arch]);
      expect(c.kind === "run" && c.options.arch).toBe("x86");
    }
    const c = parseCommandLine(["run", "--kernel", "k"]);
    expect(c.kind === "run" && c.options.arch).toBe("aarch64");
  });

  it("a guest halted (cli; hlt) with interrupts off ends the run with one line and a non-zero status", async () => {
    const r = await runInProcess(
      ["run", "--arch", "x86", "-m", "16M", "--kernel", tempFile(tinyElf([0xfa, 0xf4]))],
      new Uint8Array(),
    );
    expect(r.status).toBe(EXIT_STALLED);
    expect(r.stderr).toMatch(
      /^sel4-vmm: guest halted with interrupts disabled at eip 0x100002: nothing can wake it\n$/,
    );
  });

  it("--max-insns stops a spinning guest (out; jmp .) with the guard status; --stats reports the exits", async () => {
    const r = await runInProcess(
      [
        "run",
        "--arch",
        "x86",
        "-m",
        "16M",
        "--max-insns",
        "2000000",
        "--stats",
        "--kernel",
        tempFile(tinyElf([0xe6, 0x80, 0xeb, 0xfe])),
      ],
      new Uint8Array(),
    );
    expect(r.status).toBe(EXIT_GUARD);
    expect(r.stderr).toMatch(/^sel4-vmm: instruction guard reached \(--max-insns 2000000\)\n/);
    expect(r.stderr).toMatch(/sel4-vmm: instructions: 2000000\n/);
    expect(r.stderr).toMatch(/sel4-vmm: {3}i\/o instruction: 1\n/);
  });

  it("bad x86 inputs are one-line errors", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--kernel", tempFile(tinyElf([0xf4], 62))], EXIT_BAD_FILE, /not a 32-bit IA-32 ELF/],
      [["--kernel", tempFile(new Uint8Array([1, 2, 3]))], EXIT_BAD_FILE, /not an ELF file/],
      [["--kernel", "/nonexistent/guest"], EXIT_BAD_FILE, /no such file/],
      [["-m", "1M", "--kernel", tempFile(tinyElf([0xf4]))], EXIT_BAD_FILE, /beyond guest RAM/],
      [["--smp", "2", "--kernel", "k"], EXIT_USAGE, /one vCPU/],
      [["--dtb", "d", "--kernel", "k"], EXIT_USAGE, /--dtb: not supported/],
    ];
    for (const [args, status, message] of cases) {
      const r = await runInProcess(["run", "--arch", "x86", ...args], new Uint8Array());
      expect(r.status).toBe(status);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split("\n")).toHaveLength(2);
      expect(r.stdout).toHaveLength(0);
    }
  });
});

describe("sel4-vmm run --arch x86 (child process)", () => {
  it("echo: stdin to the UART, QEMU's output and status", async () => {
    const e = expected("echo");
    const kernel = "packages/guests/x86/pc/bin/echo";
    const r = await sel4vmm(argsFor(e, kernel), Buffer.from(e.stdin, "latin1"));
    expect(r.stdout.toString("latin1")).toBe(outputFor(e, "echo", kernel));
    expect(r.status).toBe(e.status);
    expect(r.stderr).toBe("");
  }, 120_000);
});
