/** Why {@link Aarch64Cpu.run} returned. */
export type ExitReason =
  /** The instruction budget was spent. */
  | "budget"
  /** A stage-2 data or instruction abort (EC 0x24 / 0x20); see `esr`, `far`, `ipa`. */
  | "stage2-abort"
  /** HVC from EL1 (EC 0x16); the PC is already past the HVC. */
  | "hvc"
  /** SMC from EL1 trapped by HCR_EL2.TSC (EC 0x17); the PC still points at the SMC. */
  | "smc"
  /** WFI or WFE trapped by HCR_EL2.TWI/TWE (EC 0x01); the PC still points at the instruction. */
  | "wfx"
  /** A system-register access or system instruction trapped by HCR_EL2 (EC 0x18). */
  | "sysreg"
  /** Any other exception routed to EL2 (HCR_EL2.TGE: SVC, UNDEFINED, aborts from EL0...). */
  | "el2-exception"
  /** A physical IRQ or FIQ routed to EL2 by HCR_EL2.IMO/FMO is pending. */
  | "irq"
  /** One of the watched output lines (timers, GIC maintenance) changed level; see `lines`. */
  | "irq-line"
  /** An untrapped WFI with nothing pending: the CPU sleeps until an interrupt arrives. */
  | "idle";

/**
 * What a hypervisor sees when the CPU stops: an ESR_EL2-style syndrome with the addresses of a
 * fault. The same object is reused by every call to `run` of one CPU.
 */
export interface Exit {
  /** Why the CPU stopped. */
  reason: ExitReason;
  /** ESR_EL2: EC[31:26], IL[25], ISS[24:0] (for abort exits: ISV, SAS, SSE, SRT, SF, AR, WnR, S1PTW, DFSC). 0 when not an exception. */
  esr: number;
  /** FAR_EL2: the faulting virtual address (aborts only). */
  far: bigint;
  /** The faulting intermediate physical address (aborts only; HPFAR_EL2 holds `ipa >> 12 << 4`). */
  ipa: number;
  /** HPFAR_EL2 as hardware reports it (FIPA = IPA[47:12] in bits [39:4]). */
  hpfar: number;
  /** Levels of the output lines after the exit (see {@link IrqLine}). */
  lines: number;
  /** Instructions retired during this call. */
  instructions: number;
}

/** Bit masks of the CPU's interrupt output lines, for {@link Aarch64Cpu.watchLines}. */
export const IrqLine = {
  /** Virtual timer output (CNTV: ENABLE, not IMASK, ISTATUS): PPI 27 on a GIC. */
  VirtualTimer: 1,
  /** EL1 physical timer output (CNTP): PPI 30 on a GIC. */
  PhysicalTimer: 2,
  /** GICv2 virtual interface maintenance interrupt (GICH_MISR non-zero with GICH_HCR.En). */
  Maintenance: 4,
} as const;
