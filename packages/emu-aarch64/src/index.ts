/**
 * An AArch64 (ARMv8.0-A) CPU emulator for EL0/EL1 with a KVM_RUN-style interface: the host
 * supplies physical memory and stage-2 translation, loads and saves state, and calls `run`,
 * which returns an {@link Exit} for everything a hypervisor at EL2 must handle.
 *
 * @packageDocumentation
 */
export { Aarch64Cpu, type CpuOptions } from "./cpu.js";
export { type Exit, type ExitReason, IrqLine } from "./exit.js";
export { GicVcpu, LIST_REGISTERS } from "./gic-vcpu.js";
export {
  type AccessKind,
  FlatPhysicalMemory,
  type PhysicalMemory,
  type Stage2Fault,
  type Stage2Gicv,
  type Stage2Mmio,
  type Stage2RamPage,
  type Stage2Result,
} from "./host.js";
export { type CpuState, Hcr, REG_COUNT, REG_NAMES, Reg } from "./state.js";
export { Id } from "./sysregs.js";
