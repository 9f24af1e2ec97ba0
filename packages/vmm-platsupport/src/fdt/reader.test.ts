import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FdtError, type FdtErrorCode } from "../errors.js";
import { fdtPropStrings, fdtPropU32 } from "./property.js";
import { fdtReadHeader, readFdt } from "./reader.js";
import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_NOP, FDT_PROP, fdtNode } from "./types.js";
import { writeFdt } from "./writer.js";

const valid = writeFdt({
  boot_cpuid_phys: 0,
  reservations: [{ address: 0x1000n, size: 0x2000n }],
  root: fdtNode(
    "",
    [fdtPropU32("#address-cells", 2)],
    [fdtNode("a@1", [fdtPropStrings("compatible", "x,y")], [fdtNode("b")])],
  ),
});

function withWord(blob: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = blob.slice();
  new DataView(copy.buffer).setUint32(offset, value);
  return copy;
}

function word(blob: Uint8Array, offset: number): number {
  return new DataView(blob.buffer, blob.byteOffset).getUint32(offset);
}

function codeOf(work: () => unknown): FdtErrorCode | "no error" {
  try {
    work();
    return "no error";
  } catch (error) {
    if (error instanceof FdtError) return error.code;
    throw error;
  }
}

/** A blob with a hand-made structure block (words) and strings block, for structure errors. */
function blobWithStructure(structure: readonly number[], strings = "name\0"): Uint8Array {
  const stringBytes = new TextEncoder().encode(strings);
  const offStruct = 40 + 16;
  const offStrings = offStruct + structure.length * 4;
  const total = offStrings + stringBytes.length;
  const blob = new Uint8Array(total);
  const view = new DataView(blob.buffer);
  [
    0xd00dfeed,
    total,
    offStruct,
    offStrings,
    40,
    17,
    16,
    0,
    stringBytes.length,
    structure.length * 4,
  ].forEach((v, i) => {
    view.setUint32(i * 4, v);
  });
  structure.forEach((v, i) => {
    view.setUint32(offStruct + i * 4, v);
  });
  blob.set(stringBytes, offStrings);
  return blob;
}

describe("readFdt rejects malformed headers with the libfdt code", () => {
  const cases: [string, Uint8Array, FdtErrorCode][] = [
    ["empty input", new Uint8Array(0), "FDT_ERR_TRUNCATED"],
    ["bad magic", withWord(valid, 0, 0xfeedd00d), "FDT_ERR_BADMAGIC"],
    ["header cut short", valid.slice(0, 30), "FDT_ERR_TRUNCATED"],
    ["v17 header cut at 38 bytes", valid.slice(0, 38), "FDT_ERR_TRUNCATED"],
    ["version 15", withWord(valid, 20, 15), "FDT_ERR_BADVERSION"],
    ["last_comp_version 18", withWord(valid, 24, 18), "FDT_ERR_BADVERSION"],
    ["totalsize past the input", withWord(valid, 4, valid.length + 1), "FDT_ERR_TRUNCATED"],
    ["input cut before totalsize", valid.slice(0, valid.length - 1), "FDT_ERR_TRUNCATED"],
    ["totalsize smaller than the header", withWord(valid, 4, 20), "FDT_ERR_BADLAYOUT"],
    ["misaligned structure block", withWord(valid, 8, word(valid, 8) + 2), "FDT_ERR_ALIGNMENT"],
    ["misaligned reservation block", withWord(valid, 16, 44), "FDT_ERR_ALIGNMENT"],
    ["structure block inside the header", withWord(valid, 8, 8), "FDT_ERR_BADOFFSET"],
    ["structure block offset past the end", withWord(valid, 8, 0x1000_0000), "FDT_ERR_BADOFFSET"],
    ["strings block size past the end", withWord(valid, 32, 0xffff_ff00), "FDT_ERR_TRUNCATED"],
    ["structure size past the end", withWord(valid, 36, 0xffff_fff0), "FDT_ERR_TRUNCATED"],
    [
      "strings block overlapping the structure block",
      withWord(valid, 12, word(valid, 8) + 4),
      "FDT_ERR_BADLAYOUT",
    ],
  ];
  for (const [what, blob, code] of cases) {
    it(what, () => {
      expect(codeOf(() => readFdt(blob))).toBe(code);
    });
  }

  it("reports the offset of the failed check", () => {
    try {
      readFdt(withWord(valid, 0, 0));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FdtError);
      expect((error as FdtError).offset).toBe(0);
      expect((error as FdtError).message).toMatch(/FDT_ERR_BADMAGIC at offset 0/);
    }
  });

  it("accepts a valid blob with trailing bytes after totalsize", () => {
    const longer = new Uint8Array(valid.length + 7);
    longer.set(valid);
    expect(readFdt(longer).root.children[0]!.name).toBe("a@1");
  });

  it("reads the header of a blob inside a larger buffer", () => {
    const buffer = new Uint8Array(valid.length + 8);
    buffer.set(valid, 8);
    expect(fdtReadHeader(buffer.subarray(8)).totalsize).toBe(valid.length);
  });
});

