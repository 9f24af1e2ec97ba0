/**
 * The AArch64 vCPU executor: a thread bound to an ARM VCPU runs guest code in
 * `@sel4/emu-aarch64` at EL1/EL0 when the kernel schedules it, with its VSpace as stage 2, and
 * each exit to EL2 becomes what seL4 does with it (§8.5): a VMFault for a stage-2 abort, a system
 * call for HVC (an unknown number becomes an UnknownSyscall fault), a VCPUFault with the ESR for
 * WFI/WFE, SMC and trapped system registers, VGICMaintenance when the guest EOIs an injected
 * interrupt, VPPIEvent when the virtual timer fires.
 *
 * All vCPUs share one virtual clock counted in executed guest instructions, so runs are
 * deterministic. With WFI traps disabled a guest may sleep in WFI; when nothing else of its
 * priority or above can run, the clock jumps to the next timer event instead of spinning.
 */
import { Aarch64Cpu, Hcr, IrqLine, Reg } from "@sel4/emu-aarch64";
import type { ExecutionContext, ExecutorExit, ThreadExecutor } from "../../executor.js";
import type { Fault, PagingTable, TCB, VCPU } from "../../objects/types.js";
import type { KernelState } from "../../state.js";
import { findVSpaceForASID } from "../../vspace/common.js";
import { Stage2Memory } from "./stage2.js";
import { loadVCPUState, RegisterMirror, saveVCPUState } from "./vcpu-state.js";
import { takeEOIMaintenance } from "./vgic.js";

/** Options of the AArch64 vCPU executor. */
export interface ARMVCPUExecutorOptions {
  /**
   * Trap WFI/WFE to the kernel (a VCPUFault to the VMM), as seL4 does unless built with
   * `KernelArmDisableWFIWFETraps`. Default true. When false the guest sleeps in WFI.
   */
  readonly trapWFI?: boolean;
  /** CNTFRQ_EL0 of the guests' generic timer in Hz. Default 62.5 MHz (QEMU virt). */
  readonly counterFrequency?: number;
  /** Guest instructions per second of virtual time. Default 1e9. */
  readonly instructionsPerSecond?: number;
}

/** The virtual timer PPI (the only virtualised PPI). */
const VTIMER_PPI = 27;
/** HCR_EL2.RW: EL1 is AArch64 (not modelled by the emulator, kept for the record). */
const HCR_RW = 2 ** 31;
/** ESR of a WFI reported as trapped (EC 0x01, IL, CV = 1, COND = 0xE, TI = 0). */
const WFI_HSR = 0x07e0_0000n;
/** ESR of an undefined instruction, which seL4 reports as a UserException (§8.5). */
const UNDEFINED_ESR = 0x0200_0000;
const EC_INSTRUCTION_ABORT_LOWER = 0x20;

/** One VCPU's emulated processing element and what the executor knows about it. */
interface VCPUMachine {
  readonly vcpu: VCPU;
  readonly cpu: Aarch64Cpu;
  readonly memory: Stage2Memory;
  /** Register values last moved between the CPU and the kernel objects. */
  readonly mirror: RegisterMirror;
  /** In an untrapped WFI with nothing pending: not run until an interrupt is pending. */
  sleeping: boolean;
}

/** What the executor has observed, for tests and benchmarks. */
export interface ARMVCPUExecutorStats {
  /** Guest instructions executed by every vCPU: the virtual clock. */
  readonly instructions: number;
  /** Times the clock jumped forward because every runnable vCPU slept. */
  readonly idleSkips: number;
}

/** The installed AArch64 vCPU executor, as `Kernel.useARMVCPUs` returns it. */
export interface ARMVCPUExecution extends ThreadExecutor {
  /** The virtual clock and idle statistics. */
  readonly stats: ARMVCPUExecutorStats;
}

/** Runs threads bound to AArch64 VCPUs in the AArch64 emulator. */
export class ARMVCPUExecutor implements ARMVCPUExecution {
  private readonly machines = new Map<VCPU, VCPUMachine>();
  private readonly trapWFI: boolean;
  private readonly frequency: number;
  private readonly rate: number;
  /** The shared virtual clock: instructions executed by all vCPUs, plus idle skips. */
  private clock = 0;
  private skips = 0;

