/**
 * @sel4/vm + @sel4/vm-arm running real guest code on the kernel model's ARM vCPUs: tiny guests,
 * hand-encoded (each word carries its GNU as spelling), exercise MMIO through a reservation, the
 * two-stage emulation of pairs, PSCI over SMC and HVC, WFI, the virtual timer, EOI maintenance and
 * a Linux-style boot. Each test checks what the guest observed (its registers, written to RAM) and
 * what the VMM saw.
 */

import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_MessageInfo_new,
  seL4_NoError,
} from "@sel4/sel4";
import { vka_alloc_endpoint } from "@sel4/vka";
import {
  advance_vcpu_fault,
  FAULT_ERROR,
  FAULT_HANDLED,
  get_vcpu_fault_address,
  get_vcpu_fault_data,
  get_vcpu_fault_size,
  is_vcpu_read_fault,
  set_vcpu_fault_data,
  VM_GUEST_SHUTDOWN_EXIT,
  vcpu_start,
  vm_assign_vcpu_target,
  vm_create_default_irq_controller,
  vm_create_vcpu,
  vm_guest_ram_read_callback,
  vm_guest_ram_write_callback,
  vm_init,
  vm_inject_irq,
  vm_ram_register_at,
  vm_ram_touch,
  vm_register_irq,
  vm_register_notification_callback,
  vm_reserve_memory_at,
  vm_run,
  type vm_t,
  type vm_vcpu_t,
} from "@sel4/vm";
import { describe, expect, it } from "vitest";
import {
  arm64_image_header,
  create_vmm_plat_vcpu,
  linux_arm64_boot_plan,
  vcpu_is_waiting_for_interrupt,
  vcpu_set_bootargs,
  vm_arm,
  vm_arm_arch,
  vm_get_thread_context,
  vm_set_thread_context,
} from "../src/index.js";
import { inRootTask, kernelVka, modelHostAccess, rootSimple, spawnThread } from "./kernel-env.js";

/** Guest code: words placed at offsets from the load address (gaps stay zero). */
type GuestCode = readonly { readonly at: number; readonly words: readonly number[] }[];

const RAM_BASE = 0x4000_0000;
const RAM_SIZE = 4 * 2 ** 20;
/** Where the guests write what they observed. */
const RESULTS = 0x4010_0000;
/** The test device's page. */
const DEVICE = 0x0900_0000;

type Env = Parameters<Parameters<typeof inRootTask>[0]>;

/** Runs `body` as the root task of a kernel whose VCPU threads execute guest code. */
function withGuests(body: (...env: Env) => Promise<void>, trapWFI = true): Promise<unknown> {
  return inRootTask(body, 128 * 2 ** 20, { trapWFI });
}

/** A VM with RAM (and, unless told otherwise, the vGIC) on the running kernel. */
function newVm(env: Env, name: string, gic = true): vm_t {
  const [sel4, bi, kernel] = env;
  const vka = kernelVka(sel4, bi);
  const ep = vka_alloc_endpoint(vka);
  expect(ep.error).toBe(0);
  const vm = vm_init(
    sel4,
    vm_arm_arch({ host_access: modelHostAccess(sel4, kernel) }),
    vka,
    rootSimple(sel4),
    null,
    null,
    ep.object.cptr,
    name,
  )!;
  expect(vm).not.toBeNull();
  if (gic) expect(vm_create_default_irq_controller(vm)).toBe(0);
  expect(vm_ram_register_at(vm, RAM_BASE, RAM_SIZE, false)).toBe(0);
  return vm;
}

function load(vm: vm_t, base: number, code: GuestCode): void {
  for (const { at, words } of code) {
    const bytes = new Uint8Array(words.length * 4);
    const view = new DataView(bytes.buffer);
    words.forEach((w, i) => {
      view.setUint32(4 * i, w, true);
    });
    expect(vm_ram_touch(vm, base + at, bytes.length, vm_guest_ram_write_callback, bytes)).toBe(0);
  }
}

