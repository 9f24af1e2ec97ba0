/**
 * `sel4-vmm run`: reads the guest files, describes the boot, creates the kernel model with guest
 * execution, runs the VMM root task, and turns how it ended into an exit status. The host gets a
 * turn (terminal input, output, progress) every time the VMM waits for the next VM exit, at most
 * every {@link HOST_TURN_MS} of wall time.
 */
import { readFileSync } from "node:fs";
import { Kernel, KernelConfigError } from "@sel4/kernel";
import type { Sel4_AArch64 } from "@sel4/sel4";
import {
  FdtError,
  GuestConfigError,
  GuestImageError,
  planVirtBoot,
  type VirtBoot,
} from "@sel4/vmm-platsupport";
import type { RunOptions } from "./cli/args.js";
import {
  BadFileError,
  EXIT_GUARD,
  EXIT_GUEST_ERROR,
  EXIT_POWEROFF,
  EXIT_STALLED,
  UsageError,
} from "./cli/usage-error.js";
import { HostConsole } from "./console/host-console.js";
import { BootProgress } from "./console/progress.js";
import { installGuestExecution, VIRTUAL_INSTRUCTIONS_PER_SECOND } from "./executor.js";
import { classifyExit, ExitCounter, formatExit } from "./exits.js";
import { kernelHostAccess, kernelLoadGuest } from "./host-access.js";
import { HOST_SERIAL_IRQ, type VmmRootTaskOutcome, vmmRootTask } from "./root-task.js";

/** Longest stretch of guest execution between two host turns, in wall-clock milliseconds. */
export const HOST_TURN_MS = 20;
/**
 * With `--pace wall`, how far virtual time may run ahead of wall time before the VMM waits for
 * the host clock to catch up.
 */
export const PACE_SLACK_MS = 50;
/** Host RAM the kernel model gets beyond the guest's (kernel objects, page tables, the VMM). */
const HOST_RAM_OVERHEAD = 64 * 2 ** 20;
const TWO_MIB = 2 * 2 ** 20;

/** The host side of a run. */
export interface RunIo {
  /** Guest console input. */
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Guest console output: nothing else is written here. */
  readonly stdout: NodeJS.WritableStream;
  /** Diagnostics, trace, statistics and the progress line. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Wall clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

/** What a run measured. */
export interface RunStats {
  /** Guest instructions executed (the virtual clock, including idle skips). */
  readonly instructions: number;
  /** Wall-clock seconds of the run. */
  readonly wall_seconds: number;
  /** Virtual seconds the guest saw. */
  readonly virtual_seconds: number;
  /** VM exits by kind, largest first. */
  readonly exits: readonly (readonly [string, number])[];
  /** Every VM exit. */
  readonly total_exits: number;
  /**
   * 4 KiB pages of the kernel model's physical memory backed by host memory at the end of the run
   * (guest RAM is backed lazily, on first write, so this follows what the guest touched, not -m).
   */
  readonly resident_pages: number;
}

/** How a run ended. */
export interface RunResult {
  /** The process exit status. */
  readonly status: number;
  /** A one-line reason for a non-zero status (or a note for a zero one), or null. */
  readonly reason: string | null;
  /** The measurements. */
  readonly stats: RunStats;
}

function readInput(flag: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (code ?? "cannot read");
    throw new BadFileError(`${flag} ${path}: ${why}`);
  }
}

