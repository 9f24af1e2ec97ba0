import { describe, expect, it } from "vitest";
import { DEFAULT_MEMORY, parseCommandLine, parseMemorySize, UsageError } from "../src/index.js";

const run = (...args: string[]) => {
  const c = parseCommandLine(["run", "--kernel", "k", ...args]);
  if (c.kind !== "run") throw new Error("not a run");
  return c.options;
};

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
}

describe("parseMemorySize (QEMU -m)", () => {
  it("reads MiB by default and the B/K/M/G/T suffixes in either case", () => {
    expect(parseMemorySize("128")).toBe(128 * 2 ** 20);
    expect(parseMemorySize("1G")).toBe(2 ** 30);
    expect(parseMemorySize("1g")).toBe(2 ** 30);
    expect(parseMemorySize("512M")).toBe(512 * 2 ** 20);
    expect(parseMemorySize("65536K")).toBe(64 * 2 ** 20);
    expect(parseMemorySize("4096B")).toBe(4096);
    expect(parseMemorySize("1T")).toBe(2 ** 40);
    expect(parseMemorySize("1.5G")).toBe(1.5 * 2 ** 30);
    expect(parseMemorySize("size=256M")).toBe(256 * 2 ** 20);
  });

  it("refuses garbage, zero, fractions of a byte and sizes beyond 2^53", () => {
    for (const bad of [
      "",
      "M",
      "-1",
      "1X",
      "1.G",
      "0",
      "0G",
      "1.3B",
      "0x10",
      "1 G",
      "99999999999T",
    ]) {
      expect(() => parseMemorySize(bad), bad).toThrow(UsageError);
    }
  });
});

describe("parseCommandLine", () => {
  it("has QEMU's defaults: 128 MiB, one CPU, no guard, no stats", () => {
    expect(run()).toEqual({
      arch: "aarch64",
      kernel: "k",
      initrd: null,
      append: null,
      dtb: null,
      memory: DEFAULT_MEMORY,
      smp: 1,
      max_insns: null,
      stats: false,
      trace_exits: false,
      pace: "auto",
    });
  });

  it("takes every option with one or two dashes, and values after = or as the next argument", () => {
    const o = run(
      "-initrd",
      "rd",
      "--append=console=ttyAMA0 quiet",
      "-dtb",
      "t.dtb",
      "-m",
      "1G",
      "-smp",
      "cpus=4",
      "--arch",
      "aarch64",
      "--max-insns=1000",
      "--stats",
      "--trace",
      "exits",
      "-M",
      "virt,gic-version=2",
      "-cpu",
      "cortex-a53",
      "-nographic",
      "--pace=wall",
    );
    expect(o).toMatchObject({
      initrd: "rd",
      append: "console=ttyAMA0 quiet",
      dtb: "t.dtb",
      memory: 2 ** 30,
      smp: 4,
      max_insns: 1000,
      stats: true,
      trace_exits: true,
      pace: "wall",
    });
  });

  it("help and version", () => {
    expect(parseCommandLine(["--help"]).kind).toBe("help");
    expect(parseCommandLine(["run", "-h"]).kind).toBe("help");
    expect(parseCommandLine(["--version"]).kind).toBe("version");
  });

  it("every bad command line is one UsageError line naming the problem", () => {
    const cases: [string[], RegExp][] = [
      [[], /no command/],
      [["boot"], /unknown command 'boot'/],
      [["run"], /--kernel FILE is required/],
      [["run", "--kernel"], /--kernel needs a value/],
      [["run", "--kernel", ""], /file name is empty/],
      [["run", "--kernel", "a", "--kernel", "b"], /--kernel given twice/],
      [["run", "--kernel", "a", "extra"], /unexpected argument 'extra'/],
      [["run", "--kernel", "a", "--bogus"], /unknown option '--bogus'/],
      [["run", "--kernel", "a", "-m", "lots"], /-m: 'lots' is not a size/],
      [["run", "--kernel", "a", "--smp", "0"], /--smp: 0 is not between 1 and 8/],
      [["run", "--kernel", "a", "--smp", "9"], /--smp: 9 is not between 1 and 8/],
      [["run", "--kernel", "a", "--smp", "two"], /not a positive integer/],
      [
        ["run", "--kernel", "a", "--max-insns", "-5"],
        /--max-insns needs a value|not a positive integer/,
      ],
      [["run", "--kernel", "a", "--max-insns", "0"], /not between 1/],
      [["run", "--kernel", "a", "--pace", "fast"], /--pace: unknown mode 'fast'/],
      [["run", "--kernel", "a", "--pace", "none", "--pace=wall"], /--pace given twice/],
      [["run", "--kernel", "a", "--max-insns", "1e9"], /not a positive integer/],
      [["run", "--kernel", "a", "--arch", "riscv64"], /unknown architecture 'riscv64'/],
      [["run", "--kernel", "a", "--trace", "insns"], /unknown trace 'insns'/],
      [["run", "--kernel", "a", "--stats=yes"], /--stats takes no value/],
      [["run", "--kernel", "a", "-M", "sbsa-ref"], /only the 'virt' machine/],
      [
        ["run", "--kernel", "a", "-M", "virt,gic-version=3"],
        /unsupported machine property 'gic-version=3'/,
      ],
      [["run", "--kernel", "a", "-cpu", "max"], /only cortex-a53/],
      [["run", "--kernel", "a", "-"], /unexpected argument '-'/],
    ];
    for (const [argv, pattern] of cases) expect(usageError(argv), argv.join(" ")).toMatch(pattern);
  });
});
