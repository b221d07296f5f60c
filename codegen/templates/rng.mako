<%doc>
Philox4x32-10 counter-based RNG and the distributions exposed to GeNNCode.
One source for three dialects: "c" (C99), "opencl" (OpenCL C 1.2), "cuda".
Template variables: dialect, qual, double_support, fc_table.
</%doc>\
<%def name="dists(T, s)">\
<%
    def L(x):
        # floating-point literal of type T
        return x + ('f' if T == 'float' else '')
    def F(name):
        # maths function for type T (OpenCL: overloaded plain names)
        if dialect == 'opencl' or T == 'double':
            return name
        return name + 'f'
%>\
/* ---------------- ${T} distributions ---------------- */
${qual} ${T} genn_uniform_${s}(genn_rng_t *r)
{
% if T == 'float':
    /* (0, 1]: 24 high bits of one word, plus one, times 2^-24 */
    return (float)((genn_rand(r) >> 8) + 1u) * 5.9604644775390625e-08f;
% else:
    /* (0, 1]: 27 bits of the first word (high) and 26 of the second (low), plus one, times 2^-53 */
    const uint32_t hi = genn_rand(r) >> 5;
    const uint32_t lo = genn_rand(r) >> 6;
    return ((double)hi * 67108864.0 + (double)lo + 1.0) * 1.1102230246251565404236316680908203125e-16;
% endif
}

${qual} ${T} genn_normal_${s}(genn_rng_t *r)
{
    /* Box-Muller, cosine branch only */
    const ${T} u1 = genn_uniform_${s}(r);
    const ${T} u2 = genn_uniform_${s}(r);
    return ${F('sqrt')}(${L('-2.0')} * ${F('log')}(u1)) * ${F('cos')}(${L('6.283185307179586')} * u2);
}

${qual} ${T} genn_exponential_${s}(genn_rng_t *r)
{
    return -${F('log')}(genn_uniform_${s}(r));
}

${qual} ${T} genn_log_normal_${s}(genn_rng_t *r, ${T} mean, ${T} sd)
{
    return ${F('exp')}(mean + sd * genn_normal_${s}(r));
}

${qual} ${T} genn_gamma_ge1_${s}(genn_rng_t *r, ${T} a)
{
    /* Marsaglia & Tsang (2000), a >= 1 */
    const ${T} d = a - ${L('1.0')} / ${L('3.0')};
    const ${T} c = ${L('1.0')} / ${F('sqrt')}(${L('9.0')} * d);
    for (;;) {
        ${T} x, v;
        do {
            x = genn_normal_${s}(r);
            v = ${L('1.0')} + c * x;
        } while (v <= ${L('0.0')});
        v = v * v * v;
        {
            const ${T} u = genn_uniform_${s}(r);
            const ${T} x2 = x * x;
            if (u < ${L('1.0')} - ${L('0.0331')} * x2 * x2) {
                return d * v;
            }
            if (${F('log')}(u) < ${L('0.5')} * x2 + d * (${L('1.0')} - v + ${F('log')}(v))) {
                return d * v;
            }
        }
    }
}

${qual} ${T} genn_gamma_${s}(genn_rng_t *r, ${T} a)
{
    /* shape a, scale 1; a < 1 uses Gamma(a + 1) * U^(1/a); a <= 0 (invalid) gives 0 */
    if (!(a > ${L('0.0')})) {
        return ${L('0.0')};
    }
    if (a < ${L('1.0')}) {
        const ${T} g = genn_gamma_ge1_${s}(r, a + ${L('1.0')});
        const ${T} u = genn_uniform_${s}(r);
        return g * ${F('pow')}(u, ${L('1.0')} / a);
    }
    return genn_gamma_ge1_${s}(r, a);
}

${qual} ${T} genn_binomial_fc_${s}(${T} k)
{
    /* Stirling-series remainder: log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2] */
    if (k < ${L('9.5')}) {
        switch ((int)k) {
% for i, v in enumerate(fc_table):
        case ${i}: return ${L(v)};
% endfor
        default: return ${L('0.0')};
        }
    }
    {
        const ${T} ik = ${L('1.0')} / (k + ${L('1.0')});
        const ${T} ik2 = ik * ik;
        return (${L('1.0')} / ${L('12.0')} - (${L('1.0')} / ${L('360.0')} - ik2 / ${L('1260.0')}) * ik2) * ik;
    }
}

