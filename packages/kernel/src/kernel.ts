/** The public face of the model: `new Kernel(config)`, boot, run, interrupts, memory. */

import type { seL4_BootInfo as BootInfo, Sel4_AArch64, Sel4_X86_64 } from "@sel4/sel4";
import type { Arch } from "./abi.js";
import {
  type ARMVCPUExecution,
  ARMVCPUExecutor,
  type ARMVCPUExecutorOptions,
} from "./arch/aarch64/vcpu-executor.js";
import { boot, type PlatformMap, platformMap } from "./boot.js";
import type { ThreadExecutor } from "./executor.js";
import { checkInvariants, type InvariantViolation } from "./invariants.js";
import { handleInterrupt } from "./irq.js";
import type { TCB } from "./objects/types.js";
import { PhysicalMemory } from "./physmem.js";
import type { ThreadProgram } from "./program.js";
import { dispatch, stopKernel } from "./runner.js";
import { timerTick } from "./scheduler.js";
import { KernelState } from "./state.js";

/** Configuration of a kernel model. */
export interface KernelConfig {
  /** `aarch64` (hyp, qemu-arm-virt, GICv2) or `x86_64` (pc99, VT-x). */
  readonly arch: Arch;
  /** RAM size in bytes (a multiple of 2 MiB, at least 4 MiB). Default 1 GiB. */
  readonly ramSize?: number;
  /** Number of cores reported in BootInfo (the model schedules on one core). Default 1. */
  readonly cores?: number;
}

/** The root task: a program receiving its `Sel4` (over its thread port) and BootInfo. */
export type RootTask = (sel4: Sel4_AArch64 | Sel4_X86_64, bootInfo: BootInfo) => Promise<void>;

/** Options of a run ({@link Kernel.start}, {@link Kernel.run}). */
export interface KernelStartOptions {
  /**
   * Stop the run once the executor's virtual clock (`ThreadExecutor.instructionsExecuted`) has
   * reached this many instructions: checked before every slice, and the last slice is cut to
   * fit. The kernel then halts with {@link Kernel.haltReason} `"instruction-limit"`.
   */
  readonly maxInstructions?: number;
}

/** Why a kernel stopped for good: {@link Kernel.stop} or the instruction limit. */
export type KernelHaltReason = "stopped" | "instruction-limit";

/** Error thrown for a configuration the model cannot build. */
export class KernelConfigError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "KernelConfigError";
  }
}

/**
 * An executable model of the seL4 kernel (non-MCS, single domain) for the `aarch64` (hyp) and
 * `x86_64` (VT-x) configurations.
 *
 * @example
 * ```ts
 * const kernel = new Kernel({ arch: "aarch64" });
 * await kernel.run(async (port, bootInfo) => { ... });
 * ```
 */
export class Kernel {
  /** The configuration. */
  readonly config: Required<KernelConfig>;
  /** Physical memory (sparse). */
  readonly memory: PhysicalMemory;
  /** The platform memory map. */
  readonly platform: PlatformMap;
  private readonly k: KernelState;
  private booted: BootInfo | null = null;

  /** Creates a machine (nothing runs until {@link Kernel.start} or {@link Kernel.run}). */
  constructor(config: KernelConfig) {
    const ramSize = config.ramSize ?? 2 ** 30;
    const cores = config.cores ?? 1;
    if (config.arch !== "aarch64" && config.arch !== "x86_64") {
      throw new KernelConfigError(`unknown arch ${String(config.arch)}`);
    }
    if (!Number.isSafeInteger(ramSize) || ramSize < 4 * 2 ** 20 || ramSize % (2 * 2 ** 20) !== 0) {
      throw new KernelConfigError("ramSize must be a multiple of 2 MiB and at least 4 MiB");
    }
    const maxRam = config.arch === "aarch64" ? 2 ** 40 - 0x4000_0000 : 2 ** 46;
    if (ramSize > maxRam) throw new KernelConfigError("ramSize exceeds the physical address space");
    if (!Number.isInteger(cores) || cores < 1 || cores > 64) {
      throw new KernelConfigError("cores must be an integer in 1..64");
    }
    this.config = { arch: config.arch, ramSize, cores };
    this.platform = platformMap(config.arch, ramSize);
    this.memory = new PhysicalMemory([
      ...this.platform.ram,
      ...this.platform.devices,
      ...this.platform.kernelDevices,
    ]);
    this.k = new KernelState(config.arch, this.memory);
  }

