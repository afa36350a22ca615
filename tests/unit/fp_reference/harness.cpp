// Feeds cpu/fpu.cpp the cases reference.py generates: reads "op rm a b c init" (hex bits; init =
// flags already accrued), prints "result flags".
#include <cstdio>
#include <cstring>
#include <cstdint>
#include "cpu/fpu.hpp"
using namespace tern::fpu;
int main() {
    char op[32];
    unsigned rm, init;
    unsigned long long a, b, c;
    while (scanf("%31s %u %llx %llx %llx %x", op, &rm, &a, &b, &c, &init) == 6) {
        uint32_t fl = init;
        unsigned long long r = 0;
        using S = Ieee<float>; using D = Ieee<double>;
        if (!strcmp(op, "adds")) r = S::add(a, b, rm, fl);
        else if (!strcmp(op, "subs")) r = S::sub(a, b, rm, fl);
        else if (!strcmp(op, "muls")) r = S::mul(a, b, rm, fl);
        else if (!strcmp(op, "divs")) r = S::div(a, b, rm, fl);
        else if (!strcmp(op, "sqrts")) r = S::sqrt(a, rm, fl);
        else if (!strcmp(op, "fmas")) r = S::fma(a, b, c, rm, fl);
        else if (!strcmp(op, "addd")) r = D::add(a, b, rm, fl);
        else if (!strcmp(op, "subd")) r = D::sub(a, b, rm, fl);
        else if (!strcmp(op, "muld")) r = D::mul(a, b, rm, fl);
        else if (!strcmp(op, "divd")) r = D::div(a, b, rm, fl);
        else if (!strcmp(op, "sqrtd")) r = D::sqrt(a, rm, fl);
        else if (!strcmp(op, "fmad")) r = D::fma(a, b, c, rm, fl);
        else if (!strcmp(op, "narrow")) r = narrow(a, rm, fl);
        else if (!strcmp(op, "l.d")) r = (uint64_t)IntConvert<double, int64_t>::to_int(a, rm, fl);
        else if (!strcmp(op, "w.s")) r = (uint64_t)(int64_t)IntConvert<float, int32_t>::to_int(a, rm, fl);
        else if (!strcmp(op, "lu.s")) r = IntConvert<float, uint64_t>::to_int(a, rm, fl);
        else if (!strcmp(op, "s.l")) r = IntConvert<float, int64_t>::from_int((int64_t)a, rm, fl);
        else if (!strcmp(op, "d.lu")) r = IntConvert<double, uint64_t>::from_int(a, rm, fl);
        else { printf("?\n"); continue; }
        printf("%llx %x\n", r, fl);
    }
}
