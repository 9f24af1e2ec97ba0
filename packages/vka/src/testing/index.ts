/**
 * `@sel4/vka/testing`: the `vka_t` contract as framework-neutral checks. Give each check a fresh
 * allocator inside a root task and register it with your test framework:
 *
 * ```ts
 * for (const check of vka_contract_checks()) {
 *   it(check.name, () => withFreshAllocator((env) => check.run(env)));
 * }
 * ```
 *
 * @packageDocumentation
 */
export {
  type VkaContractCheck,
  type VkaContractEnv,
  VkaContractViolation,
  vka_contract_checks,
} from "./contract.js";
