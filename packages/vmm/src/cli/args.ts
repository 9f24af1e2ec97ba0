/**
 * The command line of `sel4-vmm`, in QEMU's spelling: options take one or two leading dashes
 * (`-kernel` = `--kernel`) and their value as the next argument or after `=`.
 */
import { parseMemorySize } from "./size.js";
import { UsageError } from "./usage-error.js";

/** Everything `sel4-vmm run` needs to know. */
export interface RunOptions {
  /** Guest architecture: `aarch64` (the virt machine) or `x86` (the PC machine, Multiboot v1). */
  readonly arch: "aarch64" | "x86";
  /** Path of the guest kernel: an AArch64 ELF or a Linux arm64 Image. */
  readonly kernel: string;
  /** Path of an initrd, or null. */
  readonly initrd: string | null;
  /** Kernel command line (`/chosen/bootargs`), or null. */
  readonly append: string | null;
  /** Path of a device tree blob to use instead of the generated one, or null. */
  readonly dtb: string | null;
  /** Guest RAM in bytes (QEMU's default: 128 MiB). */
  readonly memory: number;
  /** Number of vCPUs. */
  readonly smp: number;
  /** Stop the guest after this many guest instructions, or null for no limit. */
  readonly max_insns: number | null;
  /** Print statistics to stderr at the end. */
  readonly stats: boolean;
  /** Print one line per VM exit to stderr. */
  readonly trace_exits: boolean;
  /**
   * Virtual-time pacing: `none` runs as fast as it can (deterministic); `wall` keeps virtual time
   * from running ahead of wall time by more than `PACE_SLACK_MS`; `auto` is `wall` when stdin is
   * a terminal, `none` otherwise.
   */
  readonly pace: PaceMode;
}

/** The `--pace` modes. */
export type PaceMode = "auto" | "wall" | "none";

/** What the command line asks for. */
export type Command =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "run"; readonly options: RunOptions };

/** QEMU's default RAM size for the virt machine. */
export const DEFAULT_MEMORY = 128 * 2 ** 20;
/** Most vCPUs: the GICv2 limit. */
export const MAX_SMP = 8;

/** The usage text (`sel4-vmm --help`). */
export const USAGE = `usage: sel4-vmm run --kernel FILE [options]

Boots the seL4 kernel model, runs a libsel4vm VMM as its root task and runs the guest on a
QEMU-virt-compatible machine (gic-version=2). The guest's UART is stdout; stdin feeds it.

options (QEMU spelling; one or two dashes):
  --kernel FILE      AArch64 ELF (loaded at its physical addresses) or Linux arm64 Image
  --initrd FILE      initial ramdisk
  --append ARGS      kernel command line
  --dtb FILE         device tree blob (default: generated for this machine)
  -m SIZE            guest RAM, QEMU syntax: 128 = 128 MiB, 512M, 1G (default 128M)
  --smp N            number of CPUs, 1 to ${MAX_SMP} (default 1)
  --arch ARCH        guest architecture: aarch64 (default) or x86 (a 32-bit Multiboot v1
                     ELF on a PC machine, as qemu-system-i386 -M pc -cpu pentium3)
  --max-insns N      stop the guest after N instructions (exit status 4)
  --stats            print instructions, speed, virtual time and VM exits to stderr
  --trace exits      print one line per VM exit to stderr
  --pace MODE        wall: virtual time never runs ahead of wall time (interactive);
                     none: as fast as possible; auto (default): wall on a terminal, else none
  -M virt[,gic-version=2], -cpu cortex-a53, -nographic
                     accepted for QEMU command lines; this is the only machine
  -h, --help         this text
  --version          the version

exit status: 0 guest powered off, 1 guest error, 2 bad command line, 3 bad file,
             4 instruction guard reached, 5 guest idle with no input left
on a terminal, Ctrl-A X quits.
`;

interface Cursor {
  readonly args: readonly string[];
  i: number;
}

