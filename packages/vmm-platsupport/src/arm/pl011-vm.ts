/**
 * A {@link Pl011} as a device of a `@sel4/vm` VM: a memory reservation over its register window
 * whose faults are emulated through the `guest_vcpu_fault.h` accessors, and its interrupt output
 * driven as a level-sensitive line through `vm_set_irq_level`.
 */
import {
  advance_vcpu_fault,
  emulate_vcpu_fault,
  FAULT_ERROR,
  FAULT_HANDLED,
  get_vcpu_fault_size,
  is_vcpu_read_fault,
  type memory_fault_result_t,
  set_vcpu_fault_data,
  vm_free_reserved_memory,
  type vm_memory_reservation_t,
  vm_register_irq,
  vm_reserve_memory_at,
  vm_set_irq_level,
  type vm_vcpu_t,
} from "@sel4/vm";
import { PL011_SIZE, Pl011 } from "./pl011.js";

/** Where the UART sits and where its bytes go. */
export interface Pl011DeviceOptions {
  /** Guest-physical base of the register window (QEMU virt: 0x0900_0000). */
  readonly base: number;
  /** Interrupt ID of its output (QEMU virt: SPI 1 = 33). */
  readonly irq: number;
  /** Receives every byte the guest transmits. */
  readonly transmit: (byte: number) => void;
}

/** An installed UART. */
export interface Pl011Device {
  /** The register model (feed host input with `receive`). */
  readonly pl011: Pl011;
  /** The reservation of its register window. */
  readonly reservation: vm_memory_reservation_t;
}

function handleAccess(
  pl011: Pl011,
  base: number,
  vcpu: vm_vcpu_t,
  addr: number,
): memory_fault_result_t {
  if (get_vcpu_fault_size(vcpu) === 0) return FAULT_ERROR; // instruction fetch from a device
  const offset = (addr - base) & ~3;
  if (is_vcpu_read_fault(vcpu)) {
    if (set_vcpu_fault_data(vcpu, BigInt(pl011.read(offset))) !== 0) return FAULT_ERROR;
  } else {
    // The stored bytes placed in their lane of the 32-bit register.
    pl011.write(offset, Number(emulate_vcpu_fault(vcpu, 0n) & 0xffff_ffffn));
  }
  advance_vcpu_fault(vcpu);
  return FAULT_HANDLED;
}

/**
 * Installs a PL011 in `vm` (after `vm_create_default_irq_controller`): reserves its 4 KiB window at
 * `options.base` and registers `options.irq` on `vcpu` (the vCPU whose interrupt controller
 * receives the line; SPIs reach their distributor targets). Returns null when the window overlaps
 * a reservation or the interrupt cannot be registered.
 */
export function vm_install_pl011(vcpu: vm_vcpu_t, options: Pl011DeviceOptions): Pl011Device | null {
  const { base, irq, transmit } = options;
  const pl011 = new Pl011({
    transmit,
    set_irq_level: (level) => {
      vm_set_irq_level(vcpu, irq, level);
    },
  });
  const reservation = vm_reserve_memory_at(
    vcpu.vm,
    base,
    PL011_SIZE,
    (_vm, v, addr) => handleAccess(pl011, base, v, addr),
    null,
  );
  if (reservation === null) return null;
  // Level-sensitive: the vGIC re-pends the line at EOI while it stays high, so the ack has nothing to do.
  if (vm_register_irq(vcpu, irq, () => {}, null) !== 0) {
    vm_free_reserved_memory(vcpu.vm, reservation);
    return null;
  }
  return { pl011, reservation };
}
