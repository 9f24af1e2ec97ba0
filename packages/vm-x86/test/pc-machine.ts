/**
 * Test composition root: the kernel model with the x86 vCPU executor, allocman behind `vka_t`,
 * `@sel4/vm` with `@sel4/vm-x86`, and the PC devices of `@sel4/vmm-platsupport`, booting a
 * Multiboot ELF as `qemu-system-i386 -M pc -cpu pentium3 -m 128M` would.
 */
import { bootstrap_use_current_simple } from "@sel4/allocman";
import { Kernel, X86VcpuExecutor } from "@sel4/kernel";
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
  CmosRtc,
  IsaDebugExit,
  MULTIBOOT_BOOTLOADER_MAGIC,
  multiboot_info,
  PitI8254,
  parseElf,
  pc_memory_map,
  Serial16550,
} from "@sel4/vmm-platsupport";
import {
  type HostFrameAccess,
  IO_FAULT_HANDLED,
  type ioport_interface_t,
  vm_io_port_add_handler,
  vm_set_thread_context,
  vm_set_vmcs_field,
  vm_x86_add_time_source,
  vm_x86_arch,
  type X86Vm,
} from "../src/index.js";

/** What a boot produced. */
export interface PcRun {
  /** Bytes the guest wrote to the UART, as Latin-1 text. */
  readonly output: string;
  /** isa-debug-exit status, or null if the run stopped otherwise. */
  readonly status: number | null;
  /** Why the loop stopped. */
  readonly message: string;
  /** `vm_run`'s result. */
  readonly result: number;
  /** Exits by reason. */
  readonly exits: ReadonlyMap<number, number>;
}

/** Options of {@link bootPc}. */
export interface PcOptions {
  /** Guest RAM (default 128 MiB). */
  readonly ram?: number;
  /** Multiboot command line (QEMU's: the kernel path, a space, the -append text). */
  readonly cmdline?: string;
  /** Bytes for the UART receiver. */
  readonly stdin?: Uint8Array;
  /** RTC time at guest time 0. */
  readonly rtc?: Date;
  /** Guest time after which the run is stopped (default 5 s), so a broken guest cannot hang a test. */
  readonly time_limit_ns?: number;
}

const VGA_WINDOW = 0xb8000;
const VGA_SIZE = 0x8000;
const MB_INFO_AT = 0x9000;

function port(
  desc: string,
  port_in: (p: number, size: number) => number,
  port_out: (p: number, size: number, v: number) => void,
): ioport_interface_t {
  return {
    cookie: null,
    desc,
    port_in: (_vcpu, _c, p, size) => ({ result: IO_FAULT_HANDLED, value: port_in(p, size) }),
    port_out: (_vcpu, _c, p, size, v) => {
      port_out(p, size, v);
      return IO_FAULT_HANDLED;
    },
  };
}

function writeGuest(vm: vm_t, gpa: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) {
    const addr = gpa + done;
    const page = addr - (addr % 4096);
    const off = addr - page;
    const n = Math.min(4096 - off, data.length - done);
    const chunk = data.subarray(done, done + n);
    const copy = (b: Uint8Array) => {
      b.set(chunk, off);
      return 0;
    };
    if (vm.mem.vm_vspace.access_page(page, copy) !== 0) {
      throw new Error(`no guest RAM at 0x${addr.toString(16)}`);
    }
    done += n;
  }
}

/** Boots `image` on a fresh kernel model and runs it until it stops. */
export async function bootPc(image: Uint8Array, options: PcOptions = {}): Promise<PcRun> {
  const ram = options.ram ?? 128 * 2 ** 20;
  const kernel = new Kernel({ arch: "x86_64", ramSize: ram + 128 * 2 ** 20 });
  kernel.setExecutor(new X86VcpuExecutor(kernel));
  let run: PcRun | null = null;
  let failure: unknown = null;
  await kernel.run(async (s, bi) => {
    try {
      run = await vmm(kernel, s as Sel4_X86_64, bi, image, ram, options);
    } catch (e) {
      failure = e;
    }
  });
  if (failure !== null) throw failure;
  if (kernel.threadErrors.length > 0) throw kernel.threadErrors[0]!.error;
  if (run === null) throw new Error("the VMM did not finish");
  return run;
}

