/**
 * The VMM root task: what a CAmkES VMM component does, as the first thread of the kernel model.
 * It builds `simple` and the default allocator (allocman), creates the VM with `@sel4/vm` and
 * `@sel4/vm-arm`, gives it RAM, the vGIC and a PL011, copies the guest in, starts the boot vCPU and
 * runs `vm_run` until the guest stops. Host input arrives as the platform's serial interrupt,
 * bound to the VMM thread as a notification, exactly as a VMM passing a real UART through would.
 */
import { bootstrap_use_current_simple } from "@sel4/allocman";
import {
  type Sel4_AArch64,
  seL4_AllRights,
  type seL4_BootInfo,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapIRQControl,
  seL4_NoError,
  seL4_WordBits,
} from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import { vka_alloc_endpoint, vka_alloc_notification, type vka_t } from "@sel4/vka";
import {
  BOOT_VCPU,
  vcpu_start,
  vm_assign_vcpu_target,
  vm_create_default_irq_controller,
  vm_init,
  vm_ram_register_at,
  vm_register_notification_callback,
  vm_run,
} from "@sel4/vm";
import {
  type ArmGuestVspace,
  create_vmm_plat_vcpu,
  type HostFrameAccess,
  vcpu_set_bootargs,
  vm_arm,
  vm_arm_arch,
} from "@sel4/vm-arm";
import {
  VIRT_RAM_BASE,
  VIRT_UART_BASE,
  VIRT_UART_SPI,
  type VirtBoot,
  vm_install_pl011,
} from "@sel4/vmm-platsupport";
import { type VmmThreadHooks, vmmThreadSel4 } from "./vmm-thread.js";

/** First SPI's interrupt ID on a GIC. */
const SPI_BASE = 32;
/**
 * The interrupt of the host's own serial port on the kernel's platform (qemu-arm-virt: the PL011
 * on SPI 1). The composition root raises it when the terminal has input.
 */
export const HOST_SERIAL_IRQ = SPI_BASE + 1;
/** Badge of the host serial notification on the VMM's endpoint (vCPU faults carry bit 62). */
const SERIAL_BADGE = 1n;
/** Priority of the vCPU threads (below the root task's 255, as the CAmkES VMM does). */
const VCPU_PRIORITY = 100;

/** How the guest's console meets the host. */
export interface GuestConsolePort {
  /** A byte the guest wrote to its UART. */
  transmit(byte: number): void;
  /** Takes every byte the host has received for the guest since the last call. */
  take_input(): Uint8Array;
}

/** What the root task needs. */
export interface VmmRootTaskRequest {
  /** The boot to perform. */
  readonly boot: VirtBoot;
  /** Guest RAM in bytes. */
  readonly ram_size: number;
  /** Number of vCPUs. */
  readonly num_vcpus: number;
  /** Host access to frames (the model's physical memory). */
  readonly host_access: HostFrameAccess;
  /** Copies bytes into guest RAM (through the frames mapped at `gpa`); 0 or -1. */
  readonly load_guest: (space: ArmGuestVspace, gpa: number, bytes: Uint8Array) => number;
  /** The console. */
  readonly console: GuestConsolePort;
  /** Hooks around the VMM's waits. */
  readonly hooks: VmmThreadHooks;
}

/** How the root task ended. */
export type VmmRootTaskOutcome =
  | { readonly kind: "poweroff" }
  | { readonly kind: "reset" }
  | { readonly kind: "error"; readonly reason: string };

function failed(reason: string): VmmRootTaskOutcome {
  return { kind: "error", reason };
}