describe("readFdt rejects malformed structure blocks", () => {
  const nameWord = 0; // "" padded: the root's empty name is one zero word
  const cases: [string, number[], FdtErrorCode][] = [
    ["no FDT_END", [FDT_BEGIN_NODE, nameWord, FDT_END_NODE], "FDT_ERR_TRUNCATED"],
    ["unknown token", [FDT_BEGIN_NODE, nameWord, 7, FDT_END_NODE, FDT_END], "FDT_ERR_BADSTRUCTURE"],
    ["FDT_END inside a node", [FDT_BEGIN_NODE, nameWord, FDT_END], "FDT_ERR_BADSTRUCTURE"],
    ["FDT_END before any node", [FDT_END], "FDT_ERR_BADSTRUCTURE"],
    ["END_NODE outside a node", [FDT_END_NODE, FDT_END], "FDT_ERR_BADSTRUCTURE"],
    [
      "a second root",
      [FDT_BEGIN_NODE, nameWord, FDT_END_NODE, FDT_BEGIN_NODE, nameWord, FDT_END_NODE, FDT_END],
      "FDT_ERR_BADSTRUCTURE",
    ],
    ["a named root", [FDT_BEGIN_NODE, 0x61000000, FDT_END_NODE, FDT_END], "FDT_ERR_BADSTRUCTURE"],
    [
      "a child without a name",
      [FDT_BEGIN_NODE, nameWord, FDT_BEGIN_NODE, nameWord, FDT_END_NODE, FDT_END_NODE, FDT_END],
      "FDT_ERR_BADSTRUCTURE",
    ],
    ["a property outside a node", [FDT_PROP, 0, 0, FDT_END], "FDT_ERR_BADSTRUCTURE"],
    [
      "a property value past the block",
      [FDT_BEGIN_NODE, nameWord, FDT_PROP, 100, 0, FDT_END_NODE, FDT_END],
      "FDT_ERR_TRUNCATED",
    ],
    [
      "a property header past the block",
      [FDT_BEGIN_NODE, nameWord, FDT_PROP, 0],
      "FDT_ERR_TRUNCATED",
    ],
    [
      "a property name outside the strings",
      [FDT_BEGIN_NODE, nameWord, FDT_PROP, 0, 99, FDT_END_NODE, FDT_END],
      "FDT_ERR_BADOFFSET",
    ],
    [
      "a property after a subnode",
      [
        FDT_BEGIN_NODE,
        nameWord,
        FDT_BEGIN_NODE,
        0x61000000,
        FDT_END_NODE,
        FDT_PROP,
        0,
        0,
        FDT_END_NODE,
        FDT_END,
      ],
      "FDT_ERR_BADSTRUCTURE",
    ],
    [
      "a node name without NUL",
      [FDT_BEGIN_NODE, nameWord, FDT_BEGIN_NODE, 0x61616161],
      "FDT_ERR_TRUNCATED",
    ],
  ];
  for (const [what, structure, code] of cases) {
    it(what, () => {
      expect(codeOf(() => readFdt(blobWithStructure(structure)))).toBe(code);
    });
  }

  it("rejects a property name without NUL in the strings block", () => {
    const blob = blobWithStructure(
      [FDT_BEGIN_NODE, 0, FDT_PROP, 0, 0, FDT_END_NODE, FDT_END],
      "name",
    );
    expect(codeOf(() => readFdt(blob))).toBe("FDT_ERR_TRUNCATED");
  });

  it("rejects a reservation block without its terminating entry", () => {
    const blob = withWord(valid, 16, word(valid, 8) - 8);
    expect(codeOf(() => readFdt(blob))).toBe("FDT_ERR_TRUNCATED");
  });

  it("skips NOPs anywhere and reads names from the middle of a string", () => {
    const blob = blobWithStructure(
      [
        FDT_NOP,
        FDT_BEGIN_NODE,
        0,
        FDT_NOP,
        FDT_PROP,
        0,
        2,
        FDT_NOP,
        FDT_END_NODE,
        FDT_NOP,
        FDT_END,
      ],
      "name\0",
    );
    const fdt = readFdt(blob);
    expect(fdt.root.properties).toEqual([{ name: "me", value: new Uint8Array(0) }]);
  });
});

describe("readFdt under fuzzing throws nothing but FdtError", () => {
  const onlyFdtErrors = (blob: Uint8Array): void => {
    try {
      readFdt(blob);
    } catch (error) {
      if (!(error instanceof FdtError)) throw error;
    }
  };

  it("on random bytes, some with a valid magic", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, magic) => {
        if (magic && bytes.length >= 4) new DataView(bytes.buffer).setUint32(0, 0xd00dfeed);
        onlyFdtErrors(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it("on valid blobs with mutated bytes, words and lengths", () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant("byte" as const),
        at: fc.nat(valid.length - 1),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        kind: fc.constant("word" as const),
        at: fc.nat(Math.floor(valid.length / 4) - 1),
        value: fc.integer({ min: 0, max: 0xffff_ffff }),
      }),
      fc.record({
        kind: fc.constant("cut" as const),
        at: fc.nat(valid.length),
        value: fc.constant(0),
      }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let blob = valid.slice();
        for (const { kind, at, value } of mutations) {
          if (kind === "byte") blob[at % blob.length] = value;
          else if (kind === "word" && at * 4 + 4 <= blob.length)
            new DataView(blob.buffer).setUint32(at * 4, value);
          else if (kind === "cut") blob = blob.slice(0, at);
        }
        onlyFdtErrors(blob);
      }),
      { numRuns: 5000 },
    );
  });
});
