/**
 * The ARM {@link VmArch}: {@link vm_arm_arch} makes the factory `vm_init` takes. One `ArmVm` per
 * VM holds what C kept in `struct vm_arch` and in process-wide statics (C bug G2): SMC handler,
 * vGIC, stage-2 address space, how the guest stopped.
 */
import {
  type Sel4_AArch64,
  seL4_AllRights,
  seL4_CNode_CapData_new,
  type seL4_MessageInfo_t,
  seL4_NoError,
  type seL4_UserContext_aarch64,
  seL4_VCPUReg_SCTLR,
  seL4_VCPUReg_TCR,
  seL4_VCPUReg_TTBR0,
  seL4_VCPUReg_TTBR1,
  type seL4_Word,
  wordFromCNodeCapData,
} from "@sel4/sel4";
import { vka_alloc_cnode_object, vka_alloc_frame_at, vka_alloc_vspace_root } from "@sel4/vka";
import {
  FAULT_ERROR,
  FAULT_HANDLED,
  type irq_ack_fn_t,
  type memory_fault_result_t,
  VM_EXIT_HANDLE_ERROR,
  VM_GUEST_SHUTDOWN_EXIT,
  type VmArch,
  type VmArchFactory,
  vcpu_start,
  vm_assign_vcpu_target,
  vm_find_free_unassigned_vcpu,
  vm_map_reservation_frames,
  vm_reserve_memory_at,
  type vm_t,
  vm_vcpu_for_target_cpu,
  type vm_vcpu_t,
} from "@sel4/vm";
import {
  type ArmGicLayout,
  type ArmSystemEvent,
  type ArmVmState,
  GIC_LAYOUT_QEMU_VIRT,
  type smc_handler_callback_fn,
} from "./arch-state.js";
import { handle_vcpu_exit, smc_handle_with_psci } from "./exits.js";
import { ArmGuestVspace, type HostFrameAccess } from "./guest-vspace.js";
import { PSCI_INTERNAL_FAILURE, PSCI_SUCCESS, type PsciPlatform } from "./psci.js";
import { stage1_translate } from "./stage1.js";
import {
  VM_CSPACE_SIZE_BITS,
  VM_MAX_VCPUS,
  VM_VCPU_BADGE_FLAG,
  vcpu_arch,
  vcpu_set_bootargs,
  vcpu_start_arch,
  vcpu_stop,
  vm_create_vcpu_arch,
} from "./vcpu.js";
import { VgicV2 } from "./vgic/vgic-v2.js";
import { vcpu_is_waiting_for_interrupt, vcpu_wake_from_wfi } from "./wfi.js";

/** Options of the ARM architecture. */
export interface VmArmOptions {
  /** Reaches guest frames from the VMM (for `vm_ram_touch` and instruction fetch). */
  readonly host_access?: HostFrameAccess;
  /** Guest-physical GIC layout (default: QEMU `virt`). */
  readonly gic?: ArmGicLayout;
  /** Most vCPUs (default and maximum {@link VM_MAX_VCPUS}; the vGIC takes at most 8). */
  readonly max_vcpus?: number;
  /**
   * Caps (in the vka's CSpace) of the two 4 KiB GICV frames at the layout's `vcpu_paddr`. The VM
   * maps copies of them, so several VMs on one kernel share the virtual CPU interface (a device
   * frame is retyped once; each mapping needs its own cap). Without them the frames are retyped
   * from the vka's device untyped, which only the first VM of a kernel can do.
   */
  readonly gicv_frames?: readonly [number, number];
}

/** SCTLR bits PSCI CPU_ON clears: MMU, data cache, instruction cache (the CPU starts cold). */
const SCTLR_M_C_I = 0x1005n;

/** The ARM state of one VM. */
export class ArmVm implements VmArch, ArmVmState {
  /** Architecture name. */
  readonly name = "arm";
  /** Most vCPUs. */
  readonly max_num_vcpus: number;
  /** The VM. */
  readonly vm: vm_t;
  /** The VMM thread's system calls. */
  readonly sel4: Sel4_AArch64;
  /** The vGIC (after `vm_create_default_irq_controller`). */
  vgic: VgicV2 | null = null;
  /** The SMC handler (`vm->arch.vm_smc_handler`). */
  vm_smc_handler: smc_handler_callback_fn;
  /** Set when the guest powered off or reset. */
  system_event: ArmSystemEvent | null = null;
  /** A failure found after its message was handled. */
  deferred_error: string | null = null;
  /** Why the last error happened. */
  last_error: string | null = null;
  /** The GIC layout. */
  readonly gic: ArmGicLayout;
  readonly #hostAccess: HostFrameAccess | null;
  readonly #gicvFrames: readonly [number, number] | null;
  #psciCaller: vm_vcpu_t | null = null;

