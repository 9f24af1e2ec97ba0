import { seL4_AllRights } from "@sel4/sel4";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FAULT_HANDLED,
  ram_touch_chunks,
  vm_guest_ram_read_callback,
  vm_guest_ram_write_callback,
  vm_ram_allocate,
  vm_ram_find_largest_free_region,
  vm_ram_free,
  vm_ram_mark_allocated,
  vm_ram_register_at_custom_iterator,
  vm_ram_touch,
  vm_reserve_memory_at,
} from "../src/index.js";
import { ByteGuestSpace, bareVm } from "./fixture.js";

function ramVm(start: number, size: number) {
  const space = new ByteGuestSpace();
  const vm = bareVm(space);
  let cap = 1;
  const err = vm_ram_register_at_custom_iterator(
    vm,
    start,
    size,
    (addr) => ({
      cptr: cap++,
      rights: seL4_AllRights,
      vaddr: addr - (addr % 0x1000),
      size_bits: 12,
    }),
    null,
  );
  expect(err).toBe(0);
  return { vm, space };
}

describe("guest RAM", () => {
  it("registers RAM as one free region and refuses overlapping RAM", () => {
    const { vm, space } = ramVm(0x4000_0000, 0x10000);
    expect(vm.mem.ram_regions).toEqual([{ start: 0x4000_0000, size: 0x10000, allocated: 0 }]);
    expect(space.frames.size).toBe(16);
    expect(
      vm_ram_register_at_custom_iterator(
        vm,
        0x4000_f000,
        0x2000,
        () => ({ cptr: 9, rights: seL4_AllRights, vaddr: 0, size_bits: 12 }),
        null,
      ),
    ).toBe(-1);
    expect(vm.mem.num_ram_regions).toBe(1);
  });

  it("a failed registration leaves nothing reserved (C bug M10)", () => {
    const vm = bareVm();
    expect(
      vm_ram_register_at_custom_iterator(
        vm,
        0x1000,
        0x2000,
        (a) => ({ cptr: a === 0x1000 ? 5 : 0, rights: seL4_AllRights, vaddr: a, size_bits: 12 }),
        null,
      ),
    ).toBe(-1);
    expect(vm.mem.ram_regions).toEqual([]);
    expect(vm_reserve_memory_at(vm, 0x1000, 0x2000, () => FAULT_HANDLED, null)).not.toBeNull();
  });

  it("mark_allocated splits and merges; spanning and outside ranges are refused (C bug M8)", () => {
    const { vm } = ramVm(0x4000_0000, 0x10000);
    expect(vm_ram_mark_allocated(vm, 0x4000_2000, 0x1000)).toBe(0);
    expect(vm.mem.ram_regions).toEqual([
      { start: 0x4000_0000, size: 0x2000, allocated: 0 },
      { start: 0x4000_2000, size: 0x1000, allocated: 1 },
      { start: 0x4000_3000, size: 0xd000, allocated: 0 },
    ]);
    expect(vm_ram_mark_allocated(vm, 0x4000_f000, 0x2000)).toBe(-1);
    expect(vm_ram_mark_allocated(vm, 0x3fff_f000, 0x2000)).toBe(-1);
    // A range over several adjacent regions is fine.
    expect(vm_ram_mark_allocated(vm, 0x4000_1000, 0x3000)).toBe(0);
    expect(vm.mem.ram_regions[1]).toEqual({ start: 0x4000_1000, size: 0x3000, allocated: 1 });
    expect(vm_ram_free(vm, 0x4000_1000, 0x3000)).toBe(0);
    expect(vm.mem.ram_regions).toEqual([{ start: 0x4000_0000, size: 0x10000, allocated: 0 }]);
  });

  it("allocate is first fit with alignment and returns null when full (C bug M8)", () => {
    const { vm } = ramVm(0, 0x10000);
    expect(vm_ram_allocate(vm, 0x10)).toBe(0); // GPA 0 is a valid answer
    expect(vm_ram_allocate(vm, 0x1000, 0x1000)).toBe(0x1000);
    expect(vm_ram_allocate(vm, 0x20)).toBe(0x10);
    expect(vm_ram_find_largest_free_region(vm)).toEqual({ addr: 0x2000, size: 0xe000 });
    expect(vm_ram_allocate(vm, 0xf000)).toBeNull();
    expect(vm_ram_allocate(vm, 0xe000)).toBe(0x2000);
    expect(vm_ram_find_largest_free_region(vm)).toEqual({ addr: 0x30, size: 0xfd0 });
    expect(vm_ram_find_largest_free_region(vm, 0x20)).toBeNull();
    expect(vm_ram_allocate(vm, 0)).toBeNull();
  });

  it("touch chunks cover the range at page boundaries with their own GPA (C bug M7)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x10_0000 }),
        fc.integer({ min: 1, max: 0x5000 }),
        (addr, size) => {
          const chunks = ram_touch_chunks(addr, size);
          let cur = addr;
          for (const c of chunks) {
            expect(c.guest_addr).toBe(cur);
            expect(c.offset).toBe(cur - addr);
            expect(c.page).toBe(cur - (cur % 0x1000));
            expect(c.guest_addr + c.size).toBeLessThanOrEqual(c.page + 0x1000);
            cur += c.size;
          }
          expect(cur).toBe(addr + size);
        },
      ),
    );
  });

  it("write then read across pages round-trips (C bug M6 ignored the offset)", () => {
    const { vm } = ramVm(0x4000_0000, 0x4000);
    const data = Uint8Array.from({ length: 0x2100 }, (_, i) => (i * 7) & 0xff);
    expect(vm_ram_touch(vm, 0x4000_0f80, data.length, vm_guest_ram_write_callback, data)).toBe(0);
    const back = new Uint8Array(data.length);
    expect(vm_ram_touch(vm, 0x4000_0f80, back.length, vm_guest_ram_read_callback, back)).toBe(0);
    expect(back).toEqual(data);
    const page2 = new Uint8Array(0x1000);
    vm_ram_touch(vm, 0x4000_1000, 0x1000, vm_guest_ram_read_callback, page2);
    expect(page2[0]).toBe(data[0x80]);
  });

  it("touch refuses ranges outside RAM, stops at the first non-zero result", () => {
    const { vm } = ramVm(0x4000_0000, 0x4000);
    expect(
      vm_ram_touch(vm, 0x4000_3000, 0x2000, vm_guest_ram_read_callback, new Uint8Array(0x2000)),
    ).toBe(-1);
    expect(vm_ram_touch(vm, 0x4000_0000, 0x10, vm_guest_ram_read_callback, new Uint8Array(4))).toBe(
      -1,
    );
    const seen: number[] = [];
    const r = vm_ram_touch(
      vm,
      0x4000_0000,
      0x3000,
      (_vm, gpa) => {
        seen.push(gpa);
        return seen.length === 2 ? 9 : 0;
      },
      null,
    );
    expect(r).toBe(9);
    expect(seen).toEqual([0x4000_0000, 0x4000_1000]);
  });
});
