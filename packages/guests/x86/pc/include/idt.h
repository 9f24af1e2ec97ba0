/* The IDT: 48 vectors (exceptions 0-31, the remapped PIC lines 32-47), each entering
 * interrupt_dispatch through a stub that saves the registers in a struct interrupt_frame. */
#ifndef PC_IDT_H
#define PC_IDT_H

#include <stdint.h>

#define IDT_VECTORS 48
#define VECTOR_DIVIDE_ERROR 0
#define VECTOR_BREAKPOINT 3
#define VECTOR_GENERAL_PROTECTION 13
#define VECTOR_PAGE_FAULT 14

/* Saved state, lowest address first: PUSHA order, then what the stub and the CPU pushed. */
struct interrupt_frame {
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
    uint32_t vector;
    uint32_t error_code; /* 0 for vectors without one */
    uint32_t eip, cs, eflags;
};

typedef void (*interrupt_handler)(struct interrupt_frame *frame);

/* Fills and loads the IDT; every vector starts unhandled (prints and exits with failure). */
void idt_init(void);
void idt_set_handler(uint32_t vector, interrupt_handler handler);
/* Called by the assembly stubs. */
void interrupt_dispatch(struct interrupt_frame *frame);

static inline void interrupts_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void interrupts_disable(void) { __asm__ volatile("cli" ::: "memory"); }
/* STI; HLT with no window between them (STI delays interrupts by one instruction), then CLI. */
static inline void wait_for_interrupt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

#endif
