/**
 * The `Sel4` interface: the system-call surface of one thread, by libsel4's C names and C
 * parameter order.
 *
 * How the two configurations are presented: {@link Sel4} holds everything both configurations
 * share (the system calls, message-register access and the generic invocations);
 * {@link Sel4_AArch64} and {@link Sel4_X86_64} extend it with their architecture's invocations
 * (and `seL4_VMEnter` on x86). `Sel4` is generic in the configuration only so that the register
 * file of TCB_ReadRegisters/WriteRegisters has the right shape; arch-independent code takes a
 * plain `Sel4`. `config` is the discriminant: `if (sel4.config === "aarch64")` narrows.
 *
 * Conventions: blocking system calls (Send, Recv, Call, ReplyRecv, Wait, Yield, VMEnter) return
 * Promises, everything else is synchronous. Invocations return their `seL4_Error` (the reply
 * label), or `{ error, ...outputs }` where C has output parameters or returns a struct. Values
 * that do not fit their C type throw {@link Sel4ArgumentError} before the kernel is entered.
 */
import type { seL4_Error } from "./errors.js";
import type { seL4_MessageInfo_t } from "./message-info.js";
import type { seL4_CapRights_t } from "./rights.js";
import type {
  Sel4Config,
  seL4_ARM_ASIDControl,
  seL4_ARM_ASIDPool,
  seL4_ARM_Page,
  seL4_ARM_PageTable,
  seL4_ARM_SMC,
  seL4_ARM_VCPU,
  seL4_ARM_VSpace,
  seL4_Bool,
  seL4_CNode,
  seL4_CPtr,
  seL4_DomainSet,
  seL4_IRQControl,
  seL4_IRQHandler,
  seL4_TCB,
  seL4_Time,
  seL4_Uint8,
  seL4_Uint16,
  seL4_Uint32,
  seL4_Untyped,
  seL4_Word,
  seL4_X64_PML4,
  seL4_X86_ASIDControl,
  seL4_X86_ASIDPool,
  seL4_X86_EPTPD,
  seL4_X86_EPTPDPT,
  seL4_X86_EPTPML4,
  seL4_X86_EPTPT,
  seL4_X86_IOPort,
  seL4_X86_IOPortControl,
  seL4_X86_Page,
  seL4_X86_PageDirectory,
  seL4_X86_PageTable,
  seL4_X86_PDPT,
  seL4_X86_VCPU,
} from "./types.js";
import type {
  seL4_ARM_SMCContext,
  seL4_UserContext_aarch64,
  seL4_UserContext_x86_64,
  seL4_VCPUContext,
} from "./user-context.js";

/** The `seL4_UserContext` of a configuration. */
export type UserContextOf<C extends Sel4Config> = C extends "aarch64"
  ? seL4_UserContext_aarch64
  : seL4_UserContext_x86_64;

/** What a receive returns: the message tag and the sender's badge (`*sender` in C). */
export interface seL4_RecvResult {
  /** The received message tag. */
  readonly info: seL4_MessageInfo_t;
  /** The badge of the capability the message came through (0 if unbadged). */
  readonly sender: seL4_Word;
}