/** `count` little-endian doublewords of guest RAM at `gpa`. */
function results(vm: vm_t, count: number, gpa = RESULTS): bigint[] {
  const bytes = new Uint8Array(8 * count);
  expect(vm_ram_touch(vm, gpa, bytes.length, vm_guest_ram_read_callback, bytes)).toBe(0);
  const view = new DataView(bytes.buffer);
  return Array.from({ length: count }, (_, i) => view.getBigUint64(8 * i, true));
}

/** Starts `vcpu` at `pc` and runs the VM until the guest powers off. */
async function runToPowerOff(vm: vm_t, vcpu: vm_vcpu_t, pc: number): Promise<void> {
  expect(vcpu_set_bootargs(vcpu, BigInt(pc), 0n, 0n)).toBe(0);
  expect(vcpu_start(vcpu)).toBe(0);
  const r = await vm_run(vm);
  expect(vm_arm(vm).last_error).toBeNull();
  expect(r).toBe(0);
  expect(vm.run.exit_reason).toBe(VM_GUEST_SHUTDOWN_EXIT);
  expect(vm_arm(vm).system_event).toBe("off");
}

/**
 * A 32-byte register file at {@link DEVICE}: stores land in it (the VMM log records them), loads
 * answer the naturally aligned word as `set_vcpu_fault_data` expects.
 */
function installDevice(vm: vm_t, initial: readonly number[]): string[] {
  const regs = new Uint8Array(32);
  regs.set(initial);
  const view = new DataView(regs.buffer);
  const log: string[] = [];
  vm_reserve_memory_at(
    vm,
    DEVICE,
    0x1000,
    (_vm, vcpu, addr) => {
      const off = addr - DEVICE;
      const size = get_vcpu_fault_size(vcpu);
      if (off + size > regs.length || get_vcpu_fault_address(vcpu) !== addr) return FAULT_ERROR;
      if (is_vcpu_read_fault(vcpu)) {
        const word =
          size === 8 ? view.getBigUint64(off, true) : BigInt(view.getUint32(off & ~3, true));
        expect(set_vcpu_fault_data(vcpu, word)).toBe(0);
        log.push(`read ${off} ${size}`);
      } else {
        const data = get_vcpu_fault_data(vcpu);
        for (let i = 0; i < size; i++) regs[off + i] = Number((data >> BigInt(8 * i)) & 0xffn);
        log.push(`write ${off} ${size} ${data.toString(16)}`);
      }
      advance_vcpu_fault(vcpu);
      return FAULT_HANDLED;
    },
    null,
  );
  return log;
}

const MMIO_GUEST: GuestCode = [
  {
    at: 0x0,
    words: [
      0xd2a1_2001, // mov x1, #0x9000000
      0x5297_dde2, // mov w2, #0xbeef
      0x72bb_d5a2, // movk w2, #0xdead, lsl #16
      0xb900_0422, // str w2, [x1, #4]
      0x3900_0422, // strb w2, [x1, #1]
      0xb940_0823, // ldr w3, [x1, #8]
      0x3980_3024, // ldrsb x4, [x1, #12]
      0x7940_1c25, // ldrh w5, [x1, #14]
      0xf940_0826, // ldr x6, [x1, #16]
      0xd2a8_0209, // mov x9, #0x40100000
      0xa900_1123, // stp x3, x4, [x9]
      0xa901_1925, // stp x5, x6, [x9, #16]
      0xd280_0007, // mov x7, #0x0
      0x5280_0100, // mov w0, #0x8
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0002, // hvc #0x0
    ],
  },
];

const PAIR_GUEST: GuestCode = [
  {
    at: 0x0,
    words: [
      0xd2a1_2001, // mov x1, #0x9000000
      0xd282_2222, // mov x2, #0x1111
      0x9280_0023, // mov x3, #0xfffffffffffffffe
      0xa981_0c22, // stp x2, x3, [x1, #16]!
      0x28c1_1825, // ldp w5, w6, [x1], #8
      0x6940_2027, // ldpsw x7, x8, [x1]
      0xd2a8_0209, // mov x9, #0x40100000
      0xa900_1521, // stp x1, x5, [x9]
      0xa901_1d26, // stp x6, x7, [x9, #16]
      0xf900_1128, // str x8, [x9, #32]
      0xd280_0007, // mov x7, #0x0
      0x5280_0100, // mov w0, #0x8
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0002, // hvc #0x0
    ],
  },
];

