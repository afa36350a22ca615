/* Tern's demo guest: a banner, the primes below 100 and a Mandelbrot set in
   16.16 fixed point, printed through the HTIF console. Runs in M-mode with
   no firmware (-bios none). */
#include <stdint.h>

#include "../bare/htif.h"

static void primes(void) {
    enum { kLimit = 100 };
    static uint8_t composite[kLimit];
    unsigned count = 0;
    htif_puts("Primes below 100:");
    for (unsigned n = 2; n < kLimit; ++n) {
        if (composite[n]) continue;
        ++count;
        htif_putchar(' ');
        htif_put_u64(n);
        for (unsigned m = n * n; m < kLimit; m += n) composite[m] = 1;
    }
    htif_puts("\n(");
    htif_put_u64(count);
    htif_puts(" primes)\n\n");
}

static void mandelbrot(void) {
    enum { kWidth = 64, kHeight = 24, kMaxIter = 40, kOne = 1 << 16 };
    static const char kShades[] = " .:-=+*#%@";
    for (int row = 0; row < kHeight; ++row) {
        for (int col = 0; col < kWidth; ++col) {
            /* c spans [-2.2, 1.0] x [-1.2, 1.2], rows sampled at their centres */
            const int64_t cr = -22 * kOne / 10 + (int64_t)col * (32 * kOne / 10) / kWidth;
            const int64_t ci = -12 * kOne / 10 + ((int64_t)row * 2 + 1) * (24 * kOne / 10) / (2 * kHeight);
            int64_t zr = 0, zi = 0;
            int iter = 0;
            while (iter < kMaxIter) {
                const int64_t zr2 = (zr * zr) >> 16, zi2 = (zi * zi) >> 16;
                if (zr2 + zi2 > 4 * kOne) break;
                zi = ((zr * zi) >> 15) + ci;
                zr = zr2 - zi2 + cr;
                ++iter;
            }
            htif_putchar(iter == kMaxIter ? '@' : kShades[iter * 9 / kMaxIter]);
        }
        htif_putchar('\n');
    }
}

int main(void) {
    htif_puts("Tern demo: a bare RV64 program on -bios none, talking HTIF\n\n");
    primes();
    mandelbrot();
    htif_puts("\nDone; exiting with status 0.\n");
    return 0;
}
