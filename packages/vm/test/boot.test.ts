import { describe, expect, it } from "vitest";
import {
  vm_assign_vcpu_target,
  vm_find_free_unassigned_vcpu,
  vm_get_vcpu,
  vm_vcpu_for_target_cpu,
} from "../src/index.js";
import { bareVcpu, bareVm } from "./fixture.js";

describe("vCPU targets", () => {
  it("targets are unique per VM; -1 unassigns even when another vCPU is unassigned (C bug G8)", () => {
    const vm = bareVm();
    const a = bareVcpu(vm, 0);
    const b = bareVcpu(vm, 1);
    expect(vm_assign_vcpu_target(a, 0)).toBe(0);
    expect(vm_assign_vcpu_target(b, 0)).toBe(-1);
    expect(vm_assign_vcpu_target(b, 3)).toBe(0);
    expect(vm_vcpu_for_target_cpu(vm, 3)).toBe(b);
    expect(vm_assign_vcpu_target(a, -1)).toBe(0);
    expect(vm_assign_vcpu_target(b, -1)).toBe(0);
    expect(vm_find_free_unassigned_vcpu(vm)).toBe(a);
    expect(vm_assign_vcpu_target(null, 0)).toBe(-1);
    expect(vm_assign_vcpu_target(a, -2)).toBe(-1);
    expect(vm_vcpu_for_target_cpu(vm, -1)).toBeNull();
  });

  it("vm_get_vcpu rejects negative and out-of-range ids", () => {
    const vm = bareVm();
    bareVcpu(vm, 0);
    expect(vm_get_vcpu(vm, -1)).toBe(0);
    expect(vm_get_vcpu(vm, 1)).toBe(0);
    expect(vm_get_vcpu(vm, 0.5)).toBe(0);
  });
});
