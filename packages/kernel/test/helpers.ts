/** Test helpers: boot a kernel with a root task and collect what it observed. */
import type { Sel4_AArch64, Sel4_X86_64, seL4_BootInfo } from "@sel4/sel4";
import { Kernel, type KernelConfig, type ThreadProgram } from "../src/index.js";

/** Either configuration's Sel4. */
export type AnySel4 = Sel4_AArch64 | Sel4_X86_64;

/** Boots, runs the root task until the system is idle, rethrows a root-task exception. */
export async function runRoot(
  config: KernelConfig,
  task: (sel4: AnySel4, bi: seL4_BootInfo, kernel: Kernel) => Promise<void>,
  setup?: (kernel: Kernel) => void,
): Promise<Kernel> {
  const kernel = new Kernel({ ramSize: 64 * 2 ** 20, ...config });
  setup?.(kernel);
  await kernel.run((sel4, bi) => task(sel4, bi, kernel));
  if (kernel.threadErrors.length > 0) throw kernel.threadErrors[0]!.error;
  return kernel;
}

/** The first non-device untyped of at least 2^bits bytes. */
export function ramUntyped(bi: seL4_BootInfo, bits = 20): number {
  const i = bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= bits);
  if (i < 0) throw new Error("no RAM untyped");
  return bi.untyped.start + i;
}

/** A slot allocator over the empty region. */
export function slots(bi: seL4_BootInfo): () => number {
  let next = bi.empty.start;
  return () => next++;
}

/** Options of {@link startThread}. */
export interface ThreadOptions {
  readonly prio?: number;
  readonly args?: readonly bigint[];
  /** Fault endpoint CPtr (in the root CSpace). */
  readonly faultEP?: number;
  /** Give the thread an IPC buffer (default true). */
  readonly ipcBuffer?: boolean;
  /** Resume right away (default true). */
  readonly resume?: boolean;
}

/**
 * Creates a thread in the root task's CSpace/VSpace running `program`, as sel4utils does:
 * Retype TCB (+ buffer frame), Configure, SetSchedParams, WriteRegisters(pc, args; resume).
 */
export function startThread(
  sel4: AnySel4,
  kernel: Kernel,
  alloc: () => number,
  ut: number,
  program: ThreadProgram,
  opts: ThreadOptions = {},
): number {
  const root = 2;
  const tcb = alloc();
  const ok = (e: number) => {
    if (e !== 0) throw new Error(`startThread: error ${e}`);
  };
  ok(sel4.seL4_Untyped_Retype(ut, 1, 0, root, 0, 0, tcb, 1));
  let frame = 0;
  let bufferAddr = 0;
  if (opts.ipcBuffer ?? true) {
    frame = alloc();
    ok(sel4.seL4_Untyped_Retype(ut, sel4.config === "aarch64" ? 7 : 8, 0, root, 0, 0, frame, 1));
    bufferAddr = 0x1000_0000 + frame * 0x1000;
  }
  ok(sel4.seL4_TCB_Configure(tcb, opts.faultEP ?? 0, root, 0n, 3, 0n, bufferAddr, frame));
  const prio = opts.prio ?? 100;
  ok(sel4.seL4_TCB_SetSchedParams(tcb, 1, prio, prio));
  const entry = kernel.registerProgram(program);
  const args = opts.args ?? [];
  if (sel4.config === "aarch64") {
    const r = sel4.seL4_TCB_ReadRegisters(tcb, false, 0, 36);
    const regs = {
      ...r.regs,
      pc: entry,
      x0: args[0] ?? 0n,
      x1: args[1] ?? 0n,
      x2: args[2] ?? 0n,
      x3: args[3] ?? 0n,
    };
    ok(sel4.seL4_TCB_WriteRegisters(tcb, opts.resume ?? true, 0, 36, regs));
  } else {
    const r = sel4.seL4_TCB_ReadRegisters(tcb, false, 0, 20);
    const regs = {
      ...r.regs,
      rip: entry,
      rdi: args[0] ?? 0n,
      rsi: args[1] ?? 0n,
      rdx: args[2] ?? 0n,
      rcx: args[3] ?? 0n,
    };
    ok(sel4.seL4_TCB_WriteRegisters(tcb, opts.resume ?? true, 0, 20, regs));
  }
  return tcb;
}