${qual} uint32_t genn_binomial_inv_${s}(genn_rng_t *r, uint32_t n, ${T} p)
{
    /* inversion by sequential search; requires 0 < p <= 1/2 and small n * p */
    const ${T} q = ${L('1.0')} - p;
    const ${T} ratio = p / q;
    const ${T} a = ((${T})n + ${L('1.0')}) * ratio;
    const ${T} f0 = ${F('exp')}((${T})n * ${F('log1p')}(-p));
    for (;;) {
        ${T} u = genn_uniform_${s}(r);
        ${T} f = f0;
        uint32_t x = 0u;
        for (;;) {
            if (u <= f) {
                return x;
            }
            u -= f;
            x++;
            if (x > n) {
                break;
            }
            f *= a / (${T})x - ratio;
            if (!(f > ${L('0.0')})) {
                break;
            }
        }
        /* u exceeded the (rounded) total mass: draw again */
    }
}

${qual} uint32_t genn_binomial_btrd_${s}(genn_rng_t *r, uint32_t n, ${T} p)
{
    /* BTRD, Hormann (1993); requires 0 < p <= 1/2 and n * p >= 10.
     * The logarithms of near-one ratios are evaluated with log1p. */
    const ${T} nf = (${T})n;
    const ${T} q = ${L('1.0')} - p;
    const ${T} npq = nf * p * q;
    const ${T} spq = ${F('sqrt')}(npq);
    const ${T} b = ${L('1.15')} + ${L('2.53')} * spq;
    const ${T} a = ${L('-0.0873')} + ${L('0.0248')} * b + ${L('0.01')} * p;
    const ${T} c = nf * p + ${L('0.5')};
    const ${T} alpha = (${L('2.83')} + ${L('5.1')} / b) * spq;
    const ${T} vr = ${L('0.92')} - ${L('4.2')} / b;
    const ${T} urvr = ${L('0.86')} * vr;
    const ${T} m = ${F('floor')}((nf + ${L('1.0')}) * p);
    const int64_t mi = (int64_t)m;
    /* the sampled k is kept as the integer m + d, d a small float offset, so
     * that k is not quantised to the float spacing when n * p is very large */
    const ${T} cm = c - m;
    const ${T} rr = p / q;
    const ${T} nr = (nf + ${L('1.0')}) * rr;
    const ${T} pn2 = p * (nf + ${L('2.0')});
    const ${T} pm1 = pn2 - (m + ${L('1.0')});
    const ${T} h = -(m + ${L('0.5')}) * ${F('log1p')}(pm1 / (q * (m + ${L('1.0')})))
                   + genn_binomial_fc_${s}(m) + genn_binomial_fc_${s}(nf - m);
    for (;;) {
        ${T} v = genn_uniform_${s}(r);
        ${T} u, us, d, kf, km;
        int64_t k;
        if (v <= urvr) {
            u = v / vr - ${L('0.43')};
            d = ${F('floor')}((${L('2.0')} * a / (${L('0.5')} - ${F('fabs')}(u)) + b) * u + cm);
            k = mi + (int64_t)d;
            if (k < 0 || k > (int64_t)n) {
                continue;
            }
            return (uint32_t)k;
        }
        if (v >= vr) {
            u = genn_uniform_${s}(r) - ${L('0.5')};
        }
        else {
            u = v / vr - ${L('0.93')};
            u = ((u < ${L('0.0')}) ? ${L('-0.5')} : ${L('0.5')}) - u;
            v = genn_uniform_${s}(r) * vr;
        }
        us = ${L('0.5')} - ${F('fabs')}(u);
        if (!(us > ${L('0.0')})) {
            continue;
        }
        d = ${F('floor')}((${L('2.0')} * a / us + b) * u + cm);
        if (${F('fabs')}(d) > nf) {
            continue;
        }
        k = mi + (int64_t)d;
        if (k < 0 || k > (int64_t)n) {
            continue;
        }
        kf = m + d;
        v = v * alpha / (a / (us * us) + b);
        km = ${F('fabs')}(d);
        if (km <= ${L('15.0')}) {
            /* recursive evaluation of f(k) / f(m) */
            const int kmi = (int)km;
            ${T} f = ${L('1.0')};
            int j;
            if (d > ${L('0.0')}) {
                for (j = 1; j <= kmi; j++) {
                    f *= nr / (m + (${T})j) - rr;
                }
            }
            else {
                for (j = 0; j < kmi; j++) {
                    v *= nr / (kf + ${L('1.0')} + (${T})j) - rr;
                }
            }
            if (v <= f) {
                return (uint32_t)k;
            }
            continue;
        }
        /* squeeze on log scale */
        v = ${F('log')}(v);
        {
            const ${T} rho = (km / npq) * (((km / ${L('3.0')} + ${L('0.625')}) * km + ${L('1.0')} / ${L('6.0')}) * km / npq + ${L('0.5')});
            const ${T} t = -km * km / (${L('2.0')} * npq);
            if (v < t - rho) {
                return (uint32_t)k;
            }
            if (v > t + rho) {
                continue;
            }
        }
        /* final acceptance test: log(f(k) / f(m)) */
        {
            const ${T} nk = nf - kf + ${L('1.0')};
            const ${T} bound = h
                + (nf + ${L('1.0')}) * ${F('log1p')}(d / nk)
                + (kf + ${L('0.5')}) * ${F('log1p')}((pm1 - d) / (q * (kf + ${L('1.0')})))
                - genn_binomial_fc_${s}(kf) - genn_binomial_fc_${s}(nf - kf);
            if (v <= bound) {
                return (uint32_t)k;
            }
        }
    }
}