const PSCI_GUEST: GuestCode = [
  {
    at: 0x0,
    words: [
      0xd280_0007, // mov x7, #0x0
      0x5280_0000, // mov w0, #0x0
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0003, // smc #0x0
      0xaa00_03f3, // mov x19, x0
      0x5280_0060, // mov w0, #0x3
      0x72b8_8000, // movk w0, #0xc400, lsl #16
      0xd280_0021, // mov x1, #0x1
      0xd281_0002, // mov x2, #0x800
      0xf2a8_0002, // movk x2, #0x4000, lsl #16
      0xd280_0ee3, // mov x3, #0x77
      0xd400_0003, // smc #0x0
      0xaa00_03f4, // mov x20, x0
      0x5280_0080, // mov w0, #0x4
      0x72b8_8000, // movk w0, #0xc400, lsl #16
      0xd280_0021, // mov x1, #0x1
      0xd280_0002, // mov x2, #0x0
      0xd400_0002, // hvc #0x0
      0xf100_041f, // cmp x0, #0x1
      0x54ff_ff41, // b.ne 34 <secondary-0x7cc>
      0xd2a8_0209, // mov x9, #0x40100000
      0xa900_5133, // stp x19, x20, [x9]
      0x5280_0100, // mov w0, #0x8
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0003, // smc #0x0
    ],
  },
  {
    at: 0x800,
    words: [
      0xd2a8_0209, // mov x9, #0x40100000
      0xd538_00a1, // mrs x1, mpidr_el1
      0xa910_0520, // stp x0, x1, [x9, #256]
      0xd280_0007, // mov x7, #0x0
      0x5280_0040, // mov w0, #0x2
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0002, // hvc #0x0
      0xd281_75a2, // mov x2, #0xbad
      0xf900_8922, // str x2, [x9, #272]
      0x1400_0000, // b 824 <secondary+0x24>
    ],
  },
];

const WFI_GUEST: GuestCode = [
  {
    at: 0x0,
    words: [
      0xd2a1_0014, // mov x20, #0x8000000
      0xd2a1_0035, // mov x21, #0x8010000
      0xd2a8_0209, // mov x9, #0x40100000
      0x5280_0022, // mov w2, #0x1
      0xb900_0282, // str w2, [x20]
      0xb900_02a2, // str w2, [x21]
      0x5280_1fe2, // mov w2, #0xff
      0xb900_06a2, // str w2, [x21, #4]
      0x52a1_0002, // mov w2, #0x8000000
      0xb901_0282, // str w2, [x20, #256]
      0x5280_2002, // mov w2, #0x100
      0xb901_0682, // str w2, [x20, #260]
      0xd503_207f, // wfi
      0xb940_0ea3, // ldr w3, [x21, #12]
      0xb900_12a3, // str w3, [x21, #16]
      0xb900_0123, // str w3, [x9]
      0x1000_3e02, // adr x2, 800 <vectors>
      0xd518_c002, // msr vbar_el1, x2
      0xd280_7d02, // mov x2, #0x3e8
      0xd51b_e302, // msr cntv_tval_el0, x2
      0xd280_0022, // mov x2, #0x1
      0xd51b_e322, // msr cntv_ctl_el0, x2
      0xd503_42ff, // msr daifclr, #0x2
      0xf940_0524, // ldr x4, [x9, #8]
      0xf100_089f, // cmp x4, #0x2
      0x54ff_ffcb, // b.lt 5c <vectors-0x7a4>
      0xd503_42df, // msr daifset, #0x2
      0xd280_0007, // mov x7, #0x0
      0x5280_0100, // mov w0, #0x8
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0002, // hvc #0x0
    ],
  },
  {
    at: 0xa80,
    words: [
      0xb940_0ea5, // ldr w5, [x21, #12]
      0xb900_1125, // str w5, [x9, #16]
      0xf940_0524, // ldr x4, [x9, #8]
      0x9100_0484, // add x4, x4, #0x1
      0xf900_0524, // str x4, [x9, #8]
      0xd280_7d02, // mov x2, #0x3e8
      0xd51b_e302, // msr cntv_tval_el0, x2
      0xb900_12a5, // str w5, [x21, #16]
      0xd69f_03e0, // eret
    ],
  },
];

