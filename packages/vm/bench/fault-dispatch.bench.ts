/** Memory-fault dispatch: reservation lookup and callback, the VMM half of every MMIO exit. */
import { bench, describe } from "vitest";
import { FAULT_HANDLED, vm_memory_handle_fault, vm_reserve_memory_at } from "../src/index.js";
import { bareVcpu, bareVm } from "../test/fixture.js";

describe("vm_memory_handle_fault", () => {
  for (const n of [1, 64, 4096]) {
    const vm = bareVm();
    const vcpu = bareVcpu(vm);
    for (let i = 0; i < n; i++)
      vm_reserve_memory_at(vm, 0x1000_0000 + i * 0x2000, 0x1000, () => FAULT_HANDLED, null);
    let k = 0;
    bench(`${n} reservations`, () => {
      vm_memory_handle_fault(vm, vcpu, 0x1000_0000 + (k++ % n) * 0x2000 + 4, 4);
    });
  }
});