  /** Makes a TypeScript program startable: returns the entry address to write into a pc. */
  registerProgram(program: ThreadProgram): bigint {
    const entry = this.k.nextProgramEntry;
    this.k.nextProgramEntry += 0x1000n;
    this.k.programs.set(entry, program);
    return entry;
  }

  /** Boots the kernel and starts the root task; returns its BootInfo (the task runs after). */
  start(rootTask: RootTask, options: KernelStartOptions = {}): BootInfo {
    if (this.booted) throw new KernelConfigError("this kernel has already booted");
    const limit = options.maxInstructions;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new KernelConfigError("maxInstructions must be a non-negative safe integer");
    }
    this.k.instructionLimit = limit ?? null;
    let bootInfo: BootInfo | null = null;
    const entry = this.registerProgram(({ sel4 }) => rootTask(sel4, bootInfo!));
    const result = boot(this.k, this.platform, this.config.cores, entry);
    bootInfo = result.bootInfo;
    this.booted = bootInfo;
    const t = result.rootTCB;
    t.state = "Restart";
    this.k.current = t;
    dispatch(this.k);
    return bootInfo;
  }

  /**
   * Resolves when no thread can run (every thread blocked or stopped) or the kernel has halted.
   * While machine code runs, the host gets a turn every few milliseconds of host time (between
   * two slices), so timers and host input are served; host events enter only through
   * {@link Kernel.raiseIRQ} and {@link Kernel.stop}.
   */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.k.idleWaiters.push(resolve);
      if (this.k.executing === null) dispatch(this.k);
    });
  }

  /** Boots, starts the root task and waits until the system is idle or halted. */
  async run(rootTask: RootTask, options: KernelStartOptions = {}): Promise<BootInfo> {
    const bootInfo = this.start(rootTask, options);
    await this.idle();
    return bootInfo;
  }

  /**
   * Raises a platform interrupt (a device model or test asserting a line). Returns false if the
   * number is not an interrupt of this platform.
   */
  raiseIRQ(irq: number): boolean {
    const ok = handleInterrupt(this.k, irq);
    if (this.k.executing === null) dispatch(this.k);
    return ok;
  }

  /**
   * Stops the kernel for good: no thread runs again once the current slice or TypeScript turn
   * has ended, and {@link Kernel.idle} resolves.
   */
  stop(): void {
    stopKernel(this.k);
  }

  /** Why the kernel halted, or null while it runs. */
  get haltReason(): KernelHaltReason | null {
    return this.k.halted;
  }

  /** One kernel timer tick (round robin at time-slice expiry). */
  tick(): void {
    timerTick(this.k);
    if (this.k.executing === null) dispatch(this.k);
  }

  /** Installs the executor that runs machine-code threads (the vCPU seam). */
  setExecutor(executor: ThreadExecutor | null): void {
    this.k.executor = executor;
  }

  /**
   * Installs the AArch64 vCPU executor: threads bound to ARM VCPUs then run guest code in the
   * AArch64 emulator when scheduled. Returns it (its `stats` give the virtual clock).
   */
  useARMVCPUs(options: ARMVCPUExecutorOptions = {}): ARMVCPUExecution {
    if (this.config.arch !== "aarch64") {
      throw new KernelConfigError("ARM VCPUs need the aarch64 configuration");
    }
    for (const key of ["counterFrequency", "instructionsPerSecond"] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
        throw new KernelConfigError(`${key} must be a positive finite number`);
      }
    }
    const executor = new ARMVCPUExecutor(this.k, options);
    this.k.executor = executor;
    return executor;
  }

  /** Copies bytes out of physical memory (for loaders and tests). */
  readPhysical(paddr: number, length: number): Uint8Array {
    return this.memory.read(paddr, length);
  }

  /** Copies bytes into physical memory (for loaders and tests). */
  writePhysical(paddr: number, bytes: Uint8Array): void {
    this.memory.write(paddr, bytes);
  }

  /** Characters the threads printed with `seL4_DebugPutChar`. */
  get debugOutput(): string {
    return String.fromCharCode(...this.k.debugOutput);
  }

  /** Host exceptions thrown by thread programs (each stopped its thread). */
  get threadErrors(): readonly { readonly thread: TCB; readonly error: unknown }[] {
    return this.k.threadErrors;
  }

  /** Number of memory-backed kernel objects alive. */
  get liveObjectCount(): number {
    return this.k.live.size;
  }

  /** Checks the model's invariants; returns every violation found (empty when consistent). */
  checkInvariants(): InvariantViolation[] {
    return checkInvariants(this.k);
  }
}
