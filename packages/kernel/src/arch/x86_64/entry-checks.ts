/**
 * The VM-entry checks the model performs (Intel SDM Vol. 3 ch. 26): a bad VM-entry control makes
 * VMRESUME fail outright ("fail", seL4's failed-entry message); a bad guest state enters nothing
 * and exits with "VM-entry failure due to invalid guest state" ("invalid-guest-state").
 */
import {
  VMX_CONTROL_ENTRY_INTERRUPTION_INFO,
  VMX_GUEST_ACTIVITY,
  VMX_GUEST_CR0,
  VMX_GUEST_RFLAGS,
} from "@sel4/sel4";
import type { VCPU } from "../../objects/types.js";

/** Outcome of the entry checks. */
export type EntryCheck = "ok" | "fail" | "invalid-guest-state";

const VALID = 1n << 31n;
/** RFLAGS bits that must be zero (3, 5, 15, 22-31) on a 32-bit guest. */
const RFLAGS_RESERVED_ZERO = (1n << 3n) | (1n << 5n) | (1n << 15n) | (0x3ffn << 22n);

function eventInjectionValid(info: bigint): boolean {
  if ((info & VALID) === 0n) return true;
  // Bits 30:12 are reserved.
  if ((info & 0x7fff_f000n) !== 0n) return false;
  const vector = Number(info & 0xffn);
  const type = Number((info >> 8n) & 7n);
  const deliverError = (info & (1n << 11n)) !== 0n;
  if (type === 1 || type === 7) return false;
  if (type === 2 && vector !== 2) return false;
  if (type === 3 && vector > 31) return false;
  // Only hardware exceptions carry an error code (and only those that architecturally have one).
  if (deliverError && !(type === 3 && [8, 10, 11, 12, 13, 14, 17].includes(vector))) return false;
  return true;
}

/** Checks the state `seL4_VMEnter` is about to enter with. */
export function checkEntry(vcpu: VCPU): EntryCheck {
  const get = (f: number) => vcpu.vmcs.get(f) ?? 0n;
  if (!eventInjectionValid(get(VMX_CONTROL_ENTRY_INTERRUPTION_INFO))) return "fail";
  const rflags = vcpu.vmcs.get(VMX_GUEST_RFLAGS);
  if (rflags !== undefined && ((rflags & 2n) === 0n || (rflags & RFLAGS_RESERVED_ZERO) !== 0n)) {
    return "invalid-guest-state";
  }
  const cr0 = get(VMX_GUEST_CR0);
  if ((cr0 & (1n << 31n)) !== 0n && (cr0 & 1n) === 0n) return "invalid-guest-state";
  if (get(VMX_GUEST_ACTIVITY) > 1n) return "invalid-guest-state";
  return "ok";
}