/** The system calls and IPC-buffer accessors of one thread (libsel4's inline functions). */
export interface Sel4SystemCalls<C extends Sel4Config = Sel4Config> {
  /** The kernel configuration of the thread. */
  readonly config: C;
  /** Sends a message (MR0..MR3 from `msg[0..3]`); blocks until it is delivered. */
  seL4_Send(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): Promise<void>;
  /** Sends a message if a receiver is waiting, else drops it. */
  seL4_NBSend(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): void;
  /** Sends a message and waits for the reply; the reply's MR0..MR3 land in `msg[0..3]`. */
  seL4_Call(dest: seL4_CPtr, msgInfo: seL4_MessageInfo_t): Promise<seL4_MessageInfo_t>;
  /** Replies to the thread's caller (nothing happens without one). */
  seL4_Reply(msgInfo: seL4_MessageInfo_t): void;
  /** Waits for a message on an endpoint or a notification. */
  seL4_Recv(src: seL4_CPtr): Promise<seL4_RecvResult>;
  /** Receives if a message is waiting, else returns badge 0 at once. */
  seL4_NBRecv(src: seL4_CPtr): seL4_RecvResult;
  /** Replies to the caller, then waits on `src`, in one step. */
  seL4_ReplyRecv(src: seL4_CPtr, msgInfo: seL4_MessageInfo_t): Promise<seL4_RecvResult>;
  /** Gives up the rest of the time slice. */
  seL4_Yield(): Promise<void>;
  /** Signals a notification (a Send of an empty message). */
  seL4_Signal(dest: seL4_CPtr): void;
  /** Waits on a notification; returns its word as `sender`. */
  seL4_Wait(src: seL4_CPtr): Promise<{ readonly sender: seL4_Word }>;
  /** Polls a notification (badge 0 if it was not signalled). */
  seL4_Poll(src: seL4_CPtr): seL4_RecvResult;
  /** Debug: prints a character (CONFIG_PRINTING). */
  seL4_DebugPutChar(c: number): void;
  /** Debug: the cap type tag of the capability at `cap`. */
  seL4_DebugCapIdentify(cap: seL4_CPtr): number;
  /** Reads message register `i` (`msg[i]` of the IPC buffer). */
  seL4_GetMR(i: number): seL4_Word;
  /** Writes message register `i` (`msg[i]` of the IPC buffer). */
  seL4_SetMR(i: number, mr: seL4_Word): void;
  /** Reads the IPC buffer's user word. */
  seL4_GetUserData(): seL4_Word;
  /** Writes the IPC buffer's user word. */
  seL4_SetUserData(data: seL4_Word): void;
  /** Reads the unwrapped badge of received extra cap `i`. */
  seL4_GetBadge(i: number): seL4_Word;
  /** Reads the CPtr of extra cap `i` (`caps_or_badges[i]`). */
  seL4_GetCap(i: number): seL4_CPtr;
  /** Sets the CPtr of extra cap `i` to send. */
  seL4_SetCap(i: number, cptr: seL4_CPtr): void;
  /** Reads where a received capability will be stored. */
  seL4_GetCapReceivePath(): {
    readonly receiveCNode: seL4_CPtr;
    readonly receiveIndex: seL4_CPtr;
    readonly receiveDepth: seL4_Word;
  };
  /** Sets where a received capability will be stored. */
  seL4_SetCapReceivePath(
    receiveCNode: seL4_CPtr,
    receiveIndex: seL4_CPtr,
    receiveDepth: seL4_Word,
  ): void;
  /** After a failed map: the bitsLeft of the missing paging level (MR2, `SEL4_MAPPING_LOOKUP_*`). */
  seL4_MappingFailedLookupLevel(): seL4_Word;
}