  /** Creates the executor for a kernel's state (install it with `Kernel.useARMVCPUs`). */
  constructor(
    private readonly k: KernelState,
    options: ARMVCPUExecutorOptions = {},
  ) {
    this.trapWFI = options.trapWFI ?? true;
    this.frequency = options.counterFrequency ?? 62_500_000;
    this.rate = options.instructionsPerSecond ?? 1e9;
  }

  /** The virtual clock and idle statistics. */
  get stats(): ARMVCPUExecutorStats {
    return { instructions: this.clock, idleSkips: this.skips };
  }

  /** The virtual clock: guest instructions executed, plus idle skips. */
  get instructionsExecuted(): number {
    return this.clock;
  }

  /** Threads bound to an AArch64 VCPU. */
  canExecute(thread: TCB): boolean {
    return thread.vcpu !== null && thread.vcpu.arch === "aarch64" && thread.vcpu.live;
  }

  /** Runs the thread's guest for at most `budget` instructions. */
  execute(context: ExecutionContext, budget: number): ExecutorExit {
    const t = context.thread;
    const vcpu = t.vcpu!;
    const m = this.machine(vcpu);
    const cpu = m.cpu;
    const sysChanged = loadVCPUState(cpu, m.mirror, t, vcpu);
    const staleStage2 = m.memory.isStale(this.vspaceRoot(t));
    if (sysChanged || staleStage2) cpu.systemChanged();
    cpu.instret = this.clock;
    try {
      return this.runSlice(m, budget);
    } finally {
      this.clock = Math.max(this.clock, cpu.instret);
      saveVCPUState(cpu, m.mirror, t, vcpu);
    }
  }

  private machine(vcpu: VCPU): VCPUMachine {
    let m = this.machines.get(vcpu);
    if (m === undefined) {
      for (const [v] of this.machines) if (!v.live) this.machines.delete(v);
      const memory = new Stage2Memory(this.k);
      const cpu = new Aarch64Cpu({
        memory,
        counterFrequency: this.frequency,
        instructionsPerSecond: this.rate,
      });
      const traps = this.trapWFI ? Hcr.TWI | Hcr.TWE : 0;
      const hcr = Hcr.VM | Hcr.AMO | Hcr.IMO | Hcr.FMO | Hcr.TSC | traps | HCR_RW;
      cpu.sys[Reg.HCR_EL2 * 2] = hcr | 0;
      cpu.gic.hcr = 1; // GICH_HCR.En, as seL4 enables the virtual interface
      cpu.systemChanged();
      m = { vcpu, cpu, memory, mirror: new RegisterMirror(), sleeping: false };
      this.machines.set(vcpu, m);
    }
    return m;
  }

  /** The root of the thread's VSpace if it is a valid, ASID-assigned ARM VSpace. */
  private vspaceRoot(t: TCB): PagingTable | null {
    const cap = t.vtable.cap;
    if (cap.type !== "paging" || cap.obj.kind !== "arm_vspace" || cap.asid === null) return null;
    const root = findVSpaceForASID(this.k, cap.asid);
    return root === cap.obj ? root : null;
  }

  /** The events seL4 delivers before the guest runs: a fired virtual timer, a retired EOI. */
  private pendingEvent(m: VCPUMachine): Fault | null {
    const lines = m.cpu.lines();
    if (lines & IrqLine.VirtualTimer && !m.vcpu.vppiMasked.has(VTIMER_PPI)) {
      m.vcpu.vppiMasked.add(VTIMER_PPI);
      return { type: "VPPIEvent", irq: BigInt(VTIMER_PPI) };
    }
    if (lines & IrqLine.Maintenance) {
      const lrs = Array.from(m.cpu.gic.lr);
      const index = takeEOIMaintenance(lrs);
      for (let i = 0; i < lrs.length; i++) m.cpu.gic.lr[i] = lrs[i]!;
      return { type: "VGICMaintenance", index: BigInt(index) };
    }
    return null;
  }

