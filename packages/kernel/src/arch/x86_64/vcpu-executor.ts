/**
 * x86 guest mode (§9.1, §9.5): runs the vCPU bound to a thread that called `seL4_VMEnter` in
 * `@sel4/emu-x86` until a VM exit the kernel does not handle itself. The EPT answers of the
 * emulator come from the seL4 EPT objects under the thread's EPT root; guest RAM is the model's
 * physical RAM, shared byte for byte with the VMM's own mappings of the same frames.
 */
import {
  EPT_EXECUTE,
  EPT_MMIO,
  EPT_READ,
  EPT_WRITE,
  ExitReason,
  eptEntry,
  type GuestPhysicalMemory,
  VmcsField,
  type VmExit,
  X86Register,
  X86Vcpu,
} from "@sel4/emu-x86";
import {
  VMX_CONTROL_PIN_EXECUTION_CONTROLS,
  VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE,
} from "@sel4/sel4";
import type { ExecutionContext, ExecutorExit, ThreadExecutor } from "../../executor.js";
import type { Kernel } from "../../kernel.js";
import type { TCB, VCPU } from "../../objects/types.js";
import type { PhysicalMemory } from "../../physmem.js";
import { checkEntry } from "./entry-checks.js";
import { exitMessage, failedEntryMessage } from "./exit-message.js";
import { ioBitmap, loadGuestState, storeGuestState } from "./vmcs-sync.js";

/** MSRs the kernel lets the guest access without an exit (§9.2): SYSENTER_CS/ESP/EIP. */
const PASSTHROUGH_MSRS = new Map<number, number>([
  [0x174, VmcsField.GUEST_SYSENTER_CS],
  [0x175, VmcsField.GUEST_SYSENTER_ESP],
  [0x176, VmcsField.GUEST_SYSENTER_EIP],
]);

/** One emulated CPU per VCPU object, with the memory adapter it was built over. */
interface GuestCpu {
  readonly cpu: X86Vcpu;
  readonly memory: EptMemory;
}

/**
 * The emulator's view of guest-physical memory for one vCPU: EPT lookups through the kernel's
 * translation of the running thread, RAM as the model's contiguous RAM buffer, everything else
 * (device frames mapped into the guest) through the model's physical memory one access at a time.
 */
class EptMemory implements GuestPhysicalMemory {
  readonly ram: Uint8Array;
  context: ExecutionContext | null = null;
  readonly #ramBase: number;
  readonly #physical: PhysicalMemory;

  constructor(ram: Uint8Array, ramBase: number, physical: PhysicalMemory) {
    this.ram = ram;
    this.#ramBase = ramBase;
    this.#physical = physical;
  }

  translate(frame: number): number {
    if (this.context === null) return 0;
    const t = this.context.translate(BigInt(frame * 4096), "ept");
    if (!t.ok) return 0;
    const perms = EPT_READ | EPT_EXECUTE | (t.writable ? EPT_WRITE : 0);
    const offset = t.paddr - this.#ramBase;
    if (offset >= 0 && offset + 4096 <= this.ram.length) return eptEntry(offset, perms);
    return eptEntry(0, perms | EPT_MMIO);
  }

  mmioRead(address: number, size: number): number {
    const paddr = this.#paddr(address);
    if (paddr === null || !this.#physical.contains(paddr, size)) return 0xffffffff;
    const b = this.#physical.read(paddr, size);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + b[i]!;
    return v;
  }

  mmioWrite(address: number, size: number, value: number): void {
    const paddr = this.#paddr(address);
    if (paddr === null || !this.#physical.contains(paddr, size)) return;
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = (value >>> (8 * i)) & 0xff;
    this.#physical.write(paddr, b);
  }

  #paddr(gpa: number): number | null {
    if (this.context === null) return null;
    const t = this.context.translate(BigInt(gpa), "ept");
    return t.ok ? t.paddr : null;
  }
}

/**
 * The {@link ThreadExecutor} of the `x86_64` configuration: executes threads in guest mode (state
 * RunningVM after `seL4_VMEnter`). Install it with `kernel.setExecutor(new X86VcpuExecutor(kernel))`.
 *
 * @remarks
 * Each slice starts with an empty EPT cache in the emulator, so an unmap or remap by any thread
 * between slices is seen at once. Guest `in`/`out` to ports enabled with `EnableIOPort` run
 * without an exit and reach no device (reads give all ones), as on a PC without that hardware.
 */
export class X86VcpuExecutor implements ThreadExecutor {
  readonly #cpus = new WeakMap<VCPU, GuestCpu>();
  readonly #ram: Uint8Array;
  readonly #ramBase: number;
  readonly #physical: PhysicalMemory;

  /** Creates the executor for a kernel of the `x86_64` configuration. */
  constructor(kernel: Kernel) {
    if (kernel.config.arch !== "x86_64")
      throw new RangeError("X86VcpuExecutor needs an x86_64 kernel");
    const ram = kernel.platform.ram[0]!;
    this.#ramBase = ram.base;
    this.#physical = kernel.memory;
    // The emulator's EPT entries hold RAM offsets as 32-bit numbers: at most 2 GiB of RAM is shared.
    const size = Math.min(ram.size, 2 ** 31 - 4096);
    this.#ram = kernel.memory.contiguous(ram.base, size);
  }

