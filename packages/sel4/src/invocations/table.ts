/**
 * One description per kernel invocation: its C stub name, its label (by the kernel's label name,
 * numbered per configuration in labels-*.ts), its parameters in C order with their kinds, and
 * the words its reply carries. `createSel4` marshals every invocation from this table exactly as
 * libsel4's generated stubs do; the kernel model can use it to decode messages.
 */
import type { Sel4Config } from "../types.js";
import { invocationLabels_aarch64 } from "./labels-aarch64.js";
import { invocationLabels_x86_64 } from "./labels-x86_64.js";

/**
 * How a parameter travels:
 * - `cap`: an extra capability (its CPtr goes to `caps_or_badges`), a `number`;
 * - `bool` (1 bit), `u8`, `u16`, `u32`: packed into words at their natural alignment;
 * - `word`: a full 64-bit word, a `bigint`;
 * - `wnum`: a 64-bit word the architecture bounds below 2^53 (CPtr, address, count), a `number`;
 * - `rights`: an `seL4_CapRights_t`, one word;
 * - `userContext`, `smcContext`, `vcpuContext`: a struct, one word per field in C order.
 */
export type ParamKind =
  | "cap"
  | "bool"
  | "u8"
  | "u16"
  | "u32"
  | "word"
  | "wnum"
  | "rights"
  | "userContext"
  | "smcContext"
  | "vcpuContext";

/** One parameter of an invocation (the invoked cap `_service` is implicit and not listed). */
export interface ParamDesc {
  /** The C parameter name. */
  readonly name: string;
  /** How it is marshalled. */
  readonly kind: ParamKind;
}

/** The kernel label names of one configuration. */
export type LabelName =
  | keyof typeof invocationLabels_aarch64
  | keyof typeof invocationLabels_x86_64;

/** One invocation. */
export interface InvocationDesc {
  /** The C stub name, e.g. `seL4_CNode_Copy`. */
  readonly name: string;
  /** The kernel's label name, e.g. `CNodeCopy`. */
  readonly label: LabelName;
  /** The C type of the invoked cap, e.g. `seL4_CNode`. */
  readonly service: string;
  /** The configurations that have it. */
  readonly configs: readonly Sel4Config[];
  /** Input parameters in C order, caps included. */
  readonly params: readonly ParamDesc[];
  /** Output parameters (read back from the reply's message registers) in C order. */
  readonly results: readonly ParamDesc[];
}

const both: readonly Sel4Config[] = ["aarch64", "x86_64"];
const arm: readonly Sel4Config[] = ["aarch64"];
const x86: readonly Sel4Config[] = ["x86_64"];

const p = (kind: ParamKind, name: string): ParamDesc => ({ kind, name });
const cap = (name: string) => p("cap", name);
const word = (name: string) => p("word", name);
const wnum = (name: string) => p("wnum", name);
const u8 = (name: string) => p("u8", name);
const u16 = (name: string) => p("u16", name);
const u32 = (name: string) => p("u32", name);
const bool = (name: string) => p("bool", name);
const rights = (name: string) => p("rights", name);

function inv(
  name: string,
  label: LabelName,
  configs: readonly Sel4Config[],
  params: readonly ParamDesc[] = [],
  results: readonly ParamDesc[] = [],
): InvocationDesc {
  // The method name may itself contain one underscore (Clean_Data, Unify_Instruction).
  const parts = name.split("_");
  const methodParts = /_(Data|Instruction)$/.test(name) ? 2 : 1;
  const service = parts.slice(0, parts.length - methodParts).join("_");
  return { name, label, service, configs, params, results };
}

const cnodeSlot = [wnum("index"), u8("depth")];
const cacheRange = [wnum("start"), wnum("end")];
const pageRange = [wnum("start_offset"), wnum("end_offset")];

