import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FdtError, type FdtErrorCode } from "../errors.js";
import { fdtPropBytes, fdtPropEmpty, fdtPropU32 } from "./property.js";
import { readFdt } from "./reader.js";
import { type Fdt, type FdtNode, fdtNode } from "./types.js";
import { writeFdt } from "./writer.js";

function tree(root: FdtNode, extra: Partial<Fdt> = {}): Fdt {
  return { boot_cpuid_phys: 0, reservations: [], root, ...extra };
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

describe("writeFdt", () => {
  it("lays out header, reservations, structure and strings as version 17", () => {
    const blob = writeFdt(tree(fdtNode("", [fdtPropEmpty("x")])));
    const view = new DataView(blob.buffer);
    expect(view.getUint32(0)).toBe(0xd00dfeed);
    expect(view.getUint32(4)).toBe(blob.length);
    expect(view.getUint32(16)).toBe(40); // reservations right after the header
    expect(view.getUint32(8)).toBe(56); // one terminating entry of 16 bytes
    expect(view.getUint32(20)).toBe(17);
    expect(view.getUint32(24)).toBe(16);
    // BEGIN_NODE "" PROP len=0 nameoff=0 END_NODE END
    expect(view.getUint32(36)).toBe(4 * 7);
    expect(view.getUint32(12)).toBe(56 + 28);
    expect(view.getUint32(32)).toBe(2);
  });

  const rejects: [string, Fdt, FdtErrorCode][] = [
    ["a named root", tree(fdtNode("root")), "FDT_ERR_BADNAME"],
    ["an empty child name", tree(fdtNode("", [], [fdtNode("")])), "FDT_ERR_BADNAME"],
    ["a child name with a slash", tree(fdtNode("", [], [fdtNode("a/b")])), "FDT_ERR_BADNAME"],
    ["a child name with two @", tree(fdtNode("", [], [fdtNode("a@1@2")])), "FDT_ERR_BADNAME"],
    ["a bad property name", tree(fdtNode("", [fdtPropEmpty("a b")])), "FDT_ERR_BADNAME"],
    ["an empty property name", tree(fdtNode("", [fdtPropEmpty("")])), "FDT_ERR_BADNAME"],
    [
      "a property twice",
      tree(fdtNode("", [fdtPropEmpty("a"), fdtPropEmpty("a")])),
      "FDT_ERR_EXISTS",
    ],
    ["a child twice", tree(fdtNode("", [], [fdtNode("a"), fdtNode("a")])), "FDT_ERR_EXISTS"],
    [
      "a phandle of 2 bytes",
      tree(fdtNode("", [fdtPropBytes("phandle", new Uint8Array(2))])),
      "FDT_ERR_BADPHANDLE",
    ],
    ["phandle 0", tree(fdtNode("", [fdtPropU32("phandle", 0)])), "FDT_ERR_BADPHANDLE"],
    ["phandle -1", tree(fdtNode("", [fdtPropU32("phandle", 0xffff_ffff)])), "FDT_ERR_BADPHANDLE"],
    [
      "one phandle on two nodes",
      tree(
        fdtNode(
          "",
          [],
          [fdtNode("a", [fdtPropU32("phandle", 5)]), fdtNode("b", [fdtPropU32("phandle", 5)])],
        ),
      ),
      "FDT_ERR_BADPHANDLE",
    ],
    [
      "a negative reservation",
      tree(fdtNode(""), { reservations: [{ address: -1n, size: 1n }] }),
      "FDT_ERR_BADVALUE",
    ],
    [
      "a 65-bit reservation",
      tree(fdtNode(""), { reservations: [{ address: 0n, size: 1n << 64n }] }),
      "FDT_ERR_BADVALUE",
    ],
    [
      "a boot cpu id above 32 bits",
      tree(fdtNode(""), { boot_cpuid_phys: 2 ** 32 }),
      "FDT_ERR_BADVALUE",
    ],
  ];
  for (const [what, fdt, code] of rejects) {
    it(`rejects ${what}`, () => {
      expect(codeOf(() => writeFdt(fdt))).toBe(code);
    });
  }

  it("rejects negative padding", () => {
    expect(codeOf(() => writeFdt(tree(fdtNode("")), { padding: -1 }))).toBe("FDT_ERR_BADVALUE");
  });

  it("accepts a legacy linux,phandle equal to the phandle", () => {
    const node = fdtNode("a", [fdtPropU32("phandle", 5), fdtPropU32("linux,phandle", 5)]);
    expect(codeOf(() => writeFdt(tree(fdtNode("", [], [node]))))).toBe("no error");
  });

  it("writes a tree thousands of levels deep without recursion", () => {
    let node = fdtNode("leaf");
    for (let i = 0; i < 20_000; i++) node = fdtNode("n", [], [node]);
    let read = readFdt(writeFdt(tree(fdtNode("", [], [node])))).root.children[0]!;
    let depth = 0;
    while (read.children.length === 1) {
      read = read.children[0]!;
      depth++;
    }
    expect(depth).toBe(20_000);
    expect(read.name).toBe("leaf");
  });
});

// Names the writer accepts, drawn from the allowed character sets.
const nodeNameChar = fc.constantFrom(..."abcxyz019,._+-");
const nodeName = fc
  .tuple(
    fc.string({ unit: nodeNameChar, minLength: 1, maxLength: 8 }),
    fc.option(fc.string({ unit: nodeNameChar, minLength: 1, maxLength: 4 })),
  )
  .map(([base, unit]) => (unit === null ? base : `${base}@${unit}`));
const propertyName = fc.string({
  unit: fc.constantFrom(..."abcz09,._+?#-"),
  minLength: 1,
  maxLength: 10,
});
const property = fc.record({ name: propertyName, value: fc.uint8Array({ maxLength: 20 }) });
const uniqueBy = <T extends { name: string }>(items: T[]): T[] => [
  ...new Map(items.map((i) => [i.name, i])).values(),
];

const nodeFields = {
  name: nodeName,
  properties: fc
    .array(property, { maxLength: 4 })
    .map((ps) => uniqueBy(ps.filter((p) => p.name !== "phandle" && p.name !== "linux,phandle"))),
};
const { node: arbitraryNode } = fc.letrec<{ node: FdtNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ ...nodeFields, children: fc.constant([]) }),
    fc.record({ ...nodeFields, children: fc.array(tie("node"), { maxLength: 3 }).map(uniqueBy) }),
  ),
}));

describe("writeFdt then readFdt", () => {
  it("gives back any tree, reservation list and boot cpu id", () => {
    fc.assert(
      fc.property(
        arbitraryNode,
        fc.array(
          fc.record({
            address: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
            size: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
          }),
          { maxLength: 3 },
        ),
        fc.nat(0xffff_ffff),
        (node, reservations, boot_cpuid_phys) => {
          const fdt: Fdt = { boot_cpuid_phys, reservations, root: { ...node, name: "" } };
          expect(readFdt(writeFdt(fdt))).toEqual(fdt);
        },
      ),
      { numRuns: 500 },
    );
  });
});
