/**
 * The scalar types of libsel4, as TypeScript sees them.
 *
 * Full machine words are `bigint` so that no 64-bit value is ever rounded; quantities that the
 * architecture bounds below 2^53 (capability pointers, object types, size bits, addresses) are
 * `number`.
 */

/** The two kernel configurations the project targets (AArch64 hypervisor mode, x86_64 VT-x). */
export type Sel4Config = "aarch64" | "x86_64";

/** Every configuration, in a fixed order (for tables and tests). */
export const sel4Configs: readonly Sel4Config[] = ["aarch64", "x86_64"];

/** A full 64-bit machine word (`seL4_Word`): registers, badges, message registers. */
export type seL4_Word = bigint;

/** A capability pointer (`seL4_CPtr`): an address in a CSpace, below 2^53 in practice. */
export type seL4_CPtr = number;

/** A C `seL4_Bool`; travels as one bit in an invocation message. */
export type seL4_Bool = boolean;

/** A C `seL4_Uint8`. */
export type seL4_Uint8 = number;

/** A C `seL4_Uint16`. */
export type seL4_Uint16 = number;

/** A C `seL4_Uint32`. */
export type seL4_Uint32 = number;

/** A C `seL4_Uint64`: a full 64-bit value. */
export type seL4_Uint64 = bigint;

/** A time value (`seL4_Time`, 64 bits). */
export type seL4_Time = bigint;

/** A domain number (`seL4_Domain`). */
export type seL4_Domain = number;

/** A CNode slot position (`seL4_SlotPos`). */
export type seL4_SlotPos = number;

/** A CPtr to an untyped memory capability. */
export type seL4_Untyped = seL4_CPtr;
/** A CPtr to a thread control block capability. */
export type seL4_TCB = seL4_CPtr;
/** A CPtr to a CNode capability. */
export type seL4_CNode = seL4_CPtr;
/** A CPtr to the IRQ control capability. */
export type seL4_IRQControl = seL4_CPtr;
/** A CPtr to an IRQ handler capability. */
export type seL4_IRQHandler = seL4_CPtr;
/** A CPtr to the domain control capability. */
export type seL4_DomainSet = seL4_CPtr;
/** A CPtr to an ARM VSpace (root page table) capability. */
export type seL4_ARM_VSpace = seL4_CPtr;
/** A CPtr to an ARM page-table capability. */
export type seL4_ARM_PageTable = seL4_CPtr;
/** A CPtr to an ARM frame capability. */
export type seL4_ARM_Page = seL4_CPtr;
/** A CPtr to the ARM ASID control capability. */
export type seL4_ARM_ASIDControl = seL4_CPtr;
/** A CPtr to an ARM ASID pool capability. */
export type seL4_ARM_ASIDPool = seL4_CPtr;
/** A CPtr to an ARM VCPU capability. */
export type seL4_ARM_VCPU = seL4_CPtr;
/** A CPtr to an ARM SMC capability. */
export type seL4_ARM_SMC = seL4_CPtr;
/** A CPtr to an x86_64 PML4 capability. */
export type seL4_X64_PML4 = seL4_CPtr;
/** A CPtr to an x86 PDPT capability. */
export type seL4_X86_PDPT = seL4_CPtr;
/** A CPtr to an x86 page-directory capability. */
export type seL4_X86_PageDirectory = seL4_CPtr;
/** A CPtr to an x86 page-table capability. */
export type seL4_X86_PageTable = seL4_CPtr;
/** A CPtr to an x86 frame capability. */
export type seL4_X86_Page = seL4_CPtr;
/** A CPtr to the x86 ASID control capability. */
export type seL4_X86_ASIDControl = seL4_CPtr;
/** A CPtr to an x86 ASID pool capability. */
export type seL4_X86_ASIDPool = seL4_CPtr;
/** A CPtr to the x86 I/O port control capability. */
export type seL4_X86_IOPortControl = seL4_CPtr;
/** A CPtr to an x86 I/O port range capability. */
export type seL4_X86_IOPort = seL4_CPtr;
/** A CPtr to an x86 VCPU capability. */
export type seL4_X86_VCPU = seL4_CPtr;
/** A CPtr to an x86 EPT PML4 capability. */
export type seL4_X86_EPTPML4 = seL4_CPtr;
/** A CPtr to an x86 EPT PDPT capability. */
export type seL4_X86_EPTPDPT = seL4_CPtr;
/** A CPtr to an x86 EPT page-directory capability. */
export type seL4_X86_EPTPD = seL4_CPtr;
/** A CPtr to an x86 EPT page-table capability. */
export type seL4_X86_EPTPT = seL4_CPtr;

/** The largest value of a 64-bit word. */
export const seL4_WordMax: bigint = (1n << 64n) - 1n;
