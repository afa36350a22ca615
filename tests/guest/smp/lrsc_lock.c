/* A spinlock built from LR/SC (unprivileged spec, "A" extension: lr.w.aq / sc.w acquire, a
   fence rw,w + plain store release) protecting non-atomic read-modify-write updates.  Inside the
   lock each hart checks that nobody else is inside and that the two counters it updates agree; the
   final count is exact.  An SC may fail spuriously (e.g. when a hart is descheduled): the loop
   retries, so the test depends on no particular SC success rate. */
#include "smp.h"

#define ITERATIONS 20000
#define NOBODY     (~0ull)

static volatile u32 lock;
static volatile u64 counter;        /* updated by a plain load / add / store */
static volatile u64 shadow;         /* updated the same way, later in the critical section */
static volatile u64 owner = NOBODY; /* who is inside */
static volatile u64 acquisitions[SMP_MAX_HARTS];

/* One LR/SC attempt: 1 if the lock was free and is now ours. */
static int try_acquire(void) {
    u32 value, failed = 1;
    asm volatile("lr.w.aq %0, (%2)\n"
                 "bnez %0, 1f\n"
                 "sc.w %1, %3, (%2)\n"
                 "1:"
                 : "=&r"(value), "+&r"(failed)
                 : "r"(&lock), "r"(1)
                 : "memory");
    return value == 0 && failed == 0;
}

static void acquire(void) {
    while (!try_acquire()) {
        smp_poll();
        asm volatile("pause");
    }
}

static void release(void) {
    FENCE(rw, w); /* everything in the critical section before the lock is seen free */
    lock = 0;
}

void smp_main(u64 hart, u64 nharts) {
    for (u64 i = 0; i < ITERATIONS; i++) {
        acquire();
        CHECK_EQ(owner, NOBODY);
        owner = hart;
        u64 c = counter, s = shadow;
        CHECK_EQ(c, s);
        counter = c + 1;
        /* A little work between the two updates widens the window another hart would need. */
        for (volatile int k = 0; k < 4; k++) {
        }
        shadow = s + 1;
        CHECK_EQ(owner, hart);
        owner = NOBODY;
        acquisitions[hart]++;
        release();
    }
    smp_barrier();
    if (hart == 0) {
        put_str("lrsc_lock: ");
        put_dec(nharts);
        put_str(" harts x ");
        put_dec(ITERATIONS);
        put_str(" locked increments: counter ");
        put_dec(counter);
        put_char('\n');
        for (u64 h = 0; h < nharts; h++)
            CHECK_EQ(acquisitions[h], ITERATIONS);
        CHECK_EQ(counter, nharts * ITERATIONS);
        CHECK_EQ(shadow, nharts * ITERATIONS);
        CHECK_EQ(lock, 0);
    }
}
