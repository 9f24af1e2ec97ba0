import { inRootTask } from "@sel4/kernel/testing";
import { seL4_EndpointObject, seL4_NotEnoughMemory } from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import {
  VKA_NO_PADDR,
  VkaUsageError,
  vka_alloc_endpoint,
  vka_alloc_frame,
  vka_init_debugvka,
  vka_init_nullvka,
  type vka_t,
} from "../src/index.js";

describe("vka_init_nullvka", () => {
  it("fails every allocation with an error and reports frees", async () => {
    await inRootTask("aarch64", (sel4) => {
      const vka = vka_init_nullvka(sel4);
      expect(vka_alloc_endpoint(vka).error).toBe(seL4_NotEnoughMemory);
      expect(vka_alloc_frame(vka, 12).object.cptr).toBe(0);
      expect(vka.utspace_paddr(1, seL4_EndpointObject, 0)).toBe(VKA_NO_PADDR);
      expect(() => vka.cspace_free(100)).toThrow(VkaUsageError);
      expect(() => vka.utspace_free(seL4_EndpointObject, 0, 1)).toThrow(VkaUsageError);
    });
  });
});

describe("vka_init_debugvka", () => {
  it("catches an allocator that hands out slot 0 or a live slot or cookie twice", async () => {
    await inRootTask("aarch64", (sel4) => {
      const broken = (over: Partial<vka_t>): vka_t =>
        vka_init_debugvka({ ...vka_init_nullvka(sel4), ...over });
      expect(() => broken({ cspace_alloc: () => ({ error: 0, cptr: 0 }) }).cspace_alloc()).toThrow(
        VkaUsageError,
      );
      const sameSlot = broken({ cspace_alloc: () => ({ error: 0, cptr: 700 }) });
      sameSlot.cspace_alloc();
      expect(() => sameSlot.cspace_alloc()).toThrow(VkaUsageError);
      const sameCookie = broken({ utspace_alloc: () => ({ error: 0, cookie: 5 }) });
      const path = sameCookie.cspace_make_path(700);
      sameCookie.utspace_alloc(path, seL4_EndpointObject, 0);
      expect(() => sameCookie.utspace_alloc(path, seL4_EndpointObject, 0)).toThrow(VkaUsageError);
      // A free with another type or size is refused before the tracee sees it.
      expect(() => sameCookie.utspace_free(seL4_EndpointObject + 1, 0, 5)).toThrow(VkaUsageError);
      expect(() => sameCookie.utspace_free(seL4_EndpointObject, 0, 6)).toThrow(VkaUsageError);
      expect(() => sameCookie.cspace_free(701)).toThrow(VkaUsageError);
    });
  });
});
