import { describe, expect, it } from "vitest";
import { fdtPropBytes, fdtPropEmpty, fdtPropU32 } from "./property.js";
import {
  fdtFindByPhandle,
  fdtFindNode,
  fdtGetChild,
  fdtGetPhandle,
  fdtGetProperty,
} from "./tree.js";
import { fdtNode } from "./types.js";

const root = fdtNode(
  "",
  [fdtPropEmpty("a")],
  [
    fdtNode("memory@40000000", [fdtPropU32("phandle", 7)]),
    fdtNode("memory", [], [fdtNode("deep", [fdtPropU32("linux,phandle", 9)])]),
    fdtNode("cpus", [], [fdtNode("cpu@0"), fdtNode("cpu@1", [fdtPropU32("phandle", 3)])]),
  ],
);

describe("tree lookups", () => {
  it("find nodes by path, with or without unit address", () => {
    expect(fdtFindNode(root, "/")).toBe(root);
    expect(fdtFindNode(root, "/cpus/cpu@1")?.name).toBe("cpu@1");
    expect(fdtFindNode(root, "/cpus/cpu")?.name).toBe("cpu@0");
    expect(fdtFindNode(root, "/memory")?.name).toBe("memory"); // exact match wins
    expect(fdtFindNode(root, "/memory@40000000")?.name).toBe("memory@40000000");
    expect(fdtFindNode(root, "/cpus/cpu@2")).toBeNull();
    expect(fdtFindNode(root, "cpus")).toBeNull();
    expect(fdtGetChild(root, "nothing")).toBeNull();
  });

  it("find properties by name", () => {
    expect(fdtGetProperty(root, "a")?.name).toBe("a");
    expect(fdtGetProperty(root, "b")).toBeNull();
  });

  it("find nodes by phandle, including legacy linux,phandle", () => {
    expect(fdtFindByPhandle(root, 3)?.name).toBe("cpu@1");
    expect(fdtFindByPhandle(root, 7)?.name).toBe("memory@40000000");
    expect(fdtFindByPhandle(root, 9)?.name).toBe("deep");
    expect(fdtFindByPhandle(root, 4)).toBeNull();
    expect(fdtGetPhandle(root)).toBeNull();
  });

  it("reject malformed phandles", () => {
    expect(() => fdtGetPhandle(fdtNode("x", [fdtPropBytes("phandle", new Uint8Array(3))]))).toThrow(
      expect.objectContaining({ code: "FDT_ERR_BADPHANDLE" }),
    );
    expect(() => fdtGetPhandle(fdtNode("x", [fdtPropU32("phandle", 0)]))).toThrow(
      expect.objectContaining({ code: "FDT_ERR_BADPHANDLE" }),
    );
  });
});
