import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GuestConfigError, GuestImageError, type GuestImageErrorCode } from "../errors.js";
import { buildArm64Image } from "../testing/image-builder.js";
import { loadLinuxArm64Image, parseLinuxArm64Image } from "./linux-arm64-image.js";

const MiB = 2 ** 20;
const RAM = [{ base: 0x4000_0000, size: 128 * MiB }];

function codeOf(work: () => unknown): GuestImageErrorCode | "no error" {
  try {
    work();
    return "no error";
  } catch (error) {
    if (error instanceof GuestImageError) return error.code;
    throw error;
  }
}

/** An Image assembled and linked by the cross toolchain, header included, as Linux lays it out. */
function toolchainImage(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "vmm-platsupport-image-"));
  try {
    const source = `
.text
.global _start
_start:
  b real_start
  .long 0
  .quad 0x80000          // text_offset
  .quad _end - _start    // image_size
  .quad 0x2              // flags: little-endian, 4K pages, base near start of RAM
  .quad 0, 0, 0
  .ascii "ARM\\x64"
  .long 0
real_start:
  b .
.bss
  .space 0x3000
_end:
`;
    writeFileSync(join(dir, "image.S"), source);
    execFileSync("aarch64-linux-gnu-gcc", [
      "-nostdlib",
      "-static",
      "-Wl,--build-id=none",
      "-Wl,-Ttext=0x0",
      "-o",
      join(dir, "image.elf"),
      join(dir, "image.S"),
    ]);
    execFileSync("aarch64-linux-gnu-objcopy", [
      "-O",
      "binary",
      "-j",
      ".text",
      join(dir, "image.elf"),
      join(dir, "Image"),
    ]);
    return new Uint8Array(readFileSync(join(dir, "Image")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("parseLinuxArm64Image", () => {
  it("reads the header of an Image built by the toolchain", () => {
    const image = toolchainImage();
    const info = parseLinuxArm64Image(image);
    expect(info.header.magic).toBe(0x644d_5241);
    expect(info.text_offset).toBe(0x8_0000);
    expect(info.page_size).toBe(4096);
    expect(info.phys_base_anywhere).toBe(false);
    expect(info.memsz).toBeGreaterThan(0x3000); // image_size counts the BSS the file lacks
    expect(info.memsz).toBeGreaterThan(image.length);
  });

  it("decodes page sizes and placement flags", () => {
    expect(parseLinuxArm64Image(buildArm64Image({ flags: 0n })).page_size).toBeNull();
    expect(parseLinuxArm64Image(buildArm64Image({ flags: 4n })).page_size).toBe(0x4000);
    expect(parseLinuxArm64Image(buildArm64Image({ flags: 6n })).page_size).toBe(0x1_0000);
    expect(parseLinuxArm64Image(buildArm64Image({ flags: 8n })).phys_base_anywhere).toBe(true);
  });

  it("assumes text_offset 0x80000 and ignores flags for a pre-3.17 Image (image_size 0)", () => {
    const info = parseLinuxArm64Image(
      buildArm64Image({ imageSize: 0n, textOffset: 0x1234n, flags: 1n, bodyBytes: 100 }),
    );
    expect(info.text_offset).toBe(0x8_0000);
    expect(info.memsz).toBe(164);
  });

  it.each<[string, Uint8Array, GuestImageErrorCode]>([
    ["an empty file", new Uint8Array(0), "TRUNCATED"],
    ["a header cut at 63 bytes", buildArm64Image().slice(0, 63), "TRUNCATED"],
    ["a wrong magic", buildArm64Image({ magic: 0x644d_5242 }), "BAD_MAGIC"],
    [
      "an ELF file",
      new Uint8Array([0x7f, 0x45, 0x4c, 0x46, ...new Array(100).fill(0)]),
      "BAD_MAGIC",
    ],
    ["a big-endian kernel", buildArm64Image({ flags: 0xbn }), "WRONG_ENDIANNESS"],
    ["a text_offset beyond 2^53", buildArm64Image({ textOffset: 1n << 60n }), "BAD_HEADER"],
    ["an image_size beyond 2^53", buildArm64Image({ imageSize: 1n << 60n }), "BAD_HEADER"],
  ])("rejects %s", (_, image, code) => {
    expect(codeOf(() => parseLinuxArm64Image(image))).toBe(code);
  });
});

describe("loadLinuxArm64Image", () => {
  it("loads at the lowest 2 MiB boundary of RAM plus text_offset", () => {
    const image = toolchainImage();
    const load = loadLinuxArm64Image(image, RAM);
    expect(load.base).toBe(0x4000_0000);
    expect(load.entry).toBe(0x4008_0000);
    expect(load.segment.paddr).toBe(0x4008_0000);
    expect(load.segment.data).toBe(image);
    expect(load.segment.memsz).toBe(load.info.memsz);
  });

  it("rounds an unaligned RAM base up to 2 MiB", () => {
    const load = loadLinuxArm64Image(buildArm64Image({ textOffset: 0n }), [
      { base: 0x4010_0000, size: 64 * MiB },
    ]);
    expect(load.base).toBe(0x4020_0000);
    expect(load.entry).toBe(0x4020_0000);
  });

  it("without flags bit 3 stays in the lowest region, with it tries the others", () => {
    const ram = [
      { base: 0x4000_0000, size: MiB * 2 },
      { base: 0x8000_0000, size: MiB * 64 },
    ];
    const big = { imageSize: BigInt(8 * MiB) };
    expect(codeOf(() => loadLinuxArm64Image(buildArm64Image({ ...big, flags: 0x2n }), ram))).toBe(
      "DOES_NOT_FIT",
    );
    expect(loadLinuxArm64Image(buildArm64Image({ ...big, flags: 0xan }), ram).base).toBe(
      0x8000_0000,
    );
  });

  it("uses a given base, if aligned and the kernel fits there", () => {
    const image = buildArm64Image({ textOffset: 0x8_0000n });
    expect(loadLinuxArm64Image(image, RAM, { base: 0x4040_0000 }).entry).toBe(0x4048_0000);
    expect(() => loadLinuxArm64Image(image, RAM, { base: 0x4010_0000 })).toThrow(GuestConfigError);
    expect(codeOf(() => loadLinuxArm64Image(image, RAM, { base: 0x4000_0000 + 128 * MiB }))).toBe(
      "DOES_NOT_FIT",
    );
  });

  it("needs image_size bytes free after the load address, not just the file size", () => {
    const image = buildArm64Image({ textOffset: 0n, imageSize: BigInt(4 * MiB) });
    expect(codeOf(() => loadLinuxArm64Image(image, [{ base: 0x4000_0000, size: 4 * MiB }]))).toBe(
      "no error",
    );
    expect(
      codeOf(() => loadLinuxArm64Image(image, [{ base: 0x4000_0000, size: 4 * MiB - 4096 }])),
    ).toBe("DOES_NOT_FIT");
  });

  it("throws nothing but GuestImageError on fuzzed headers", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 128 }),
        fc.boolean(),
        (bytes, withMagic) => {
          if (withMagic && bytes.length >= 64)
            new DataView(bytes.buffer).setUint32(56, 0x644d_5241, true);
          try {
            loadLinuxArm64Image(bytes, RAM);
          } catch (error) {
            if (!(error instanceof GuestImageError)) throw error;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