  /** Creates the ARM state of `vm`; `vm.sel4` must be an AArch64 `Sel4`. */
  constructor(vm: vm_t, options: VmArmOptions = {}) {
    this.vm = vm;
    this.sel4 = vm.sel4 as Sel4_AArch64;
    this.gic = options.gic ?? GIC_LAYOUT_QEMU_VIRT;
    this.#hostAccess = options.host_access ?? null;
    this.max_num_vcpus = Math.min(options.max_vcpus ?? VM_MAX_VCPUS, VM_MAX_VCPUS);
    this.#gicvFrames = options.gicv_frames ?? null;
    this.vm_smc_handler = (vcpu, regs) => smc_handle_with_psci(this.psci(vcpu), vcpu, regs);
  }

  /** `vm_init_arch`: vCPU CNode with its guard, stage-2 root with an ASID, the address space. */
  vm_init_arch(vm: vm_t): number {
    if (vm.sel4.config !== "aarch64") return -1;
    const cnode = vka_alloc_cnode_object(vm.vka, VM_CSPACE_SIZE_BITS);
    if (cnode.error !== 0) return -1;
    vm.cspace.cspace_obj = cnode.object;
    vm.cspace.cspace_root_data = wordFromCNodeCapData(
      seL4_CNode_CapData_new(0n, 64 - VM_CSPACE_SIZE_BITS),
    );
    const root = vka_alloc_vspace_root(vm.vka);
    if (root.error !== 0) return -1;
    vm.mem.vm_vspace_root = root.object;
    if (vm.simple.ASID_assign(root.object.cptr) !== seL4_NoError) return -1;
    vm.mem.vm_vspace = new ArmGuestVspace(this.sel4, vm.vka, root.object.cptr, this.#hostAccess);
    return 0;
  }

  /** `vm_create_vcpu_arch`. */
  vm_create_vcpu_arch(vm: vm_t, vcpu: vm_vcpu_t): number {
    return vm_create_vcpu_arch(vm, vcpu);
  }

  /** `vcpu_start` (ARM part). */
  vcpu_start_arch(vcpu: vm_vcpu_t): number {
    return vcpu_start_arch(vcpu);
  }

  /**
   * `vm_run_arch`: receive on the host endpoint; vCPU faults (badge flag set) go to the exit
   * handlers, other messages to the notification callback. Resolves -1 on an error, 0 when the
   * guest powered off or reset (`vm.run.exit_reason = VM_GUEST_SHUTDOWN_EXIT`).
   */
  async vm_run_arch(vm: vm_t): Promise<number> {
    this.system_event = null;
    for (;;) {
      const { info, sender } = await this.sel4.seL4_Recv(vm.host_endpoint);
      const r = this.#handle_message(vm, info, sender);
      if (r === VM_EXIT_HANDLE_ERROR) return -1;
      if (this.deferred_error !== null) {
        this.last_error = this.deferred_error;
        this.deferred_error = null;
        return -1;
      }
      if (this.system_event !== null) {
        vm.run.exit_reason = VM_GUEST_SHUTDOWN_EXIT;
        return 0;
      }
    }
  }

  #handle_message(vm: vm_t, info: seL4_MessageInfo_t, badge: seL4_Word): number {
    if ((badge & VM_VCPU_BADGE_FLAG) !== 0n) {
      const id = badge & ~VM_VCPU_BADGE_FLAG;
      const vcpu = id < BigInt(vm.num_vcpus) ? vm.vcpus[Number(id)] : undefined;
      if (vcpu === undefined) {
        this.last_error = `fault from unknown vCPU badge ${badge}`;
        return VM_EXIT_HANDLE_ERROR;
      }
      return handle_vcpu_exit(this, vcpu, info, (v) => this.psci(v));
    }
    const cb = vm.run.notification_callback;
    let err = -1;
    try {
      if (cb !== null) err = cb(vm, badge, info, vm.run.notification_callback_cookie);
    } catch {
      err = -1;
    }
    if (err !== 0) {
      this.last_error =
        cb === null
          ? `message with badge ${badge} and no notification callback`
          : "notification callback failed";
      return VM_EXIT_HANDLE_ERROR;
    }
    return 1;
  }