/** Every invocation of both configurations, in label order of the AArch64 table then x86 extras. */
export const invocationTable: readonly InvocationDesc[] = [
  inv("seL4_Untyped_Retype", "UntypedRetype", both, [
    wnum("type"),
    wnum("size_bits"),
    cap("root"),
    wnum("node_index"),
    wnum("node_depth"),
    wnum("node_offset"),
    wnum("num_objects"),
  ]),
  inv(
    "seL4_TCB_ReadRegisters",
    "TCBReadRegisters",
    both,
    [bool("suspend_source"), u8("arch_flags"), wnum("count")],
    [p("userContext", "regs")],
  ),
  inv("seL4_TCB_WriteRegisters", "TCBWriteRegisters", both, [
    bool("resume_target"),
    u8("arch_flags"),
    wnum("count"),
    p("userContext", "regs"),
  ]),
  inv("seL4_TCB_CopyRegisters", "TCBCopyRegisters", both, [
    cap("source"),
    bool("suspend_source"),
    bool("resume_target"),
    bool("transfer_frame"),
    bool("transfer_integer"),
    u8("arch_flags"),
  ]),
  inv("seL4_TCB_Configure", "TCBConfigure", both, [
    wnum("fault_ep"),
    cap("cspace_root"),
    word("cspace_root_data"),
    cap("vspace_root"),
    word("vspace_root_data"),
    wnum("buffer"),
    cap("bufferFrame"),
  ]),
  inv("seL4_TCB_SetPriority", "TCBSetPriority", both, [cap("authority"), wnum("priority")]),
  inv("seL4_TCB_SetMCPriority", "TCBSetMCPriority", both, [cap("authority"), wnum("mcp")]),
  inv("seL4_TCB_SetSchedParams", "TCBSetSchedParams", both, [
    cap("authority"),
    wnum("mcp"),
    wnum("priority"),
  ]),
  inv("seL4_TCB_SetIPCBuffer", "TCBSetIPCBuffer", both, [wnum("buffer"), cap("bufferFrame")]),
  inv("seL4_TCB_SetSpace", "TCBSetSpace", both, [
    wnum("fault_ep"),
    cap("cspace_root"),
    word("cspace_root_data"),
    cap("vspace_root"),
    word("vspace_root_data"),
  ]),
  inv("seL4_TCB_Suspend", "TCBSuspend", both),
  inv("seL4_TCB_Resume", "TCBResume", both),
  inv("seL4_TCB_BindNotification", "TCBBindNotification", both, [cap("notification")]),
  inv("seL4_TCB_UnbindNotification", "TCBUnbindNotification", both),
  inv("seL4_TCB_SetTLSBase", "TCBSetTLSBase", both, [word("tls_base")]),
  inv("seL4_TCB_SetFlags", "TCBSetFlags", both, [word("clear"), word("set")], [word("flags")]),
  inv("seL4_CNode_Revoke", "CNodeRevoke", both, cnodeSlot),
  inv("seL4_CNode_Delete", "CNodeDelete", both, cnodeSlot),
  inv("seL4_CNode_CancelBadgedSends", "CNodeCancelBadgedSends", both, cnodeSlot),
  inv("seL4_CNode_Copy", "CNodeCopy", both, [
    wnum("dest_index"),
    u8("dest_depth"),
    cap("src_root"),
    wnum("src_index"),
    u8("src_depth"),
    rights("rights"),
  ]),
  inv("seL4_CNode_Mint", "CNodeMint", both, [
    wnum("dest_index"),
    u8("dest_depth"),
    cap("src_root"),
    wnum("src_index"),
    u8("src_depth"),
    rights("rights"),
    word("badge"),
  ]),
  inv("seL4_CNode_Move", "CNodeMove", both, [
    wnum("dest_index"),
    u8("dest_depth"),
    cap("src_root"),
    wnum("src_index"),
    u8("src_depth"),
  ]),
  inv("seL4_CNode_Mutate", "CNodeMutate", both, [
    wnum("dest_index"),
    u8("dest_depth"),
    cap("src_root"),
    wnum("src_index"),
    u8("src_depth"),
    word("badge"),
  ]),
  inv("seL4_CNode_Rotate", "CNodeRotate", both, [
    wnum("dest_index"),
    u8("dest_depth"),
    word("dest_badge"),
    cap("pivot_root"),
    wnum("pivot_index"),
    u8("pivot_depth"),
    word("pivot_badge"),
    cap("src_root"),
    wnum("src_index"),
    u8("src_depth"),
  ]),
  inv("seL4_CNode_SaveCaller", "CNodeSaveCaller", both, cnodeSlot),
  inv("seL4_IRQControl_Get", "IRQIssueIRQHandler", both, [
    wnum("irq"),
    cap("root"),
    wnum("index"),
    u8("depth"),
  ]),
  inv("seL4_IRQHandler_Ack", "IRQAckIRQ", both),
  inv("seL4_IRQHandler_SetNotification", "IRQSetIRQHandler", both, [cap("notification")]),
  inv("seL4_IRQHandler_Clear", "IRQClearIRQHandler", both),
  inv("seL4_DomainSet_Set", "DomainSetSet", both, [u8("domain"), cap("thread")]),
  inv("seL4_DomainSet_ScheduleConfigure", "DomainScheduleConfigure", both, [
    wnum("index"),
    u8("domain"),
    word("duration"),
  ]),
  inv("seL4_DomainSet_ScheduleSetStart", "DomainScheduleSetStart", both, [wnum("index")]),

  inv("seL4_ARM_VSpace_Clean_Data", "ARMVSpaceClean_Data", arm, cacheRange),
  inv("seL4_ARM_VSpace_Invalidate_Data", "ARMVSpaceInvalidate_Data", arm, cacheRange),
  inv("seL4_ARM_VSpace_CleanInvalidate_Data", "ARMVSpaceCleanInvalidate_Data", arm, cacheRange),
  inv("seL4_ARM_VSpace_Unify_Instruction", "ARMVSpaceUnify_Instruction", arm, cacheRange),
  inv(
    "seL4_ARM_SMC_Call",
    "ARMSMCCall",
    arm,
    [p("smcContext", "smc_args")],
    [p("smcContext", "smc_response")],
  ),
  inv("seL4_ARM_PageTable_Map", "ARMPageTableMap", arm, [
    cap("vspace"),
    wnum("vaddr"),
    wnum("attr"),
  ]),
  inv("seL4_ARM_PageTable_Unmap", "ARMPageTableUnmap", arm),
  inv("seL4_ARM_Page_Map", "ARMPageMap", arm, [
    cap("vspace"),
    wnum("vaddr"),
    rights("rights"),
    wnum("attr"),
  ]),
  inv("seL4_ARM_Page_Unmap", "ARMPageUnmap", arm),
  inv("seL4_ARM_Page_Clean_Data", "ARMPageClean_Data", arm, pageRange),
  inv("seL4_ARM_Page_Invalidate_Data", "ARMPageInvalidate_Data", arm, pageRange),
  inv("seL4_ARM_Page_CleanInvalidate_Data", "ARMPageCleanInvalidate_Data", arm, pageRange),
  inv("seL4_ARM_Page_Unify_Instruction", "ARMPageUnify_Instruction", arm, pageRange),
  inv("seL4_ARM_Page_GetAddress", "ARMPageGetAddress", arm, [], [wnum("paddr")]),
  inv("seL4_ARM_ASIDControl_MakePool", "ARMASIDControlMakePool", arm, [
    cap("untyped"),
    cap("root"),
    wnum("index"),
    u8("depth"),
  ]),
  inv("seL4_ARM_ASIDPool_Assign", "ARMASIDPoolAssign", arm, [cap("vspace")]),
  inv("seL4_ARM_VCPU_SetTCB", "ARMVCPUSetTCB", arm, [cap("tcb")]),
  inv("seL4_ARM_VCPU_InjectIRQ", "ARMVCPUInjectIRQ", arm, [
    u16("virq"),
    u8("priority"),
    u8("group"),
    u8("index"),
  ]),
  inv("seL4_ARM_VCPU_ReadRegs", "ARMVCPUReadReg", arm, [wnum("field")], [word("value")]),
  inv("seL4_ARM_VCPU_WriteRegs", "ARMVCPUWriteReg", arm, [wnum("field"), word("value")]),
  inv("seL4_ARM_VCPU_AckVPPI", "ARMVCPUAckVPPI", arm, [wnum("irq")]),
  inv("seL4_IRQControl_GetTrigger", "ARMIRQIssueIRQHandlerTrigger", arm, [
    wnum("irq"),
    wnum("trigger"),
    cap("root"),
    wnum("index"),
    u8("depth"),
  ]),
  inv("seL4_IRQControl_IssueSGISignal", "ARMIRQIssueSGISignal", arm, [
    wnum("irq"),
    wnum("target"),
    cap("root"),
    wnum("index"),
    u8("depth"),
  ]),

  inv("seL4_X86_PDPT_Map", "X86PDPTMap", x86, [cap("pml4"), wnum("vaddr"), wnum("attr")]),
  inv("seL4_X86_PDPT_Unmap", "X86PDPTUnmap", x86),
  inv("seL4_X86_PageDirectory_Map", "X86PageDirectoryMap", x86, [
    cap("vspace"),
    wnum("vaddr"),
    wnum("attr"),
  ]),
  inv("seL4_X86_PageDirectory_Unmap", "X86PageDirectoryUnmap", x86),
  inv("seL4_X86_PageTable_Map", "X86PageTableMap", x86, [
    cap("vspace"),
    wnum("vaddr"),
    wnum("attr"),
  ]),
  inv("seL4_X86_PageTable_Unmap", "X86PageTableUnmap", x86),
  inv("seL4_X86_Page_Map", "X86PageMap", x86, [
    cap("vspace"),
    wnum("vaddr"),
    rights("rights"),
    wnum("attr"),
  ]),
  inv("seL4_X86_Page_Unmap", "X86PageUnmap", x86),
  inv("seL4_X86_Page_GetAddress", "X86PageGetAddress", x86, [], [wnum("paddr")]),
  inv("seL4_X86_Page_MapEPT", "X86PageMapEPT", x86, [
    cap("eptpml4"),
    wnum("gpa"),
    rights("rights"),
    wnum("attr"),
  ]),
  inv("seL4_X86_ASIDControl_MakePool", "X86ASIDControlMakePool", x86, [
    cap("untyped"),
    cap("root"),
    wnum("index"),
    u8("depth"),
  ]),
  inv("seL4_X86_ASIDPool_Assign", "X86ASIDPoolAssign", x86, [cap("vspace")]),
  inv("seL4_X86_IOPortControl_Issue", "X86IOPortControlIssue", x86, [
    wnum("first_port"),
    wnum("last_port"),
    cap("root"),
    wnum("index"),
    u8("depth"),
  ]),
  inv("seL4_X86_IOPort_In8", "X86IOPortIn8", x86, [u16("port")], [u8("result")]),
  inv("seL4_X86_IOPort_In16", "X86IOPortIn16", x86, [u16("port")], [u16("result")]),
  inv("seL4_X86_IOPort_In32", "X86IOPortIn32", x86, [u16("port")], [u32("result")]),
  inv("seL4_X86_IOPort_Out8", "X86IOPortOut8", x86, [wnum("port"), wnum("data")]),
  inv("seL4_X86_IOPort_Out16", "X86IOPortOut16", x86, [wnum("port"), wnum("data")]),
  inv("seL4_X86_IOPort_Out32", "X86IOPortOut32", x86, [wnum("port"), wnum("data")]),
  inv("seL4_IRQControl_GetIOAPIC", "X86IRQIssueIRQHandlerIOAPIC", x86, [
    cap("root"),
    wnum("index"),
    u8("depth"),
    wnum("ioapic"),
    wnum("pin"),
    wnum("level"),
    wnum("polarity"),
    wnum("vector"),
  ]),
  inv("seL4_IRQControl_GetMSI", "X86IRQIssueIRQHandlerMSI", x86, [
    cap("root"),
    wnum("index"),
    u8("depth"),
    wnum("pci_bus"),
    wnum("pci_dev"),
    wnum("pci_func"),
    wnum("handle"),
    wnum("vector"),
  ]),
  inv("seL4_TCB_SetEPTRoot", "TCBSetEPTRoot", x86, [cap("eptpml4")]),
  inv("seL4_X86_VCPU_SetTCB", "X86VCPUSetTCB", x86, [cap("tcb")]),
  inv("seL4_X86_VCPU_ReadVMCS", "X86VCPUReadVMCS", x86, [wnum("field")], [word("value")]),
  inv(
    "seL4_X86_VCPU_WriteVMCS",
    "X86VCPUWriteVMCS",
    x86,
    [wnum("field"), word("value")],
    [word("written")],
  ),
  inv("seL4_X86_VCPU_EnableIOPort", "X86VCPUEnableIOPort", x86, [
    cap("ioPort"),
    wnum("low"),
    wnum("high"),
  ]),
  inv("seL4_X86_VCPU_DisableIOPort", "X86VCPUDisableIOPort", x86, [wnum("low"), wnum("high")]),
  inv("seL4_X86_VCPU_WriteRegisters", "X86VCPUWriteRegisters", x86, [p("vcpuContext", "regs")]),
  inv("seL4_X86_EPTPDPT_Map", "X86EPTPDPTMap", x86, [cap("eptpml4"), wnum("gpa"), wnum("attr")]),
  inv("seL4_X86_EPTPDPT_Unmap", "X86EPTPDPTUnmap", x86),
  inv("seL4_X86_EPTPD_Map", "X86EPTPDMap", x86, [cap("eptpml4"), wnum("gpa"), wnum("attr")]),
  inv("seL4_X86_EPTPD_Unmap", "X86EPTPDUnmap", x86),
  inv("seL4_X86_EPTPT_Map", "X86EPTPTMap", x86, [cap("eptpml4"), wnum("gpa"), wnum("attr")]),
  inv("seL4_X86_EPTPT_Unmap", "X86EPTPTUnmap", x86),
];

/** The label numbers of a configuration, by kernel label name. */
export const invocationLabels = {
  aarch64: invocationLabels_aarch64,
  x86_64: invocationLabels_x86_64,
} as const;

/** The label number of `desc` on `config`, or `null` if the configuration does not have it. */
export function invocationLabel(config: Sel4Config, desc: InvocationDesc): number | null {
  if (!desc.configs.includes(config)) return null;
  const labels: Readonly<Record<string, number>> = invocationLabels[config];
  return labels[desc.label] ?? null;
}
