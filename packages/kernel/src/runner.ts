/**
 * Running threads: the dispatch loop that picks the next thread after every kernel entry and
 * resumes it, TypeScript programs (resolved promises) or machine code (the executor seam).
 */
import { createSel4 } from "@sel4/sel4";
import { suspend } from "./delete.js";
import type { ExecutionContext, Translation } from "./executor.js";
import { syscallInstructionSize } from "./fault-messages.js";
import { handleFault } from "./faults.js";
import type { TCB } from "./objects/types.js";
import { ThreadPort } from "./port.js";

export { ThreadNotRunningError } from "./errors.js";

import type { ThreadProgram } from "./program.js";
import { schedule, timerTick } from "./scheduler.js";
import type { KernelState } from "./state.js";
import { handleSyscall } from "./syscall.js";
import { setThreadState } from "./threads/state.js";
import { vmExit } from "./vmenter.js";
import { findVSpaceForASID, lookupPTSlot } from "./vspace/common.js";

/** Instruction budget of one executor slice (one timer tick). */
const EXECUTOR_BUDGET = 100_000;
/**
 * Longest stretch of host time the loop runs machine code before the Node event loop gets a
 * turn (timers, stdin, signals). The turn is taken between two slices, where nothing the guest
 * can observe depends on it: virtual time counts instructions, and host events (`raiseIRQ`,
 * `stop`) enter only there, as an interrupt would arrive between two instructions.
 */
const HOST_TURN_MS = 4;

/** Gives the host a turn: dispatch resumes from a setImmediate callback. */
function yieldToHost(k: KernelState): void {
  k.hostTurnPending = true;
  setImmediate(() => {
    k.hostTurnPending = false;
    k.lastHostTurn = performance.now();
    if (k.executing === null) dispatch(k);
  });
}

/** The run is over: nothing runs again, and whoever waits for idleness is told. */
function halt(k: KernelState, reason: "stopped" | "instruction-limit"): void {
  k.halted ??= reason;
  for (const w of k.idleWaiters.splice(0)) w();
}

/** Instructions left before the limit (Infinity without one or without a counting executor). */
function instructionsLeft(k: KernelState): number {
  const used = k.executor?.instructionsExecuted;
  if (k.instructionLimit === null || used === undefined) return Number.POSITIVE_INFINITY;
  return k.instructionLimit - used;
}

function resumeProgram(k: KernelState, t: TCB): void {
  const p = t.program!.pending!;
  t.program!.pending = null;
  k.executing = t;
  p.resolve({ badge: t.context[k.params.capRegister]!, info: t.context[k.params.infoRegister]! });
}

function startProgram(k: KernelState, t: TCB, fn: ThreadProgram, entry: bigint): void {
  const generation = (t.program?.generation ?? 0) + 1;
  t.program = { entry, pending: null, generation };
  k.executing = t;
  const port = new ThreadPort(k, t, generation, enterBlocking);
  const c = t.context;
  const args = k.arch === "aarch64" ? [c[3]!, c[4]!, c[5]!, c[6]!] : [c[8]!, c[7]!, c[6]!, c[5]!];
  const sp = c[k.params.spRegister]!;
  Promise.resolve()
    .then(() => fn({ sel4: createSel4(port), port, args, sp }))
    .then(
      () => programExit(k, t, generation, null),
      (e: unknown) => programExit(k, t, generation, { error: e }),
    );
}

function programExit(
  k: KernelState,
  t: TCB,
  generation: number,
  failure: { error: unknown } | null,
): void {
  if (!t.live) {
    // The thread's TCB was deleted while its program ran: its turn is over.
    if (k.executing === t) {
      k.executing = null;
      dispatch(k);
    }
    return;
  }
  if (t.program?.generation !== generation) return;
  if (failure) k.threadErrors.push({ thread: t, error: failure.error });
  t.program = null;
  if (k.executing === t) k.executing = null;
  suspend(k, t);
  dispatch(k);
}

function executionContext(k: KernelState, t: TCB): ExecutionContext {
  return {
    thread: t,
    vcpu: t.vcpu,
    registers: t.context,
    translate(vaddr, space): Translation {
      const rootCap = space === "ept" ? t.eptRootSlot.cap : t.vtable.cap;
      if (rootCap.type !== "paging" || rootCap.asid === null) return { ok: false };
      const root = findVSpaceForASID(k, rootCap.asid);
      if (root === null) return { ok: false };
      const s = lookupPTSlot(root, vaddr);
      const e = s.table.entries.get(s.index);
      if (e?.kind !== "page" || e.rights === "KernelOnly") return { ok: false };
      const offset = Number(vaddr & ((1n << BigInt(e.sizeBits)) - 1n));
      const executable = k.arch === "aarch64" ? (e.attributes & 4n) === 0n : true;
      return {
        ok: true,
        paddr: e.frame.paddr + offset,
        writable: e.rights === "ReadWrite",
        executable,
      };
    },
    readPhysical: (paddr, length) => k.mem.read(paddr, length),
    writePhysical: (paddr, bytes) => k.mem.write(paddr, bytes),
  };
}

