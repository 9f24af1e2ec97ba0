// Proves that the dependency-cruiser rules of the repository (.dependency-cruiser.cjs) catch
// every forbidden arrow of the architecture: a throwaway tree with the same package layout gets
// one planted import per rule, and the real config, run by the real CLI, must report it.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const config = join(repo, ".dependency-cruiser.cjs");
const depcruise = join(repo, "node_modules", ".bin", "depcruise");

const packages = [
  "sel4",
  "emu-aarch64",
  "emu-x86",
  "kernel",
  "vka",
  "allocman",
  "vspace",
  "simple",
  "ps-io-ops",
  "vm",
  "vm-arm",
  "vm-x86",
  "vmm-platsupport",
  "vmm",
  "guests",
];

let tree: string | undefined;
afterEach(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
  tree = undefined;
});

/** A tree where every package has a harmless src/index.ts, plus the given extra files. */
function makeTree(files: Record<string, string>): string {
  tree = mkdtempSync(join(tmpdir(), "sel4-layering-"));
  writeFileSync(join(tree, "tsconfig.json"), JSON.stringify({ compilerOptions: {} }));
  for (const p of packages) {
    const file = join(tree, "packages", p, "src", "index.ts");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `export const name = "${p}";\n`);
  }
  for (const [path, text] of Object.entries(files)) {
    const file = join(tree, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return tree;
}

/** An import of `target` (a path in the tree) from the file at `from`. */
function importOf(from: string, target: string): string {
  let spec = relative(dirname(from), target).replace(/\.ts$/, ".js");
  if (!spec.startsWith(".")) spec = `./${spec}`;
  return `import { name } from "${spec}";\nexport const uses = name;\n`;
}

function cruise(dir: string): { code: number; output: string } {
  try {
    const output = execFileSync(
      depcruise,
      ["packages", "--config", config, "--output-type", "err", "--ts-config", "tsconfig.json"],
      { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    return { code: 0, output };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, output: `${err.stdout}${err.stderr}` };
  }
}

describe("layering rules", () => {
  it("accept allowed imports", () => {
    const dir = makeTree({
      "packages/vm/src/uses.ts": importOf("packages/vm/src/uses.ts", "packages/vka/src/index.ts"),
      "packages/vm-arm/src/uses.ts": importOf(
        "packages/vm-arm/src/uses.ts",
        "packages/vm/src/index.ts",
      ),
      "packages/kernel/src/uses.ts": importOf(
        "packages/kernel/src/uses.ts",
        "packages/emu-x86/src/index.ts",
      ),
      "packages/vmm/src/uses.ts": importOf(
        "packages/vmm/src/uses.ts",
        "packages/kernel/src/index.ts",
      ),
      // Tests are composition roots: a vm test may bring in the kernel model.
      "packages/vm/src/run.test.ts": importOf(
        "packages/vm/src/run.test.ts",
        "packages/kernel/src/index.ts",
      ),
    });
    const { code, output } = cruise(dir);
    expect(output).not.toMatch(/error/);
    expect(code).toBe(0);
  });

  const forbidden: [rule: string, from: string, to: string][] = [
    ["vm-only-interfaces", "vm/src/a.ts", "kernel/src/index.ts"],
    ["vm-only-interfaces", "vm-arm/src/a.ts", "emu-aarch64/src/index.ts"],
    ["vm-only-interfaces", "vm-x86/src/a.ts", "emu-x86/src/index.ts"],
    ["vm-only-interfaces", "vm/src/a.ts", "allocman/src/index.ts"],
    ["vm-only-interfaces", "vm/src/a.ts", "vspace/src/sel4utils/index.ts"],
    ["kernel-not-userland", "kernel/src/a.ts", "vka/src/index.ts"],
    ["kernel-not-userland", "kernel/src/a.ts", "vm/src/index.ts"],
    ["emu-is-hardware", "emu-aarch64/src/a.ts", "sel4/src/index.ts"],
    ["emu-is-hardware", "emu-x86/src/a.ts", "emu-aarch64/src/index.ts"],
    ["sel4-is-the-bottom", "sel4/src/a.ts", "kernel/src/index.ts"],
    ["userland-not-kernel", "vspace/src/a.ts", "kernel/src/index.ts"],
    ["vm-core-arch-independent", "vm/src/a.ts", "vm-arm/src/index.ts"],
    ["vm-arches-apart", "vm-arm/src/a.ts", "vm-x86/src/index.ts"],
    ["platsupport-not-model", "vmm-platsupport/src/a.ts", "kernel/src/index.ts"],
    ["guests-are-fixtures", "guests/src/a.ts", "sel4/src/index.ts"],
  ];
  it("catch every forbidden arrow", () => {
    // One tree with every plant (each in its own file) keeps this to a single depcruise run.
    const files: Record<string, string> = {};
    forbidden.forEach(([, from, to], i) => {
      const fromPath = `packages/${from.replace(/\.ts$/, `${i}.ts`)}`;
      const toPath = `packages/${to}`;
      if (!to.endsWith("/src/index.ts")) files[toPath] = "export const name = 1;\n";
      files[fromPath] = importOf(fromPath, toPath);
    });
    const { code, output } = cruise(makeTree(files));
    expect(code).not.toBe(0);
    forbidden.forEach(([rule, from, to], i) => {
      const fromPath = `packages/${from.replace(/\.ts$/, `${i}.ts`)}`;
      expect(output, `${rule}: ${from} -> ${to}`).toContain(
        `${rule}: ${fromPath} → packages/${to}`,
      );
    });
    // Nothing else is reported: one violation per plant.
    expect(output.match(/^\s*error /gm)?.length).toBe(forbidden.length);
  });

  it("catch cycles", () => {
    const dir = makeTree({
      "packages/vka/src/a.ts": importOf("packages/vka/src/a.ts", "packages/vka/src/b.ts"),
      "packages/vka/src/b.ts": importOf("packages/vka/src/b.ts", "packages/vka/src/a.ts"),
    });
    const { code, output } = cruise(dir);
    expect(code).not.toBe(0);
    expect(output).toContain("no-circular");
  });
});
