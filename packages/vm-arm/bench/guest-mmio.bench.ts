/**
 * MMIO exit round trips with a real guest: a store loop on the kernel model's ARM vCPU, each
 * store a stage-2 VMFault through @sel4/vm's reservation dispatch, the device callback,
 * `advance_vcpu_fault` and the reply (guest store → fault → VMM handler → resume). The loop
 * count comes from the device, so one guest serves both sizes; the difference between the two
 * benchmarks is the cost of STORES - 1 round trips.
 */
import { vka_alloc_endpoint } from "@sel4/vka";
import {
  advance_vcpu_fault,
  FAULT_HANDLED,
  is_vcpu_read_fault,
  set_vcpu_fault_data,
  vcpu_start,
  vm_create_vcpu,
  vm_guest_ram_write_callback,
  vm_init,
  vm_ram_register_at,
  vm_ram_touch,
  vm_reserve_memory_at,
  vm_run,
} from "@sel4/vm";
import { bench, describe } from "vitest";
import { vcpu_set_bootargs, vm_arm, vm_arm_arch } from "../src/index.js";
import { inRootTask, kernelVka, modelHostAccess, rootSimple } from "../test/kernel-env.js";

const STORES = 20_000;
const RAM_BASE = 0x4000_0000;
const DEVICE = 0x0900_0000;

/** Reads the loop count from the device, stores it STORES times, powers off (PSCI over HVC). */
const STORE_LOOP = [
  0xd2a1_2001, // mov x1, #0x9000000
  0xf940_0422, // ldr x2, [x1, #8]
  0xb900_0022, // 1: str w2, [x1]
  0xf100_0442, // subs x2, x2, #0x1
  0x54ff_ffc1, // b.ne 1b
  0xd280_0007, // mov x7, #0x0
  0x5280_0100, // mov w0, #0x8
  0x72b0_8000, // movk w0, #0x8400, lsl #16
  0xd400_0002, // hvc #0x0
];

async function storeLoop(count: number): Promise<void> {
  await inRootTask(
    async (sel4, bi, kernel) => {
      const vka = kernelVka(sel4, bi);
      const ep = vka_alloc_endpoint(vka).object.cptr;
      const vm = vm_init(
        sel4,
        vm_arm_arch({ host_access: modelHostAccess(sel4, kernel) }),
        vka,
        rootSimple(sel4),
        null,
        null,
        ep,
        "bench",
      )!;
      const vcpu = vm_create_vcpu(vm, 100)!;
      vm_ram_register_at(vm, RAM_BASE, 0x20_0000, false);
      const code = new Uint8Array(STORE_LOOP.length * 4);
      const view = new DataView(code.buffer);
      STORE_LOOP.forEach((w, i) => {
        view.setUint32(4 * i, w, true);
      });
      vm_ram_touch(vm, RAM_BASE, code.length, vm_guest_ram_write_callback, code);
      let stores = 0;
      vm_reserve_memory_at(
        vm,
        DEVICE,
        0x1000,
        (_vm, v) => {
          if (is_vcpu_read_fault(v)) set_vcpu_fault_data(v, BigInt(count));
          else stores++;
          advance_vcpu_fault(v);
          return FAULT_HANDLED;
        },
        null,
      );
      vcpu_set_bootargs(vcpu, BigInt(RAM_BASE), 0n, 0n);
      vcpu_start(vcpu);
      const r = await vm_run(vm);
      if (r !== 0 || stores !== count) {
        throw new Error(`run ${r}, ${stores} stores, ${vm_arm(vm).last_error}`);
      }
    },
    128 * 2 ** 20,
    {},
  );
}

describe("MMIO exit round trips with a guest store loop (kernel model ARM vCPU)", () => {
  bench("boot + 1 store", () => storeLoop(1), { iterations: 5, warmupIterations: 1 });
  bench(`boot + ${STORES} stores`, () => storeLoop(STORES), {
    iterations: 5,
    warmupIterations: 1,
  });
});
