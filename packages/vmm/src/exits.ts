/**
 * VM exits as the VMM sees them: each message `vm_run` receives on its host endpoint, classified
 * by seL4 fault label (and, for a VCPUFault, by the ESR exception class), counted and optionally
 * traced. Read straight from the message registers, so it sees exactly what libsel4vm handles.
 */
import {
  type Sel4_AArch64,
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VCPUFault,
  seL4_Fault_VGICMaintenance,
  seL4_Fault_VMFault,
  seL4_Fault_VPPIEvent,
  type seL4_MessageInfo_t,
  seL4_UnknownSyscall_Msg,
  seL4_VCPUFault_HSR,
  seL4_VGICMaintenance_IDX,
  seL4_VMFault_Addr,
  seL4_VMFault_IP,
  seL4_VMFault_PrefetchFault,
  seL4_VPPIEvent_IRQ,
  type seL4_Word,
} from "@sel4/sel4";
import {
  HSR_EXCEPTION_CLASS,
  HSR_SMC_64_EXCEPTION,
  HSR_SYSREG_64_EXCEPTION,
  HSR_WFx_EXCEPTION,
  VM_VCPU_BADGE_FLAG,
} from "@sel4/vm-arm";

/** What kind of event reached the VMM. */
export type VmExitKind =
  | "mmio"
  | "prefetch-abort"
  | "hvc"
  | "wfi"
  | "smc"
  | "sysreg"
  | "vcpu-fault"
  | "vgic-maintenance"
  | "vppi"
  | "user-exception"
  | "notification"
  | "other";

/** One VM exit. */
export interface VmExit {
  /** The kind. */
  readonly kind: VmExitKind;
  /** The vCPU it came from, or null for a notification. */
  readonly vcpu: number | null;
  /** Kind-specific details for a trace line (`ip=0x… addr=0x…`). */
  readonly detail: string;
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const MR = seL4_UnknownSyscall_Msg.aarch64;

/** Classifies the message just received (its registers are still the thread's message registers). */
export function classifyExit(
  sel4: Sel4_AArch64,
  info: seL4_MessageInfo_t,
  badge: seL4_Word,
): VmExit {
  if ((badge & VM_VCPU_BADGE_FLAG) === 0n) {
    return { kind: "notification", vcpu: null, detail: `badge=${hex(badge)}` };
  }
  const vcpu = Number(badge & 0xffffn);
  const mr = (i: number): bigint => sel4.seL4_GetMR(i);
  switch (info.label) {
    case seL4_Fault_VMFault: {
      const prefetch = mr(seL4_VMFault_PrefetchFault) !== 0n;
      return {
        kind: prefetch ? "prefetch-abort" : "mmio",
        vcpu,
        detail: `ip=${hex(mr(seL4_VMFault_IP))} addr=${hex(mr(seL4_VMFault_Addr))}`,
      };
    }
    case seL4_Fault_UnknownSyscall:
      return {
        kind: "hvc",
        vcpu,
        detail: `ip=${hex(mr(MR.seL4_UnknownSyscall_FaultIP))} x0=${hex(mr(MR.seL4_UnknownSyscall_X0))}`,
      };
    case seL4_Fault_VCPUFault: {
      const hsr = Number(mr(seL4_VCPUFault_HSR) & 0xffff_ffffn);
      const ec = HSR_EXCEPTION_CLASS(hsr);
      const kind: VmExitKind =
        ec === HSR_WFx_EXCEPTION
          ? "wfi"
          : ec === HSR_SMC_64_EXCEPTION
            ? "smc"
            : ec === HSR_SYSREG_64_EXCEPTION
              ? "sysreg"
              : "vcpu-fault";
      return { kind, vcpu, detail: `hsr=${hex(hsr)}` };
    }
    case seL4_Fault_VGICMaintenance:
      return {
        kind: "vgic-maintenance",
        vcpu,
        detail: `lr=${BigInt.asIntN(64, mr(seL4_VGICMaintenance_IDX))}`,
      };
    case seL4_Fault_VPPIEvent:
      return { kind: "vppi", vcpu, detail: `irq=${mr(seL4_VPPIEvent_IRQ)}` };
    case seL4_Fault_UserException:
      return { kind: "user-exception", vcpu, detail: "" };
    default:
      return { kind: "other", vcpu, detail: `label=${info.label}` };
  }
}

/** Counts of VM exits by kind, in first-seen order. */
export class ExitCounter {
  readonly #counts = new Map<VmExitKind, number>();
  #total = 0;

  /** Counts one exit. */
  add(kind: VmExitKind): void {
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
    this.#total++;
  }

  /** Every exit counted. */
  get total(): number {
    return this.#total;
  }

  /** The counts, largest first (ties by name). */
  entries(): [VmExitKind, number][] {
    return [...this.#counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
}

/** The trace line of an exit (`--trace exits`). */
export function formatExit(n: number, exit: VmExit): string {
  const who = exit.vcpu === null ? "vmm" : `vcpu${exit.vcpu}`;
  return `exit ${n} ${who} ${exit.kind}${exit.detail === "" ? "" : ` ${exit.detail}`}`;
}
