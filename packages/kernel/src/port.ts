/** The {@link Sel4ThreadPort} the kernel gives each TypeScript thread. */
import { messageInfo, Syscall, seL4_Error } from "./abi.js";
import { lookupSlot } from "./cspace/resolve.js";
import { ThreadNotRunningError } from "./errors.js";
import type { TCB } from "./objects/types.js";
import type { Sel4ThreadPort, SyscallResult } from "./sel4-port.js";
import type { KernelState } from "./state.js";
import { handleSyscall } from "./syscall.js";
import { getMR, ipcBufferPaddr, setMR } from "./threads/tcb.js";

const BLOCKING_ONLY = new Set<number>([
  Syscall.Recv,
  Syscall.ReplyRecv,
  Syscall.Yield,
  Syscall.VMEnter,
]);
const NON_BLOCKING_DEBUG = new Set<number>([Syscall.DebugPutChar, Syscall.DebugCapIdentify]);

function isIndex(i: number, limit: number): boolean {
  return Number.isInteger(i) && i >= 0 && i < limit;
}

function toWord(v: bigint | number): bigint {
  return BigInt.asUintN(
    64,
    typeof v === "bigint" ? v : BigInt(Number.isFinite(v) ? Math.trunc(v) : 0),
  );
}

/** How a port enters the kernel for a blocking system call. */
export type BlockingEntry = (
  k: KernelState,
  t: TCB,
  id: number,
  dest: bigint,
  info: bigint,
  resolve: (result: SyscallResult) => void,
) => void;

/** One TypeScript thread's kernel entry (one per program run). */
export class ThreadPort implements Sel4ThreadPort {
  readonly config: "aarch64" | "x86_64";
  private readonly k: KernelState;
  private readonly t: TCB;
  private readonly generation: number;
  private readonly enter: BlockingEntry;

  /**
   * Creates the port of thread `t` for its program run `generation`; `enter` performs a
   * blocking system call (the runner's, which owns scheduling).
   */
  constructor(k: KernelState, t: TCB, generation: number, enter: BlockingEntry) {
    this.k = k;
    this.t = t;
    this.generation = generation;
    this.enter = enter;
    this.config = k.arch;
  }

  private check(what: string): void {
    const { k, t } = this;
    if (k.executing !== t || !t.live || t.program?.generation !== this.generation) {
      throw new ThreadNotRunningError(what);
    }
  }

  getMR(i: number): bigint {
    this.check("getMR");
    if (!isIndex(i, 120)) return 0n;
    return getMR(this.k, this.t, ipcBufferPaddr(this.t, false), i);
  }

  setMR(i: number, value: bigint): void {
    this.check("setMR");
    if (!isIndex(i, 120)) return;
    setMR(this.k, this.t, ipcBufferPaddr(this.t, true), i, toWord(value));
  }

  readIPCBufferWord(i: number): bigint {
    this.check("readIPCBufferWord");
    const buffer = ipcBufferPaddr(this.t, false);
    if (buffer === null || !isIndex(i, 128)) return 0n;
    return this.k.mem.readWord(buffer + 8 * i);
  }

  writeIPCBufferWord(i: number, value: bigint): void {
    this.check("writeIPCBufferWord");
    const buffer = ipcBufferPaddr(this.t, true);
    if (buffer === null || !isIndex(i, 128)) return;
    this.k.mem.writeWord(buffer + 8 * i, toWord(value));
  }

  syscall(id: number, dest: number, info: bigint): SyscallResult {
    this.check("syscall");
    const { k, t } = this;
    const capReg = k.params.capRegister;
    const infoReg = k.params.infoRegister;
    const illegal = { badge: 0n, info: messageInfo(seL4_Error.IllegalOperation, 0, 0, 0) };
    const known = id >= Syscall.NBRecv && id <= Syscall.Call;
    if (!known && !NON_BLOCKING_DEBUG.has(id)) return illegal;
    if (BLOCKING_ONLY.has(id)) return illegal;
    t.context[capReg] = toWord(dest);
    t.context[infoReg] = toWord(info);
    if (id === Syscall.Send || id === Syscall.Call) {
      // An endpoint (or a failing lookup, which would fault) would block: refuse here.
      const r = lookupSlot(t.ctable.cap, t.context[capReg]!);
      if (!r.ok || r.slot.cap.type === "endpoint") return illegal;
    }
    handleSyscall(k, t, id);
    return { badge: t.context[capReg]!, info: t.context[infoReg]! };
  }

  syscallBlocking(id: number, dest: number, info: bigint): Promise<SyscallResult> {
    try {
      this.check("syscallBlocking");
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve) =>
      this.enter(
        this.k,
        this.t,
        Number.isInteger(id) ? id : 0,
        toWord(dest),
        toWord(info),
        resolve,
      ),
    );
  }
}
