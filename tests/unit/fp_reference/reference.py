# Differential check of cpu/fpu.cpp against an independent exact reference (Python rationals) of the RISC-V
# F/D rules: rounding in all five modes, tininess after rounding, flags, canonical NaNs, saturating fcvt.
# Not part of the unit-test build (it needs Python and takes seconds). Run from this directory:
#   g++ -std=c++20 -O2 -I../../.. harness.cpp ../../../build/libtern_core.a -o harness
#   python3 reference.py SEED COUNT      # prints mismatches and "N cases, M mismatches"
import random, sys, subprocess, math
from fractions import Fraction as Fr
NX,UF,OF,DZ,NV = 1,2,4,8,16
RNE,RTZ,RDN,RUP,RMM = range(5)
class Fmt:
    def __init__(s, P, E):
        s.P, s.E = P, E; s.W = P + E
        s.bias = (1 << (E-1)) - 1; s.emin = 1 - s.bias; s.emax = s.bias
        s.inf = ((1 << E) - 1) << (P-1); s.sign = 1 << (s.W-1); s.qnan = s.inf | (1 << (P-2))
S = Fmt(24, 8); D = Fmt(53, 11)
def isnan(f, b): return (b & ~f.sign) > f.inf
def issnan(f, b): return isnan(f, b) and not (b & (1 << (f.P-2)))
def isinf(f, b): return (b & ~f.sign) == f.inf
def neg(f, b): return bool(b & f.sign)
def val(f, b):
    e = (b >> (f.P-1)) & ((1 << f.E)-1); m = b & ((1 << (f.P-1))-1)
    v = Fr(m, 1 << (f.P-1)) * Fr(2)**(1-f.bias) if e == 0 else Fr(m + (1 << (f.P-1)), 1 << (f.P-1)) * Fr(2)**(e-f.bias)
    return -v if neg(f, b) else v
def rnd_int(q, sign, rm):  # q >= 0 Fraction; round to integer magnitude
    n = q.numerator // q.denominator; r = q - n
    if r == 0: return n, False
    half = Fr(1, 2)
    up = {RNE: r > half or (r == half and n % 2 == 1), RTZ: False, RDN: sign, RUP: not sign, RMM: r >= half}[rm]
    return n + up, True
def pack(f, q, rm, zero_sign=False):
    if q == 0: return (f.sign if zero_sign else 0), 0
    sign = q < 0; a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fr(2)**e > a: e -= 1
    if Fr(2)**(e+1) <= a: e += 1
    mu, _ = rnd_int(a / Fr(2)**(e-(f.P-1)), sign, rm)
    tiny = (e + (1 if mu >= (1 << f.P) else 0)) < f.emin
    eb = max(e, f.emin)
    m, inexact = rnd_int(a / Fr(2)**(eb-(f.P-1)), sign, rm)
    fl = (NX if inexact else 0) | (UF if tiny and inexact else 0)
    v = m * Fr(2)**(eb-(f.P-1))
    if v >= Fr(2)**(f.emax+1):
        toinf = rm in (RNE, RMM) or (rm == RDN and sign) or (rm == RUP and not sign)
        r = f.inf if toinf else f.inf - 1
        return r | (f.sign if sign else 0), NX | OF
    # encode v
    if m < (1 << (f.P-1)): bits = m
    else:
        if m == (1 << f.P): m //= 2; eb += 1
        if eb > f.emax: return (f.inf | (f.sign if sign else 0)), NX | OF
        bits = ((eb + f.bias) << (f.P-1)) | (m - (1 << (f.P-1)))
    return bits | (f.sign if sign else 0), fl
def arith(f, op, rm, a, b=0, c=0):
    args = {'add':[a,b],'sub':[a,b],'mul':[a,b],'div':[a,b],'sqrt':[a],'fma':[a,b,c]}[op]
    nv = any(issnan(f, x) for x in args)
    if op == 'fma' and ((isinf(f,a) and (b & ~f.sign)==0) or ((a & ~f.sign)==0 and isinf(f,b))): nv = True
    if any(isnan(f, x) for x in args): return f.qnan, NV if nv else 0
    if op == 'sub': b ^= f.sign; op = 'add'
    if op == 'mul' or op == 'fma':
        sp = neg(f,a) != neg(f,b)
        if isinf(f,a) or isinf(f,b):
            if (a & ~f.sign)==0 or (b & ~f.sign)==0: return f.qnan, NV
            if op == 'mul': return f.inf | (f.sign if sp else 0), 0
            if isinf(f,c) and neg(f,c) != sp: return f.qnan, NV
            return f.inf | (f.sign if sp else 0), 0
        if op == 'mul':
            p = val(f,a)*val(f,b); return pack(f, p, rm, sp)
        if isinf(f,c): return c, 0
        p = val(f,a)*val(f,b); s = p + val(f,c)
        if s == 0:
            cz = (c & ~f.sign) == 0; pz = p == 0
            zs = sp if (pz and cz and sp == neg(f,c)) else (rm == RDN)
            return pack(f, s, rm, zs)
        return pack(f, s, rm)
    if op == 'add':
        if isinf(f,a) and isinf(f,b) and neg(f,a) != neg(f,b): return f.qnan, NV
        if isinf(f,a): return a, 0
        if isinf(f,b): return b, 0
        s = val(f,a) + val(f,b)
        if s == 0:
            bothz = (a & ~f.sign)==0 and (b & ~f.sign)==0
            zs = neg(f,a) if (bothz and neg(f,a) == neg(f,b)) else (rm == RDN)
            return pack(f, s, rm, zs)
        return pack(f, s, rm)
    if op == 'div':
        sq = neg(f,a) != neg(f,b); sg = f.sign if sq else 0
        az, bz = (a & ~f.sign)==0, (b & ~f.sign)==0
        if (isinf(f,a) and isinf(f,b)) or (az and bz): return f.qnan, NV
        if isinf(f,a): return f.inf | sg, 0
        if isinf(f,b): return sg, 0
        if bz: return f.inf | sg, DZ
        return pack(f, val(f,a)/val(f,b), rm, sq)
    if op == 'sqrt':
        if (a & ~f.sign) == 0: return a, 0
        if neg(f,a): return f.qnan, NV
        if isinf(f,a): return a, 0
        x = val(f,a); k = 1200
        n = x * Fr(4)**k; n_int = n.numerator // n.denominator
        r = math.isqrt(n_int); exact = r*r == n_int and n.denominator == 1
        q = Fr(r, 2**k) if exact else Fr(2*r+1, 2**(k+1))
        return pack(f, q, rm)
