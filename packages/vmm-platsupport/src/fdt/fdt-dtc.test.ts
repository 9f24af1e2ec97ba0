// The writer and reader checked against dtc, the reference implementation.
import { describe, expect, it } from "vitest";
import { dtcCompile, dtcDecompile } from "../testing/dtc.js";
import { qemuVirtDtb } from "../testing/qemu.js";
import {
  fdtGetCells,
  fdtGetString,
  fdtGetStrings,
  fdtGetU32,
  fdtGetU32Array,
  fdtGetU64,
  fdtPropBytes,
  fdtPropCells,
  fdtPropEmpty,
  fdtPropStrings,
  fdtPropU32,
  fdtPropU64,
} from "./property.js";
import { readFdt } from "./reader.js";
import { fdtFindByPhandle, fdtFindNode, fdtGetPhandle, fdtGetProperty } from "./tree.js";
import { type Fdt, fdtNode } from "./types.js";
import { writeFdt } from "./writer.js";

const SAMPLE_DTS = `/dts-v1/;
/memreserve/ 0x48000000 0x100000;
/memreserve/ 0x123456789000 0x2000;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "acme,board", "acme,soc";
	model = "test";
	intc: interrupt-controller@8000000 {
		compatible = "arm,cortex-a15-gic";
		reg = <0x0 0x8000000 0x0 0x10000>, <0x0 0x8010000 0x0 0x10000>;
		interrupt-controller;
		#interrupt-cells = <3>;
		#address-cells = <0>;
	};
	uart@9000000 {
		compatible = "arm,pl011", "arm,primecell";
		reg = <0x0 0x9000000 0x0 0x1000>;
		interrupt-parent = <&intc>;
		interrupts = <0 1 4>;
		bytes = [de ad be ef 01];
		big = /bits/ 64 <0x123456789abcdef0>;
		nested {
			deeper {
				empty-string = "";
			};
		};
	};
};
`;

function sampleTree(): Fdt {
  return {
    boot_cpuid_phys: 1,
    reservations: [
      { address: 0x4800_0000n, size: 0x10_0000n },
      { address: 0xffff_ffff_ffff_0000n, size: 0x1000n },
    ],
    root: fdtNode(
      "",
      [
        fdtPropU32("#address-cells", 2),
        fdtPropU32("#size-cells", 2),
        fdtPropStrings("compatible", "acme,board", "acme,soc"),
      ],
      [
        fdtNode("intc@8000000", [
          fdtPropU32("phandle", 1),
          fdtPropEmpty("interrupt-controller"),
          fdtPropU32("#interrupt-cells", 3),
          fdtPropCells("reg", [2, 2], [0x800_0000, 0x1_0000]),
        ]),
        fdtNode(
          "uart@9000000",
          [
            fdtPropStrings("compatible", "arm,pl011", "arm,primecell"),
            fdtPropU32("interrupt-parent", 1),
            fdtPropU32("interrupts", 0, 1, 4),
            fdtPropBytes("bytes", new Uint8Array([1, 2, 3])),
            fdtPropU64("big", 0x1234_5678_9abc_def0n),
          ],
          [fdtNode("child", [fdtPropStrings("compatible", "x")])],
        ),
      ],
    ),
  };
}

describe("blobs we write, decompiled by dtc", () => {
  it("decompile to the expected source", () => {
    expect(dtcDecompile(writeFdt(sampleTree()))).toBe(`/dts-v1/;

/memreserve/	0x0000000048000000 0x0000000000100000;
/memreserve/	0xffffffffffff0000 0x0000000000001000;
/ {
	#address-cells = <0x02>;
	#size-cells = <0x02>;
	compatible = "acme,board\\0acme,soc";

	intc@8000000 {
		phandle = <0x01>;
		interrupt-controller;
		#interrupt-cells = <0x03>;
		reg = <0x00 0x8000000 0x00 0x10000>;
	};

	uart@9000000 {
		compatible = "arm,pl011\\0arm,primecell";
		interrupt-parent = <0x01>;
		interrupts = <0x00 0x01 0x04>;
		bytes = [01 02 03];
		big = <0x12345678 0x9abcdef0>;

		child {
			compatible = "x";
		};
	};
};
`);
  });

  it("carry boot_cpuid_phys in the header dtc reports", () => {
    const blob = writeFdt({ ...sampleTree(), boot_cpuid_phys: 3 });
    // dtc -O dts drops it; the header field is at offset 28.
    expect(new DataView(blob.buffer).getUint32(28)).toBe(3);
    expect(dtcDecompile(blob)).toContain("uart@9000000");
  });

  it("keep their padding inside totalsize", () => {
    const plain = writeFdt(sampleTree());
    const padded = writeFdt(sampleTree(), { padding: 100 });
    expect(padded.length).toBe(plain.length + 100);
    expect(new DataView(padded.buffer).getUint32(4)).toBe(padded.length);
    expect(dtcDecompile(padded)).toBe(dtcDecompile(plain));
  });

  it("store every property name once in the strings block", () => {
    const blob = writeFdt(sampleTree());
    const view = new DataView(blob.buffer);
    const strings = new TextDecoder().decode(
      blob.subarray(view.getUint32(12), view.getUint32(12) + view.getUint32(32)),
    );
    expect(strings.split("\0").filter((s) => s === "compatible")).toHaveLength(1);
  });
});