${qual} uint32_t genn_binomial_${s}(genn_rng_t *r, uint32_t n, ${T} p)
{
    /* exact Binomial(n, p); p > 1/2 is mirrored as n - Binomial(n, 1 - p) */
    const bool flip = (p > ${L('0.5')});
    const ${T} pp = flip ? (${L('1.0')} - p) : p;
    uint32_t x;
    if (n == 0u || !(p > ${L('0.0')})) {
        return 0u;
    }
    if (p >= ${L('1.0')}) {
        return n;
    }
    if ((${T})n * pp < ${L('10.0')}) {
        x = genn_binomial_inv_${s}(r, n, pp);
    }
    else {
        x = genn_binomial_btrd_${s}(r, n, pp);
    }
    return flip ? (n - x) : x;
}
</%def>\
/* ================ Philox4x32-10 counter-based RNG (${dialect}) ================ */
#ifndef GENN_RNG_DEFINED
#define GENN_RNG_DEFINED
typedef struct { uint32_t ctr[4]; uint32_t key[2]; uint32_t out[4]; uint32_t next; } genn_rng_t;

${qual} void genn_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out)
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    int i;
    for (i = 0; i < 10; i++) {
        const uint64_t p0 = (uint64_t)0xD2511F53u * (uint64_t)c0;
        const uint64_t p1 = (uint64_t)0xCD9E8D57u * (uint64_t)c2;
        if (i > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        c0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        c1 = (uint32_t)p1;
        c2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c3 = (uint32_t)p0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

${qual} void genn_rng_init(genn_rng_t *r, uint32_t seed_lo, uint32_t seed_hi, uint32_t stream, uint32_t element, uint32_t step)
{
    r->key[0] = seed_lo;
    r->key[1] = seed_hi;
    r->ctr[0] = element;
    r->ctr[1] = stream;
    r->ctr[2] = step;
    r->ctr[3] = 0u;
    r->out[0] = r->out[1] = r->out[2] = r->out[3] = 0u;
    r->next = 4u;
}

% if dialect == 'c':
/* The refill is out of line and takes values, not the state's address: inlined,
 * the compiler hoists its first Philox rounds into every caller's loop; given the
 * address, the state could not live in registers. */
typedef struct { uint32_t w[4]; } genn_block_t;
static __attribute__((noinline, cold)) genn_block_t genn_philox_block(uint32_t c0, uint32_t c1, uint32_t c2,
                                                                    uint32_t c3, uint32_t k0, uint32_t k1)
{
    const uint32_t ctr[4] = {c0, c1, c2, c3};
    const uint32_t key[2] = {k0, k1};
    genn_block_t b;
    genn_philox4x32_10(ctr, key, b.w);
    return b;
}

${qual} uint32_t genn_rand(genn_rng_t *r)
{
    if (__builtin_expect(r->next >= 4u, 0)) {
        const genn_block_t b = genn_philox_block(r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3], r->key[0], r->key[1]);
        r->out[0] = b.w[0]; r->out[1] = b.w[1]; r->out[2] = b.w[2]; r->out[3] = b.w[3];
        r->ctr[3]++;
        r->next = 0u;
    }
    return r->out[r->next++];
}
% else:
${qual} uint32_t genn_rand(genn_rng_t *r)
{
    if (r->next >= 4u) {
        genn_philox4x32_10(r->ctr, r->key, r->out);
        r->ctr[3]++;
        r->next = 0u;
    }
    return r->out[r->next++];
}
% endif

#ifdef GENN_RNG_TILE
/* Updates that draw random numbers for many elements in one loop (the C backend's neuron
   update, and the OpenCL one on CPU devices) first compute the first Philox block of a tile
   of GENN_RNG_TILE consecutive elements in one branch-free loop the compiler vectorises;
   each element's stream then starts from its prefetched block (the draws are the same as
   genn_rng_init's). */
${qual} void genn_philox_tile(uint32_t k0, uint32_t k1, uint32_t stream, uint32_t first, uint32_t step,
                              uint32_t count, uint32_t out[4][GENN_RNG_TILE])
{
    /* blocks of elements first .. first + count - 1 (count <= GENN_RNG_TILE) */
#if defined(__AVX512F__) && !defined(__OPENCL_VERSION__)
    /* 64-bit lanes, all rounds per lane: gcc maps the 32x32->64 products to vpmuludq
       (1.6x faster than the 32-bit-lane loop below on Zen 4; slower without AVX-512). */
    for (uint32_t j = 0; j < count; j++) {
        uint64_t c0 = first + j, c1 = stream, c2 = step, c3 = 0u, a = k0, b = k1;
        for (int round = 0; round < 10; round++) {
            const uint64_t p0 = 0xD2511F53ull * c0;
            const uint64_t p1 = 0xCD9E8D57ull * c2;
            c0 = ((p1 >> 32) ^ c1 ^ a) & 0xFFFFFFFFull;
            c1 = p1 & 0xFFFFFFFFull;
            c2 = ((p0 >> 32) ^ c3 ^ b) & 0xFFFFFFFFull;
            c3 = p0 & 0xFFFFFFFFull;
            a = (a + 0x9E3779B9u) & 0xFFFFFFFFull;
            b = (b + 0xBB67AE85u) & 0xFFFFFFFFull;
        }
        out[0][j] = (uint32_t)c0; out[1][j] = (uint32_t)c1; out[2][j] = (uint32_t)c2; out[3][j] = (uint32_t)c3;
    }
#else
    uint32_t c0[GENN_RNG_TILE], c1[GENN_RNG_TILE], c2[GENN_RNG_TILE], c3[GENN_RNG_TILE];
    for (uint32_t j = 0; j < count; j++) { c0[j] = first + j; c1[j] = stream; c2[j] = step; c3[j] = 0u; }
    for (int round = 0; round < 10; round++) {
        if (round > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
        for (uint32_t j = 0; j < count; j++) {
            const uint64_t p0 = (uint64_t)0xD2511F53u * (uint64_t)c0[j];
            const uint64_t p1 = (uint64_t)0xCD9E8D57u * (uint64_t)c2[j];
            const uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[j] ^ k0;
            const uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[j] ^ k1;
            c1[j] = (uint32_t)p1; c3[j] = (uint32_t)p0; c0[j] = n0; c2[j] = n2;
        }
    }
    for (uint32_t j = 0; j < count; j++) { out[0][j] = c0[j]; out[1][j] = c1[j]; out[2][j] = c2[j]; out[3][j] = c3[j]; }
#endif
}

${qual} void genn_rng_init_block(genn_rng_t *r, uint32_t stream, uint32_t element, uint32_t step,
                                 uint32_t k0, uint32_t k1, uint32_t block[4][GENN_RNG_TILE], uint32_t j)
{
    genn_rng_init(r, k0, k1, stream, element, step);
    r->out[0] = block[0][j]; r->out[1] = block[1][j]; r->out[2] = block[2][j]; r->out[3] = block[3][j];
    r->ctr[3] = 1u;
    r->next = 0u;
}
#endif /* GENN_RNG_TILE */

${dists('float', 'f')}\
% if double_support:
${dists('double', 'd')}\
% endif
#endif /* GENN_RNG_DEFINED */