const EOI_GUEST: GuestCode = [
  {
    at: 0x0,
    words: [
      0xd2a1_0014, // mov x20, #0x8000000
      0xd2a1_0035, // mov x21, #0x8010000
      0xd2a8_0209, // mov x9, #0x40100000
      0x1000_3fa2, // adr x2, 800 <vectors>
      0xd518_c002, // msr vbar_el1, x2
      0x5280_0022, // mov w2, #0x1
      0xb900_02a2, // str w2, [x21]
      0x5280_1fe2, // mov w2, #0xff
      0xb900_06a2, // str w2, [x21, #4]
      0x5280_2002, // mov w2, #0x100
      0xb901_0682, // str w2, [x20, #260]
      0x5280_0022, // mov w2, #0x1
      0xb900_0282, // str w2, [x20]
      0xd503_42ff, // msr daifclr, #0x2
      0xb940_0924, // ldr w4, [x9, #8]
      0x34ff_ffe4, // cbz w4, 38 <vectors-0x7c8>
      0xd280_0007, // mov x7, #0x0
      0x5280_0100, // mov w0, #0x8
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0002, // hvc #0x0
    ],
  },
  {
    at: 0xa80,
    words: [
      0xb940_0ea5, // ldr w5, [x21, #12]
      0xb900_0125, // str w5, [x9]
      0xb900_12a5, // str w5, [x21, #16]
      0x5280_0024, // mov w4, #0x1
      0xb900_0924, // str w4, [x9, #8]
      0xd69f_03e0, // eret
    ],
  },
];

const LINUX_GUEST: GuestCode = [
  {
    at: 0x0,
    words: [
      0x1400_0010, // b 40 <start>
      0x0000_0000, // .word 0x00000000
      0x0008_0000, // .word 0x00080000
      0x0000_0000, // .word 0x00000000
      0x0000_1000, // .word 0x00001000
      0x0000_0000, // .word 0x00000000
      0x0000_0002, // .word 0x00000002
    ],
  },
  {
    at: 0x38,
    words: [
      0x644d_5241, // .word 0x644d5241
      0x0000_0000, // .word 0x00000000
      0xd2a8_0209, // mov x9, #0x40100000
      0xa900_0520, // stp x0, x1, [x9]
      0xa901_0d22, // stp x2, x3, [x9, #16]
      0xd53b_4224, // mrs x4, daif
      0xd538_4245, // mrs x5, currentel
      0xa902_1524, // stp x4, x5, [x9, #32]
      0xd538_1006, // mrs x6, sctlr_el1
      0xb940_0008, // ldr w8, [x0]
      0xa903_2126, // stp x6, x8, [x9, #48]
      0xd280_0007, // mov x7, #0x0
      0x5280_0100, // mov w0, #0x8
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0002, // hvc #0x0
    ],
  },
];

