/* The native wrapper around one benchmark kernel (bench/kernels/), built with
   the host compiler: prints the checksum in the guest wrapper's format. */
#include <inttypes.h>
#include <stdio.h>

#include "kernels/common.h"

int main(void) {
    printf("checksum 0x%016" PRIx64 "\n", kernel());
    return 0;
}