function positiveInteger(flag: string, text: string, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: '${text}' is not a positive integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${flag}: ${text} is not between 1 and ${max}`);
  }
  return n;
}

function checkMachine(value: string): void {
  const [name, ...props] = value.split(",");
  if (name !== "virt") throw new UsageError(`-M: only the 'virt' machine exists, not '${name}'`);
  for (const p of props) {
    if (p !== "gic-version=2") {
      throw new UsageError(`-M: unsupported machine property '${p}' (only gic-version=2)`);
    }
  }
}

/**
 * Parses the arguments after the program name.
 * @param argv - the arguments, for example `["run", "--kernel", "hello"]`
 * @returns what to do
 * @throws UsageError for anything that is not a valid command line
 */
export function parseCommandLine(argv: readonly string[]): Command {
  if (argv.length === 0)
    throw new UsageError("no command (try: sel4-vmm run --kernel FILE, or --help)");
  const [command, ...rest] = argv;
  if (command === "-h" || command === "--help" || command === "help") return { kind: "help" };
  if (command === "--version" || command === "-version") return { kind: "version" };
  if (command !== "run")
    throw new UsageError(`unknown command '${command}' (the command is 'run')`);
  return parseRun(rest);
}

function parseRun(args: readonly string[]): Command {
  const seen = new Set<string>();
  let kernel: string | null = null;
  let initrd: string | null = null;
  let append: string | null = null;
  let dtb: string | null = null;
  let memory = DEFAULT_MEMORY;
  let smp = 1;
  let max_insns: number | null = null;
  let stats = false;
  let trace_exits = false;
  let arch: RunOptions["arch"] = "aarch64";
  let pace: PaceMode = "auto";
  const cur: Cursor = { args, i: 0 };
  while (cur.i < args.length) {
    const arg = args[cur.i++]!;
    if (!arg.startsWith("-") || arg === "-" || arg === "--") {
      throw new UsageError(`unexpected argument '${arg}'`);
    }
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? null : body.slice(eq + 1);
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    const value = (): string => {
      if (inline !== null) return inline;
      const v = args[cur.i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      cur.i++;
      return v;
    };
    const noValue = (): void => {
      if (inline !== null) throw new UsageError(`${flag} takes no value`);
    };
    const once = (): void => {
      if (seen.has(name)) throw new UsageError(`${flag} given twice`);
      seen.add(name);
    };
    switch (name) {
      case "h":
      case "help":
        noValue();
        return { kind: "help" };
      case "kernel":
        once();
        kernel = nonEmpty(flag, value());
        break;
      case "initrd":
        once();
        initrd = nonEmpty(flag, value());
        break;
      case "append":
        once();
        append = value();
        break;
      case "dtb":
        once();
        dtb = nonEmpty(flag, value());
        break;
      case "m":
        once();
        memory = parseMemorySize(value());
        break;
      case "smp":
        once();
        smp = parseSmp(value());
        break;
      case "arch":
        once();
        arch = parseArch(value());
        break;
      case "max-insns":
        once();
        max_insns = positiveInteger(flag, value(), Number.MAX_SAFE_INTEGER);
        break;
      case "stats":
        noValue();
        stats = true;
        break;
      case "trace": {
        const what = value();
        if (what !== "exits")
          throw new UsageError(`--trace: unknown trace '${what}' (only: exits)`);
        trace_exits = true;
        break;
      }
      case "pace": {
        once();
        const mode = value();
        if (mode !== "auto" && mode !== "wall" && mode !== "none")
          throw new UsageError(`--pace: unknown mode '${mode}' (auto, wall or none)`);
        pace = mode;
        break;
      }
      case "M":
      case "machine":
        once();
        checkMachine(value());
        break;
      case "cpu": {
        once();
        const cpu = value();
        if (cpu !== "cortex-a53")
          throw new UsageError(`-cpu: only cortex-a53 is modelled, not '${cpu}'`);
        break;
      }
      case "nographic":
        noValue();
        break;
      default:
        throw new UsageError(`unknown option '${arg}' (see --help)`);
    }
  }
  if (kernel === null) throw new UsageError("run: --kernel FILE is required");
  return {
    kind: "run",
    options: {
      arch,
      kernel,
      initrd,
      append,
      dtb,
      memory,
      smp,
      max_insns,
      stats,
      trace_exits,
      pace,
    },
  };
}

function nonEmpty(flag: string, v: string): string {
  if (v === "") throw new UsageError(`${flag}: the file name is empty`);
  return v;
}

/** QEMU's `-smp N` or `-smp cpus=N`. */
function parseSmp(text: string): number {
  const n = text.startsWith("cpus=") ? text.slice(5) : text;
  return positiveInteger("--smp", n, MAX_SMP);
}

function parseArch(arch: string): RunOptions["arch"] {
  if (arch === "aarch64" || arch === "arm64") return "aarch64";
  if (arch === "x86" || arch === "i386" || arch === "x86_64") return "x86";
  throw new UsageError(`--arch: unknown architecture '${arch}' (aarch64 or x86)`);
}
