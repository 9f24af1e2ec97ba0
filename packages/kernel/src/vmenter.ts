/** x86 `seL4_VMEnter` (§9.5): guest entry, VM exits and notification returns. */
import {
  SEL4_VMENTER_CALL_CONTROL_PPC_MR,
  SEL4_VMENTER_CALL_EIP_MR,
  SEL4_VMENTER_CALL_INTERRUPT_INFO_MR,
  SEL4_VMENTER_FAULT_QUALIFICATION_MR,
  SEL4_VMENTER_FAULT_REASON_MR,
  SEL4_VMENTER_NUM_FAULT_MSGS,
} from "@sel4/sel4";
import type { TCB } from "./objects/types.js";
import { possibleSwitchTo } from "./scheduler.js";
import type { KernelState } from "./state.js";
import { setThreadState } from "./threads/state.js";
import { getMR, ipcBufferPaddr, setMR, setSyscallResult } from "./threads/tcb.js";

/** VMCS encodings the VMEnter protocol reads and writes. */
const VMCS_GUEST_RIP = 0x681e;
const VMCS_PRIMARY_CONTROLS = 0x4002;
const VMCS_ENTRY_INTERRUPTION_INFO = 0x4016;
/** Primary processor-based controls the kernel forces on (I/O bitmaps, MSR bitmaps, secondary). */
const PRIMARY_FIXED_ONES = (1n << 25n) | (1n << 28n) | (1n << 31n);
/** `SEL4_VMENTER_RESULT_FAULT` / `_NOTIF`. */
const RESULT_FAULT = 1n;
const RESULT_NOTIF = 0n;

function writeCallMRs(k: KernelState, t: TCB, buffer: number | null): void {
  const vmcs = t.vcpu!.vmcs;
  setMR(k, t, buffer, SEL4_VMENTER_CALL_EIP_MR, vmcs.get(VMCS_GUEST_RIP) ?? 0n);
  setMR(k, t, buffer, SEL4_VMENTER_CALL_CONTROL_PPC_MR, vmcs.get(VMCS_PRIMARY_CONTROLS) ?? 0n);
  setMR(
    k,
    t,
    buffer,
    SEL4_VMENTER_CALL_INTERRUPT_INFO_MR,
    vmcs.get(VMCS_ENTRY_INTERRUPTION_INFO) ?? 0n,
  );
}

/** Returns from guest mode with a VM exit message (`words` = MR0..). */
export function vmExit(k: KernelState, t: TCB, words: readonly bigint[]): void {
  const buffer = ipcBufferPaddr(t, true);
  for (const [i, w] of words.entries()) setMR(k, t, buffer, i, w);
  setSyscallResult(k, t, 0n, RESULT_FAULT);
  if (t.state === "RunningVM") setThreadState(k, t, "Running");
}

/** Leaves guest mode because the bound notification was signalled. */
export function vmNotificationExit(k: KernelState, t: TCB, badge: bigint): void {
  setThreadState(k, t, "Running");
  writeCallMRs(k, t, ipcBufferPaddr(t, true));
  setSyscallResult(k, t, badge, RESULT_NOTIF);
  possibleSwitchTo(k, t);
}

/**
 * `seL4_VMEnter` from a thread with a bound VCPU. Without an executor able to run the guest, the
 * entry fails as a failed VM entry does on hardware: a FAULT result with reason 0xFFFF_FFFF and
 * an all-ones qualification.
 */
export function vmEnter(k: KernelState, t: TCB): void {
  const vcpu = t.vcpu!;
  const buffer = ipcBufferPaddr(t, false);
  if (buffer !== null) {
    vcpu.vmcs.set(VMCS_GUEST_RIP, getMR(k, t, buffer, SEL4_VMENTER_CALL_EIP_MR));
    vcpu.vmcs.set(
      VMCS_PRIMARY_CONTROLS,
      getMR(k, t, buffer, SEL4_VMENTER_CALL_CONTROL_PPC_MR) | PRIMARY_FIXED_ONES,
    );
    vcpu.vmcs.set(
      VMCS_ENTRY_INTERRUPTION_INFO,
      getMR(k, t, buffer, SEL4_VMENTER_CALL_INTERRUPT_INFO_MR),
    );
  }
  const ntfn = t.boundNotification;
  if (ntfn !== null && ntfn.state === "Active") {
    const word = ntfn.word;
    ntfn.state = "Idle";
    ntfn.word = 0n;
    setSyscallResult(k, t, word, RESULT_NOTIF);
    return;
  }
  if (k.executor?.canExecute(t)) {
    setThreadState(k, t, "RunningVM");
    return;
  }
  const words = new Array<bigint>(SEL4_VMENTER_NUM_FAULT_MSGS).fill(0n);
  words[SEL4_VMENTER_CALL_EIP_MR] = vcpu.vmcs.get(VMCS_GUEST_RIP) ?? 0n;
  words[SEL4_VMENTER_CALL_CONTROL_PPC_MR] = vcpu.vmcs.get(VMCS_PRIMARY_CONTROLS) ?? 0n;
  words[SEL4_VMENTER_CALL_INTERRUPT_INFO_MR] = vcpu.vmcs.get(VMCS_ENTRY_INTERRUPTION_INFO) ?? 0n;
  words[SEL4_VMENTER_FAULT_REASON_MR] = 0xffff_ffffn;
  words[SEL4_VMENTER_FAULT_QUALIFICATION_MR] = (1n << 64n) - 1n;
  for (const [i, r] of vcpu.guestRegisters.entries()) words[10 + i] = r;
  vmExit(k, t, words);
}