  /** True for threads with a bound VCPU (guest mode is entered only through `seL4_VMEnter`). */
  canExecute(thread: TCB): boolean {
    return thread.vcpu !== null && thread.vcpu.arch === "x86_64";
  }

  /** Runs the guest of `context.thread` for at most `budget` instructions. */
  execute(context: ExecutionContext, budget: number): ExecutorExit {
    const vcpu = context.vcpu;
    if (vcpu === null || context.thread.state !== "RunningVM") {
      // Normal mode with nothing to execute: an instruction fetch fault at the pc, as without
      // an executor.
      const pc = context.registers[0] ?? 0n;
      return {
        kind: "fault",
        fault: { type: "VMFault", address: pc, instruction: true, fsr: 0x14n },
      };
    }
    const guest = this.#guestCpu(vcpu);
    const control = checkEntry(vcpu);
    if (control === "fail") return { kind: "vmexit", words: failedEntryMessage(vcpu) };
    guest.memory.context = context;
    try {
      loadGuestState(vcpu, guest.cpu);
      guest.cpu.setIoBitmap(ioBitmap(vcpu));
      guest.cpu.invalidateEpt();
      if (control === "invalid-guest-state") {
        storeGuestState(vcpu, guest.cpu);
        return { kind: "vmexit", words: exitMessage(vcpu, invalidGuestStateExit()) };
      }
      const timer = preemptionTimer(vcpu);
      let left = timer === null ? budget : Math.min(budget, timer);
      const start = guest.cpu.instructionsRetired;
      for (;;) {
        const before = guest.cpu.instructionsRetired;
        const exit = guest.cpu.run(left);
        left -= guest.cpu.instructionsRetired - before;
        const handled = this.#handledByKernel(guest.cpu, exit);
        if (handled && left > 0) continue;
        storeGuestState(vcpu, guest.cpu);
        const ran = guest.cpu.instructionsRetired - start;
        const sliceOver = handled || exit.reason === ExitReason.VMX_TIMER || exit.reason === -1;
        if (timer !== null) {
          const remaining = Math.max(0, timer - ran);
          vcpu.vmcs.set(VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE, BigInt(remaining));
          if (sliceOver && remaining === 0) {
            return {
              kind: "vmexit",
              words: exitMessage(vcpu, {
                ...exit,
                reason: ExitReason.VMX_TIMER,
                qualification: 0,
                instructionLength: 0,
              }),
            };
          }
        }
        if (sliceOver) return { kind: "budget" };
        return { kind: "vmexit", words: exitMessage(vcpu, exit) };
      }
    } finally {
      guest.memory.context = null;
    }
  }

  /** Exits seL4 completes itself: RDMSR/WRMSR of the SYSENTER MSRs. */
  #handledByKernel(cpu: X86Vcpu, exit: VmExit): boolean {
    if (exit.reason !== ExitReason.MSR_READ && exit.reason !== ExitReason.MSR_WRITE) return false;
    const field = PASSTHROUGH_MSRS.get(cpu.getRegister(X86Register.ECX));
    if (field === undefined) return false;
    if (exit.reason === ExitReason.MSR_READ) {
      cpu.setRegister(X86Register.EAX, cpu.readVmcs(field));
      cpu.setRegister(X86Register.EDX, 0);
    } else {
      cpu.writeVmcs(field, cpu.getRegister(X86Register.EAX));
    }
    cpu.writeVmcs(
      VmcsField.GUEST_RIP,
      (cpu.readVmcs(VmcsField.GUEST_RIP) + exit.instructionLength) >>> 0,
    );
    return true;
  }

  #guestCpu(vcpu: VCPU): GuestCpu {
    let g = this.#cpus.get(vcpu);
    if (g === undefined) {
      const memory = new EptMemory(this.#ram, this.#ramBase, this.#physical);
      g = { cpu: new X86Vcpu(memory), memory };
      this.#cpus.set(vcpu, g);
    }
    return g;
  }
}

/** Pin-based control "activate VMX-preemption timer". */
const PIN_PREEMPTION_TIMER = 1n << 6n;

/**
 * The VMX-preemption timer, when the VMM armed it: the guest instructions left before a
 * VMX_TIMER exit (the model's timer counts retired guest instructions, one per unit).
 */
function preemptionTimer(vcpu: VCPU): number | null {
  const pin = vcpu.vmcs.get(VMX_CONTROL_PIN_EXECUTION_CONTROLS) ?? 0n;
  if ((pin & PIN_PREEMPTION_TIMER) === 0n) return null;
  return Number(BigInt.asUintN(32, vcpu.vmcs.get(VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE) ?? 0n));
}

/** "VM-entry failure due to invalid guest state": basic reason 33 with bit 31 set. */
function invalidGuestStateExit(): VmExit {
  return {
    reason: 0x8000_0021,
    qualification: 0,
    instructionLength: 0,
    guestPhysical: 0,
    guestLinear: 0,
    interruptInfo: 0,
    interruptError: 0,
    idtVectoringInfo: 0,
    idtVectoringError: 0,
  };
}
