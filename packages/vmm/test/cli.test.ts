/** The CLI as a child process: bad command lines and bad files give one line and an exit status. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_BAD_FILE, EXIT_USAGE } from "../src/index.js";
import { repoRoot, sel4vmm, virtGuests } from "./cli-process.js";

const hello = join(virtGuests, "bin", "hello");

function oneLine(stderr: string): string {
  const lines = stderr.split("\n");
  expect(lines.length, stderr).toBe(2);
  expect(lines[1]).toBe("");
  expect(lines[0]).toMatch(/^sel4-vmm: /);
  expect(stderr).not.toMatch(/\bat .*:\d+:\d+/); // no stack trace
  return lines[0]!;
}

describe("sel4-vmm as a process", () => {
  it("--help prints the usage to stderr and exits 0; stdout stays empty", async () => {
    const r = await sel4vmm(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/^usage: sel4-vmm run --kernel FILE/);
  });

  it("--version names the package version", async () => {
    const r = await sel4vmm(["--version"]);
    const pkg = JSON.parse(readFileSync(join(repoRoot, "packages/vmm/package.json"), "utf8"));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`sel4-vmm ${pkg.version}\n`);
  });

  it("bad command lines: one line, exit status 2, nothing on stdout", async () => {
    const cases: [string[], RegExp][] = [
      [[], /no command/],
      [["run"], /--kernel FILE is required/],
      [["run", "--kernel", hello, "--smp", "99"], /--smp: 99 is not between 1 and 8/],
      [["run", "--kernel", hello, "-m", "12Q"], /-m: '12Q' is not a size/],
      [["run", "--kernel", hello, "--frobnicate"], /unknown option '--frobnicate'/],
      [["run", "--kernel", hello, "-m", "300G"], /ram_size .* between 4 KiB and 255 GiB/],
    ];
    const runs = await Promise.all(cases.map(([argv]) => sel4vmm(argv)));
    for (const [i, [argv, pattern]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.status, argv.join(" ")).toBe(EXIT_USAGE);
      expect(r.stdout.length).toBe(0);
      expect(oneLine(r.stderr)).toMatch(pattern);
    }
  });

  it("bad files: one line naming the file, exit status 3", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sel4-vmm-"));
    const text = join(dir, "notes.txt");
    writeFileSync(text, "just some text, not a kernel\n".repeat(10));
    const truncated = join(dir, "truncated.elf");
    writeFileSync(truncated, readFileSync(hello).subarray(0, 100));
    const garbageDtb = join(dir, "bad.dtb");
    writeFileSync(garbageDtb, Buffer.alloc(64, 0x5a));
    const x86 = join(repoRoot, "packages/guests/x86/isa/bin/alu");
    const cases: [string[], RegExp][] = [
      [["run", "--kernel", join(dir, "missing")], /--kernel .*missing: no such file/],
      [["run", "--kernel", dir], /--kernel .*: is a directory/],
      [["run", "--kernel", text], /notes\.txt: BAD_MAGIC/],
      [["run", "--kernel", truncated], /truncated\.elf: /],
      [["run", "--kernel", x86], /alu: .*(machine|architecture|class)/i],
      [["run", "--arch", "x86", "--kernel", hello], /hello: not a 32-bit IA-32 ELF/],
      [["run", "--kernel", hello, "--initrd", join(dir, "nope")], /--initrd .*nope: no such file/],
      [["run", "--kernel", hello, "--dtb", garbageDtb], /--dtb .*bad\.dtb: FDT_ERR_/],
    ];
    const runs = await Promise.all(cases.map(([argv]) => sel4vmm(argv)));
    for (const [i, [argv, pattern]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.status, argv.join(" ")).toBe(EXIT_BAD_FILE);
      expect(r.stdout.length).toBe(0);
      expect(oneLine(r.stderr)).toMatch(pattern);
    }
  });
});