/** The system-call surface shared by both configurations: system calls and generic invocations. */
export interface Sel4<C extends Sel4Config = Sel4Config> extends Sel4SystemCalls<C> {
  /** Creates `num_objects` objects of `type` from the untyped into slots `node_offset`.. of the CNode named by (`root`, `node_index`, `node_depth`; depth 0 = `root` itself). Label `UntypedRetype`. */
  seL4_Untyped_Retype(
    _service: seL4_Untyped,
    type: number,
    size_bits: number,
    root: seL4_CNode,
    node_index: number,
    node_depth: number,
    node_offset: number,
    num_objects: number,
  ): seL4_Error;
  /** Reads the first `count` registers of the thread (optionally suspending it first). Label `TCBReadRegisters`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_TCB_ReadRegisters(
    _service: seL4_TCB,
    suspend_source: seL4_Bool,
    arch_flags: seL4_Uint8,
    count: number,
  ): { readonly error: seL4_Error; readonly regs: UserContextOf<C> };
  /** Writes the first `count` registers of the thread (sanitised), optionally resuming it. Label `TCBWriteRegisters`. */
  seL4_TCB_WriteRegisters(
    _service: seL4_TCB,
    resume_target: seL4_Bool,
    arch_flags: seL4_Uint8,
    count: number,
    regs: UserContextOf<C>,
  ): seL4_Error;
  /** Copies frame and/or integer registers from `source` into this thread. Label `TCBCopyRegisters`. */
  seL4_TCB_CopyRegisters(
    _service: seL4_TCB,
    source: seL4_TCB,
    suspend_source: seL4_Bool,
    resume_target: seL4_Bool,
    transfer_frame: seL4_Bool,
    transfer_integer: seL4_Bool,
    arch_flags: seL4_Uint8,
  ): seL4_Error;
  /** Sets the fault endpoint CPtr, CSpace and VSpace roots (with cap data) and IPC buffer of the thread. Label `TCBConfigure`. */
  seL4_TCB_Configure(
    _service: seL4_TCB,
    fault_ep: number,
    cspace_root: seL4_CNode,
    cspace_root_data: seL4_Word,
    vspace_root: seL4_CPtr,
    vspace_root_data: seL4_Word,
    buffer: number,
    bufferFrame: seL4_CPtr,
  ): seL4_Error;
  /** Sets the priority (at most the MCP of `authority`). Label `TCBSetPriority`. */
  seL4_TCB_SetPriority(_service: seL4_TCB, authority: seL4_TCB, priority: number): seL4_Error;
  /** Sets the maximum controlled priority (at most the MCP of `authority`). Label `TCBSetMCPriority`. */
  seL4_TCB_SetMCPriority(_service: seL4_TCB, authority: seL4_TCB, mcp: number): seL4_Error;
  /** Sets MCP and priority at once (both checked against `authority`). Label `TCBSetSchedParams`. */
  seL4_TCB_SetSchedParams(
    _service: seL4_TCB,
    authority: seL4_TCB,
    mcp: number,
    priority: number,
  ): seL4_Error;
  /** Sets the IPC buffer address and frame (`buffer` 0 clears it). Label `TCBSetIPCBuffer`. */
  seL4_TCB_SetIPCBuffer(_service: seL4_TCB, buffer: number, bufferFrame: seL4_CPtr): seL4_Error;
  /** Sets the fault endpoint CPtr and the CSpace and VSpace roots. Label `TCBSetSpace`. */
  seL4_TCB_SetSpace(
    _service: seL4_TCB,
    fault_ep: number,
    cspace_root: seL4_CNode,
    cspace_root_data: seL4_Word,
    vspace_root: seL4_CPtr,
    vspace_root_data: seL4_Word,
  ): seL4_Error;
  /** Suspends the thread (cancelling any IPC). Label `TCBSuspend`. */
  seL4_TCB_Suspend(_service: seL4_TCB): seL4_Error;
  /** Resumes a stopped thread (no-op on a running one). Label `TCBResume`. */
  seL4_TCB_Resume(_service: seL4_TCB): seL4_Error;
  /** Binds a notification to the thread. Label `TCBBindNotification`. */
  seL4_TCB_BindNotification(_service: seL4_TCB, notification: seL4_CPtr): seL4_Error;
  /** Unbinds the thread's notification. Label `TCBUnbindNotification`. */
  seL4_TCB_UnbindNotification(_service: seL4_TCB): seL4_Error;
  /** Sets the TLS register (TPIDR_EL0 / FS_BASE). Label `TCBSetTLSBase`. */
  seL4_TCB_SetTLSBase(_service: seL4_TCB, tls_base: seL4_Word): seL4_Error;
  /** Clears then sets TCB flags (`seL4_TCBFlag_fpuDisabled`); returns the new flags. Label `TCBSetFlags`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_TCB_SetFlags(
    _service: seL4_TCB,
    clear: seL4_Word,
    set: seL4_Word,
  ): { readonly error: seL4_Error; readonly flags: seL4_Word };
  /** Deletes every capability derived from the one at (`index`, `depth`). Label `CNodeRevoke`. */
  seL4_CNode_Revoke(_service: seL4_CNode, index: number, depth: seL4_Uint8): seL4_Error;
  /** Deletes the capability at (`index`, `depth`). Label `CNodeDelete`. */
  seL4_CNode_Delete(_service: seL4_CNode, index: number, depth: seL4_Uint8): seL4_Error;
  /** Cancels pending sends carrying the badge of the endpoint cap at (`index`, `depth`). Label `CNodeCancelBadgedSends`. */
  seL4_CNode_CancelBadgedSends(_service: seL4_CNode, index: number, depth: seL4_Uint8): seL4_Error;
  /** Copies a capability with reduced `rights` into an empty slot. Label `CNodeCopy`. */
  seL4_CNode_Copy(
    _service: seL4_CNode,
    dest_index: number,
    dest_depth: seL4_Uint8,
    src_root: seL4_CNode,
    src_index: number,
    src_depth: seL4_Uint8,
    rights: seL4_CapRights_t,
  ): seL4_Error;
  /** Copies a capability with reduced `rights` and a badge (or guard) into an empty slot. Label `CNodeMint`. */
  seL4_CNode_Mint(
    _service: seL4_CNode,
    dest_index: number,
    dest_depth: seL4_Uint8,
    src_root: seL4_CNode,
    src_index: number,
    src_depth: seL4_Uint8,
    rights: seL4_CapRights_t,
    badge: seL4_Word,
  ): seL4_Error;
  /** Moves a capability into an empty slot. Label `CNodeMove`. */
  seL4_CNode_Move(
    _service: seL4_CNode,
    dest_index: number,
    dest_depth: seL4_Uint8,
    src_root: seL4_CNode,
    src_index: number,
    src_depth: seL4_Uint8,
  ): seL4_Error;
  /** Moves a capability into an empty slot, applying new cap data. Label `CNodeMutate`. */
  seL4_CNode_Mutate(
    _service: seL4_CNode,
    dest_index: number,
    dest_depth: seL4_Uint8,
    src_root: seL4_CNode,
    src_index: number,
    src_depth: seL4_Uint8,
    badge: seL4_Word,
  ): seL4_Error;
  /** Moves pivot to destination and source to pivot atomically (a swap if source = destination). Label `CNodeRotate`. */
  seL4_CNode_Rotate(
    _service: seL4_CNode,
    dest_index: number,
    dest_depth: seL4_Uint8,
    dest_badge: seL4_Word,
    pivot_root: seL4_CNode,
    pivot_index: number,
    pivot_depth: seL4_Uint8,
    pivot_badge: seL4_Word,
    src_root: seL4_CNode,
    src_index: number,
    src_depth: seL4_Uint8,
  ): seL4_Error;
  /** Moves the thread's pending reply capability into an empty slot. Label `CNodeSaveCaller`. */
  seL4_CNode_SaveCaller(_service: seL4_CNode, index: number, depth: seL4_Uint8): seL4_Error;
  /** Creates the IRQ handler capability of `irq` in the slot (`root`, `index`, `depth`). Label `IRQIssueIRQHandler`. */
  seL4_IRQControl_Get(
    _service: seL4_IRQControl,
    irq: number,
    root: seL4_CNode,
    index: number,
    depth: seL4_Uint8,
  ): seL4_Error;
  /** Acknowledges the interrupt (unmasks it). Label `IRQAckIRQ`. */
  seL4_IRQHandler_Ack(_service: seL4_IRQHandler): seL4_Error;
  /** Sets the notification the interrupt signals. Label `IRQSetIRQHandler`. */
  seL4_IRQHandler_SetNotification(_service: seL4_IRQHandler, notification: seL4_CPtr): seL4_Error;
  /** Removes the interrupt's notification. Label `IRQClearIRQHandler`. */
  seL4_IRQHandler_Clear(_service: seL4_IRQHandler): seL4_Error;
  /** Moves `thread` into `domain`. Label `DomainSetSet`. */
  seL4_DomainSet_Set(_service: seL4_DomainSet, domain: seL4_Uint8, thread: seL4_TCB): seL4_Error;
  /** Sets entry `index` of the domain schedule. Label `DomainScheduleConfigure`. */
  seL4_DomainSet_ScheduleConfigure(
    _service: seL4_DomainSet,
    index: number,
    domain: seL4_Uint8,
    duration: seL4_Time,
  ): seL4_Error;
  /** Sets the entry the domain schedule starts from. Label `DomainScheduleSetStart`. */
  seL4_DomainSet_ScheduleSetStart(_service: seL4_DomainSet, index: number): seL4_Error;
}

