/**
 * The initial guest state (`vm_vmcs_init_guest`): 32-bit protected mode with flat 4 GiB segments
 * (CS 0x08, data 0x10), paging and interrupts off, HLT exiting. Unlike C, paging stays off (the
 * model's VT-x has "unrestricted guest"), so no VMM page tables at 0x10000000 are needed and the
 * guest owns CR0/CR3/CR4 except CR4.VMXE.
 */
import {
  VMX_CONTROL_CR0_MASK,
  VMX_CONTROL_CR0_READ_SHADOW,
  VMX_CONTROL_CR4_MASK,
  VMX_CONTROL_CR4_READ_SHADOW,
  VMX_GUEST_CR0,
  VMX_GUEST_CR3,
  VMX_GUEST_CR4,
  VMX_GUEST_CS_ACCESS_RIGHTS,
  VMX_GUEST_CS_BASE,
  VMX_GUEST_CS_LIMIT,
  VMX_GUEST_CS_SELECTOR,
  VMX_GUEST_DS_ACCESS_RIGHTS,
  VMX_GUEST_DS_BASE,
  VMX_GUEST_DS_LIMIT,
  VMX_GUEST_DS_SELECTOR,
  VMX_GUEST_ES_ACCESS_RIGHTS,
  VMX_GUEST_ES_BASE,
  VMX_GUEST_ES_LIMIT,
  VMX_GUEST_ES_SELECTOR,
  VMX_GUEST_FS_ACCESS_RIGHTS,
  VMX_GUEST_GS_ACCESS_RIGHTS,
  VMX_GUEST_LDTR_ACCESS_RIGHTS,
  VMX_GUEST_RFLAGS,
  VMX_GUEST_SS_ACCESS_RIGHTS,
  VMX_GUEST_SS_BASE,
  VMX_GUEST_SS_LIMIT,
  VMX_GUEST_SS_SELECTOR,
  VMX_GUEST_TR_ACCESS_RIGHTS,
} from "@sel4/sel4";
import type { GuestState } from "./guest-state.js";
import { VMX_CONTROL_PPC_HLT_EXITING } from "./vmcs.js";

/** Data segment access rights: present, S, read/write accessed, 4 KiB granular, 32-bit. */
const DATA_AR = 0xc093n;
/** Code segment: present, S, execute/read accessed, 4 KiB granular, 32-bit. */
const CODE_AR = 0xc09bn;
/** Unusable segment. */
const UNUSABLE = 1n << 16n;
/** CR0.PE | CR0.ET. */
const CR0_PE_ET = 0x11n;
/** CR4.VMXE (host owned). */
const CR4_VMXE = 1n << 13n;

/** Writes the initial guest state into the cache. */
export function init_guest_vmcs(gs: GuestState): void {
  const seg = (sel: number, base: number, limit: number, ar: number, s: bigint, a: bigint) => {
    gs.write(sel, s);
    gs.write(base, 0n);
    gs.write(limit, 0xffff_ffffn);
    gs.write(ar, a);
  };
  seg(
    VMX_GUEST_CS_SELECTOR,
    VMX_GUEST_CS_BASE,
    VMX_GUEST_CS_LIMIT,
    VMX_GUEST_CS_ACCESS_RIGHTS,
    0x08n,
    CODE_AR,
  );
  seg(
    VMX_GUEST_DS_SELECTOR,
    VMX_GUEST_DS_BASE,
    VMX_GUEST_DS_LIMIT,
    VMX_GUEST_DS_ACCESS_RIGHTS,
    0x10n,
    DATA_AR,
  );
  seg(
    VMX_GUEST_ES_SELECTOR,
    VMX_GUEST_ES_BASE,
    VMX_GUEST_ES_LIMIT,
    VMX_GUEST_ES_ACCESS_RIGHTS,
    0x10n,
    DATA_AR,
  );
  seg(
    VMX_GUEST_SS_SELECTOR,
    VMX_GUEST_SS_BASE,
    VMX_GUEST_SS_LIMIT,
    VMX_GUEST_SS_ACCESS_RIGHTS,
    0x10n,
    DATA_AR,
  );
  gs.write(VMX_GUEST_FS_ACCESS_RIGHTS, UNUSABLE);
  gs.write(VMX_GUEST_GS_ACCESS_RIGHTS, UNUSABLE);
  gs.write(VMX_GUEST_LDTR_ACCESS_RIGHTS, UNUSABLE);
  gs.write(VMX_GUEST_TR_ACCESS_RIGHTS, 0x8bn);
  gs.write(VMX_GUEST_RFLAGS, 2n);
  gs.write(VMX_GUEST_CR0, CR0_PE_ET);
  gs.write(VMX_CONTROL_CR0_MASK, 0n);
  gs.write(VMX_CONTROL_CR0_READ_SHADOW, 0n);
  gs.write(VMX_GUEST_CR3, 0n);
  gs.write(VMX_GUEST_CR4, CR4_VMXE);
  gs.write(VMX_CONTROL_CR4_MASK, CR4_VMXE);
  gs.write(VMX_CONTROL_CR4_READ_SHADOW, 0n);
  gs.set_context([0n, 0n, 0n, 0n, 0n, 0n, 0n]);
  gs.control_ppc = VMX_CONTROL_PPC_HLT_EXITING;
}
