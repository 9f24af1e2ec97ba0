/**
 * Exit round trips through the kernel model without guest execution: a vCPU with nothing to
 * execute takes a VMFault at its pc; the reservation there restarts it, so it faults again. Each
 * round trip is fault delivery, seL4_Recv, dispatch, SaveCaller, reply and rescheduling: the
 * VMM + kernel share of an MMIO exit. Reported per iteration of ROUND_TRIPS exits.
 */

import { vka_alloc_endpoint } from "@sel4/vka";
import {
  FAULT_ERROR,
  FAULT_RESTART,
  vcpu_start,
  vm_create_vcpu,
  vm_init,
  vm_reserve_memory_at,
  vm_run,
} from "@sel4/vm";
import { bench, describe } from "vitest";
import { vcpu_set_bootargs, vm_arm_arch } from "../src/index.js";
import { inRootTask, kernelVka, modelHostAccess, rootSimple } from "../test/kernel-env.js";

const ROUND_TRIPS = 5000;

async function roundTrips(count: number): Promise<void> {
  await inRootTask(async (sel4, bi, kernel) => {
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
    let n = 0;
    vm_reserve_memory_at(
      vm,
      0x1000_0000,
      0x1000,
      () => (++n < count ? FAULT_RESTART : FAULT_ERROR),
      null,
    );
    vcpu_set_bootargs(vcpu, 0x1000_0000n, 0n, 0n);
    vcpu_start(vcpu);
    await vm_run(vm);
    if (n !== count) throw new Error(`only ${n} exits`);
  });
}

describe("VMFault round trips (kernel model, no guest execution)", () => {
  // The difference between the two is the cost of ROUND_TRIPS - 1 exits.
  bench("boot + 1 exit", () => roundTrips(1), { iterations: 5, warmupIterations: 1 });
  bench(`boot + ${ROUND_TRIPS} exits`, () => roundTrips(ROUND_TRIPS), {
    iterations: 5,
    warmupIterations: 1,
  });
});