  /** The PSCI view of this VM for a call made by `caller`. */
  psci(caller: vm_vcpu_t): PsciPlatform {
    this.#psciCaller = caller;
    const targetOf = (mpidr: bigint): number | null => {
      const aff0 = Number(mpidr & 0xffn);
      return (mpidr & ~0xffn) === 0n && aff0 < this.vm.num_vcpus ? aff0 : null;
    };
    return {
      cpu_state: (mpidr) => {
        const t = targetOf(mpidr);
        if (t === null) return null;
        return vm_vcpu_for_target_cpu(this.vm, t)?.vcpu_online ? "on" : "off";
      },
      cpu_on: (mpidr, entry, context) => {
        const t = targetOf(mpidr);
        if (t === null) return PSCI_INTERNAL_FAILURE;
        const vcpu = vm_vcpu_for_target_cpu(this.vm, t) ?? vm_find_free_unassigned_vcpu(this.vm);
        if (vcpu === null || vm_assign_vcpu_target(vcpu, t) !== 0) return PSCI_INTERNAL_FAILURE;
        const sctlr = this.sel4.seL4_ARM_VCPU_ReadRegs(vcpu.vcpu.cptr, seL4_VCPUReg_SCTLR);
        if (sctlr.error !== seL4_NoError) return PSCI_INTERNAL_FAILURE;
        this.sel4.seL4_ARM_VCPU_WriteRegs(
          vcpu.vcpu.cptr,
          seL4_VCPUReg_SCTLR,
          sctlr.value & ~SCTLR_M_C_I,
        );
        if (vcpu_set_bootargs(vcpu, entry, 0n, context) !== 0) return PSCI_INTERNAL_FAILURE;
        return vcpu_start(vcpu) === 0 ? PSCI_SUCCESS : PSCI_INTERNAL_FAILURE;
      },
      cpu_off: () => {
        const vcpu = this.#psciCaller!;
        vcpu_arch(vcpu).fault.abandon();
        return vcpu_stop(vcpu) === 0 ? PSCI_SUCCESS : PSCI_INTERNAL_FAILURE;
      },
      system_off: () => this.#stop("off"),
      system_reset: () => this.#stop("reset"),
    };
  }