/** The AArch64 hypervisor configuration: {@link Sel4} plus the ARM invocations. */
export interface Sel4_AArch64 extends Sel4<"aarch64"> {
  /** Cleans the data cache over [`start`, `end`) of the VSpace. Label `ARMVSpaceClean_Data`. */
  seL4_ARM_VSpace_Clean_Data(_service: seL4_ARM_VSpace, start: number, end: number): seL4_Error;
  /** Invalidates the data cache over [`start`, `end`) of the VSpace. Label `ARMVSpaceInvalidate_Data`. */
  seL4_ARM_VSpace_Invalidate_Data(
    _service: seL4_ARM_VSpace,
    start: number,
    end: number,
  ): seL4_Error;
  /** Cleans and invalidates the data cache over [`start`, `end`) of the VSpace. Label `ARMVSpaceCleanInvalidate_Data`. */
  seL4_ARM_VSpace_CleanInvalidate_Data(
    _service: seL4_ARM_VSpace,
    start: number,
    end: number,
  ): seL4_Error;
  /** Makes the instruction cache coherent over [`start`, `end`) of the VSpace. Label `ARMVSpaceUnify_Instruction`. */
  seL4_ARM_VSpace_Unify_Instruction(
    _service: seL4_ARM_VSpace,
    start: number,
    end: number,
  ): seL4_Error;
  /** Forwards an SMC call (needs CONFIG_ALLOW_SMC_CALLS); returns the result registers. Label `ARMSMCCall`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_ARM_SMC_Call(
    _service: seL4_ARM_SMC,
    smc_args: seL4_ARM_SMCContext,
  ): { readonly error: seL4_Error; readonly smc_response: seL4_ARM_SMCContext };
  /** Maps the page table into `vspace` at the first missing level covering `vaddr`. Label `ARMPageTableMap`. */
  seL4_ARM_PageTable_Map(
    _service: seL4_ARM_PageTable,
    vspace: seL4_CPtr,
    vaddr: number,
    attr: number,
  ): seL4_Error;
  /** Unmaps (and clears) the page table. Label `ARMPageTableUnmap`. */
  seL4_ARM_PageTable_Unmap(_service: seL4_ARM_PageTable): seL4_Error;
  /** Maps the frame into `vspace` at `vaddr` (a remap at the same place updates rights/attributes). Label `ARMPageMap`. */
  seL4_ARM_Page_Map(
    _service: seL4_ARM_Page,
    vspace: seL4_CPtr,
    vaddr: number,
    rights: seL4_CapRights_t,
    attr: number,
  ): seL4_Error;
  /** Unmaps the frame. Label `ARMPageUnmap`. */
  seL4_ARM_Page_Unmap(_service: seL4_ARM_Page): seL4_Error;
  /** Cleans the data cache over an offset range of the mapped frame. Label `ARMPageClean_Data`. */
  seL4_ARM_Page_Clean_Data(
    _service: seL4_ARM_Page,
    start_offset: number,
    end_offset: number,
  ): seL4_Error;
  /** Invalidates the data cache over an offset range of the mapped frame. Label `ARMPageInvalidate_Data`. */
  seL4_ARM_Page_Invalidate_Data(
    _service: seL4_ARM_Page,
    start_offset: number,
    end_offset: number,
  ): seL4_Error;
  /** Cleans and invalidates the data cache over an offset range of the mapped frame. Label `ARMPageCleanInvalidate_Data`. */
  seL4_ARM_Page_CleanInvalidate_Data(
    _service: seL4_ARM_Page,
    start_offset: number,
    end_offset: number,
  ): seL4_Error;
  /** Makes the instruction cache coherent over an offset range of the mapped frame. Label `ARMPageUnify_Instruction`. */
  seL4_ARM_Page_Unify_Instruction(
    _service: seL4_ARM_Page,
    start_offset: number,
    end_offset: number,
  ): seL4_Error;
  /** Returns the physical address of the frame. Label `ARMPageGetAddress`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_ARM_Page_GetAddress(_service: seL4_ARM_Page): {
    readonly error: seL4_Error;
    readonly paddr: number;
  };
  /** Turns a 4 KiB `untyped` into a new ASID pool in the slot (`root`, `index`, `depth`). Label `ARMASIDControlMakePool`. */
  seL4_ARM_ASIDControl_MakePool(
    _service: seL4_ARM_ASIDControl,
    untyped: seL4_Untyped,
    root: seL4_CNode,
    index: number,
    depth: seL4_Uint8,
  ): seL4_Error;
  /** Assigns an ASID from the pool to `vspace`. Label `ARMASIDPoolAssign`. */
  seL4_ARM_ASIDPool_Assign(_service: seL4_ARM_ASIDPool, vspace: seL4_CPtr): seL4_Error;
  /** Binds the VCPU to `tcb`. Label `ARMVCPUSetTCB`. */
  seL4_ARM_VCPU_SetTCB(_service: seL4_ARM_VCPU, tcb: seL4_TCB): seL4_Error;
  /** Writes a pending virtual interrupt into list register `index`. Label `ARMVCPUInjectIRQ`. */
  seL4_ARM_VCPU_InjectIRQ(
    _service: seL4_ARM_VCPU,
    virq: seL4_Uint16,
    priority: seL4_Uint8,
    group: seL4_Uint8,
    index: seL4_Uint8,
  ): seL4_Error;
  /** Reads VCPU register `field` (`seL4_VCPUReg_*`). Label `ARMVCPUReadReg`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_ARM_VCPU_ReadRegs(
    _service: seL4_ARM_VCPU,
    field: number,
  ): { readonly error: seL4_Error; readonly value: seL4_Word };
  /** Writes VCPU register `field` (`seL4_VCPUReg_*`). Label `ARMVCPUWriteReg`. */
  seL4_ARM_VCPU_WriteRegs(_service: seL4_ARM_VCPU, field: number, value: seL4_Word): seL4_Error;
  /** Unmasks delivery of the virtual PPI `irq`. Label `ARMVCPUAckVPPI`. */
  seL4_ARM_VCPU_AckVPPI(_service: seL4_ARM_VCPU, irq: number): seL4_Error;
  /** As `seL4_IRQControl_Get` with a trigger mode (1 edge, 0 level). Label `ARMIRQIssueIRQHandlerTrigger`. */
  seL4_IRQControl_GetTrigger(
    _service: seL4_IRQControl,
    irq: number,
    trigger: number,
    root: seL4_CNode,
    index: number,
    depth: seL4_Uint8,
  ): seL4_Error;
  /** Creates a capability that sends software-generated interrupt `irq` to `target`. Label `ARMIRQIssueSGISignal`. */
  seL4_IRQControl_IssueSGISignal(
    _service: seL4_IRQControl,
    irq: number,
    target: number,
    root: seL4_CNode,
    index: number,
    depth: seL4_Uint8,
  ): seL4_Error;
}