const IRQ_GUEST: GuestCode = [
  {
    at: 0x0,
    words: [
      0xd2a1_0014, // mov x20, #0x8000000
      0xd2a1_0035, // mov x21, #0x8010000
      0xd2a8_0209, // mov x9, #0x40100000
      0xd2a1_2001, // mov x1, #0x9000000
      0x1000_3f82, // adr x2, 800 <vectors>
      0xd518_c002, // msr vbar_el1, x2
      0x5280_0022, // mov w2, #0x1
      0xb900_02a2, // str w2, [x21]
      0x5280_1fe2, // mov w2, #0xff
      0xb900_06a2, // str w2, [x21, #4]
      0x5280_2002, // mov w2, #0x100
      0xb901_0682, // str w2, [x20, #260]
      0x5280_0022, // mov w2, #0x1
      0xb900_0282, // str w2, [x20]
      0xd280_0003, // mov x3, #0x0
      0xd503_42ff, // msr daifclr, #0x2
      0xb900_0023, // str w3, [x1]
      0x9100_0463, // add x3, x3, #0x1
      0x17ff_ffff, // b .-4
    ],
  },
  {
    at: 0xa80,
    words: [
      0xf900_0123, // str x3, [x9]
      0xb940_0ea5, // ldr w5, [x21, #12]
      0xb900_0925, // str w5, [x9, #8]
      0xb900_12a5, // str w5, [x21, #16]
      0xd280_0007, // mov x7, #0x0
      0x5280_0100, // mov w0, #0x8
      0x72b0_8000, // movk w0, #0x8400, lsl #16
      0xd400_0002, // hvc #0x0
    ],
  },
];