async function vmm(
  kernel: Kernel,
  sel4: Sel4_X86_64,
  bi: Parameters<typeof simple_default_init_bootinfo>[1],
  image: Uint8Array,
  ram: number,
  options: PcOptions,
): Promise<PcRun> {
  const simple = simple_default_init_bootinfo(sel4, bi);
  const vka = bootstrap_use_current_simple(simple);
  const ntfn = vka_alloc_notification(vka);
  if (ntfn.error !== 0) throw new Error("no notification");
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
  const map = pc_memory_map(ram);
  for (const r of map) {
    if (r.type !== 1) continue;
    if (vm_ram_register_at(vm, r.addr, r.len - (r.len % 4096), false) !== 0) throw new Error("RAM");
  }
  const vcpu = vm_create_vcpu(vm, 100);
  if (vcpu === null) throw new Error("vm_create_vcpu failed");
  if (vm.arch.vm_create_default_irq_controller(vm) !== 0) throw new Error("PIC");

  let output = "";
  let status: number | null = null;
  const serial = new Serial16550(
    0x3f8,
    (b) => {
      output += String.fromCharCode(b);
    },
    (level) => vm.arch.vm_set_irq_level(vcpu, 4, level),
  );
  if (options.stdin) serial.receive(options.stdin);
  const pit = new PitI8254(
    () => vm.arch.vm_inject_irq(vcpu, 0),
    () => x86.now_ns,
  );
  const rtc = new CmosRtc(options.rtc ?? new Date("2026-01-02T12:34:00Z"), () => x86.now_ns);
  const exit = new IsaDebugExit(0xf4, (s) => {
    status = s;
    x86.vm_x86_stop(`isa-debug-exit status ${s}`, s);
  });
  const add = (start: number, end: number, iface: ioport_interface_t) => {
    if (vm_io_port_add_handler(vm, { start, end, size: end - start + 1 }, iface) !== 0)
      throw new Error(iface.desc);
  };
  add(
    0x3f8,
    0x3ff,
    port(
      "16550",
      (p) => serial.port_in(p),
      (p, _s, v) => serial.port_out(p, v),
    ),
  );
  add(
    0x40,
    0x43,
    port(
      "i8254",
      (p) => pit.port_in(p),
      (p, _s, v) => pit.port_out(p, v),
    ),
  );
  add(
    0x61,
    0x61,
    port(
      "port 61",
      (p) => pit.port_in(p),
      (p, _s, v) => pit.port_out(p, v),
    ),
  );
  add(
    0x70,
    0x71,
    port(
      "rtc",
      (p) => rtc.port_in(p),
      (p, _s, v) => rtc.port_out(p, v),
    ),
  );
  add(
    0xf4,
    0xf7,
    port(
      "isa-debug-exit",
      () => 0,
      (_p, _s, v) => exit.port_out(v),
    ),
  );
  vm_x86_add_time_source(vm, {
    next_deadline: () => pit.next_deadline(),
    advance: (now) => pit.advance(now),
  });
  // A guard for broken guests: past the time limit the run stops (a deadline, so idle skips reach it).
  const limit = options.time_limit_ns ?? 5e9;
  vm_x86_add_time_source(vm, {
    next_deadline: (now) => (now < limit ? limit : null),
    advance: (now) => {
      if (now >= limit) x86.vm_x86_stop("guest time limit reached", -1);
    },
  });

  // The VGA text window: device memory with RAM semantics, reached only through EPT violations.
  const vga = new Uint8Array(VGA_SIZE);
  const res = vm_reserve_memory_at(
    vm,
    VGA_WINDOW,
    VGA_SIZE,
    (_vm, v, addr, len) => {
      const off = addr - VGA_WINDOW;
      if (is_vcpu_read_fault(v)) {
        let value = 0n;
        for (let i = len - 1; i >= 0; i--) value = (value << 8n) | BigInt(vga[off + i]!);
        set_vcpu_fault_data(v, value);
      } else {
        const value = get_vcpu_fault_data(v);
        for (let i = 0; i < len; i++) vga[off + i] = Number((value >> BigInt(8 * i)) & 0xffn);
      }
      advance_vcpu_fault(v);
      return FAULT_HANDLED;
    },
    null,
  );
  if (res === null) throw new Error("VGA reservation");

  const elf = parseElf(image);
  for (const ph of elf.program_headers) {
    if (ph.p_type !== 1) continue;
    const data = image.subarray(Number(ph.p_offset), Number(ph.p_offset + ph.p_filesz));
    const full = new Uint8Array(Number(ph.p_memsz));
    full.set(data);
    writeGuest(vm, Number(ph.p_paddr), full);
  }
  const info = multiboot_info(MB_INFO_AT, map, options.cmdline ?? "");
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
  vm_set_vmcs_field(vcpu, VMX_GUEST_RIP, elf.header.e_entry);
  if (vcpu_start(vcpu) !== 0) throw new Error("vcpu_start");
  const result = await vm_run(vm);
  return {
    output,
    status,
    message: x86.stop_reason?.message ?? "",
    result,
    exits: x86.exit_counts,
  };
}