/** The x86_64 VT-x configuration: {@link Sel4} plus the x86 invocations and `seL4_VMEnter`. */
export interface Sel4_X86_64 extends Sel4<"x86_64"> {
  /**
   * Enters the guest of the VCPU bound to this thread (guest RIP, primary controls and entry
   * interruption info from `msg[0..2]`). Resolves with `result` = `SEL4_VMENTER_RESULT_FAULT` (a
   * VM exit, `SEL4_VMENTER_FAULT_*` in the MRs) or `SEL4_VMENTER_RESULT_NOTIF` (a notification;
   * `sender` is its badge, else 0).
   */
  seL4_VMEnter(): Promise<{ readonly result: seL4_Word; readonly sender: seL4_Word }>;
  /** Maps the PDPT into `pml4` at `vaddr` (rounded down to 512 GiB). Label `X86PDPTMap`. */
  seL4_X86_PDPT_Map(
    _service: seL4_X86_PDPT,
    pml4: seL4_X64_PML4,
    vaddr: number,
    attr: number,
  ): seL4_Error;
  /** Unmaps the PDPT. Label `X86PDPTUnmap`. */
  seL4_X86_PDPT_Unmap(_service: seL4_X86_PDPT): seL4_Error;
  /** Maps the page directory into `vspace` at `vaddr` (rounded down to 1 GiB). Label `X86PageDirectoryMap`. */
  seL4_X86_PageDirectory_Map(
    _service: seL4_X86_PageDirectory,
    vspace: seL4_CPtr,
    vaddr: number,
    attr: number,
  ): seL4_Error;
  /** Unmaps the page directory. Label `X86PageDirectoryUnmap`. */
  seL4_X86_PageDirectory_Unmap(_service: seL4_X86_PageDirectory): seL4_Error;
  /** Maps the page table into `vspace` at `vaddr` (rounded down to 2 MiB). Label `X86PageTableMap`. */
  seL4_X86_PageTable_Map(
    _service: seL4_X86_PageTable,
    vspace: seL4_CPtr,
    vaddr: number,
    attr: number,
  ): seL4_Error;
  /** Unmaps the page table. Label `X86PageTableUnmap`. */
  seL4_X86_PageTable_Unmap(_service: seL4_X86_PageTable): seL4_Error;
  /** Maps the frame into `vspace` at `vaddr` (a remap at the same place updates rights/attributes). Label `X86PageMap`. */
  seL4_X86_Page_Map(
    _service: seL4_X86_Page,
    vspace: seL4_CPtr,
    vaddr: number,
    rights: seL4_CapRights_t,
    attr: number,
  ): seL4_Error;
  /** Unmaps the frame (from a VSpace or an EPT). Label `X86PageUnmap`. */
  seL4_X86_Page_Unmap(_service: seL4_X86_Page): seL4_Error;
  /** Returns the physical address of the frame. Label `X86PageGetAddress`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_X86_Page_GetAddress(_service: seL4_X86_Page): {
    readonly error: seL4_Error;
    readonly paddr: number;
  };
  /** Maps the frame into the EPT `eptpml4` at guest-physical `gpa`. Label `X86PageMapEPT`. */
  seL4_X86_Page_MapEPT(
    _service: seL4_X86_Page,
    eptpml4: seL4_X86_EPTPML4,
    gpa: number,
    rights: seL4_CapRights_t,
    attr: number,
  ): seL4_Error;
  /** Turns a 4 KiB `untyped` into a new ASID pool in the slot (`root`, `index`, `depth`). Label `X86ASIDControlMakePool`. */
  seL4_X86_ASIDControl_MakePool(
    _service: seL4_X86_ASIDControl,
    untyped: seL4_Untyped,
    root: seL4_CNode,
    index: number,
    depth: seL4_Uint8,
  ): seL4_Error;
  /** Assigns an ASID from the pool to `vspace` (a PML4 or an EPT PML4). Label `X86ASIDPoolAssign`. */
  seL4_X86_ASIDPool_Assign(_service: seL4_X86_ASIDPool, vspace: seL4_CPtr): seL4_Error;
  /** Creates an I/O port capability for [`first_port`, `last_port`] in the slot (`root`, `index`, `depth`). Label `X86IOPortControlIssue`. */
  seL4_X86_IOPortControl_Issue(
    _service: seL4_X86_IOPortControl,
    first_port: number,
    last_port: number,
    root: seL4_CNode,
    index: number,
    depth: seL4_Uint8,
  ): seL4_Error;
  /** Reads a byte from `port`. Label `X86IOPortIn8`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_X86_IOPort_In8(
    _service: seL4_X86_IOPort,
    port: seL4_Uint16,
  ): { readonly error: seL4_Error; readonly result: seL4_Uint8 };
  /** Reads 16 bits from `port`. Label `X86IOPortIn16`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_X86_IOPort_In16(
    _service: seL4_X86_IOPort,
    port: seL4_Uint16,
  ): { readonly error: seL4_Error; readonly result: seL4_Uint16 };
  /** Reads 32 bits from `port`. Label `X86IOPortIn32`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_X86_IOPort_In32(
    _service: seL4_X86_IOPort,
    port: seL4_Uint16,
  ): { readonly error: seL4_Error; readonly result: seL4_Uint32 };
  /** Writes a byte to `port`. Label `X86IOPortOut8`. */
  seL4_X86_IOPort_Out8(_service: seL4_X86_IOPort, port: number, data: number): seL4_Error;
  /** Writes 16 bits to `port`. Label `X86IOPortOut16`. */
  seL4_X86_IOPort_Out16(_service: seL4_X86_IOPort, port: number, data: number): seL4_Error;
  /** Writes 32 bits to `port`. Label `X86IOPortOut32`. */
  seL4_X86_IOPort_Out32(_service: seL4_X86_IOPort, port: number, data: number): seL4_Error;
  /** Creates the handler capability of an IOAPIC pin routed to `vector`. Label `X86IRQIssueIRQHandlerIOAPIC`. */
  seL4_IRQControl_GetIOAPIC(
    _service: seL4_IRQControl,
    root: seL4_CNode,
    index: number,
    depth: seL4_Uint8,
    ioapic: number,
    pin: number,
    level: number,
    polarity: number,
    vector: number,
  ): seL4_Error;
  /** Creates the handler capability of an MSI routed to `vector`. Label `X86IRQIssueIRQHandlerMSI`. */
  seL4_IRQControl_GetMSI(
    _service: seL4_IRQControl,
    root: seL4_CNode,
    index: number,
    depth: seL4_Uint8,
    pci_bus: number,
    pci_dev: number,
    pci_func: number,
    handle: number,
    vector: number,
  ): seL4_Error;
  /** Sets the thread's EPT root (guest-physical address space). Label `TCBSetEPTRoot`. */
  seL4_TCB_SetEPTRoot(_service: seL4_TCB, eptpml4: seL4_X86_EPTPML4): seL4_Error;
  /** Binds the VCPU to `tcb`. Label `X86VCPUSetTCB`. */
  seL4_X86_VCPU_SetTCB(_service: seL4_X86_VCPU, tcb: seL4_TCB): seL4_Error;
  /** Reads VMCS field `field` (`VMX_*`). Label `X86VCPUReadVMCS`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_X86_VCPU_ReadVMCS(
    _service: seL4_X86_VCPU,
    field: number,
  ): { readonly error: seL4_Error; readonly value: seL4_Word };
  /** Writes VMCS field `field`; returns the value actually written (fixed bits applied). Label `X86VCPUWriteVMCS`. Other fields are zero when `error` is not `seL4_NoError`. */
  seL4_X86_VCPU_WriteVMCS(
    _service: seL4_X86_VCPU,
    field: number,
    value: seL4_Word,
  ): { readonly error: seL4_Error; readonly written: seL4_Word };
  /** Lets the guest access ports [`low`, `high`] of `ioPort` without exiting. Label `X86VCPUEnableIOPort`. */
  seL4_X86_VCPU_EnableIOPort(
    _service: seL4_X86_VCPU,
    ioPort: seL4_X86_IOPort,
    low: number,
    high: number,
  ): seL4_Error;
  /** Makes guest accesses to ports [`low`, `high`] exit again. Label `X86VCPUDisableIOPort`. */
  seL4_X86_VCPU_DisableIOPort(_service: seL4_X86_VCPU, low: number, high: number): seL4_Error;
  /** Sets the guest general-purpose registers. Label `X86VCPUWriteRegisters`. */
  seL4_X86_VCPU_WriteRegisters(_service: seL4_X86_VCPU, regs: seL4_VCPUContext): seL4_Error;
  /** Maps the EPT PDPT into `eptpml4` at `gpa` (rounded down to 512 GiB). Label `X86EPTPDPTMap`. */
  seL4_X86_EPTPDPT_Map(
    _service: seL4_X86_EPTPDPT,
    eptpml4: seL4_X86_EPTPML4,
    gpa: number,
    attr: number,
  ): seL4_Error;
  /** Unmaps the EPT PDPT. Label `X86EPTPDPTUnmap`. */
  seL4_X86_EPTPDPT_Unmap(_service: seL4_X86_EPTPDPT): seL4_Error;
  /** Maps the EPT page directory into `eptpml4` at `gpa` (rounded down to 1 GiB). Label `X86EPTPDMap`. */
  seL4_X86_EPTPD_Map(
    _service: seL4_X86_EPTPD,
    eptpml4: seL4_X86_EPTPML4,
    gpa: number,
    attr: number,
  ): seL4_Error;
  /** Unmaps the EPT page directory. Label `X86EPTPDUnmap`. */
  seL4_X86_EPTPD_Unmap(_service: seL4_X86_EPTPD): seL4_Error;
  /** Maps the EPT page table into `eptpml4` at `gpa` (rounded down to 2 MiB). Label `X86EPTPTMap`. */
  seL4_X86_EPTPT_Map(
    _service: seL4_X86_EPTPT,
    eptpml4: seL4_X86_EPTPML4,
    gpa: number,
    attr: number,
  ): seL4_Error;
  /** Unmaps the EPT page table. Label `X86EPTPTUnmap`. */
  seL4_X86_EPTPT_Unmap(_service: seL4_X86_EPTPT): seL4_Error;
}