/** Runs the VMM as the root task; resolves when the guest stopped. */
export async function vmmRootTask(
  sel4: Sel4_AArch64,
  bootInfo: seL4_BootInfo,
  request: VmmRootTaskRequest,
): Promise<VmmRootTaskOutcome> {
  const simple = simple_default_init_bootinfo(sel4, bootInfo);
  const vka = bootstrap_use_current_simple(simple);
  const ep = vka_alloc_endpoint(vka);
  const ntfn = vka_alloc_notification(vka);
  if (ep.error !== 0 || ntfn.error !== 0) return failed("cannot allocate the VMM's endpoint");

  const vmmSel4 = vmmThreadSel4(sel4, request.hooks);
  const arch = vm_arm_arch({ host_access: request.host_access });
  const vm = vm_init(vmmSel4, arch, vka, simple, null, null, ep.object.cptr, "guest");
  if (vm === null) return failed("vm_init failed");
  if (vm_create_default_irq_controller(vm) !== 0) return failed("cannot install the vGIC");
  const vcpus = [];
  for (let i = 0; i < request.num_vcpus; i++) {
    // A vCPU with its virtual timer registered (acknowledged at EOI).
    const vcpu = create_vmm_plat_vcpu(vm, VCPU_PRIORITY);
    if (vcpu === null) return failed(`cannot create vCPU ${i}`);
    vcpus.push(vcpu);
  }
  const boot = vcpus[BOOT_VCPU]!;
  if (vm_ram_register_at(vm, VIRT_RAM_BASE, request.ram_size, false) !== 0) {
    return failed(`cannot give the guest ${request.ram_size} bytes of RAM`);
  }
  const space = vm.mem.vm_vspace as ArmGuestVspace;
  for (const seg of request.boot.segments) {
    const bytes = new Uint8Array(seg.memsz); // the tail past the file's bytes is zeroed
    bytes.set(seg.data);
    if (request.load_guest(space, seg.paddr, bytes) !== 0) {
      return failed(`cannot load the guest at 0x${seg.paddr.toString(16)}`);
    }
  }

  const uart = vm_install_pl011(boot, {
    base: VIRT_UART_BASE,
    irq: SPI_BASE + VIRT_UART_SPI,
    transmit: (b) => request.console.transmit(b),
  });
  if (uart === null) return failed("cannot install the PL011");
  const serial = connectHostSerial(sel4, vka, ntfn.object.cptr);
  if (serial === null) return failed("cannot take the host serial interrupt");
  const feed = (): void => {
    const input = request.console.take_input();
    if (input.length > 0) uart.pl011.receive(input);
  };
  feed(); // input that came before the interrupt was connected
  vm_register_notification_callback(
    vm,
    (_vm, badge) => {
      if ((badge & SERIAL_BADGE) === 0n) return -1;
      feedAndAck(sel4, serial, feed);
      return 0;
    },
    null,
  );

  const regs = request.boot.registers;
  if (
    vm_assign_vcpu_target(boot, 0) !== 0 ||
    vcpu_set_bootargs(boot, regs.pc, 0n, regs.x0) !== 0 ||
    vcpu_start(boot) !== 0
  ) {
    return failed("cannot start the boot vCPU");
  }
  const r = await vm_run(vm);
  const arm = vm_arm(vm);
  if (r === 0) return arm.system_event === "reset" ? { kind: "reset" } : { kind: "poweroff" };
  return failed(arm.last_error ?? "vm_run failed");
}

/** The host serial interrupt's handler cap, its notification bound to the VMM thread. */
function connectHostSerial(sel4: Sel4_AArch64, vka: vka_t, ntfn: number): number | null {
  const handler = vka.cspace_alloc();
  const badged = vka.cspace_alloc();
  if (handler.error !== 0 || badged.error !== 0) return null;
  const root = seL4_CapInitThreadCNode;
  const depth = seL4_WordBits;
  const ok =
    sel4.seL4_IRQControl_Get(seL4_CapIRQControl, HOST_SERIAL_IRQ, root, handler.cptr, depth) ===
      seL4_NoError &&
    sel4.seL4_CNode_Mint(
      root,
      badged.cptr,
      depth,
      root,
      ntfn,
      depth,
      seL4_AllRights,
      SERIAL_BADGE,
    ) === seL4_NoError &&
    sel4.seL4_IRQHandler_SetNotification(handler.cptr, badged.cptr) === seL4_NoError &&
    sel4.seL4_TCB_BindNotification(seL4_CapInitThreadTCB, ntfn) === seL4_NoError;
  return ok ? handler.cptr : null;
}

function feedAndAck(sel4: Sel4_AArch64, handler: number, feed: () => void): void {
  feed();
  sel4.seL4_IRQHandler_Ack(handler);
}
