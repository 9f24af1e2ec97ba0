import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GuestConfigError, GuestImageError, type GuestImageErrorCode } from "../errors.js";
import { buildElf, type ElfSpec } from "../testing/elf-builder.js";
import { buildWithToolchain, readelfEntry, readelfLoads } from "../testing/toolchain.js";
import {
  ELF_TARGET_AARCH64,
  ELF_TARGET_I386,
  EM_386,
  EM_AARCH64,
  EM_X86_64,
  loadElf,
  parseElf,
} from "./elf.js";

const RAM = [{ base: 0x4000_0000, size: 0x1000_0000 }];
const bytes = (...values: number[]) => new Uint8Array(values);

function codeOf(work: () => unknown): GuestImageErrorCode | "no error" {
  try {
    work();
    return "no error";
  } catch (error) {
    if (error instanceof GuestImageError) return error.code;
    throw error;
  }
}

describe("loadElf on files the toolchains build", () => {
  it("matches readelf for an AArch64 program with .data and .bss", () => {
    const built = buildWithToolchain(
      "aarch64-linux-gnu-gcc",
      "aarch64-linux-gnu-readelf",
      '.text\n.global _start\n_start:\n ldr x1, =msg\n b .\n.data\nmsg: .asciz "hello"\n.bss\nbuf: .space 8192\n',
      ["-Wl,-Ttext=0x40080000"],
    );
    const load = loadElf(built.bytes, ELF_TARGET_AARCH64, RAM);
    expect(load.entry).toBe(readelfEntry(built.readelf));
    expect(load.entry).toBe(0x4008_0000n);
    const expected = readelfLoads(built.readelf);
    expect(
      load.segments.map((s) => ({ paddr: s.paddr, filesz: s.data.length, memsz: s.memsz })),
    ).toEqual(expected);
    // The .data segment carries "hello\0" and is zero-filled past it for .bss.
    const data = load.segments[1]!;
    expect(new TextDecoder().decode(data.data)).toBe("hello\0");
    expect(data.memsz).toBeGreaterThan(8192);
  });

  it("matches readelf for an i386 program, and refuses it as AArch64", () => {
    const built = buildWithToolchain(
      "gcc",
      "readelf",
      '.text\n.global _start\n_start:\n movl $msg, %eax\n jmp .\n.data\nmsg: .asciz "hi"\n.bss\nbuf: .space 100\n',
      ["-m32", "-Wl,-Ttext=0x100000"],
    );
    const load = loadElf(built.bytes, ELF_TARGET_I386, [{ base: 0, size: 0x400_0000 }]);
    expect(load.entry).toBe(0x10_0000n);
    expect(
      load.segments.map((s) => ({ paddr: s.paddr, filesz: s.data.length, memsz: s.memsz })),
    ).toEqual(readelfLoads(built.readelf));
    expect(codeOf(() => loadElf(built.bytes, ELF_TARGET_AARCH64, RAM))).toBe("WRONG_CLASS");
  });
});

const good: ElfSpec = {
  elfClass: 2,
  machine: EM_AARCH64,
  entry: 0x4008_0000n,
  segments: [
    { paddr: 0x4008_0000n, data: bytes(1, 2, 3, 4), flags: 5 },
    { paddr: 0x4009_0000n, data: bytes(9), memsz: 0x100n, flags: 6 },
  ],
};

