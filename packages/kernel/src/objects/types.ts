/**
 * Kernel objects and capabilities of the model. Objects are plain records owned by the kernel;
 * capabilities are values held in slots (CTEs) that are linked into the derivation tree.
 */
import type { ObjectKind } from "../abi.js";

/** Fields every memory-backed object has. */
export interface ObjectBase {
  /** Physical address of the object's memory (its region inside the parent untyped). */
  readonly paddr: number;
  /** Size of that region in log2 bytes. */
  readonly sizeBits: number;
  /** False once the object has been finalised (its last cap deleted). */
  live: boolean;
}

/** A thread's scheduling/IPC state (§6.1). */
export type ThreadState =
  | "Inactive"
  | "Running"
  | "Restart"
  | "BlockedOnReceive"
  | "BlockedOnSend"
  | "BlockedOnReply"
  | "BlockedOnNotification"
  | "RunningVM";

/** What a blocked thread is waiting for (the state's payload). */
export type Blocking =
  | {
      readonly kind: "send";
      readonly ep: Endpoint;
      readonly badge: bigint;
      readonly canGrant: boolean;
      readonly canGrantReply: boolean;
      readonly isCall: boolean;
    }
  | { readonly kind: "recv"; readonly ep: Endpoint; readonly canGrant: boolean }
  | { readonly kind: "notification"; readonly ntfn: Notification }
  | { readonly kind: "reply" };

/** A fault a thread has raised and not yet had answered (§6.9). */
export type Fault =
  | {
      readonly type: "CapFault";
      readonly address: bigint;
      readonly inReceivePhase: boolean;
      readonly lookup: LookupFailure;
    }
  | { readonly type: "UnknownSyscall"; readonly syscall: bigint }
  | { readonly type: "UserException"; readonly number: bigint; readonly code: bigint }
  | {
      readonly type: "VMFault";
      readonly address: bigint;
      readonly instruction: boolean;
      readonly fsr: bigint;
    }
  | { readonly type: "VGICMaintenance"; readonly index: bigint }
  | { readonly type: "VCPUFault"; readonly hsr: bigint }
  | { readonly type: "VPPIEvent"; readonly irq: bigint };

/** A lookup failure (§3.4). */
export type LookupFailure =
  | { readonly type: "InvalidRoot" }
  | { readonly type: "MissingCapability"; readonly bitsLeft: number }
  | { readonly type: "DepthMismatch"; readonly bitsLeft: number; readonly bitsFound: number }
  | {
      readonly type: "GuardMismatch";
      readonly bitsLeft: number;
      readonly guardFound: bigint;
      readonly bitsFound: number;
    };

/** An in-flight blocking system call of a TypeScript thread (re-executed on Restart). */
export interface PendingSyscall {
  /** The syscall number. */
  readonly id: number;
  /** Settles the program's promise with the badge and message-info registers. */
  readonly resolve: (result: { badge: bigint; info: bigint }) => void;
}

/** How a thread executes: a TypeScript program, or machine code via an executor (vCPU seam). */
export interface ThreadProgramState {
  /** The program's entry address this execution started from. */
  entry: bigint;
  /** The blocking syscall the program awaits, or null while it runs or before it starts. */
  pending: PendingSyscall | null;
  /** Generation counter: a restarted program abandons the previous run's continuation. */
  generation: number;
}

/** Thread control block. */
export interface TCB extends ObjectBase {
  /** Object kind. */
  readonly kind: "tcb";
  /** Stable id (creation order) for deterministic naming. */
  readonly id: number;
  /** Thread state. */
  state: ThreadState;
  /** What the thread is blocked on, for the Blocked* states. */
  blocking: Blocking | null;
  /** Priority (0..255). */
  priority: number;
  /** Maximum controlled priority. */
  mcp: number;
  /** Ticks left in the current time slice. */
  timeSlice: number;
  /**
   * Machine-code instructions this thread has executed since its last timer tick. Slices that
   * end early (a fault, a syscall) add up here, so a thread that exits often still uses up its
   * time slice, as it would under a real timer.
   */
  tickInstructions: number;
  /** `seL4_UserContext` words in order; pc is FaultIP. */
  readonly context: bigint[];
  /** Fault endpoint CPtr, looked up in the thread's CSpace at fault time. */
  faultHandler: bigint;
  /** Virtual address of the IPC buffer (its offset selects the buffer in the frame). */
  ipcBufferAddr: bigint;
  /** `seL4_TCBFlag` bits (fpuDisabled). */
  flags: bigint;
  /** CSpace root slot. */
  readonly ctable: Slot;
  /** VSpace root slot. */
  readonly vtable: Slot;
  /** Reply master slot (reply caps to this thread are its CDT children). */
  readonly replySlot: Slot;
  /** Caller slot: the reply cap received with a Call. */
  readonly callerSlot: Slot;
  /** IPC buffer frame slot. */
  readonly bufferSlot: Slot;
  /** x86: EPT root slot. */
  readonly eptRootSlot: Slot;
  /** Bound notification, or null. */
  boundNotification: Notification | null;
  /** Fault waiting for its reply, or null. */
  pendingFault: Fault | null;
  /** Bound VCPU, or null. */
  vcpu: VCPU | null;
  /** True while queued in a ready queue. */
  inReadyQueue: boolean;
  /** Debug name. */
  name: string;
  /** The running TypeScript program, if any. */
  program: ThreadProgramState | null;
  /** Machine-code threads: in a syscall entered at pc (pc = FaultIP; NextIP = pc + size). */
  executorSyscall: boolean;
  /**
   * Memo of the IPC buffer lookup, valid while the buffer slot holds the same cap value and the
   * buffer address is unchanged (caps are replaced, never mutated, when they change).
   */
  ipcBufferMemo: IPCBufferMemo | null;
}

