/**
 * The x86 composition root: on a kernel model with the x86 vCPU executor, a VMM root task built
 * on `@sel4/vm` + `@sel4/vm-x86` (allocman behind `vka_t`) with the PC devices of
 * `@sel4/vmm-platsupport`, booting a Multiboot v1 ELF as `qemu-system-i386 -M pc -cpu pentium3`.
 */
import { bootstrap_use_current_simple } from "@sel4/allocman";
import type { Kernel } from "@sel4/kernel";
import { type Sel4_X86_64, VMX_GUEST_RIP } from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import { vka_alloc_notification } from "@sel4/vka";
import {
  advance_vcpu_fault,
  FAULT_HANDLED,
  get_vcpu_fault_data,
  is_vcpu_read_fault,
  set_vcpu_fault_data,
  vcpu_start,
  vm_create_vcpu,
  vm_init,
  vm_ram_register_at,
  vm_reserve_memory_at,
  vm_run,
  type vm_t,
} from "@sel4/vm";
import {
  type HostFrameAccess,
  IO_FAULT_HANDLED,
  type ioport_interface_t,
  NS_PER_INSTRUCTION,
  vm_io_port_add_handler,
  vm_set_thread_context,
  vm_set_vmcs_field,
  vm_x86_add_time_source,
  vm_x86_arch,
  type X86Vm,
} from "@sel4/vm-x86";
import {
  CmosRtc,
  type ElfFile,
  IsaDebugExit,
  MULTIBOOT_BOOTLOADER_MAGIC,
  multiboot_info,
  PitI8254,
  pc_memory_map,
  Serial16550,
} from "@sel4/vmm-platsupport";

/** The PC machine's console UART (COM1) and its IRQ. */
export const PC_SERIAL_BASE = 0x3f8;
/** COM1's ISA IRQ. */
export const PC_SERIAL_IRQ = 4;
/** QEMU's `isa-debug-exit` port as our expected records configure it. */
export const PC_DEBUG_EXIT_PORT = 0xf4;
/** The CMOS RTC's time at guest time 0 unless told otherwise (deterministic, as `clock=vm`). */
export const PC_DEFAULT_RTC = new Date("2026-01-02T12:34:00Z");

const VGA_WINDOW = 0xb8000;
const VGA_SIZE = 0x8000;
/** Where the Multiboot information goes: low RAM below the 640 KiB hole, away from the image. */
const MB_INFO_AT = 0x9000;

/** What the PC VMM needs from its caller. */
export interface PcMachineConfig {
  /** The guest ELF and its parsed headers (already checked by the caller). */
  readonly image: Uint8Array;
  /** Its headers. */
  readonly elf: ElfFile;
  /** Guest RAM in bytes. */
  readonly ram: number;
  /** Multiboot command line. */
  readonly cmdline: string;
  /** RTC time at guest time 0. */
  readonly rtc: Date;
  /** Guest instructions after which the run stops, or null. */
  readonly max_insns: number | null;
  /** Each byte the guest transmits on COM1. */
  readonly transmit: (byte: number) => void;
  /** Called once the UART exists, with the function that queues bytes for its receiver. */
  readonly attach_input: (receive: (bytes: Uint8Array) => void) => void;
}

/** How the PC VMM ended. */
export interface PcMachineOutcome {
  /** `isa-debug-exit` status, or null. */
  readonly debug_exit: number | null;
  /** True when the instruction guard stopped the guest. */
  readonly guard: boolean;
  /** Why the loop stopped (vm-x86's stop reason). */
  readonly message: string;
  /** Guest time at the end, in nanoseconds. */
  readonly now_ns: number;
  /** VM exits by basic exit reason. */
  readonly exits: ReadonlyMap<number, number>;
}

function portHandler(
  desc: string,
  port_in: (p: number) => number,
  port_out: (p: number, v: number) => void,
): ioport_interface_t {
  return {
    cookie: null,
    desc,
    port_in: (_vcpu, _c, p) => ({ result: IO_FAULT_HANDLED, value: port_in(p) }),
    port_out: (_vcpu, _c, p, _size, v) => {
      port_out(p, v);
      return IO_FAULT_HANDLED;
    },
  };
}

/** Copies `data` into guest RAM at `gpa`, page by page through the VM's view of its frames. */
function writeGuest(vm: vm_t, gpa: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) {
    const addr = gpa + done;
    const off = addr % 4096;
    const n = Math.min(4096 - off, data.length - done);
    const chunk = data.subarray(done, done + n);
    const rc = vm.mem.vm_vspace.access_page(addr - off, (b: Uint8Array) => {
      b.set(chunk, off);
      return 0;
    });
    if (rc !== 0) throw new Error(`no guest RAM at 0x${addr.toString(16)}`);
    done += n;
  }
}

/**
 * The VMM root task of the PC machine: builds the VM and its devices, loads the image and runs
 * the vCPU until the guest stops.
 */