  private runSlice(m: VCPUMachine, budget: number): ExecutorExit {
    const cpu = m.cpu;
    let left = budget;
    for (;;) {
      const event = this.pendingEvent(m);
      if (event !== null) return { kind: "fault", fault: event };
      if (m.sleeping) {
        if (!cpu.interruptPending()) return this.sleep(m);
        m.sleeping = false;
      }
      if (left <= 0) return { kind: "budget" };
      const unmasked = m.vcpu.vppiMasked.has(VTIMER_PPI) ? 0 : IrqLine.VirtualTimer;
      cpu.watchLines(unmasked | IrqLine.Maintenance);
      cpu.lastLines = cpu.lines();
      const exit = cpu.run(left);
      left -= exit.instructions;
      switch (exit.reason) {
        case "budget":
        case "irq":
          if (left <= 0) return { kind: "budget" };
          continue;
        case "irq-line":
          continue;
        case "idle":
          m.sleeping = true;
          continue;
        case "stage2-abort":
          return {
            kind: "fault",
            fault: {
              type: "VMFault",
              address: BigInt(exit.ipa),
              instruction: exit.esr >>> 26 === EC_INSTRUCTION_ABORT_LOWER,
              fsr: BigInt(exit.esr),
            },
          };
        case "hvc":
          // seL4 takes HVC like SVC: a system call numbered by x7, FaultIP = the HVC itself.
          cpu.setPc(cpu.getPc() - 4n);
          return { kind: "syscall" };
        case "el2-exception":
          if (exit.esr === UNDEFINED_ESR) {
            return {
              kind: "fault",
              fault: { type: "UserException", number: BigInt(exit.esr), code: 0n },
            };
          }
          return { kind: "fault", fault: { type: "VCPUFault", hsr: BigInt(exit.esr) } };
        default:
          // wfx, smc, sysreg: the PC is at the trapping instruction.
          return { kind: "fault", fault: { type: "VCPUFault", hsr: BigInt(exit.esr) } };
      }
    }
  }

  /**
   * A vCPU sleeping in WFI. If no other thread of its priority or above can run (every such
   * thread is a vCPU sleeping with nothing pending), virtual time jumps to the earliest timer
   * event among those sleepers; if none has one, nothing can wake it but the VMM, so the WFI is
   * reported as if trapped (a VCPUFault at the WFI) rather than spinning forever.
   */
  private sleep(m: VCPUMachine): ExecutorExit {
    const self = m.vcpu.tcb!;
    const sleepers: VCPUMachine[] = [m];
    for (let p = 255; p >= self.priority; p--) {
      for (const t of this.k.readyQueues[p]!) {
        if (t === self) continue;
        const other = t.vcpu === null ? undefined : this.machines.get(t.vcpu);
        if (other === undefined || !other.sleeping) return { kind: "idle" };
        // The VMM may have injected since that vCPU last ran: its VCPU object is the truth.
        other.cpu.gic.lr.set(other.vcpu.lrs);
        if (other.cpu.interruptPending()) return { kind: "idle" };
        sleepers.push(other);
      }
    }
    let next = Number.POSITIVE_INFINITY;
    for (const s of sleepers) {
      const vtimerMasked = s.vcpu.vppiMasked.has(VTIMER_PPI);
      if (!vtimerMasked) next = Math.min(next, s.cpu.timer.nextDeadline(s.cpu));
    }
    if (Number.isFinite(next)) {
      if (next > this.clock) {
        this.clock = next;
        this.skips++;
      }
      m.cpu.instret = this.clock;
      const event = this.pendingEvent(m);
      return event !== null ? { kind: "fault", fault: event } : { kind: "idle" };
    }
    m.sleeping = false;
    m.cpu.setPc(m.cpu.getPc() - 4n);
    return { kind: "fault", fault: { type: "VCPUFault", hsr: WFI_HSR } };
  }
}