def to_int(f, bits_, rm, lo, hi):
    if isnan(f, bits_): return hi, NV
    if isinf(f, bits_): return (lo if neg(f,bits_) else hi), NV
    v = val(f, bits_); s = v < 0
    m, inex = rnd_int(abs(v), s, rm); r = -m if s else m
    if r < lo or r > hi: return (lo if s else hi), NV
    return r, NX if inex else 0
def rand_bits(f):
    k = random.random()
    W = f.W
    if k < 0.3: return random.getrandbits(W)
    if k < 0.45:  # subnormal / tiny
        return random.getrandbits(f.P-1) | (random.choice([0, 1, 2]) << (f.P-1)) | (f.sign if random.random()<.5 else 0)
    if k < 0.55:  # near max
        return (f.inf - 1 - random.getrandbits(f.P//2)) | (f.sign if random.random()<.5 else 0)
    if k < 0.6: return random.choice([0, f.sign, f.inf, f.inf|f.sign, f.qnan, f.inf|1, f.inf|5|f.sign])
    # near 1 with few bits: ties likely
    e = f.bias + random.randint(-3, 3)
    m = random.getrandbits(f.P-1) & ~((1 << random.randint(0, f.P-2)) - 1) if random.random()<.7 else random.getrandbits(4)
    return (e << (f.P-1)) | m | (f.sign if random.random()<.5 else 0)
def gen(n):
    cases = []
    for _ in range(n):
        f, sfx = random.choice([(S,'s'), (D,'d')])
        op = random.choice(['add','sub','mul','div','sqrt','fma','fma'])
        rm = random.randrange(5)
        a, b, c = rand_bits(f), rand_bits(f), rand_bits(f)
        if op == 'fma' and random.random() < 0.5:  # force cancellation
            p = val(f,a)*val(f,b) if not (isnan(f,a) or isnan(f,b) or isinf(f,a) or isinf(f,b)) else None
            if p is not None and p != 0:
                cb, _ = pack(f, -p, random.randrange(5)); c = cb
        if op in ('add','sub') and random.random() < 0.3: b = a ^ (random.getrandbits(3))
        exp = arith(f, op, rm, a, b, c)
        cases.append((f"{op}{sfx}", rm, a, b, c, exp))
    for _ in range(n//5):
        rm = random.randrange(5); a = rand_bits(D)
        cases.append(("narrow", rm, a, 0, 0, (pack(S, val(D,a), rm, neg(D,a)) if not isnan(D,a) and not isinf(D,a) else ((S.qnan, NV if issnan(D,a) else 0) if isnan(D,a) else (S.inf|(S.sign if neg(D,a) else 0), 0))) ))
        a = rand_bits(D); r = to_int(D, a, rm, -2**63, 2**63-1); cases.append(("l.d", rm, a, 0, 0, (r[0] & (2**64-1), r[1])))
        a = rand_bits(S); r = to_int(S, a, rm, -2**31, 2**31-1); cases.append(("w.s", rm, a, 0, 0, (r[0] & (2**64-1), r[1])))
        a = rand_bits(S); r = to_int(S, a, rm, 0, 2**64-1); cases.append(("lu.s", rm, a, 0, 0, r))
        x = random.getrandbits(64) >> random.randint(0, 63); xs = x - 2**64 if x >= 2**63 else x
        cases.append(("s.l", rm, x, 0, 0, pack(S, Fr(xs), rm)))
        cases.append(("d.lu", rm, x, 0, 0, pack(D, Fr(x), rm)))
    return cases
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
cases = gen(int(sys.argv[2]) if len(sys.argv) > 2 else 20000)
# Each case starts with a random set of already accrued flags: they must come back, and nothing else stale.
inits = [random.choice([0, 0, random.randrange(32)]) for _ in cases]
inp = "".join(f"{c[0]} {c[1]} {c[2]:x} {c[3]:x} {c[4]:x} {i:x}\n" for c, i in zip(cases, inits))
out = subprocess.run(["./harness"], input=inp, capture_output=True, text=True).stdout.split("\n")
bad = 0
for c, init, line in zip(cases, inits, out):
    r, fl = line.split(); r, fl = int(r, 16), int(fl, 16)
    if (r, fl) != (c[5][0], c[5][1] | init):
        bad += 1
        if bad <= 15: print("MISMATCH", c[0], "rm", c[1], hex(c[2]), hex(c[3]), hex(c[4]), "got", hex(r), fl, "want", hex(c[5][0]), c[5][1] | init, "init", init)
print(len(cases), "cases,", bad, "mismatches")
