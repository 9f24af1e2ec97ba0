/**
 * The invocation table of one configuration, in label order, with each invocation's label number,
 * extra caps and message words resolved: the shape of the reference's per-configuration tables.
 */
import type { Sel4Config } from "../types.js";
import { type MessageLayout, messageLayout } from "./layout.js";
import { type InvocationDesc, invocationLabel, invocationTable } from "./table.js";

/** One invocation of one configuration. */
export interface ConfigInvocation {
  /** The C stub name. */
  readonly name: string;
  /** The label number on this configuration. */
  readonly label: number;
  /** The description (parameters, results, kernel label name). */
  readonly desc: InvocationDesc;
  /** Where every parameter and result travels. */
  readonly layout: MessageLayout;
}

/** Every invocation `config` has, sorted by label. */
export function invocationsOf(config: Sel4Config): readonly ConfigInvocation[] {
  const rows: ConfigInvocation[] = [];
  for (const desc of invocationTable) {
    const label = invocationLabel(config, desc);
    if (label !== null)
      rows.push({ name: desc.name, label, desc, layout: messageLayout(config, desc) });
  }
  return rows.sort((a, b) => a.label - b.label);
}
