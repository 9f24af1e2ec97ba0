/** An in-memory `ps_interface_registration_ops_t` (C has no implementation to mirror). */
import {
  EINVAL,
  PS_INTERFACE_FOUND_MATCH,
  PS_INTERFACE_NO_MATCH,
  type ps_interface_registration_ops_t,
  type ps_interface_type_t,
} from "../types.js";

/** A registry of driver interfaces; `find` offers instances in registration order. */
export function ps_new_interface_registration_ops(): ps_interface_registration_ops_t {
  const entries: { type: ps_interface_type_t; instance: unknown; properties: readonly string[] }[] =
    [];
  return {
    interface_register_fn(type, instance, properties) {
      if (entries.some((e) => e.type === type && e.instance === instance)) return -EINVAL;
      entries.push({ type, instance, properties: [...properties] });
      return 0;
    },
    interface_unregister_fn(type, instance) {
      const i = entries.findIndex((e) => e.type === type && e.instance === instance);
      if (i < 0) return -EINVAL;
      entries.splice(i, 1);
      return 0;
    },
    interface_find_fn(type, handler) {
      for (const e of entries.filter((x) => x.type === type)) {
        const r = handler(e.instance, e.properties);
        if (r === PS_INTERFACE_FOUND_MATCH) return 0;
        if (r !== PS_INTERFACE_NO_MATCH) return r < 0 ? r : -EINVAL;
      }
      return -EINVAL;
    },
  };
}
