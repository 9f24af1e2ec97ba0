/**
 * The numbers of seL4's ABI the kernel model decodes and produces, per configuration. Every
 * number comes from `@sel4/sel4` (libsel4); this file only groups them the way the kernel's
 * decoders use them and adds kernel-internal geometry (register roles, USER_TOP, maxIRQ).
 */
import {
  CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS,
  invocationLabels_aarch64,
  invocationLabels_x86_64,
  messageInfoFromWord,
  seL4_AlignmentError,
  seL4_ArchConstants,
  seL4_ASIDPoolIndexBits,
  seL4_CapASIDControl,
  seL4_CapBootInfoFrame,
  seL4_CapDomain,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadIPCBuffer,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapIOPortControl,
  seL4_CapIRQControl,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_Fault_CapFault,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VCPUFault,
  seL4_Fault_VGICMaintenance,
  seL4_Fault_VMFault,
  seL4_Fault_VPPIEvent,
  seL4_IllegalOperation,
  seL4_InvalidArgument,
  seL4_InvalidCapability,
  seL4_MaxPrio,
  seL4_MaxUntypedBits,
  seL4_MessageInfo_new,
  seL4_MinUntypedBits,
  seL4_MsgMaxExtraCaps,
  seL4_MsgMaxLength,
  seL4_NoError,
  seL4_NotEnoughMemory,
  seL4_NumInitialCaps,
  seL4_ObjectType,
  seL4_RangeError,
  seL4_RetypeFanOutLimit,
  seL4_RevokeFirst,
  seL4_SlotBits,
  seL4_SysCall,
  seL4_SysDebugCapIdentify,
  seL4_SysDebugPutChar,
  seL4_SysNBRecv,
  seL4_SysNBSend,
  seL4_SysRecv,
  seL4_SysReply,
  seL4_SysReplyRecv,
  seL4_SysSend,
  seL4_SysVMEnter,
  seL4_SysYield,
  seL4_TruncatedMessage,
  wordFromMessageInfo,
} from "@sel4/sel4";

/** The two kernel configurations of the model. */
export type Arch = "aarch64" | "x86_64";

/** `seL4_Error` codes by name. */
export const seL4_Error = {
  NoError: seL4_NoError,
  InvalidArgument: seL4_InvalidArgument,
  InvalidCapability: seL4_InvalidCapability,
  IllegalOperation: seL4_IllegalOperation,
  RangeError: seL4_RangeError,
  AlignmentError: seL4_AlignmentError,
  FailedLookup: seL4_FailedLookup,
  TruncatedMessage: seL4_TruncatedMessage,
  DeleteFirst: seL4_DeleteFirst,
  RevokeFirst: seL4_RevokeFirst,
  NotEnoughMemory: seL4_NotEnoughMemory,
} as const;

/** The syscall numbers the kernel handles (non-MCS). */
export const Syscall = {
  Call: seL4_SysCall,
  ReplyRecv: seL4_SysReplyRecv,
  Send: seL4_SysSend,
  NBSend: seL4_SysNBSend,
  Recv: seL4_SysRecv,
  Reply: seL4_SysReply,
  Yield: seL4_SysYield,
  NBRecv: seL4_SysNBRecv,
  DebugPutChar: seL4_SysDebugPutChar,
  DebugCapIdentify: seL4_SysDebugCapIdentify,
  VMEnter: seL4_SysVMEnter,
} as const;

/** Fault labels (non-MCS). */
export const FaultLabel = {
  CapFault: seL4_Fault_CapFault,
  UnknownSyscall: seL4_Fault_UnknownSyscall,
  UserException: seL4_Fault_UserException,
  VMFault: seL4_Fault_VMFault,
  VGICMaintenance: seL4_Fault_VGICMaintenance,
  VCPUFault: seL4_Fault_VCPUFault,
  VPPIEvent: seL4_Fault_VPPIEvent,
} as const;

/** Generic invocation labels (identical in both configurations). */
export const GenericLabel = invocationLabels_aarch64;
/** AArch64 invocation labels. */
export const ARMLabel = invocationLabels_aarch64;
/** x86_64 invocation labels. */
export const X86Label = invocationLabels_x86_64;

/** What a Retype object-type number means, independent of the configuration. */
export type ObjectKind =
  | "untyped"
  | "tcb"
  | "endpoint"
  | "notification"
  | "cnode"
  | "frame4k"
  | "frame2m"
  | "frame1g"
  | "arm_pt"
  | "arm_vspace"
  | "arm_vcpu"
  | "x86_pdpt"
  | "x86_pml4"
  | "x86_pd"
  | "x86_pt"
  | "x86_vcpu"
  | "ept_pml4"
  | "ept_pdpt"
  | "ept_pd"
  | "ept_pt";

const kindByName: Record<string, ObjectKind> = {
  seL4_UntypedObject: "untyped",
  seL4_TCBObject: "tcb",
  seL4_EndpointObject: "endpoint",
  seL4_NotificationObject: "notification",
  seL4_CapTableObject: "cnode",
  seL4_ARM_HugePageObject: "frame1g",
  seL4_ARM_VSpaceObject: "arm_vspace",
  seL4_ARM_SmallPageObject: "frame4k",
  seL4_ARM_LargePageObject: "frame2m",
  seL4_ARM_PageTableObject: "arm_pt",
  seL4_ARM_VCPUObject: "arm_vcpu",
  seL4_X86_PDPTObject: "x86_pdpt",
  seL4_X64_PML4Object: "x86_pml4",
  seL4_X64_HugePageObject: "frame1g",
  seL4_X86_4K: "frame4k",
  seL4_X86_LargePageObject: "frame2m",
  seL4_X86_PageTableObject: "x86_pt",
  seL4_X86_PageDirectoryObject: "x86_pd",
  seL4_X86_VCPUObject: "x86_vcpu",
  seL4_X86_EPTPML4Object: "ept_pml4",
  seL4_X86_EPTPDPTObject: "ept_pdpt",
  seL4_X86_EPTPDObject: "ept_pd",
  seL4_X86_EPTPTObject: "ept_pt",
};

