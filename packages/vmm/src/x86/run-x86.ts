/**
 * `sel4-vmm run --arch x86`: reads and checks the Multiboot ELF, creates the kernel model with its
 * x86 vCPU executor, runs the PC machine's VMM as the root task and turns how it ended into an
 * exit status: `isa-debug-exit`'s `(V << 1) | 1`, or a one-line reason with a non-zero status.
 */
import { readFileSync } from "node:fs";
import { Kernel, KernelConfigError, X86VcpuExecutor } from "@sel4/kernel";
import type { Sel4_X86_64 } from "@sel4/sel4";
import { NS_PER_INSTRUCTION } from "@sel4/vm-x86";
import { type ElfFile, GuestImageError, parseElf } from "@sel4/vmm-platsupport";
import type { RunOptions } from "../cli/args.js";
import {
  BadFileError,
  EXIT_GUARD,
  EXIT_GUEST_ERROR,
  EXIT_STALLED,
  UsageError,
} from "../cli/usage-error.js";
import type { RunIo, RunResult, RunStats } from "../run.js";
import { PC_DEFAULT_RTC, type PcMachineOutcome, pcVmmRootTask } from "./pc-machine.js";

/** Host RAM of the kernel model beyond the guest's (kernel objects, EPT tables, the VMM). */
const X86_HOST_RAM_OVERHEAD = 128 * 2 ** 20;
/** ELF machine number of IA-32. */
const EM_386 = 3;
const PT_LOAD = 1;

/** Names of the VM exit reasons the PC machine sees, for `--stats`. */
const EXIT_NAMES: ReadonlyMap<number, string> = new Map([
  [7, "interrupt window"],
  [10, "cpuid"],
  [12, "hlt"],
  [18, "vmcall"],
  [28, "cr access"],
  [30, "i/o instruction"],
  [31, "rdmsr"],
  [32, "wrmsr"],
  [48, "ept violation"],
  [52, "preemption timer"],
]);

/** Reads and checks the guest: a 32-bit little-endian IA-32 ELF whose segments fit in RAM. */
export function loadMultibootElf(path: string, ram: number): { image: Uint8Array; elf: ElfFile } {
  let image: Uint8Array;
  try {
    image = new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : (code ?? "cannot read");
    throw new BadFileError(`--kernel ${path}: ${why}`);
  }
  let elf: ElfFile;
  try {
    elf = parseElf(image);
  } catch (e) {
    if (e instanceof GuestImageError) throw new BadFileError(`--kernel ${path}: ${e.message}`);
    throw e;
  }
  if (elf.header.elf_class !== 1 || elf.header.e_machine !== EM_386)
    throw new BadFileError(
      `--kernel ${path}: not a 32-bit IA-32 ELF (e_machine ${elf.header.e_machine})`,
    );
  for (const ph of elf.program_headers) {
    if (ph.p_type !== PT_LOAD) continue;
    const end = ph.p_paddr + ph.p_memsz;
    if (ph.p_filesz > ph.p_memsz || ph.p_offset + ph.p_filesz > BigInt(image.length))
      throw new BadFileError(`--kernel ${path}: a segment lies outside the file`);
    if (end > BigInt(ram))
      throw new BadFileError(
        `--kernel ${path}: a segment ends at 0x${end.toString(16)}, beyond guest RAM`,
      );
  }
  return { image, elf };
}

/** QEMU's Multiboot command line: the kernel path, then a space and `-append` when given. */
export function multibootCmdline(kernel: string, append: string | null): string {
  return append === null ? kernel : `${kernel} ${append}`;
}

function statsOf(
  outcome: PcMachineOutcome | null,
  wall_seconds: number,
  resident_pages: number,
): RunStats {
  const exits = [...(outcome?.exits ?? new Map<number, number>())]
    .map(([r, n]) => [EXIT_NAMES.get(r) ?? `reason ${r}`, n] as const)
    .sort((a, b) => b[1] - a[1]);
  const now_ns = outcome?.now_ns ?? 0;
  return {
    instructions: Math.round(now_ns / NS_PER_INSTRUCTION),
    wall_seconds,
    virtual_seconds: now_ns / 1e9,
    exits,
    total_exits: exits.reduce((s, [, n]) => s + n, 0),
    resident_pages,
  };
}

/**
 * Runs an x86 guest to the end. Piped stdin is read to its end first (so a run is deterministic);
 * a terminal's input goes to the UART as it arrives.
 * @throws UsageError or BadFileError before the guest starts, for bad options or files
 */
export async function runX86Guest(options: RunOptions, io: RunIo): Promise<RunResult> {
  if (options.smp !== 1) throw new UsageError("-smp: the x86 PC machine has one vCPU");
  if (options.initrd !== null) throw new UsageError("--initrd: not supported with --arch x86");
  if (options.dtb !== null) throw new UsageError("--dtb: not supported with --arch x86");
  if (options.trace_exits) throw new UsageError("--trace exits: not supported with --arch x86 yet");
  const { image, elf } = loadMultibootElf(options.kernel, options.memory);
  const now = io.now ?? (() => performance.now());
  let kernel: Kernel;
  try {
    kernel = new Kernel({ arch: "x86_64", ramSize: options.memory + X86_HOST_RAM_OVERHEAD });
  } catch (e) {
    if (e instanceof KernelConfigError) throw new UsageError(`-m: ${e.message}`);
    throw e;
  }
  kernel.setExecutor(new X86VcpuExecutor(kernel));

  const interactive = io.stdin.isTTY === true;
  const piped = interactive ? new Uint8Array(0) : await readAll(io.stdin);
  let receive: ((bytes: Uint8Array) => void) | null = null;
  const onData = (chunk: Buffer | string): void => {
    receive?.(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
  };
  if (interactive) {
    io.stdin.setRawMode?.(true);
    io.stdin.on("data", onData);
  }
  const started = now();
  let outcome: PcMachineOutcome | null = null;
  let failure: unknown = null;
  try {
    await kernel.run(async (sel4, bi) => {
      try {
        outcome = await pcVmmRootTask(kernel, sel4 as Sel4_X86_64, bi, {
          image,
          elf,
          ram: options.memory,
          cmdline: multibootCmdline(options.kernel, options.append),
          rtc: PC_DEFAULT_RTC,
          max_insns: options.max_insns,
          transmit: (b) => io.stdout.write(new Uint8Array([b])),
          attach_input: (fn) => {
            receive = fn;
            if (piped.length > 0) fn(piped);
          },
        });
      } catch (e) {
        failure = e;
      }
    });
  } finally {
    if (interactive) {
      io.stdin.off("data", onData);
      io.stdin.setRawMode?.(false);
      io.stdin.pause();
    }
  }
  if (failure !== null) throw failure;
  const first = kernel.threadErrors[0];
  if (first !== undefined) throw first.error;
  const stats = statsOf(outcome, (now() - started) / 1000, kernel.memory.residentPages);
  const o = outcome as PcMachineOutcome | null;
  if (o === null) return { status: EXIT_GUEST_ERROR, reason: "the VMM did not finish", stats };
  if (o.debug_exit !== null) return { status: o.debug_exit, reason: null, stats };
  if (o.guard) return { status: EXIT_GUARD, reason: o.message, stats };
  if (o.message.startsWith("guest halted"))
    return { status: EXIT_STALLED, reason: o.message, stats };
  return { status: EXIT_GUEST_ERROR, reason: `guest error: ${o.message}`, stats };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>)
    chunks.push(typeof c === "string" ? new TextEncoder().encode(c) : new Uint8Array(c));
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
