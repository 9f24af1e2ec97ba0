/**
 * Mapping attributes and the failed-lookup levels libsel4's mapping helpers report.
 */

/** ARM: cacheable normal memory. */
export const seL4_ARM_PageCacheable = 0x01;
/** ARM: parity (ignored on AArch64). */
export const seL4_ARM_ParityEnabled = 0x02;
/** ARM: default attributes (cacheable). */
export const seL4_ARM_Default_VMAttributes = 0x03;
/** ARM: execute never (stage-2 XN in hyp builds). */
export const seL4_ARM_ExecuteNever = 0x04;

/** x86: default attributes (write-back). */
export const seL4_X86_Default_VMAttributes = 0;
/** x86: write-back. */
export const seL4_X86_WriteBack = 0;
/** x86: write-through. */
export const seL4_X86_WriteThrough = 1;
/** x86: cache disabled. */
export const seL4_X86_CacheDisabled = 2;
/** x86: uncacheable. */
export const seL4_X86_Uncacheable = 3;
/** x86: write-combining. */
export const seL4_X86_WriteCombining = 4;

/** x86 EPT: uncacheable. */
export const seL4_X86_EPT_Uncacheable = 0;
/** x86 EPT: write-combining. */
export const seL4_X86_EPT_WriteCombining = 1;
/** x86 EPT: write-through. */
export const seL4_X86_EPT_WriteThrough = 4;
/** x86 EPT: write-protected (the kernel maps it to write-back). */
export const seL4_X86_EPT_WriteProtected = 5;
/** x86 EPT: write-back. */
export const seL4_X86_EPT_WriteBack = 6;
/** x86 EPT: default attributes (write-back). */
export const seL4_X86_EPT_Default_VMAttributes = 6;
/** x86 EPT: libsel4's "uncached" attributes (also write-back, value 6). */
export const seL4_X86_EPT_Uncached_VMAttributes = 6;

/** The MR of a FailedLookup reply holding the missing level's bitsLeft. */
export const SEL4_MAPPING_LOOKUP_LEVEL = 2;
/** bitsLeft when the leaf page table is missing. */
export const SEL4_MAPPING_LOOKUP_NO_PT = 21;
/** bitsLeft when the page directory (middle level) is missing. */
export const SEL4_MAPPING_LOOKUP_NO_PD = 30;
/** AArch64 (4-level): bitsLeft when the upper directory is missing. */
export const SEL4_MAPPING_LOOKUP_NO_PUD = 39;
/** x86_64: bitsLeft when the PDPT is missing. */
export const SEL4_MAPPING_LOOKUP_NO_PDPT = 39;
/** x86 EPT: bitsLeft when the EPT PDPT is missing. */
export const SEL4_MAPPING_LOOKUP_NO_EPTPDPT = 39;
/** x86 EPT: bitsLeft when the EPT PD is missing. */
export const SEL4_MAPPING_LOOKUP_NO_EPTPD = 30;
/** x86 EPT: bitsLeft when the EPT PT is missing. */
export const SEL4_MAPPING_LOOKUP_NO_EPTPT = 21;
