/**
 * End to end: every program of `packages/guests/x86/pc` booted on the kernel model through
 * `@sel4/vm` + `@sel4/vm-x86` with the PC devices prints what QEMU printed and exits with QEMU's
 * status (the records in `expected/`).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bootPc } from "./pc-machine.js";

const PC = fileURLToPath(new URL("../../guests/x86/pc/", import.meta.url));

interface Expected {
  readonly argv: string[];
  readonly stdin: string;
  readonly status: number;
  readonly output: string;
}

function expected(name: string): Expected {
  const text = readFileSync(`${PC}expected/${name}.txt`, "latin1");
  const marker = "--- serial output ---\n";
  const head = text.slice(0, text.indexOf(marker));
  const line = (key: string) =>
    head
      .split("\n")
      .find((l) => l.startsWith(`${key}: `))!
      .slice(key.length + 2);
  return {
    argv: JSON.parse(line("argv")) as string[],
    stdin: JSON.parse(line("stdin")) as string,
    status: Number(line("exit status")),
    output: text.slice(text.indexOf(marker) + marker.length),
  };
}

function cmdline(argv: readonly string[]): string {
  const kernel = argv[argv.indexOf("-kernel") + 1]!;
  const i = argv.indexOf("-append");
  return i < 0 ? kernel : `${kernel} ${argv[i + 1]}`;
}

const PROGRAMS = [
  "hello",
  "cpuid-msr",
  "rtc",
  "interrupts",
  "paging",
  "mmio",
  "echo",
  "unhandled-fault",
];

describe("PC guests under the VMM match QEMU", () => {
  for (const name of PROGRAMS) {
    it(name, async () => {
      const e = expected(name);
      const image = new Uint8Array(readFileSync(`${PC}bin/${name}`));
      const run = await bootPc(image, {
        cmdline: cmdline(e.argv),
        stdin: Uint8Array.from(Buffer.from(e.stdin, "latin1")),
      });
      expect(run.output).toBe(e.output);
      expect({ status: run.status, message: run.message }).toEqual({
        status: e.status,
        message: `isa-debug-exit status ${e.status}`,
      });
    }, 120_000);
  }
});
