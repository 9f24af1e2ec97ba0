// The x86 pc guests: the committed binaries are what the sources build to (when gcc -m32 and the
// recorded toolchain are here), and each binary prints under QEMU exactly what expected/<name>.txt
// recorded, with the same exit status.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { guestsRoot, listGuests } from "../src/index.js";

const groupDir = join(guestsRoot(), "x86", "pc");
const expectedDir = join(groupDir, "expected");
const QEMU_TIMEOUT_MS = 20_000;
const OUTPUT_MARKER = "--- serial output ---\n";

/** One recorded QEMU run (see scripts/record-expected.mjs for the file format). */
interface ExpectedRun {
  readonly name: string;
  readonly argv: readonly string[];
  readonly stdin: string;
  readonly exitStatus: number;
  readonly output: string;
}

function headerValue(header: string, key: string, file: string): string {
  const line = header.split("\n").find((l) => l.startsWith(`${key}: `));
  if (line === undefined) throw new Error(`${file}: no "${key}:" line`);
  return line.slice(key.length + 2);
}

function parseExpected(file: string): ExpectedRun {
  const text = readFileSync(join(expectedDir, file)).toString("latin1");
  const split = text.indexOf(OUTPUT_MARKER);
  if (split < 0) throw new Error(`${file}: no "${OUTPUT_MARKER.trim()}" line`);
  const header = text.slice(0, split);
  const argv: unknown = JSON.parse(headerValue(header, "argv", file));
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string")) {
    throw new Error(`${file}: argv is not a list of strings`);
  }
  const stdin: unknown = JSON.parse(headerValue(header, "stdin", file));
  if (typeof stdin !== "string") throw new Error(`${file}: stdin is not a string`);
  const exitStatus = Number(headerValue(header, "exit status", file));
  if (!Number.isInteger(exitStatus)) throw new Error(`${file}: exit status is not an integer`);
  return {
    name: file.replace(/\.txt$/, ""),
    argv,
    stdin,
    exitStatus,
    output: text.slice(split + OUTPUT_MARKER.length),
  };
}

function commandWorks(command: string, args: string[], input = ""): boolean {
  const result = spawnSync(command, args, { input, stdio: ["pipe", "ignore", "ignore"] });
  return result.error === undefined && result.status === 0;
}

function firstLine(command: string, args: string[]): string {
  return spawnSync(command, args).stdout?.toString().split("\n")[0] ?? "";
}

/** Runs QEMU in the group folder (the records name `bin/<name>` relatively), stdin then EOF. */
function runQemu(
  argv: readonly string[],
  stdin: string,
): { output: string; status: number | null } {
  const result = spawnSync(argv[0]!, argv.slice(1), {
    cwd: groupDir,
    input: Buffer.from(stdin, "latin1"),
    timeout: QEMU_TIMEOUT_MS,
  });
  if (result.error) throw result.error;
  if (result.signal !== null) throw new Error(`${argv.join(" ")}: killed by ${result.signal}`);
  return { output: result.stdout.toString("latin1"), status: result.status };
}

/** The recorded argv with its console options replaced by -nographic (the brief's command). */
function withNographic(argv: readonly string[]): string[] {
  const consoleOptions = new Set(["-display", "-serial", "-monitor", "-nic"]);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (consoleOptions.has(argv[i]!)) {
      i++; // skip its value too
    } else {
      out.push(argv[i]!);
    }
  }
  return [out[0]!, "-nographic", ...out.slice(1)];
}

const expectedRuns = readdirSync(expectedDir)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map(parseExpected);
const programs = listGuests("x86", "pc").map((g) => g.name);
const haveQemu = commandWorks("qemu-system-i386", ["--version"]);
const haveGcc32 =
  commandWorks("make", ["--version"]) &&
  commandWorks(
    "gcc",
    ["-m32", "-ffreestanding", "-c", "-x", "c", "-", "-o", "/dev/null"],
    "int x;",
  );

describe("x86/pc guests", () => {
  it("has a recorded QEMU run for every committed program, and a program for every run", () => {
    expect(programs.length).toBeGreaterThanOrEqual(7);
    expect(expectedRuns.map((r) => r.name)).toEqual(programs);
    for (const run of expectedRuns) {
      expect(run.argv).toContain(`bin/${run.name}`);
    }
  });

  describe("rebuild", () => {
    const scratch = mkdtempSync(join(tmpdir(), "guests-x86-pc-"));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it.skipIf(!haveGcc32)("gives the committed binaries byte for byte", (context) => {
      const recorded = readFileSync(join(groupDir, "toolchain.txt"), "utf8").trim().split("\n");
      const current = [firstLine("gcc", ["--version"]), firstLine("ld", ["--version"])];
      if (recorded.join("\n") !== current.join("\n")) {
        context.skip(`bin/ was built by ${recorded.join(", ")}; this is ${current.join(", ")}`);
      }
      const bin = join(scratch, "bin");
      const make = spawnSync(
        "make",
        ["-C", groupDir, "-s", `BIN=${bin}`, `BUILD=${join(scratch, "build")}`],
        { encoding: "utf8" },
      );
      expect(make.stderr).toBe("");
      expect(make.status).toBe(0);
      expect(readdirSync(bin).sort()).toEqual(programs);
      for (const name of programs) {
        const rebuilt = readFileSync(join(bin, name));
        const committed = readFileSync(join(groupDir, "bin", name));
        expect(rebuilt.equals(committed), `bin/${name} differs from a rebuild`).toBe(true);
      }
    });
  });

  describe.skipIf(!haveQemu)("under qemu-system-i386", () => {
    for (const run of expectedRuns) {
      it(`${run.name} prints what was recorded and exits with status ${run.exitStatus}`, () => {
        expect(existsSync(join(groupDir, "bin", run.name))).toBe(true);
        const result = runQemu(run.argv, run.stdin);
        expect(result.output).toBe(run.output);
        expect(result.status).toBe(run.exitStatus);
      });
    }

    // The records keep the firmware quiet; under -nographic SeaBIOS prints a banner on the same
    // serial port first, and the program's own output must follow it unchanged.
    for (const run of expectedRuns.filter((r) => r.stdin === "")) {
      it(`${run.name} runs unchanged under -nographic (after the firmware banner)`, () => {
        const result = runQemu(withNographic(run.argv), "");
        expect(result.output.length).toBeGreaterThan(run.output.length);
        expect(result.output.endsWith(run.output)).toBe(true);
        expect(result.status).toBe(run.exitStatus);
      });
    }
  });
});
