/* The program's entry point, called by the runtime after set-up; returning powers off. */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

void guest_main(void);

#endif
