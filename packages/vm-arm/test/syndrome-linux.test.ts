import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ARM64_IMAGE_MAGIC,
  arm64_image_header,
  decode_data_abort_syndrome,
  HSR_EXCEPTION_CLASS,
  HSR_IL,
  LinuxBootError,
  linux_arm64_boot_plan,
  load_result,
} from "../src/index.js";

describe("data-abort syndrome", () => {
  it("decodes every ISS field of a data abort", () => {
    // EC 0x24, IL, ISV, SAS=1 (halfword), SSE, SRT=7, SF=0, AR, WnR=0
    const hsr =
      (0x24 << 26) | (1 << 25) | (1 << 24) | (1 << 22) | (1 << 21) | (7 << 16) | (1 << 14);
    expect(HSR_EXCEPTION_CLASS(hsr)).toBe(0x24);
    expect(HSR_IL(hsr)).toBe(1);
    expect(decode_data_abort_syndrome(hsr)).toEqual({
      isv: true,
      size: 2,
      signExtend: true,
      rt: 7,
      sixtyFour: false,
      acquireRelease: true,
      write: false,
      il32: true,
    });
    expect(decode_data_abort_syndrome((3 << 22) | (31 << 16) | (1 << 15) | (1 << 6))).toMatchObject(
      { isv: false, size: 8, rt: 31, sixtyFour: true, write: true },
    );
  });

  it("loads zero- or sign-extend into W or X registers from the addressed byte lane (C bug A1)", () => {
    expect(load_result(0x1234_80ffn, 0x1000, 1, false, false)).toBe(0xffn);
    expect(load_result(0x1234_80ffn, 0x1000, 1, true, false)).toBe(0xffff_ffffn);
    expect(load_result(0x1234_80ffn, 0x1000, 1, true, true)).toBe((1n << 64n) - 1n);
    expect(load_result(0x1234_80ffn, 0x1001, 1, true, true)).toBe(0xffff_ffff_ffff_ff80n);
    expect(load_result(0x1234_80ffn, 0x1002, 2, true, true)).toBe(0x1234n);
    expect(load_result(0x8000_0000n, 0x1000, 4, true, true)).toBe(0xffff_ffff_8000_0000n); // LDRSW
    expect(load_result(0xdead_beef_0000_0001n, 0x1000, 8, false, true)).toBe(
      0xdead_beef_0000_0001n,
    );
  });

  it("agrees with a bitwise model of extension", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(1, 2, 4),
        fc.boolean(),
        fc.boolean(),
        (data, lane, size, sse, sf) => {
          const addr = 0x4000 + (lane & (4 - size) & 3);
          const raw = (data >> BigInt((addr & 3) * 8)) & ((1n << BigInt(size * 8)) - 1n);
          const top = raw >> BigInt(size * 8 - 1);
          const width = sf ? 64 : 32;
          let want = raw;
          if (sse && top) for (let b = size * 8; b < width; b++) want |= 1n << BigInt(b);
          expect(load_result(data, addr, size, sse, sf)).toBe(want);
        },
      ),
    );
  });
});

function image(text_offset: bigint, image_size: bigint, flags = 0n, length = 4096): Uint8Array {
  const b = new Uint8Array(length);
  const v = new DataView(b.buffer);
  v.setBigUint64(8, text_offset, true);
  v.setBigUint64(16, image_size, true);
  v.setBigUint64(24, flags, true);
  v.setUint32(56, ARM64_IMAGE_MAGIC, true);
  return b;
}

describe("Linux arm64 boot", () => {
  it("reads the Image header, including pre-3.17 kernels with no size", () => {
    expect(arm64_image_header(image(0n, 0x20_0000n, 0xan))).toEqual({
      text_offset: 0,
      image_size: 0x20_0000,
      flags: 0xa,
    });
    expect(arm64_image_header(image(0x1234n, 0n))).toEqual({
      text_offset: 0x80000,
      image_size: 4096,
      flags: 0,
    });
    expect(() => arm64_image_header(new Uint8Array(10))).toThrow(LinuxBootError);
    expect(() => arm64_image_header(new Uint8Array(4096))).toThrow(LinuxBootError);
    expect(() => arm64_image_header(image(0n, 0x1000n, 1n))).toThrow(/big-endian/);
    expect(() => arm64_image_header(image(0x123n, 0x1000n))).toThrow(/text_offset/);
    expect(() => arm64_image_header(image(0n, 0x10n))).toThrow(/image_size/);
  });

  it("places kernel, initrd and DTB and sets the entry registers with DAIF masked (C bug A6)", () => {
    const header = { text_offset: 0x80000, image_size: 0x100_0000, flags: 0 };
    const plan = linux_arm64_boot_plan({
      ram_base: 0x4000_1000,
      ram_size: 0x1000_0000,
      header,
      dtb_size: 0x3000,
      initrd_size: 0x12345,
    });
    expect(plan.kernel_addr).toBe(0x4028_0000);
    expect(plan.dtb_addr).toBe(0x4fe0_0000);
    expect(plan.initrd_addr).toBe(0x4fde_d000);
    expect(plan.regs).toEqual({ pc: 0x4028_0000n, x0: 0x4fe0_0000n, spsr: 0x3c5n });
    expect(plan.initrd_addr! + 0x12345).toBeLessThanOrEqual(plan.dtb_addr);
    expect(() =>
      linux_arm64_boot_plan({
        ram_base: 0x4000_0000,
        ram_size: 0x100_0000,
        header,
        dtb_size: 0x1000,
      }),
    ).toThrow(LinuxBootError);
    expect(() =>
      linux_arm64_boot_plan({ ram_base: 0x4000_0000, ram_size: 0x1000_0000, header, dtb_size: 0 }),
    ).toThrow(LinuxBootError);
    expect(() =>
      linux_arm64_boot_plan({ ram_base: -1, ram_size: 0x1000_0000, header, dtb_size: 1 }),
    ).toThrow(LinuxBootError);
  });
});
