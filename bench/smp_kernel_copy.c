/* One hart's copy of a benchmark kernel for the multi-hart guest (smp_guest_main.c), compiled once
   per hart id with -DKERNEL_SOURCE=<NAME.c> -Dkernel=kernel_hartN -msmall-data-limit=0, so that each
   copy has static data of its own (no small-data section shared between the copies). */
#include KERNEL_SOURCE

/* The strictest alignment in a section sets the section's: each copy's .data and .bss start on a page
   of their own, so no two harts ever write to one cache line, nor to one guest page. */
static char data_page_start __attribute__((aligned(4096), used)) = 1;
static char bss_page_start __attribute__((aligned(4096), used));
