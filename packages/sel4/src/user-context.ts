/**
 * `seL4_UserContext`: a thread's register file as TCB_ReadRegisters / WriteRegisters carry it,
 * one word per field in C declaration order. The two architectures have different files.
 */

/** AArch64 `seL4_UserContext` field names in C order: 17 frame registers, then 19 others. */
export const seL4_UserContext_aarch64_fields = [
  "pc",
  "sp",
  "spsr",
  "x0",
  "x1",
  "x2",
  "x3",
  "x4",
  "x5",
  "x6",
  "x7",
  "x8",
  "x16",
  "x17",
  "x18",
  "x29",
  "x30",
  "x9",
  "x10",
  "x11",
  "x12",
  "x13",
  "x14",
  "x15",
  "x19",
  "x20",
  "x21",
  "x22",
  "x23",
  "x24",
  "x25",
  "x26",
  "x27",
  "x28",
  "tpidr_el0",
  "tpidrro_el0",
] as const;

/** x86_64 `seL4_UserContext` field names in C order: 18 frame registers, then fs_base, gs_base. */
export const seL4_UserContext_x86_64_fields = [
  "rip",
  "rsp",
  "rflags",
  "rax",
  "rbx",
  "rcx",
  "rdx",
  "rsi",
  "rdi",
  "rbp",
  "r8",
  "r9",
  "r10",
  "r11",
  "r12",
  "r13",
  "r14",
  "r15",
  "fs_base",
  "gs_base",
] as const;

/** The AArch64 register file (36 words). */
export type seL4_UserContext_aarch64 = {
  [K in (typeof seL4_UserContext_aarch64_fields)[number]]: bigint;
};

/** The x86_64 register file (20 words). */
export type seL4_UserContext_x86_64 = {
  [K in (typeof seL4_UserContext_x86_64_fields)[number]]: bigint;
};

/** Frame registers of AArch64 (the part `transfer_frame` copies). */
export const seL4_UserContext_aarch64_frameRegisters = 17;
/** Frame registers of x86_64. */
export const seL4_UserContext_x86_64_frameRegisters = 18;

/** `seL4_ARM_SMCContext`: the argument and result registers of an SMC call, x0..x7. */
export const seL4_ARM_SMCContext_fields = ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"] as const;

/** The SMC argument/result registers. */
export type seL4_ARM_SMCContext = { [K in (typeof seL4_ARM_SMCContext_fields)[number]]: bigint };

/** `seL4_VCPUContext` (x86, 32-bit guests): the guest registers VCPU_WriteRegisters sets. */
export const seL4_VCPUContext_fields = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp"] as const;

/** The x86 guest general-purpose registers (7 words with 32-bit guests). */
export type seL4_VCPUContext = { [K in (typeof seL4_VCPUContext_fields)[number]]: bigint };

/** A register file of `fields` with every register 0. */
export function zeroContext<const F extends readonly string[]>(
  fields: F,
): { [K in F[number]]: bigint } {
  const context: Record<string, bigint> = {};
  for (const field of fields) context[field] = 0n;
  return context as { [K in F[number]]: bigint };
}
