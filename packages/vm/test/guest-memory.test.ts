import { seL4_AllRights } from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import {
  default_error_fault_callback,
  FAULT_ERROR,
  FAULT_HANDLED,
  FAULT_IGNORE,
  FAULT_RESTART,
  FAULT_UNHANDLED,
  type memory_fault_callback_fn,
  vm_free_reserved_memory,
  vm_get_reservation_memory_region,
  vm_map_reservation,
  vm_map_reservation_frames,
  vm_memory_handle_fault,
  vm_memory_make_anon,
  vm_reserve_anon_memory,
  vm_reserve_memory_at,
} from "../src/index.js";
import { ByteGuestSpace, bareVcpu, bareVm } from "./fixture.js";

const handled: memory_fault_callback_fn = () => FAULT_HANDLED;

describe("memory reservations", () => {
  it("reserve_memory_at rejects overlaps, bad ranges and a missing callback", () => {
    const vm = bareVm();
    expect(vm_reserve_memory_at(vm, 0x9000_0000, 0x1000, handled, null)).not.toBeNull();
    expect(vm_reserve_memory_at(vm, 0x9000_0800, 0x1000, handled, null)).toBeNull();
    expect(vm_reserve_memory_at(vm, 0x8fff_f000, 0x1001, handled, null)).toBeNull();
    expect(vm_reserve_memory_at(vm, 0x9000_1000, 0, handled, null)).toBeNull();
    expect(vm_reserve_memory_at(vm, -4096, 0x1000, handled, null)).toBeNull();
    expect(vm_reserve_memory_at(vm, Number.NaN, 0x1000, handled, null)).toBeNull();
    expect(vm_reserve_memory_at(vm, 0x9000_1000, 0x1000, null as never, null)).toBeNull();
    expect(vm_memory_make_anon(vm, 0x9000_0000, 0x10000)).toBe(-1); // overlaps the regular one
  });

  it("dispatches a fault to the covering reservation with its cookie", () => {
    const vm = bareVm();
    const vcpu = bareVcpu(vm);
    const seen: unknown[] = [];
    vm_reserve_memory_at(
      vm,
      0x1000,
      0x100,
      (v, c, addr, len, cookie) => {
        seen.push([v === vm, c === vcpu, addr, len, cookie]);
        return FAULT_IGNORE;
      },
      "ck",
    );
    expect(vm_memory_handle_fault(vm, vcpu, 0x10fc, 4)).toBe(FAULT_IGNORE);
    expect(seen).toEqual([[true, true, 0x10fc, 4, "ck"]]);
    expect(vm_memory_handle_fault(vm, vcpu, 0x2000, 4)).toBe(FAULT_UNHANDLED);
  });

  it("an access straddling the reservation's end is an error, not a callback (C bug M1)", () => {
    const vm = bareVm();
    const vcpu = bareVcpu(vm);
    let calls = 0;
    vm_reserve_memory_at(
      vm,
      0x1000,
      0x100,
      () => {
        calls++;
        return FAULT_HANDLED;
      },
      null,
    );
    expect(vm_memory_handle_fault(vm, vcpu, 0x10fe, 4)).toBe(FAULT_ERROR);
    expect(vm_memory_handle_fault(vm, vcpu, 0x10ff, 1)).toBe(FAULT_HANDLED);
    expect(calls).toBe(1);
  });

  it("a callback that throws or returns garbage is FAULT_ERROR", () => {
    const vm = bareVm();
    const vcpu = bareVcpu(vm);
    vm_reserve_memory_at(
      vm,
      0x1000,
      0x1000,
      () => {
        throw new Error("device bug");
      },
      null,
    );
    vm_reserve_memory_at(vm, 0x2000, 0x1000, () => 7 as never, null);
    expect(vm_memory_handle_fault(vm, vcpu, 0x1000, 4)).toBe(FAULT_ERROR);
    expect(vm_memory_handle_fault(vm, vcpu, 0x2000, 4)).toBe(FAULT_ERROR);
  });

  it("default_error_fault_callback answers FAULT_ERROR", () => {
    const vm = bareVm();
    const vcpu = bareVcpu(vm);
    vm_reserve_memory_at(vm, 0x1000, 0x1000, default_error_fault_callback, null);
    expect(vm_memory_handle_fault(vm, vcpu, 0x1000, 8)).toBe(FAULT_ERROR);
  });

  it("anonymous regions: aligned first fit, exact bounds (C bug M5), carve-outs dispatch", () => {
    const vm = bareVm();
    const vcpu = bareVcpu(vm);
    expect(vm_memory_make_anon(vm, 0x4000_0000, 0x10000)).toBe(0);
    expect(vm_memory_make_anon(vm, 0x5000_0000, 0x100000)).toBe(0);
    const a = vm_reserve_anon_memory(vm, 0x1800, 0x1000, handled, null)!;
    expect(a.addr).toBe(0x4000_0000);
    expect(vm_get_reservation_memory_region(a.reservation)).toEqual({
      addr: 0x4000_0000,
      size: 0x1800,
    });
    const b = vm_reserve_anon_memory(vm, 0x1000, 0x8000, handled, null)!;
    expect(b.addr).toBe(0x4000_8000);
    // The bump pointer is now 0x4000_9000; an alignment that passes the region's end must not fit
    // there (C's unsigned subtraction underflowed and said it did).
    const c = vm_reserve_anon_memory(vm, 0x1000, 0x20000, handled, null)!;
    expect(c.addr).toBe(0x5000_0000);
    expect(vm_reserve_anon_memory(vm, 0x200000, 0x1000, handled, null)).toBeNull();
    expect(vm_memory_handle_fault(vm, vcpu, 0x4000_17fc, 4)).toBe(FAULT_HANDLED);
    // Inside the region but in no carve-out.
    expect(vm_memory_handle_fault(vm, vcpu, 0x4000_4000, 4)).toBe(FAULT_UNHANDLED);
    expect(vm_reserve_memory_at(vm, 0x4000_f000, 0x1000, handled, null)).toBeNull();
  });

  it("maps frames from an iterator and unmaps exactly those frames when freed (C bug M4)", () => {
    const space = new ByteGuestSpace();
    const vm = bareVm(space);
    const res = vm_reserve_memory_at(vm, 0x20_0000, 0x20_3000, handled, null)!;
    const sizes: number[] = [];
    const err = vm_map_reservation(
      vm,
      res,
      (addr) => {
        const bits = addr === 0x20_0000 ? 21 : 12;
        sizes.push(bits);
        return { cptr: 100 + sizes.length, rights: seL4_AllRights, vaddr: addr, size_bits: bits };
      },
      null,
    );
    expect(err).toBe(0);
    expect(sizes).toEqual([21, 12, 12, 12]);
    expect(res.is_mapped).toBe(true);
    expect([...space.frames.keys()].sort()).toEqual([0x20_0000, 0x40_0000, 0x40_1000, 0x40_2000]);
    expect(vm_free_reserved_memory(vm, res)).toBe(0);
    expect(space.frames.size).toBe(0);
    expect(vm_free_reserved_memory(vm, res)).toBe(-1);
  });

  it("rolls back a partial mapping when a frame fails", () => {
    const space = new ByteGuestSpace();
    space.failAt = 2;
    const vm = bareVm(space);
    const res = vm_reserve_memory_at(vm, 0x1000, 0x4000, handled, null)!;
    expect(vm_map_reservation_frames(vm, res, [1, 2, 3, 4], 4, 12)).toBe(-1);
    expect(space.frames.size).toBe(0);
    expect(res.is_mapped).toBe(false);
    // Too few frames: the iterator yields seL4_CapNull past the end.
    const space2 = new ByteGuestSpace();
    const vm2 = bareVm(space2);
    const res2 = vm_reserve_memory_at(vm2, 0x1000, 0x4000, handled, null)!;
    expect(vm_map_reservation_frames(vm2, res2, [1, 2], 2, 12)).toBe(-1);
    expect(space2.frames.size).toBe(0);
  });

  it("deferred mapping maps the whole reservation on the first fault, then restarts (C bug M2)", () => {
    const space = new ByteGuestSpace();
    const vm = bareVm(space);
    const vcpu = bareVcpu(vm);
    let calls = 0;
    const res = vm_reserve_memory_at(
      vm,
      0x8000,
      0x2000,
      () => {
        calls++;
        return FAULT_HANDLED;
      },
      null,
    )!;
    const frames = [11, 12];
    expect(vm_map_reservation_frames(vm, res, frames, 2, 12, { defer: true })).toBe(0);
    frames[0] = 0; // the caller's array may change after the call: the library kept a copy
    expect(space.frames.size).toBe(0);
    expect(vm_memory_handle_fault(vm, vcpu, 0x9004, 4)).toBe(FAULT_RESTART);
    expect([...space.frames.values()].map((f) => f.frame.cptr)).toEqual([11, 12]);
    expect(vm_memory_handle_fault(vm, vcpu, 0x9004, 4)).toBe(FAULT_HANDLED);
    expect(calls).toBe(1);
    expect(
      vm_map_reservation(
        vm,
        res,
        () => ({ cptr: 1, rights: seL4_AllRights, vaddr: 0, size_bits: 12 }),
        null,
      ),
    ).toBe(-1);
  });

  it("anonymous carve-outs can be freed; the bump pointer returns when the last one goes", () => {
    const vm = bareVm();
    vm_memory_make_anon(vm, 0x10_0000, 0x10000);
    const a = vm_reserve_anon_memory(vm, 0x1000, 0x1000, handled, null)!;
    const b = vm_reserve_anon_memory(vm, 0x1000, 0x1000, handled, null)!;
    expect(vm_free_reserved_memory(vm, b.reservation)).toBe(0);
    expect(vm_reserve_anon_memory(vm, 0x1000, 0x1000, handled, null)!.addr).toBe(b.addr);
    expect(vm_free_reserved_memory(vm, a.reservation)).toBe(0);
    expect(vm_free_reserved_memory(vm, a.reservation)).toBe(-1);
  });
});