/** Reads the files and describes the boot; errors are one-line {@link BadFileError}s. */
export function planRun(options: RunOptions): VirtBoot {
  const kernel = readInput("--kernel", options.kernel);
  const initrd = options.initrd === null ? undefined : readInput("--initrd", options.initrd);
  const dtb = options.dtb === null ? undefined : readInput("--dtb", options.dtb);
  try {
    return planVirtBoot({
      kernel,
      ...(initrd === undefined ? {} : { initrd }),
      ...(dtb === undefined ? {} : { dtb }),
      machine: {
        ram_size: options.memory,
        num_vcpus: options.smp,
        ...(options.append === null ? {} : { bootargs: options.append }),
      },
    });
  } catch (e) {
    if (e instanceof GuestImageError)
      throw new BadFileError(`--kernel ${options.kernel}: ${e.message}`);
    if (e instanceof FdtError) throw new BadFileError(`--dtb ${options.dtb}: ${e.message}`);
    if (e instanceof GuestConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Host RAM of the kernel model for a guest of `guest_ram` bytes. */
export function hostRamSize(guest_ram: number): number {
  return Math.ceil(guest_ram / TWO_MIB) * TWO_MIB + HOST_RAM_OVERHEAD;
}

/**
 * Runs a guest to the end.
 * @throws UsageError or BadFileError before the guest starts, for bad options or files
 */
export async function runGuest(options: RunOptions, io: RunIo): Promise<RunResult> {
  const boot = planRun(options);
  const now = io.now ?? (() => performance.now());
  let kernel: Kernel;
  try {
    kernel = new Kernel({ arch: "aarch64", ramSize: hostRamSize(options.memory) });
  } catch (e) {
    if (e instanceof KernelConfigError) throw new UsageError(`-m: ${e.message}`);
    throw e;
  }
  const started = now();
  const counter = new ExitCounter();
  const clock = installGuestExecution(kernel, options.max_insns);
  const stats = (): RunStats => {
    const n = clock.instructions();
    return {
      instructions: n,
      wall_seconds: (now() - started) / 1000,
      virtual_seconds: n / VIRTUAL_INSTRUCTIONS_PER_SECOND,
      exits: counter.entries(),
      total_exits: counter.total,
      resident_pages: kernel.memory.residentPages,
    };
  };
  let quit = false;
  const paced = options.pace === "wall" || (options.pace === "auto" && io.stdin.isTTY === true);
  let wake: (() => void) | null = null;
  const poke = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const progress = new BootProgress(io.stderr, started);
  const console = new HostConsole(io, {
    input: () => {
      kernel.raiseIRQ(HOST_SERIAL_IRQ);
      poke();
    },
    quit: () => {
      quit = true;
      kernel.stop(); // no guest instruction runs after Ctrl-A X
      poke();
    },
    closed: poke,
  });
  let lastTurn = now();
  const transmit = (b: number): void => {
    progress.finish();
    console.transmit(b);
  };

  let outcome: VmmRootTaskOutcome | null = null;
  let failure: unknown = null;
  const host_turn = async (): Promise<boolean> => {
    if (quit || clock.guard_reached()) return false;
    let t = now();
    const ahead = (clock.instructions() * 1000) / VIRTUAL_INSTRUCTIONS_PER_SECOND - (t - started);
    if (paced && ahead > PACE_SLACK_MS) {
      // The guest's clock is ahead of the host's: the VMM is busy until wall time catches up.
      // Only when host input arrives (relative to virtual time) depends on this.
      await new Promise<void>((resolve) => setTimeout(resolve, ahead - PACE_SLACK_MS / 2));
      t = now();
      // The wait was the host's turn: show what the guest printed meanwhile.
      console.flush();
      progress.update(t, clock.instructions());
      lastTurn = t;
    }
    if (t - lastTurn >= HOST_TURN_MS) {
      console.flush();
      progress.update(t, clock.instructions());
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastTurn = now();
    }
    return !quit && !clock.guard_reached();
  };
  const limit = options.max_insns === null ? {} : { maxInstructions: options.max_insns };
  kernel.start(async (sel4, bootInfo) => {
    try {
      outcome = await vmmRootTask(sel4 as Sel4_AArch64, bootInfo, {
        boot,
        ram_size: options.memory,
        num_vcpus: options.smp,
        host_access: kernelHostAccess(sel4 as Sel4_AArch64, kernel),
        load_guest: (space, gpa, bytes) =>
          kernelLoadGuest(sel4 as Sel4_AArch64, kernel, space, gpa, bytes),
        console: { transmit, take_input: () => console.take_input() },
        hooks: {
          before_wait: host_turn,
          received: (r) => {
            // Past the guard, vCPUs fault at their pc because nothing may execute them: not exits.
            if (quit || clock.guard_reached()) return false;
            const exit = classifyExit(sel4 as Sel4_AArch64, r.info, r.sender);
            counter.add(exit.kind);
            if (options.trace_exits) io.stderr.write(`${formatExit(counter.total, exit)}\n`);
            return true;
          },
        },
      });
    } catch (e) {
      failure = e;
    }
  }, limit);

  let result: { status: number; reason: string | null } | null = null;
  while (result === null) {
    // The kernel halts on a quit or at the guard: idle() resolves then too.
    await kernel.idle();
    if (failure !== null) throw failure;
    if (outcome !== null) result = fromOutcome(outcome);
    else if (quit) result = { status: EXIT_POWEROFF, reason: "quit (Ctrl-A X)" };
    else if (clock.guard_reached()) {
      result = {
        status: EXIT_GUARD,
        reason: `instruction guard reached (--max-insns ${options.max_insns})`,
      };
    } else if (console.has_input) kernel.raiseIRQ(HOST_SERIAL_IRQ);
    else if (console.closed) {
      result = {
        status: EXIT_STALLED,
        reason: "the guest waits for input and stdin is closed",
      };
    } else
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
  }
  progress.finish();
  console.close();
  return { ...result, stats: stats() };
}

function fromOutcome(o: VmmRootTaskOutcome): { status: number; reason: string | null } {
  switch (o.kind) {
    case "poweroff":
      return { status: EXIT_POWEROFF, reason: null };
    case "reset":
      return {
        status: EXIT_POWEROFF,
        reason: "the guest asked for a reset (treated as power off)",
      };
    case "error":
      return { status: EXIT_GUEST_ERROR, reason: `guest error: ${o.reason}` };
  }
}