function kindsOf(arch: Arch): ObjectKind[] {
  const out: ObjectKind[] = [];
  for (const [name, number] of Object.entries(seL4_ObjectType[arch])) {
    const kind = kindByName[name];
    if (kind !== undefined) out[number] = kind;
  }
  return out;
}

/** Object kind per `seL4_ObjectType` number, per configuration. */
export const objectTypes: Record<Arch, readonly ObjectKind[]> = {
  aarch64: kindsOf("aarch64"),
  x86_64: kindsOf("x86_64"),
};

/** `seL4_MsgMaxLength`. */
export {
  seL4_MaxPrio,
  seL4_MaxUntypedBits,
  seL4_MinUntypedBits,
  seL4_MsgMaxExtraCaps,
  seL4_MsgMaxLength,
  seL4_SlotBits,
};
/** `CONFIG_RETYPE_FAN_OUT_LIMIT`. */
export const RETYPE_FAN_OUT_LIMIT = seL4_RetypeFanOutLimit;
/** `CONFIG_ROOT_CNODE_SIZE_BITS`. */
export const ROOT_CNODE_SIZE_BITS = 12;
/** `CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS`. */
export const MAX_BOOTINFO_UNTYPEDS = CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS;
/** ASIDs per pool. */
export const ASID_POOL_SIZE = 2 ** seL4_ASIDPoolIndexBits;
/** `CONFIG_TIME_SLICE` in ticks. */
export const TIME_SLICE = 5;

/** Initial CNode slots (§11.1). */
export const InitialSlot = {
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadVSpace,
  seL4_CapIRQControl,
  seL4_CapASIDControl,
  seL4_CapInitThreadASIDPool,
  seL4_CapIOPortControl,
  seL4_CapBootInfoFrame,
  seL4_CapInitThreadIPCBuffer,
  seL4_CapDomain,
  seL4_NumInitialCaps,
} as const;

/** Per-architecture geometry and register conventions. */
export interface ArchParams {
  readonly arch: Arch;
  /** Highest user virtual address (inclusive), the kernel's USER_TOP. */
  readonly userTop: bigint;
  /** Number of ASID pools. */
  readonly numASIDPools: number;
  /** Words of `seL4_UserContext`. */
  readonly userContextWords: number;
  /** The "frame" registers at the start of `seL4_UserContext`. */
  readonly frameRegisters: number;
  /** Context indices of MR0..MR3. */
  readonly msgRegisters: readonly number[];
  /** Context index of the cap/badge register. */
  readonly capRegister: number;
  /** Context index of the message-info register. */
  readonly infoRegister: number;
  /** Context index of the syscall-number register. */
  readonly syscallRegister: number;
  /** Context index of the program counter and of the stack pointer. */
  readonly pcRegister: number;
  /** Context index of the stack pointer. */
  readonly spRegister: number;
  /** Context index of the flags register (SPSR / RFLAGS). */
  readonly flagsRegister: number;
  /** Context index of the TLS base register. */
  readonly tlsRegister: number;
  /** Highest IRQ number IRQControl_Get accepts. */
  readonly maxIRQ: number;
  /** Object type count (first invalid type number). */
  readonly objectTypeCount: number;
}

/** AArch64 (hyp, 40-bit PA, 3-level stage-2) and x86_64 parameters. */
export const archParams: Record<Arch, ArchParams> = {
  aarch64: {
    arch: "aarch64",
    userTop: 0xff_ffff_ffffn,
    numASIDPools: 2 ** seL4_ArchConstants.aarch64.seL4_NumASIDPoolsBits,
    userContextWords: 36,
    frameRegisters: 17,
    // x2..x5 in seL4_UserContext order: pc, sp, spsr, x0..x8, ...
    msgRegisters: [5, 6, 7, 8],
    capRegister: 3,
    infoRegister: 4,
    syscallRegister: 10,
    pcRegister: 0,
    spRegister: 1,
    flagsRegister: 2,
    tlsRegister: 34,
    maxIRQ: 159,
    objectTypeCount: seL4_ArchConstants.aarch64.seL4_ObjectTypeCount,
  },
  x86_64: {
    arch: "x86_64",
    userTop: 0x7fff_ffff_ffffn,
    numASIDPools: 2 ** seL4_ArchConstants.x86_64.seL4_NumASIDPoolsBits,
    userContextWords: 20,
    frameRegisters: 18,
    // r10, r8, r9, r15 in seL4_UserContext order: rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8..r15
    msgRegisters: [12, 10, 11, 17],
    capRegister: 8,
    infoRegister: 7,
    syscallRegister: 6,
    pcRegister: 0,
    spRegister: 1,
    flagsRegister: 2,
    tlsRegister: 18,
    maxIRQ: 107,
    objectTypeCount: seL4_ArchConstants.x86_64.seL4_ObjectTypeCount,
  },
};

/** 2^64 - 1. */
export const WORD_MASK = (1n << 64n) - 1n;

/** Encodes a message-info word. */
export function messageInfo(
  label: bigint | number,
  capsUnwrapped: number,
  extraCaps: number,
  length: number,
): bigint {
  return wordFromMessageInfo(seL4_MessageInfo_new(Number(label), capsUnwrapped, extraCaps, length));
}

/** Decodes a message-info word, length clamped to `seL4_MsgMaxLength` (`messageInfoFromWord`). */
export function decodeMessageInfo(word: bigint) {
  return messageInfoFromWord(word);
}