/** Endpoint (§5.2). */
export interface Endpoint extends ObjectBase {
  /** Object kind. */
  readonly kind: "endpoint";
  /** Endpoint state. */
  state: "Idle" | "Send" | "Recv";
  /** Queued threads, FIFO. */
  readonly queue: TCB[];
}

/** Notification (§5.7). */
export interface Notification extends ObjectBase {
  /** Object kind. */
  readonly kind: "notification";
  /** Notification state. */
  state: "Idle" | "Waiting" | "Active";
  /** Pending badge bits (Active state). */
  word: bigint;
  /** Waiting threads, FIFO. */
  readonly queue: TCB[];
  /** Bound thread, or null. */
  boundTCB: TCB | null;
}

/** CNode: 2^radix slots, created lazily (untouched slots cost nothing). */
export interface CNode extends ObjectBase {
  /** Object kind. */
  readonly kind: "cnode";
  /** log2 of the slot count. */
  readonly radix: number;
  /** Touched slots by index. */
  readonly slots: Map<number, Slot>;
}

/** A frame of 4 KiB, 2 MiB or 1 GiB. */
export interface Frame extends ObjectBase {
  /** Object kind. */
  readonly kind: "frame";
  /** Device memory (never zeroed, not usable as IPC buffer). */
  readonly isDevice: boolean;
}

/** Kinds of paging-structure objects of both architectures. */
export type PagingKind =
  | "arm_pt"
  | "arm_vspace"
  | "x86_pml4"
  | "x86_pdpt"
  | "x86_pd"
  | "x86_pt"
  | "ept_pml4"
  | "ept_pdpt"
  | "ept_pd"
  | "ept_pt";

/** A page-table entry: a next-level table or a page. */
export type PTE =
  | { readonly kind: "table"; readonly table: PagingTable }
  | {
      readonly kind: "page";
      readonly frame: Frame;
      /** Page size in log2 bytes. */
      readonly sizeBits: number;
      readonly rights: VMRights;
      readonly attributes: bigint;
    };

/** Any paging structure (root or intermediate), entries kept sparsely. */
export interface PagingTable extends ObjectBase {
  /** Which paging structure. */
  readonly kind: PagingKind;
  /** Present entries by index. */
  readonly entries: Map<number, PTE>;
  /** Where a non-root table is installed (table and index), or null. */
  parent: { readonly table: PagingTable; readonly index: number } | null;
  /** ASID assigned to a root, or null. */
  asid: number | null;
}

/** An ASID pool: up to 512 VSpace roots. */
export interface ASIDPool extends ObjectBase {
  /** Object kind. */
  readonly kind: "asid_pool";
  /** First ASID of the pool (pool index * 512). */
  readonly base: number;
  /** Assigned roots by index in the pool. */
  readonly entries: Map<number, PagingTable>;
}

/** A VCPU of either architecture (execution state lives with the vCPU executor). */
export interface VCPU extends ObjectBase {
  /** Object kind. */
  readonly kind: "vcpu";
  /** Architecture of the VCPU. */
  readonly arch: "aarch64" | "x86_64";
  /** Bound thread, or null. */
  tcb: TCB | null;
  /** ARM: the 24 `seL4_VCPUReg` values. */
  readonly regs: bigint[];
  /** ARM: the GICH_LR words of the list registers (0 = empty), as seL4's `vgic.lr[]`. */
  readonly lrs: number[];
  /** ARM: virtual PPIs masked until AckVPPI. */
  readonly vppiMasked: Set<number>;
  /** x86: VMCS fields by encoding. */
  readonly vmcs: Map<number, bigint>;
  /** x86: guest eax, ebx, ecx, edx, esi, edi, ebp. */
  readonly guestRegisters: bigint[];
  /** x86: ports whose accesses trap (a set bit in the I/O bitmap). */
  readonly ioPortsEnabled: Set<number>;
}

