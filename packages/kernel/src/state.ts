/**
 * The kernel's global state (what seL4 keeps in `ksCurThread`, ready queues, ASID table, IRQ
 * table, ...), one instance per {@link Kernel}: nothing lives in module state.
 */
import { type Arch, type ArchParams, archParams, MAX_BOOTINFO_UNTYPEDS } from "./abi.js";
import type { Slot } from "./cdt.js";
import type { ThreadExecutor } from "./executor.js";
import type { ASIDPool, KernelObject, TCB } from "./objects/types.js";
import type { PhysicalMemory } from "./physmem.js";
import type { ThreadProgram } from "./program.js";

/** Scheduler decision pending at the end of a kernel entry (`ksSchedulerAction`). */
export type SchedulerAction = "resume" | "choose" | TCB;

/** State of one interrupt line. */
export type IRQState = "inactive" | "signal" | "reserved";

/** All mutable kernel state. */
export class KernelState {
  readonly arch: Arch;
  readonly params: ArchParams;
  readonly mem: PhysicalMemory;
  /** Every live memory-backed object. */
  readonly live = new Set<KernelObject>();
  /** Ready queues per priority (head = index 0). */
  readonly readyQueues: TCB[][] = Array.from({ length: 256 }, () => []);
  /** `ksCurThread`; null is the idle thread. */
  current: TCB | null = null;
  schedulerAction: SchedulerAction = "resume";
  /** The TypeScript thread whose code is executing right now (between kernel exit and entry). */
  executing: TCB | null = null;
  /** Global ASID table: pool per index. */
  readonly asidTable: (ASIDPool | null)[];
  readonly irqState: IRQState[];
  /** The kernel's copy of each IRQ's notification cap. */
  readonly irqNotification = new Map<number, Slot>();
  readonly irqMasked = new Set<number>();
  /** Interrupts raised while masked: the controller keeps them pending until unmasked. */
  readonly irqPending = new Set<number>();
  /** x86: issued I/O ports. */
  readonly ioPortIssued = new Uint8Array(65536);
  nextThreadId = 0;
  /** TypeScript programs by entry address. */
  readonly programs = new Map<bigint, ThreadProgram>();
  nextProgramEntry: bigint;
  /** Plug-in that runs threads executing machine code (vCPUs), or null. */
  executor: ThreadExecutor | null = null;
  /** Characters written with DebugPutChar. */
  readonly debugOutput: number[] = [];
  /** Host exceptions thrown by thread programs (the thread was stopped). */
  readonly threadErrors: { readonly thread: TCB; readonly error: unknown }[] = [];
  /** Resolvers waiting for the kernel to go idle. */
  readonly idleWaiters: (() => void)[] = [];
  /**
   * Bumped whenever a translation may have been removed or changed (unmap, remap, ASID
   * deletion): vCPU executors drop their cached stage-2 translations when it moves.
   */
  vspaceEpoch = 0;
  /** Monotonic tick counter. */
  ticks = 0;
  /** A host turn (setImmediate) is scheduled: dispatch waits for it instead of running. */
  hostTurnPending = false;
  /** Host time (performance.now) when the run loop last gave the host a turn. */
  lastHostTurn = 0;
  /** Why the kernel stopped for good (`Kernel.stop`, the instruction limit), or null. */
  halted: "stopped" | "instruction-limit" | null = null;
  /** Stop once the executor has counted this many instructions (null: no limit). */
  instructionLimit: number | null = null;
  readonly maxUntypedCaps = MAX_BOOTINFO_UNTYPEDS;

  /** Creates empty state for a configuration. */
  constructor(arch: Arch, mem: PhysicalMemory) {
    this.arch = arch;
    this.params = archParams[arch];
    this.mem = mem;
    this.asidTable = new Array(this.params.numASIDPools).fill(null);
    this.irqState = new Array(this.params.maxIRQ + 1).fill("inactive");
    // A hyp kernel on qemu-arm-virt holds VGIC maintenance (25), its timer (26) and the vtimer (27).
    if (arch === "aarch64") for (const irq of [25, 26, 27]) this.irqState[irq] = "reserved";
    // Program entries live in a range no frame is ever mapped at by the model's boot.
    this.nextProgramEntry = 0x1_0000_0000n;
  }
}
