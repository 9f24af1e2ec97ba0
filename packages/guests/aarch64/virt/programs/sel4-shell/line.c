/* Line editing on the interrupt-fed input queue. Enter may arrive as CR (terminals), LF (pipes)
 * or CR LF; each ends exactly one line. Terminal escape sequences (arrow keys and the like) are
 * swallowed whole rather than inserted as text; other control and non-ASCII bytes are ignored,
 * and characters beyond the line's capacity are dropped. */
#include "print.h"
#include "rx_queue.h"
#include "shell.h"
#include "uart.h"

#define CTRL_C 0x03
#define BACKSPACE 0x08
#define CTRL_U 0x15
#define DELETE 0x7f
#define ESCAPE 0x1b

static void erase_last(void) { print("\b \b"); }

/* Reads the rest of an escape sequence (ESC [ or ESC O, parameter bytes, one final byte in
 * 0x40..0x7e) and returns -1; after a lone ESC, returns the next byte for normal handling. */
static int skip_escape_sequence(void) {
  int c = rx_queue_wait();
  if (c != '[' && c != 'O') return c;
  do {
    c = rx_queue_wait();
  } while (c < 0x40 || c > 0x7e);
  return -1;
}

void read_line(char *buf, usize size) {
  static int last_was_cr; /* across calls: the LF of a CR LF pair comes with the next line */
  usize len = 0;
  int pending = -1; /* a byte read while looking for an escape sequence */
  for (;;) {
    int c = pending >= 0 ? pending : rx_queue_wait();
    pending = -1;
    int was_cr = last_was_cr;
    last_was_cr = c == '\r';
    if (c == '\n' && was_cr) continue;
    if (c == '\r' || c == '\n') {
      print("\n");
      break;
    }
    if (c == BACKSPACE || c == DELETE) {
      if (len > 0) {
        len--;
        erase_last();
      }
    } else if (c == CTRL_U) {
      while (len > 0) {
        len--;
        erase_last();
      }
    } else if (c == ESCAPE) {
      pending = skip_escape_sequence();
    } else if (c == CTRL_C) {
      print("^C\n");
      len = 0;
      break;
    } else if (c >= 0x20 && c < 0x7f && len + 1 < size) {
      buf[len++] = (char)c;
      uart_putc((char)c);
    }
  }
  buf[len] = 0;
}