describe("blobs dtc writes, read back", () => {
  const blob = dtcCompile(SAMPLE_DTS, ["-b", "2"]);
  const fdt = readFdt(blob);

  it("give the header fields and reservations", () => {
    expect(fdt.boot_cpuid_phys).toBe(2);
    expect(fdt.reservations).toEqual([
      { address: 0x4800_0000n, size: 0x10_0000n },
      { address: 0x1234_5678_9000n, size: 0x2000n },
    ]);
  });

  it("give nodes, properties and values", () => {
    const root = fdt.root;
    expect(root.name).toBe("");
    expect(root.children.map((c) => c.name)).toEqual([
      "interrupt-controller@8000000",
      "uart@9000000",
    ]);
    expect(fdtGetStrings(fdtGetProperty(root, "compatible")!)).toEqual(["acme,board", "acme,soc"]);
    expect(fdtGetString(fdtGetProperty(root, "model")!)).toBe("test");
    const gic = fdtFindNode(root, "/interrupt-controller")!;
    expect(fdtGetCells(fdtGetProperty(gic, "reg")!, [2, 2])).toEqual([
      0x800_0000n,
      0x1_0000n,
      0x801_0000n,
      0x1_0000n,
    ]);
    expect(fdtGetProperty(gic, "interrupt-controller")!.value).toHaveLength(0);
    expect(fdtGetU32(fdtGetProperty(gic, "#interrupt-cells")!)).toBe(3);
    const uart = fdtFindNode(root, "/uart@9000000")!;
    expect(fdtGetU32Array(fdtGetProperty(uart, "interrupts")!)).toEqual([0, 1, 4]);
    expect([...fdtGetProperty(uart, "bytes")!.value]).toEqual([0xde, 0xad, 0xbe, 0xef, 0x01]);
    expect(fdtGetU64(fdtGetProperty(uart, "big")!)).toBe(0x1234_5678_9abc_def0n);
    const deeper = fdtFindNode(root, "/uart@9000000/nested/deeper")!;
    expect(fdtGetString(fdtGetProperty(deeper, "empty-string")!)).toBe("");
  });

  it("resolve the phandle dtc assigned to a label", () => {
    const uart = fdtFindNode(fdt.root, "/uart@9000000")!;
    const parent = fdtGetU32(fdtGetProperty(uart, "interrupt-parent")!);
    const gic = fdtFindByPhandle(fdt.root, parent)!;
    expect(gic.name).toBe("interrupt-controller@8000000");
    expect(fdtGetPhandle(gic)).toBe(parent);
  });

  it("write back byte for byte (same block order, same string table)", () => {
    expect(writeFdt(fdt)).toEqual(blob);
  });

  it("read version 16 blobs as well", () => {
    const v16 = dtcCompile(SAMPLE_DTS, ["-V", "16"]);
    expect(new DataView(v16.buffer).getUint32(20)).toBe(16);
    expect(readFdt(v16).root).toEqual(fdt.root);
  });

  it("read a padded blob with spare space", () => {
    const padded = dtcCompile(SAMPLE_DTS, ["-p", "4096"]);
    expect(readFdt(padded).root).toEqual(fdt.root);
  });
});

describe("a real-world blob (QEMU virt's own tree, written by libfdt)", () => {
  it("reads, writes back and decompiles to the same source as the original", () => {
    const original = qemuVirtDtb({
      smp: 4,
      memMiB: 512,
      append: "console=ttyAMA0",
      initrdBytes: 100,
    });
    const fdt = readFdt(original);
    expect(fdt.root.children.length).toBeGreaterThan(40);
    expect(dtcDecompile(writeFdt(fdt))).toBe(dtcDecompile(original));
  });
});