describe("loadElf", () => {
  it("describes segments at their physical addresses, sorted, as views into the file", () => {
    const file = buildElf({ ...good, segments: [...good.segments].reverse() });
    const load = loadElf(file, ELF_TARGET_AARCH64, RAM);
    expect(load.segments).toEqual([
      { paddr: 0x4008_0000, data: bytes(1, 2, 3, 4), memsz: 4 },
      { paddr: 0x4009_0000, data: bytes(9), memsz: 0x100 },
    ]);
    expect(load.segments[0]!.data.buffer).toBe(file.buffer);
  });

  it("skips non-LOAD and empty segments", () => {
    const file = buildElf({
      ...good,
      segments: [
        ...good.segments,
        { type: 4, paddr: 0n, data: bytes(7) },
        { paddr: 0x5000_0000n, data: bytes() },
      ],
    });
    expect(loadElf(file, ELF_TARGET_AARCH64, RAM).segments).toHaveLength(2);
  });

  it("accepts an entry given by physical address when virtual addresses differ (x86 vmlinux)", () => {
    const file = buildElf({
      elfClass: 1,
      machine: EM_386,
      entry: 0x100_0000n,
      segments: [{ paddr: 0x100_0000n, vaddr: 0xc100_0000n, data: bytes(1) }],
    });
    expect(loadElf(file, ELF_TARGET_I386, [{ base: 0, size: 0x400_0000 }]).entry).toBe(0x100_0000n);
  });

  it("accepts a segment filling a RAM region to its last byte, in the second region", () => {
    const ram = [
      { base: 0x8000_0000, size: 0x1000 },
      { base: 0x4000_0000, size: 0x1000 },
    ];
    const file = buildElf({
      ...good,
      entry: 0x8000_0000n,
      segments: [{ paddr: 0x8000_0000n, data: bytes(1), memsz: 0x1000n }],
    });
    expect(loadElf(file, ELF_TARGET_AARCH64, ram).segments[0]!.memsz).toBe(0x1000);
  });

  const rejects: [string, () => Uint8Array, GuestImageErrorCode][] = [
    ["an empty file", () => bytes(), "TRUNCATED"],
    ["a PE file", () => bytes(0x4d, 0x5a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "BAD_MAGIC"],
    ["three bytes of something else", () => bytes(0x7f, 0x45, 0x00), "BAD_MAGIC"],
    ["a header cut short", () => buildElf(good).slice(0, 40), "TRUNCATED"],
    ["a program header table cut short", () => buildElf(good).slice(0, 100), "TRUNCATED"],
    ["segment bytes cut short", () => buildElf(good).slice(0, -1), "TRUNCATED"],
    ["a big-endian file", () => patch(buildElf(good), 5, 2), "WRONG_ENDIANNESS"],
    ["an unknown class", () => patch(buildElf(good), 4, 3), "BAD_HEADER"],
    ["an unknown data encoding", () => patch(buildElf(good), 5, 0), "BAD_HEADER"],
    ["identification version 0", () => patch(buildElf(good), 6, 0), "BAD_HEADER"],
    ["ELF version 2", () => patch(buildElf(good), 20, 2), "BAD_HEADER"],
    ["a 32-bit file", () => buildElf({ ...good, elfClass: 1 }), "WRONG_CLASS"],
    ["an x86-64 file", () => buildElf({ ...good, machine: EM_X86_64 }), "WRONG_MACHINE"],
    ["a relocatable object", () => buildElf({ ...good, type: 1 }), "WRONG_TYPE"],
    ["a core dump", () => buildElf({ ...good, type: 4 }), "WRONG_TYPE"],
    ["a wrong program header size", () => patch(buildElf(good), 54, 55), "BAD_HEADER"],
    ["PN_XNUM program headers", () => patch16(buildElf(good), 56, 0xffff), "BAD_HEADER"],
    ["no segments", () => buildElf({ ...good, segments: [] }), "NO_LOADABLE_SEGMENTS"],
    [
      "file size above memory size",
      () =>
        buildElf({ ...good, segments: [{ paddr: 0x4008_0000n, data: bytes(1, 2), memsz: 1n }] }),
      "BAD_SEGMENT",
    ],
    [
      "a segment below RAM",
      () => buildElf({ ...good, entry: 0x1000n, segments: [{ paddr: 0x1000n, data: bytes(1) }] }),
      "SEGMENT_OUTSIDE_RAM",
    ],
    [
      "a segment past the end of RAM",
      () =>
        buildElf({ ...good, segments: [{ paddr: 0x4fff_fff0n, data: bytes(1), memsz: 0x20n }] }),
      "SEGMENT_OUTSIDE_RAM",
    ],
    [
      "a segment above 2^53",
      () => buildElf({ ...good, segments: [{ paddr: 1n << 60n, data: bytes(1) }] }),
      "SEGMENT_OUTSIDE_RAM",
    ],
    [
      "a segment whose end wraps past 2^64",
      () =>
        buildElf({
          ...good,
          segments: [{ paddr: 0x4008_0000n, data: bytes(1), memsz: (1n << 64n) - 1n }],
        }),
      "SEGMENT_OUTSIDE_RAM",
    ],
    [
      "overlapping segments",
      () =>
        buildElf({
          ...good,
          segments: [
            { paddr: 0x4008_0000n, data: bytes(1), memsz: 0x100n },
            { paddr: 0x4008_00ffn, data: bytes(2) },
          ],
        }),
      "SEGMENTS_OVERLAP",
    ],
    [
      "an entry point outside every segment",
      () => buildElf({ ...good, entry: 0x4100_0000n }),
      "ENTRY_OUTSIDE_IMAGE",
    ],
  ];
  for (const [what, file, code] of rejects) {
    it(`rejects ${what} with ${code}`, () => {
      expect(codeOf(() => loadElf(file(), ELF_TARGET_AARCH64, RAM))).toBe(code);
    });
  }

  it("spans segments across two touching RAM regions only if each fits one region", () => {
    const ram = [
      { base: 0x4000_0000, size: 0x1000 },
      { base: 0x4000_1000, size: 0x1000 },
    ];
    const file = buildElf({
      ...good,
      entry: 0x4000_0800n,
      segments: [{ paddr: 0x4000_0800n, data: bytes(1), memsz: 0x1000n }],
    });
    expect(codeOf(() => loadElf(file, ELF_TARGET_AARCH64, ram))).toBe("SEGMENT_OUTSIDE_RAM");
  });

  it("rejects a malformed RAM description with GuestConfigError", () => {
    expect(() => loadElf(buildElf(good), ELF_TARGET_AARCH64, [{ base: 0, size: 0 }])).toThrow(
      GuestConfigError,
    );
    expect(() =>
      loadElf(buildElf(good), ELF_TARGET_AARCH64, [
        { base: 0, size: 0x2000 },
        { base: 0x1000, size: 0x2000 },
      ]),
    ).toThrow(GuestConfigError);
  });

  it("parses program headers of both classes", () => {
    const file32 = buildElf({
      elfClass: 1,
      machine: EM_386,
      entry: 0x1000n,
      segments: [{ paddr: 0x1000n, vaddr: 0x8000_1000n, data: bytes(1, 2), memsz: 8n, flags: 7 }],
    });
    const parsed = parseElf(file32);
    expect(parsed.header).toMatchObject({
      elf_class: 1,
      e_machine: EM_386,
      e_entry: 0x1000n,
      e_phnum: 1,
      e_phentsize: 32,
    });
    expect(parsed.program_headers[0]).toEqual({
      p_type: 1,
      p_flags: 7,
      p_offset: 84n,
      p_vaddr: 0x8000_1000n,
      p_paddr: 0x1000n,
      p_filesz: 2n,
      p_memsz: 8n,
      p_align: 0x1000n,
    });
  });
});

function patch(file: Uint8Array, at: number, value: number): Uint8Array {
  file[at] = value;
  return file;
}

function patch16(file: Uint8Array, at: number, value: number): Uint8Array {
  new DataView(file.buffer).setUint16(at, value, true);
  return file;
}

describe("loadElf under fuzzing throws nothing but GuestImageError", () => {
  const onlyImageErrors = (file: Uint8Array): void => {
    try {
      loadElf(file, ELF_TARGET_AARCH64, RAM);
    } catch (error) {
      if (!(error instanceof GuestImageError)) throw error;
    }
  };

  it("on random bytes behind an ELF64 identification", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (tail, withIdent) => {
        const file = withIdent ? new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, ...tail]) : tail;
        onlyImageErrors(file);
      }),
      { numRuns: 3000 },
    );
  });

  it("on valid files with mutated bytes and lengths", () => {
    const valid = buildElf(good);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(valid.length),
        (edits, length) => {
          const file = valid.slice(0, Math.max(length, valid.length - 8));
          for (const [at, value] of edits) if (at < file.length) file[at] = value;
          onlyImageErrors(file);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
