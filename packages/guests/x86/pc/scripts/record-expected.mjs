#!/usr/bin/env node
// Rebuilds the programs (make), then runs each under QEMU and records what it printed on the
// serial console and how it exited in expected/<name>.txt, together with the exact command line
// and stdin (latin1: one char per byte). Each program runs twice; differing runs mean
// nondeterministic output, an error.
// The toolchain that built bin/ goes to toolchain.txt (the rebuild test compares only under it).
//
//   node packages/guests/x86/pc/scripts/record-expected.mjs
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const groupDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const TIMEOUT_MS = 20_000;

/** Per-program QEMU extras: a kernel command line, bytes for the UART receiver, more options. */
const runs = {
  hello: { append: "console=ttyS0 greeting=hi" },
  interrupts: {},
  paging: {},
  mmio: {},
  "cpuid-msr": {},
  // Bytes are latin1: the tab, NUL and high bytes check the receiver passes any byte through.
  echo: {
    stdin: "hello, guest\nsecond line:\t0123456789 \u00e9\u00ff\u0000!?\n~ignored after the end\n",
  },
  // The RTC starts at a fixed time and runs on the VM's clock, so minutes do not change in a run.
  rtc: { options: ["-rtc", "base=2026-01-02T12:34:00,clock=vm"] },
  "unhandled-fault": {},
};

/** The QEMU command: the pc machine our VMM imitates, console on stdio, no firmware console. */
function qemuArgv(name, append, options = []) {
  return [
    "qemu-system-i386",
    ...["-M", "pc", "-cpu", "pentium3", "-m", "128M"],
    ...["-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none", "-no-reboot"],
    ...options,
    ...["-kernel", `bin/${name}`],
    ...(append === undefined ? [] : ["-append", append]),
    ...["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
  ];
}

function runOnce(argv, stdin) {
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd: groupDir,
    input: Buffer.from(stdin, "latin1"),
    timeout: TIMEOUT_MS,
    maxBuffer: 1 << 20,
  });
  if (result.error) throw result.error;
  if (result.status === null) throw new Error(`${argv.join(" ")}: killed by ${result.signal}`);
  return { output: result.stdout.toString("latin1"), status: result.status };
}

execFileSync("make", ["-C", groupDir, "-s"], { stdio: "inherit" });
const built = readdirSync(join(groupDir, "bin")).sort();
const missing = built.filter((name) => !(name in runs));
if (missing.length > 0) throw new Error(`no run defined for: ${missing.join(", ")}`);

const toolchain = [
  execFileSync("gcc", ["--version"]).toString().split("\n")[0],
  execFileSync("ld", ["--version"]).toString().split("\n")[0],
];
writeFileSync(join(groupDir, "toolchain.txt"), `${toolchain.join("\n")}\n`);

for (const [name, { append, stdin = "", options }] of Object.entries(runs)) {
  const argv = qemuArgv(name, append, options);
  const first = runOnce(argv, stdin);
  const second = runOnce(argv, stdin);
  if (first.output !== second.output || first.status !== second.status) {
    throw new Error(`${name}: two runs under QEMU differ`);
  }
  const header = [
    `# Serial output of bin/${name} under QEMU, recorded by scripts/record-expected.mjs.`,
    "# Run in packages/guests/x86/pc; stdin is written in full, then closed.",
    `argv: ${JSON.stringify(argv)}`,
    `stdin: ${JSON.stringify(stdin)}`,
    `exit status: ${first.status}`,
    "--- serial output ---",
    "",
  ].join("\n");
  writeFileSync(
    join(groupDir, "expected", `${name}.txt`),
    Buffer.from(header + first.output, "latin1"),
  );
  console.error(`${name}: exit status ${first.status}, ${first.output.length} bytes`);
}