/** Every memory-backed object. */
export type KernelObject =
  | TCB
  | Endpoint
  | Notification
  | CNode
  | Frame
  | PagingTable
  | ASIDPool
  | VCPU;

/** VM access rights of a frame mapping (§7.3). */
export type VMRights = "KernelOnly" | "ReadOnly" | "ReadWrite";

/** Capability values (§2.4). Rights words use `seL4_CapRights` bits (W=1, R=2, G=4, GR=8). */
export type Cap =
  | { readonly type: "null" }
  | {
      readonly type: "untyped";
      readonly paddr: number;
      readonly sizeBits: number;
      readonly isDevice: boolean;
      /** Watermark in bytes from paddr (the kernel counts 16-byte units; same value * 16). */
      freeIndex: number;
    }
  | {
      readonly type: "endpoint";
      readonly obj: Endpoint;
      readonly badge: bigint;
      readonly rights: number;
    }
  | {
      readonly type: "notification";
      readonly obj: Notification;
      readonly badge: bigint;
      readonly rights: number;
    }
  | {
      readonly type: "reply";
      readonly tcb: TCB;
      readonly master: boolean;
      readonly canGrant: boolean;
    }
  | {
      readonly type: "cnode";
      readonly obj: CNode;
      readonly guard: bigint;
      readonly guardSize: number;
    }
  | { readonly type: "thread"; readonly obj: TCB }
  | { readonly type: "irq_control" }
  | { readonly type: "irq_handler"; readonly irq: number }
  | { readonly type: "domain" }
  | {
      readonly type: "frame";
      readonly obj: Frame;
      readonly rights: VMRights;
      readonly mapping: FrameMapping | null;
    }
  | {
      readonly type: "paging";
      readonly obj: PagingTable;
      /** Non-roots: mapped address (rounded to the coverage). Roots: unused. */
      readonly mappedAddress: bigint | null;
      /** The ASID the table is mapped under (non-roots) or assigned (roots). */
      readonly asid: number | null;
    }
  | { readonly type: "asid_control" }
  | { readonly type: "asid_pool"; readonly obj: ASIDPool }
  | { readonly type: "vcpu"; readonly obj: VCPU }
  | { readonly type: "io_port_control" }
  | {
      readonly type: "io_port";
      readonly first: number;
      readonly last: number;
      /** The VCPU this cap granted ports to with EnableIOPort (the cap's VPID link), if any. */
      readonly vcpu?: VCPU | null;
    };

/** The one mapping a frame cap may describe. */
export interface FrameMapping {
  /** ASID of the VSpace. */
  readonly asid: number;
  /** Virtual (or guest-physical) address. */
  readonly vaddr: bigint;
  /** Normal VSpace or x86 EPT. */
  readonly space: "vspace" | "ept";
}

/** The kind a Retype creates, for object kinds with memory. */
export type RetypeKind = Exclude<ObjectKind, "untyped">;

/** Rights bits. */
export const CapRight = { Write: 1, Read: 2, Grant: 4, GrantReply: 8, All: 15 } as const;

/** A capability slot (CTE): a cap plus its place in the derivation list. */
export interface Slot {
  /** The capability held (the null cap when empty). */
  cap: Cap;
  /** Previous node of the derivation list. */
  prev: Slot | null;
  /** Next node of the derivation list. */
  next: Slot | null;
  /** `mdbRevocable`: copies made from this cap are its children. */
  revocable: boolean;
  /** `mdbFirstBadged`: starts a new badge subtree. */
  firstBadged: boolean;
  /** The CNode or TCB that holds the slot, and the index in it (TCB slots use negative ids). */
  readonly owner: CNode | TCB;
  /** Index in the owner (TCB slots use negative ids). */
  readonly index: number;
}

/** A memoised `lookupIPCBuffer` result for one (buffer cap, buffer address) pair. */
export interface IPCBufferMemo {
  /** The buffer-slot cap the memo was computed from. */
  readonly cap: Cap;
  /** The buffer address it was computed from. */
  readonly addr: bigint;
  /** Physical address of the buffer for sending, or null. */
  readonly send: number | null;
  /** Physical address of the buffer for receiving (needs read-write), or null. */
  readonly receive: number | null;
}
