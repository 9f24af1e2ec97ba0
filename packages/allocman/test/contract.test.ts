// Every allocator runs the vka_t contract of @sel4/vka/testing, on both architectures. After each
// check the allocator must be back where it started and the kernel must hold as many objects as
// before the check.

import { type Arch, inRootTask } from "@sel4/kernel/testing";
import type { Sel4, seL4_BootInfo } from "@sel4/sel4";
import { simple_default_init_bootinfo } from "@sel4/simple";
import { vka_init_debugvka, type vka_t } from "@sel4/vka";
import { vka_contract_checks } from "@sel4/vka/testing";
import { describe, expect, it } from "vitest";
import {
  bootstrap_bump_allocator,
  bootstrap_new_2level_simple,
  bootstrap_use_current_simple,
} from "../src/index.js";

interface UnderTest {
  readonly vka: vka_t;
  /** Brings the allocator to its resting state and says whether it is where it started. */
  settledAsStarted(): boolean;
}

const allocators: Record<string, (sel4: Sel4, bi: seL4_BootInfo) => UnderTest> = {
  allocman: (sel4, bi) => {
    const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
    return { vka, settledAsStarted: () => vka.is_pristine() };
  },
  "allocman (lazy coalescing)": (sel4, bi) => {
    const vka = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi), {
      coalesce: "lazy",
    });
    return {
      vka,
      settledAsStarted: () => {
        vka.coalesce();
        return vka.is_pristine();
      },
    };
  },
  "allocman (two-level CSpace, growing past 128 root slots)": (sel4, bi) => {
    const { error, allocman } = bootstrap_new_2level_simple(
      simple_default_init_bootinfo(sel4, bi),
      { node0_slots: 128 },
    );
    expect(error).toBe(0);
    const vka = allocman!;
    const start = vka.stats();
    return {
      vka,
      settledAsStarted: () => {
        vka.trim();
        return JSON.stringify(vka.stats()) === JSON.stringify(start);
      },
    };
  },
  "allocman behind vka_init_debugvka": (sel4, bi) => {
    const inner = bootstrap_use_current_simple(simple_default_init_bootinfo(sel4, bi));
    return { vka: vka_init_debugvka(inner), settledAsStarted: () => inner.is_pristine() };
  },
  bump: (sel4, bi) => {
    const vka = bootstrap_bump_allocator(simple_default_init_bootinfo(sel4, bi));
    return { vka, settledAsStarted: () => vka.is_pristine() };
  },
};

describe.each<Arch>(["aarch64", "x86_64"])("vka_t contract on %s", (arch) => {
  describe.each(Object.keys(allocators))("%s", (name) => {
    for (const check of vka_contract_checks()) {
      it(check.name, async () => {
        await inRootTask(arch, (sel4, bootInfo, kernel) => {
          const under = allocators[name]!(sel4, bootInfo);
          const before = kernel.liveObjectCount;
          check.run({ vka: under.vka, bootInfo });
          expect(under.settledAsStarted()).toBe(true);
          expect(kernel.liveObjectCount).toBe(before);
        });
      });
    }
  });
});