export async function pcVmmRootTask(
  kernel: Kernel,
  sel4: Sel4_X86_64,
  bi: Parameters<typeof simple_default_init_bootinfo>[1],
  config: PcMachineConfig,
): Promise<PcMachineOutcome> {
  const simple = simple_default_init_bootinfo(sel4, bi);
  const vka = bootstrap_use_current_simple(simple);
  const ntfn = vka_alloc_notification(vka);
  if (ntfn.error !== 0) throw new Error("cannot allocate the VMM notification");
  const host_access: HostFrameAccess = (frame, size_bits, fn) => {
    const a = sel4.seL4_X86_Page_GetAddress(frame);
    if (a.error !== 0 || size_bits !== 12) return -1;
    return fn(kernel.memory.page(a.paddr));
  };
  const vm = vm_init(
    sel4,
    vm_x86_arch({ host_access }),
    vka,
    simple,
    null,
    null,
    ntfn.object.cptr,
    "pc",
  );
  if (vm === null) throw new Error("vm_init failed");
  const x86 = vm.arch as X86Vm;
  const map = pc_memory_map(config.ram);
  for (const r of map) {
    if (r.type !== 1) continue;
    if (vm_ram_register_at(vm, r.addr, r.len - (r.len % 4096), false) !== 0)
      throw new Error(`cannot register guest RAM at 0x${r.addr.toString(16)}`);
  }
  const vcpu = vm_create_vcpu(vm, 100);
  if (vcpu === null) throw new Error("vm_create_vcpu failed");
  if (vm.arch.vm_create_default_irq_controller(vm) !== 0) throw new Error("cannot create the PICs");

  let debug_exit: number | null = null;
  let guard = false;
  const serial = new Serial16550(PC_SERIAL_BASE, config.transmit, (level) =>
    vm.arch.vm_set_irq_level(vcpu, PC_SERIAL_IRQ, level),
  );
  config.attach_input((bytes) => serial.receive(bytes));
  const pit = new PitI8254(
    () => vm.arch.vm_inject_irq(vcpu, 0),
    () => x86.now_ns,
  );
  const rtc = new CmosRtc(config.rtc, () => x86.now_ns);
  const exit = new IsaDebugExit(PC_DEBUG_EXIT_PORT, (s) => {
    debug_exit = s;
    x86.vm_x86_stop(`isa-debug-exit status ${s}`, s);
  });
  const add = (start: number, end: number, iface: ioport_interface_t): void => {
    if (vm_io_port_add_handler(vm, { start, end, size: end - start + 1 }, iface) !== 0)
      throw new Error(`cannot add the ${iface.desc} ports`);
  };
  add(
    PC_SERIAL_BASE,
    PC_SERIAL_BASE + 7,
    portHandler(
      "16550",
      (p) => serial.port_in(p),
      (p, v) => serial.port_out(p, v),
    ),
  );
  add(
    0x40,
    0x43,
    portHandler(
      "i8254",
      (p) => pit.port_in(p),
      (p, v) => pit.port_out(p, v),
    ),
  );
  add(
    0x61,
    0x61,
    portHandler(
      "port 61",
      (p) => pit.port_in(p),
      (p, v) => pit.port_out(p, v),
    ),
  );
  add(
    0x70,
    0x71,
    portHandler(
      "rtc",
      (p) => rtc.port_in(p),
      (p, v) => rtc.port_out(p, v),
    ),
  );
  add(
    PC_DEBUG_EXIT_PORT,
    PC_DEBUG_EXIT_PORT + 3,
    portHandler(
      "isa-debug-exit",
      () => 0,
      (_p, v) => exit.port_out(v),
    ),
  );
  vm_x86_add_time_source(vm, {
    next_deadline: () => pit.next_deadline(),
    advance: (now) => pit.advance(now),
  });
  if (config.max_insns !== null) {
    // The guard is a deadline in guest time, so idle skips and busy loops reach it alike.
    const limit = config.max_insns * NS_PER_INSTRUCTION;
    vm_x86_add_time_source(vm, {
      next_deadline: (now) => (now < limit ? limit : null),
      advance: (now) => {
        if (now < limit) return;
        guard = true;
        x86.vm_x86_stop(`instruction guard reached (--max-insns ${config.max_insns})`, -1);
      },
    });
  }

  // The VGA text window: device memory with RAM semantics, reached only through EPT violations.
  const vga = new Uint8Array(VGA_SIZE);
  const reserved = vm_reserve_memory_at(
    vm,
    VGA_WINDOW,
    VGA_SIZE,
    (_vm, v, addr, len) => {
      const off = addr - VGA_WINDOW;
      if (is_vcpu_read_fault(v)) {
        let value = 0n;
        for (let i = len - 1; i >= 0; i--) value = (value << 8n) | BigInt(vga[off + i] ?? 0);
        set_vcpu_fault_data(v, value);
      } else {
        const value = get_vcpu_fault_data(v);
        for (let i = 0; i < len && off + i < VGA_SIZE; i++)
          vga[off + i] = Number((value >> BigInt(8 * i)) & 0xffn);
      }
      advance_vcpu_fault(v);
      return FAULT_HANDLED;
    },
    null,
  );
  if (reserved === null) throw new Error("cannot reserve the VGA window");

  for (const ph of config.elf.program_headers) {
    if (ph.p_type !== 1) continue;
    const full = new Uint8Array(Number(ph.p_memsz));
    full.set(config.image.subarray(Number(ph.p_offset), Number(ph.p_offset + ph.p_filesz)));
    writeGuest(vm, Number(ph.p_paddr), full);
  }
  const info = multiboot_info(MB_INFO_AT, map, config.cmdline);
  writeGuest(vm, MB_INFO_AT, info.bytes);
  vm_set_thread_context(vcpu, [
    BigInt(MULTIBOOT_BOOTLOADER_MAGIC),
    BigInt(info.info_addr),
    0n,
    0n,
    0n,
    0n,
    0n,
  ]);
  vm_set_vmcs_field(vcpu, VMX_GUEST_RIP, config.elf.header.e_entry);
  if (vcpu_start(vcpu) !== 0) throw new Error("vcpu_start failed");
  await vm_run(vm);
  return {
    debug_exit,
    guard,
    message: x86.stop_reason?.message ?? "the VM stopped",
    now_ns: x86.now_ns,
    exits: x86.exit_counts,
  };
}
