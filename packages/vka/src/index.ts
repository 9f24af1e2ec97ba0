/**
 * `@sel4/vka`: libsel4vka in TypeScript. The `vka_t` allocator interface under its C member
 * names, `cspacepath_t`, `vka_object_t`, the object helpers, the size conversions and the cap
 * operations. The contract any allocator must honour is exported from `@sel4/vka/testing`.
 *
 * @packageDocumentation
 */
export * from "./capops.js";
export { vka_init_debugvka } from "./impl/debug-vka.js";
export { vka_init_nullvka } from "./impl/null-vka.js";
export * from "./kobject.js";
export * from "./object.js";
export * from "./types.js";
export * from "./wrappers.js";