describe("guest execution through @sel4/vm + @sel4/vm-arm", () => {
  it("MMIO: guest stores and loads of every width complete through set/get_vcpu_fault_data and advance", async () => {
    await withGuests(async (...env) => {
      const vm = newVm(env, "mmio", false);
      const vcpu = vm_create_vcpu(vm, 100)!;
      const initial = new Array<number>(32).fill(0);
      initial.splice(8, 4, 0x44, 0x33, 0x22, 0x11);
      initial.splice(12, 4, 0x80, 0x00, 0xcd, 0xab);
      initial.splice(16, 8, 8, 7, 6, 5, 4, 3, 2, 1);
      const log = installDevice(vm, initial);
      load(vm, RAM_BASE, MMIO_GUEST);
      await runToPowerOff(vm, vcpu, RAM_BASE);
      expect(log).toEqual([
        "write 4 4 deadbeef",
        "write 1 1 ef",
        "read 8 4",
        "read 12 1",
        "read 14 2",
        "read 16 8",
      ]);
      // ldr w3, ldrsb x4 (sign-extended), ldrh w5 (the upper lane of its word), ldr x6.
      expect(results(vm, 4)).toEqual([
        0x1122_3344n,
        0xffff_ffff_ffff_ff80n,
        0xabcdn,
        0x0102_0304_0506_0708n,
      ]);
      const ctx = vm_get_thread_context(vcpu)!;
      expect([ctx.x1, ctx.x3, ctx.x4]).toEqual([
        0x0900_0000n,
        0x1122_3344n,
        0xffff_ffff_ffff_ff80n,
      ]);
    });
  });

  it("ISV=0: guest STP/LDP/LDPSW with writeback to a device run in two stages, one callback per register", async () => {
    await withGuests(async (...env) => {
      const vm = newVm(env, "pairs", false);
      const vcpu = vm_create_vcpu(vm, 100)!;
      const log = installDevice(vm, []);
      load(vm, RAM_BASE, PAIR_GUEST);
      await runToPowerOff(vm, vcpu, RAM_BASE);
      expect(log).toEqual([
        "write 16 8 1111",
        "write 24 8 fffffffffffffffe",
        "read 16 4",
        "read 20 4",
        "read 24 4",
        "read 28 4",
      ]);
      // x1 after pre-index #16 and post-index #8; w5, w6; ldpsw x7, x8 sign-extended.
      expect(results(vm, 5)).toEqual([
        0x0900_0018n,
        0x1111n,
        0n,
        0xffff_ffff_ffff_fffen,
        0xffff_ffff_ffff_ffffn,
      ]);
    });
  });

  it("PSCI over SMC and HVC: CPU_ON starts the second vCPU with its context id, AFFINITY_INFO sees CPU_OFF, SYSTEM_OFF ends vm_run with 0", async () => {
    await withGuests(async (...env) => {
      const vm = newVm(env, "psci", false);
      const v0 = vm_create_vcpu(vm, 100)!;
      // The secondary outranks the polling primary, so it runs as soon as CPU_ON replies.
      const v1 = vm_create_vcpu(vm, 110)!;
      expect(vm_assign_vcpu_target(v0, 0)).toBe(0);
      load(vm, RAM_BASE, PSCI_GUEST);
      await runToPowerOff(vm, v0, RAM_BASE);
      // Primary: VERSION and CPU_ON over SMC. Secondary: x0 = context id, its MPIDR.
      expect(results(vm, 2)).toEqual([0x1_0000n, 0n]);
      expect(results(vm, 3, RESULTS + 0x100)).toEqual([0x77n, 0x8000_0001n, 0n]);
      expect([v1.target_cpu, v1.vcpu_online]).toEqual([1, false]);
    });
  });

  it("WFI parks the vCPU until vm_inject_irq; the virtual timer arrives as VPPIEvent and is acked on EOI", async () => {
    await withGuests(async (...env) => {
      const [sel4, , kernel] = env;
      const vm = newVm(env, "wfi");
      const vcpu = create_vmm_plat_vcpu(vm, 100)!;
      const acks: number[] = [];
      expect(vm_register_irq(vcpu, 40, (_v, irq) => acks.push(irq), null)).toBe(0);
      const parked: boolean[] = [];
      vm_register_notification_callback(
        vm,
        () => {
          parked.push(vcpu_is_waiting_for_interrupt(vcpu));
          return vm_inject_irq(vcpu, 40);
        },
        null,
      );
      // A lower-priority thread signals the VMM: it runs only once the vCPU is parked.
      const root = seL4_CapInitThreadCNode;
      const slot = vm.vka.cspace_alloc().cptr;
      expect(
        sel4.seL4_CNode_Mint(root, slot, 64, root, vm.host_endpoint, 64, seL4_AllRights, 1n),
      ).toBe(seL4_NoError);
      spawnThread(
        sel4,
        kernel,
        vm.vka,
        async (t) => {
          await t.seL4_Send(slot, seL4_MessageInfo_new(0, 0, 0, 0));
        },
        50,
      );
      load(vm, RAM_BASE, WFI_GUEST);
      await runToPowerOff(vm, vcpu, RAM_BASE);
      expect(parked).toEqual([true]);
      // Enabling 40 while it was not pending acks it (re-arming its source, as C does); then its EOI.
      expect(acks).toEqual([40, 40]);
      // IAR after the WFI, timer interrupts taken (the second needs the first's AckVPPI), last IAR.
      expect(results(vm, 3)).toEqual([40n, 2n, 27n]);
    });
  });

  it("EOI of an SPI injected before the guest enabled its distributor comes back as VGICMaintenance and calls the ack callback", async () => {
    await withGuests(async (...env) => {
      const vm = newVm(env, "eoi");
      const vcpu = vm_create_vcpu(vm, 100)!;
      const acks: number[] = [];
      expect(vm_register_irq(vcpu, 40, (_v, irq) => acks.push(irq), null)).toBe(0);
      expect(vm_inject_irq(vcpu, 40)).toBe(0);
      const gic = vm_arm(vm).vgic!;
      expect(gic.list_registers(0)).not.toContain(40); // waits in the disabled distributor
      load(vm, RAM_BASE, EOI_GUEST);
      await runToPowerOff(vm, vcpu, RAM_BASE);
      expect(results(vm, 2)).toEqual([40n, 1n]);
      expect(acks).toEqual([40]);
      expect(gic.list_registers(0)).not.toContain(40);
    });
  });

  it("a Linux-style Image boots at its text_offset with x0 = DTB, x1..x3 = 0, DAIF masked, EL1, MMU off", async () => {
    await withGuests(async (...env) => {
      const vm = newVm(env, "linux");
      const vcpu = create_vmm_plat_vcpu(vm, 100)!;
      const image = new Uint8Array(0x1000);
      const view = new DataView(image.buffer);
      for (const { at, words } of LINUX_GUEST) {
        words.forEach((w, i) => {
          view.setUint32(at + 4 * i, w, true);
        });
      }
      const header = arm64_image_header(image);
      const dtb = Uint8Array.from([0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0x40]);
      const plan = linux_arm64_boot_plan({
        ram_base: RAM_BASE,
        ram_size: RAM_SIZE,
        header,
        dtb_size: dtb.length,
      });
      expect([plan.kernel_addr, plan.dtb_addr]).toEqual([0x4008_0000, 0x4020_0000]);
      const put = (gpa: number, b: Uint8Array) =>
        expect(vm_ram_touch(vm, gpa, b.length, vm_guest_ram_write_callback, b)).toBe(0);
      put(plan.kernel_addr, image);
      put(plan.dtb_addr, dtb);
      // Registers left over from an earlier run must not leak into the boot state.
      const ctx = vm_get_thread_context(vcpu)!;
      expect(vm_set_thread_context(vcpu, { ...ctx, x1: 5n, x2: 6n, x3: 7n })).toBe(0);
      expect(vcpu_set_bootargs(vcpu, plan.regs.pc, 0n, plan.regs.x0)).toBe(0);
      expect(vcpu_start(vcpu)).toBe(0);
      expect(await vm_run(vm)).toBe(0);
      expect(vm_arm(vm).last_error).toBeNull();
      const [x0, x1, x2, x3, daif, el, sctlr, magic] = results(vm, 8);
      expect([x0, x1, x2, x3]).toEqual([0x4020_0000n, 0n, 0n, 0n]);
      expect(daif).toBe(0x3c0n);
      expect(el).toBe(4n); // CurrentEL.EL = 1
      expect(sctlr! & 1n).toBe(0n);
      expect(magic).toBe(0xedfe_0dd0n);
    });
  });

  it("interrupt injection latency: an SPI injected from a device callback is taken before the guest's next instruction", async () => {
    await withGuests(async (...env) => {
      const vm = newVm(env, "latency");
      const vcpu = vm_create_vcpu(vm, 100)!;
      const acks: number[] = [];
      expect(vm_register_irq(vcpu, 40, (_v, irq) => acks.push(irq), null)).toBe(0);
      vm_reserve_memory_at(
        vm,
        DEVICE,
        0x1000,
        (_vm, v) => {
          expect(vm_inject_irq(v, 40)).toBe(0);
          advance_vcpu_fault(v);
          return FAULT_HANDLED;
        },
        null,
      );
      load(vm, RAM_BASE, IRQ_GUEST);
      await runToPowerOff(vm, vcpu, RAM_BASE);
      // x3 counts the guest's loop iterations between the store's completion and the handler:
      // none, so inject → handler entry is 0 guest instructions after the resumed store.
      expect(results(vm, 2)).toEqual([0n, 40n]);
      expect(acks).toEqual([40, 40]); // enabled while not pending (C's re-arm), then its EOI
    });
  });

  // seL4_UserContext keeps x16..x18, x29, x30 before x9..x15 (words 12..23): the VMM must see
  // every register under its own name, in both directions.
  it("the VMM sees the guest's x9..x30 under their own names", async () => {
    await withGuests(async (...env) => {
      const vm = newVm(env, "regs", false);
      const vcpu = vm_create_vcpu(vm, 100)!;
      const movz = (rd: number, imm: number) => (0xd280_0000 | (imm << 5) | rd) >>> 0;
      const words = Array.from({ length: 22 }, (_, i) => movz(9 + i, 9 + i));
      words.push(...MMIO_GUEST[0]!.words.slice(-4)); // mov x7, #0; PSCI SYSTEM_OFF over HVC
      load(vm, RAM_BASE, [{ at: 0, words }]);
      await runToPowerOff(vm, vcpu, RAM_BASE);
      const ctx = vm_get_thread_context(vcpu)! as unknown as Record<string, bigint>;
      const seen = Array.from({ length: 22 }, (_, i) => ctx[`x${9 + i}`]);
      expect(seen).toEqual(Array.from({ length: 22 }, (_, i) => BigInt(9 + i)));
    });
  });
});