/** Runs a machine-code thread for one slice and handles its exit. */
function runExecutor(k: KernelState, t: TCB, budget: number): void {
  const executor = k.executor!;
  const before = executor.instructionsExecuted;
  const exit = executor.execute(executionContext(k, t), budget);
  if (exit.kind === "budget" || exit.kind === "idle") {
    t.tickInstructions = 0;
  } else if (before !== undefined && executor.instructionsExecuted !== undefined) {
    // The timer would have fired during a run of short slices too: count them toward a tick.
    t.tickInstructions += executor.instructionsExecuted - before;
    if (t.tickInstructions >= EXECUTOR_BUDGET) {
      t.tickInstructions -= EXECUTOR_BUDGET;
      timerTick(k);
    }
  }
  switch (exit.kind) {
    case "syscall":
      t.executorSyscall = true;
      handleSyscall(k, t, Number(BigInt.asIntN(64, t.context[k.params.syscallRegister]!)));
      return;
    case "fault":
      handleFault(k, t, exit.fault);
      return;
    case "budget":
      timerTick(k);
      return;
    case "idle":
      timerTick(k);
      return;
    case "vmexit":
      vmExit(k, t, exit.words);
      return;
  }
}

function fetchFault(k: KernelState, t: TCB, pc: bigint): void {
  t.program = null;
  // An instruction abort at pc (AArch64: EC 0x20 lower-EL instruction abort, translation fault).
  const fsr = k.arch === "aarch64" ? 0x8200_0007n : 0x14n;
  handleFault(k, t, { type: "VMFault", address: pc, instruction: true, fsr });
}

/**
 * The dispatch loop: applies the scheduler's decision, then resumes the chosen thread. Returns
 * as soon as a TypeScript thread has been resumed (it runs in a microtask) or nothing can run.
 */
export function dispatch(k: KernelState): void {
  for (;;) {
    if (k.executing !== null || k.hostTurnPending) return;
    if (k.halted !== null) {
      halt(k, k.halted);
      return;
    }
    schedule(k);
    const t = k.current;
    if (t === null) {
      for (const w of k.idleWaiters.splice(0)) w();
      return;
    }
    const prog = t.program;
    const pc = t.context[k.params.pcRegister]!;
    if (t.state === "Restart") {
      if (prog?.pending && pc === prog.entry) {
        setThreadState(k, t, "Running");
        handleSyscall(k, t, prog.pending.id);
        continue;
      }
      if (prog?.pending && pc === prog.entry + syscallInstructionSize(k)) {
        t.context[k.params.pcRegister] = prog.entry;
        setThreadState(k, t, "Running");
        resumeProgram(k, t);
        return;
      }
      setThreadState(k, t, "Running");
      t.executorSyscall = false;
      const fn = k.programs.get(pc);
      if (fn) {
        startProgram(k, t, fn, pc);
        return;
      }
      t.program = null;
    }
    if (t.state === "Running" && prog !== null && t.program === prog) {
      if (prog.pending) {
        resumeProgram(k, t);
        return;
      }
      k.executing = t;
      return;
    }
    if ((t.state === "Running" || t.state === "RunningVM") && k.executor?.canExecute(t)) {
      // A completed syscall returns after its instruction; a restarted one re-executes it.
      if (t.executorSyscall) {
        t.context[k.params.pcRegister] =
          t.context[k.params.pcRegister]! + syscallInstructionSize(k);
        t.executorSyscall = false;
      }
      const left = instructionsLeft(k);
      if (left <= 0) {
        halt(k, "instruction-limit");
        return;
      }
      runExecutor(k, t, Math.min(EXECUTOR_BUDGET, left));
      if (performance.now() - k.lastHostTurn >= HOST_TURN_MS) {
        yieldToHost(k);
        return;
      }
      continue;
    }
    if (t.state === "Running" || t.state === "RunningVM") {
      setThreadState(k, t, "Running");
      fetchFault(k, t, pc);
    }
    // Otherwise the thread stopped meanwhile; schedule() chooses again.
  }
}

/** Stops the kernel for good: no thread runs again (the current slice has already ended). */
export function stopKernel(k: KernelState): void {
  halt(k, "stopped");
}

/** A blocking system call from the executing TypeScript thread. */
export function enterBlocking(
  k: KernelState,
  t: TCB,
  id: number,
  dest: bigint,
  info: bigint,
  resolve: (r: { badge: bigint; info: bigint }) => void,
): void {
  const prog = t.program!;
  t.context[k.params.capRegister] = BigInt.asUintN(64, dest);
  t.context[k.params.infoRegister] = BigInt.asUintN(64, info);
  t.context[k.params.syscallRegister] = BigInt.asUintN(64, BigInt(id));
  prog.pending = { id, resolve };
  k.executing = null;
  if (t.state === "Running") {
    if (k.schedulerAction !== "resume") {
      // A preemption owed since an earlier non-blocking call: the syscall runs when t is next chosen.
      setThreadState(k, t, "Restart");
    } else {
      handleSyscall(k, t, id);
    }
  }
  dispatch(k);
}
