// Both allocators run the vka_t contract of @sel4/vka/testing, on both architectures. After each
// check the allocator must be back where it started and the kernel must hold as many objects as
// before the check.
import { simple_default_init_bootinfo, type simple_t } from "@sel4/simple";
import { vka_contract_checks } from "@sel4/vka/testing";
import { describe, expect, it } from "vitest";
import { bootstrap_bump_allocator, bootstrap_use_current_simple } from "../src/index.js";
import { type Arch, inRootTask } from "./harness.js";

const allocators = {
  allocman: (s: simple_t) => bootstrap_use_current_simple(s),
  "allocman (lazy coalescing)": (s: simple_t) =>
    bootstrap_use_current_simple(s, { coalesce: "lazy" }),
  bump: bootstrap_bump_allocator,
};

describe.each<Arch>(["aarch64", "x86_64"])("vka_t contract on %s", (arch) => {
  describe.each(Object.keys(allocators) as (keyof typeof allocators)[])("%s", (name) => {
    for (const check of vka_contract_checks()) {
      it(check.name, async () => {
        await inRootTask(arch, (sel4, bootInfo, kernel) => {
          const vka = allocators[name](simple_default_init_bootinfo(sel4, bootInfo));
          const before = kernel.liveObjectCount;
          check.run({ vka, bootInfo });
          if ("coalesce" in vka) vka.coalesce();
          expect(vka.is_pristine()).toBe(true);
          expect(kernel.liveObjectCount).toBe(before);
        });
      });
    }
  });
});