  #stop(event: ArmSystemEvent): void {
    this.system_event = event;
    for (const v of this.vm.vcpus) {
      if (!vcpu_arch(v).fault.handled) vcpu_arch(v).fault.abandon();
      if (v.vcpu_online) vcpu_stop(v);
    }
  }

  /** Reads `bytes` (4 or 8) little-endian at guest-physical `ipa` from guest RAM, or null. */
  #readGuest(ipa: number, bytes: number): bigint | null {
    if (!Number.isSafeInteger(ipa) || ipa < 0 || ipa % bytes !== 0) return null;
    const page = ipa - (ipa % 0x1000);
    let value: bigint | null = null;
    this.vm.mem.vm_vspace.access_page(page, (b) => {
      let v = 0n;
      for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[ipa - page + i]!);
      value = v;
      return 0;
    });
    return value;
  }

  /** Reads the instruction word at guest virtual address `va`, through the guest's stage 1. */
  fetch_instruction(vcpu: vm_vcpu_t, va: bigint): number | null {
    const reg = (r: number) => {
      const x = this.sel4.seL4_ARM_VCPU_ReadRegs(vcpu.vcpu.cptr, r);
      return x.error === seL4_NoError ? x.value : null;
    };
    const [sctlr, tcr, ttbr0, ttbr1] = [
      seL4_VCPUReg_SCTLR,
      seL4_VCPUReg_TCR,
      seL4_VCPUReg_TTBR0,
      seL4_VCPUReg_TTBR1,
    ].map(reg);
    if (sctlr == null || tcr == null || ttbr0 == null || ttbr1 == null) return null;
    const ipa = stage1_translate({ sctlr, tcr, ttbr0, ttbr1 }, va, (a) => this.#readGuest(a, 8));
    if (ipa === null) return null;
    const word = this.#readGuest(ipa, 4);
    return word === null ? null : Number(word);
  }

  /** Wakes `vcpu` from WFI if an interrupt waits in its list registers. */
  wake_if_interrupted(vcpu: vm_vcpu_t): void {
    if (this.vgic === null || !vcpu_is_waiting_for_interrupt(vcpu)) return;
    if (this.vgic.list_registers(vcpu.vcpu_id).some((irq) => irq !== null))
      vcpu_wake_from_wfi(vcpu);
  }

  /** `get_vcpu_fault_address`. */
  get_vcpu_fault_address(vcpu: vm_vcpu_t): number {
    return vcpu_arch(vcpu).fault.addr;
  }
  /** `get_vcpu_fault_ip`. */
  get_vcpu_fault_ip(vcpu: vm_vcpu_t): bigint {
    return vcpu_arch(vcpu).fault.ip;
  }
  /** `get_vcpu_fault_data`. */
  get_vcpu_fault_data(vcpu: vm_vcpu_t): bigint {
    return vcpu_arch(vcpu).fault.get_data();
  }
  /** `get_vcpu_fault_data_mask`. */
  get_vcpu_fault_data_mask(vcpu: vm_vcpu_t): bigint {
    return vcpu_arch(vcpu).fault.get_data_mask();
  }
  /** `get_vcpu_fault_size`. */
  get_vcpu_fault_size(vcpu: vm_vcpu_t): number {
    return vcpu_arch(vcpu).fault.size;
  }
  /** `is_vcpu_read_fault`. */
  is_vcpu_read_fault(vcpu: vm_vcpu_t): boolean {
    return !vcpu_arch(vcpu).fault.write;
  }
  /** `set_vcpu_fault_data`. */
  set_vcpu_fault_data(vcpu: vm_vcpu_t, data: bigint): number {
    const f = vcpu_arch(vcpu).fault;
    if (f.handled) return -1;
    f.set_data(data);
    return 0;
  }
  /** `advance_vcpu_fault`. */
  advance_vcpu_fault(vcpu: vm_vcpu_t): void {
    vcpu_arch(vcpu).fault.advance();
  }
  /** `restart_vcpu_fault`. */
  restart_vcpu_fault(vcpu: vm_vcpu_t): void {
    vcpu_arch(vcpu).fault.restart();
  }

  /** `vm_inject_irq`: through the vGIC, then wake the target from WFI. */
  vm_inject_irq(vcpu: vm_vcpu_t, irq: number): number {
    if (this.vgic === null) return -1;
    const r = this.vgic.inject(vcpu.vcpu_id, irq);
    for (const v of this.vm.vcpus) this.wake_if_interrupted(v);
    return r;
  }

  /** `vm_set_irq_level` (implemented on ARM, unlike C: bug V11). */
  vm_set_irq_level(vcpu: vm_vcpu_t, irq: number, irq_level: number): number {
    if (this.vgic === null) return -1;
    const r = this.vgic.set_level(vcpu.vcpu_id, irq, irq_level);
    for (const v of this.vm.vcpus) this.wake_if_interrupted(v);
    return r;
  }

  /** `vm_register_irq`. */
  vm_register_irq(vcpu: vm_vcpu_t, irq: number, ack_fn: irq_ack_fn_t, cookie: unknown): number {
    if (this.vgic === null) return -1;
    return this.vgic.register_irq(vcpu.vcpu_id, irq, (cpu, i) => {
      const target = this.vm.vcpus[cpu];
      if (target !== undefined) ack_fn(target, i, cookie);
    });
  }

  /**
   * `vm_create_default_irq_controller` (`vm_install_vgic`): the emulated distributor, and the
   * guest's CPU interface (8 KiB, so GICC_DIR works: C bug V9) backed by the GICV frames. Every
   * failure is reported (C ignored them: bug V10). 0 or -1.
   */
  vm_create_default_irq_controller(vm: vm_t): number {
    if (this.vgic !== null) return -1;
    const gic = new VgicV2({
      num_cpus: Math.min(8, this.max_num_vcpus),
      num_irqs: this.gic.num_irqs,
      write_lr: (cpu, virq, priority, group, index) => {
        const v = vm.vcpus[cpu];
        return v === undefined
          ? -1
          : this.sel4.seL4_ARM_VCPU_InjectIRQ(v.vcpu.cptr, virq, priority, group, index);
      },
    });
    const dist = vm_reserve_memory_at(
      vm,
      this.gic.dist_paddr,
      0x1000,
      (_vm, vcpu) => this.#distFault(vcpu),
      null,
    );
    if (dist === null) return -1;
    const cpuIf = vm_reserve_memory_at(vm, this.gic.cpu_paddr, 0x2000, () => FAULT_ERROR, null);
    if (cpuIf === null) return -1;
    const frames = this.#gicvFrameCaps(vm);
    if (frames === null) return -1;
    if (vm_map_reservation_frames(vm, cpuIf, frames, 2, 12) !== 0) return -1;
    this.vgic = gic;
    return 0;
  }

  /** Caps to map at the CPU interface: copies of the given GICV frames, or frames retyped here. */
  #gicvFrameCaps(vm: vm_t): number[] | null {
    const frames: number[] = [];
    for (const [i, off] of [0, 0x1000].entries()) {
      const given = this.#gicvFrames?.[i];
      if (given === undefined) {
        const f = vka_alloc_frame_at(vm.vka, 12, this.gic.vcpu_paddr + off);
        if (f.error !== 0) return null;
        frames.push(f.object.cptr);
        continue;
      }
      const slot = vm.vka.cspace_alloc();
      if (slot.error !== 0) return null;
      const dest = vm.vka.cspace_make_path(slot.cptr);
      const src = vm.vka.cspace_make_path(given);
      const err = this.sel4.seL4_CNode_Copy(
        dest.root,
        dest.capPtr,
        dest.capDepth,
        src.root,
        src.capPtr,
        src.capDepth,
        seL4_AllRights,
      );
      if (err !== seL4_NoError) {
        vm.vka.cspace_free(slot.cptr);
        return null;
      }
      frames.push(slot.cptr);
    }
    return frames;
  }

  #distFault(vcpu: vm_vcpu_t): memory_fault_result_t {
    const gic = this.vgic;
    const f = vcpu_arch(vcpu).fault;
    if (gic === null || f.type !== "data") return FAULT_ERROR;
    const offset = f.addr - this.gic.dist_paddr;
    if (f.write) {
      gic.dist_access(vcpu.vcpu_id, offset, f.size, true, f.get_data());
      for (const v of this.vm.vcpus) this.wake_if_interrupted(v);
    } else {
      // set_vcpu_fault_data takes the aligned word; read exactly the accessed bytes into its lane.
      const lane = f.size >= 8 ? 0 : (f.addr & 3) * 8;
      f.set_data(gic.dist_access(vcpu.vcpu_id, offset, f.size, false) << BigInt(lane));
    }
    return f.advance() === 0 ? FAULT_HANDLED : FAULT_ERROR;
  }

  /** `vm_register_smc_handler_callback`. */
  register_smc_handler(handler: smc_handler_callback_fn): number {
    if (typeof handler !== "function") return -1;
    this.vm_smc_handler = handler;
    return 0;
  }
}

/** The factory `vm_init` takes for ARM guests. */
export function vm_arm_arch(options: VmArmOptions = {}): VmArchFactory {
  return (vm) => new ArmVm(vm, options);
}

/** The ARM state of a VM made with {@link vm_arm_arch} (throws otherwise). */
export function vm_arm(vm: vm_t): ArmVm {
  if (!(vm.arch instanceof ArmVm)) throw new TypeError("not an ARM VM");
  return vm.arch;
}

/** Replaces the VM's SMC handler (`vm_register_smc_handler_callback`). 0 or -1. */
export function vm_register_smc_handler_callback(
  vm: vm_t,
  handler: smc_handler_callback_fn,
): number {
  return vm_arm(vm).register_smc_handler(handler);
}

/** The default SMC handler: PSCI, else NOT_SUPPORTED (`vm_smc_handle_default`). */
export function vm_smc_handle_default(vcpu: vm_vcpu_t, regs: seL4_UserContext_aarch64): number {
  return smc_handle_with_psci(vm_arm(vcpu.vm).psci(vcpu), vcpu, regs);
}
