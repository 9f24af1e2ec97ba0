/* Control registers, CPUID, MSRs, TSC, EFLAGS. */
#ifndef PC_CPU_H
#define PC_CPU_H

#include <stdint.h>

#define CR0_PE 0x00000001u
#define CR0_WP 0x00010000u
#define CR0_PG 0x80000000u
#define CR4_PSE 0x00000010u
#define EFLAGS_ID 0x00200000u

struct cpuid_result {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_result cpuid(uint32_t leaf)
{
    struct cpuid_result r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(0));
    return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t low, high;
    __asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return ((uint64_t)high << 32) | low;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

static inline uint64_t rdtsc(void)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

static inline uint32_t read_eflags(void)
{
    uint32_t value;
    __asm__ volatile("pushfl; popl %0" : "=r"(value));
    return value;
}

static inline void write_eflags(uint32_t value)
{
    __asm__ volatile("pushl %0; popfl" : : "r"(value) : "cc");
}

#define DEFINE_CR_ACCESSORS(n)                                                   \
    static inline uint32_t read_cr##n(void)                                      \
    {                                                                            \
        uint32_t value;                                                          \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(value));                    \
        return value;                                                            \
    }                                                                            \
    static inline void write_cr##n(uint32_t value)                               \
    {                                                                            \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(value) : "memory");           \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline void invlpg(uint32_t address)
{
    __asm__ volatile("invlpg (%0)" : : "r"(address) : "memory");
}

#endif
