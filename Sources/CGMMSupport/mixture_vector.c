// The vector half of the CPU mixture likelihood, eight components at a time: the
// log-normaliser of the logits, each component's truncation mass log Z_g, the component
// terms log f_g + log N(u; μ_g, σ_g) − log Z_g and their log-sum-exp, the gradient with
// respect to logits, means and widths, and the head's widths. The scalar twins of
// Kernels/mixture.cl and Kernels/normal.cl (MixtureMath.swift, NormalMath.swift) handle
// mixtures of fewer than 8 components and the rare components whose truncation needs the
// careful formula.
//
// Written once with the compilers' vector extensions and compiled twice: for AVX2 + FMA
// (one 8-float register per vector) and for the baseline (two 4-float halves: SSE2 on
// x86-64, NEON on arm64); the entry points pick one at run time.
#include "gmm_support.h"
#include <math.h>
#include <string.h>

// The helpers below take and return 8-float vectors, which would change the calling convention
// between the two builds; they are always inlined, so no call crosses a build.
#pragma GCC diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

#define BODY static inline __attribute__((always_inline))

BODY v8f vload(const float *p) { v8f v; memcpy(&v, p, sizeof v); return v; }
BODY void vstore(float *p, v8f v) { memcpy(p, &v, sizeof v); }
BODY v8f splat(float x) { return (v8f){x, x, x, x, x, x, x, x}; }
/// a where mask, b elsewhere (mask lanes all ones or all zeros).
BODY v8f blend(v8i mask, v8f a, v8f b) { return (v8f)(((v8i)a & mask) | ((v8i)b & ~mask)); }
BODY int any_lane(v8i mask) {
    int32_t bits = 0;
    for (int i = 0; i < 8; i++) bits |= mask[i];
    return bits != 0;
}
BODY int all_lanes(v8i mask) {
    int32_t bits = -1;
    for (int i = 0; i < 8; i++) bits &= mask[i];
    return bits != 0;
}
BODY float lane_sum(v8f v) {
    v8f h = v + __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3);
    return (h[0] + h[2]) + (h[1] + h[3]);
}
BODY float lane_max(v8f v) {
    float m = v[0];
    for (int i = 1; i < 8; i++) m = v[i] > m ? v[i] : m;
    return m;
}

/// e^x: Cody–Waite reduction x = n·ln 2 + r, |r| ≤ ln 2 / 2, then Cephes' single-precision
/// polynomial for e^r (about 1 ulp). 0 below −87.3 (and at −∞), +∞ above 88.7, NaN kept.
BODY v8f vexp(v8f x) {
    const float low = -87.336544f, high = 88.72284f, magic = 12582912.0f;  // 1.5·2^23
    v8i below = x < splat(low), above = x > splat(high);
    v8f clamped = blend(below, splat(low), blend(above, splat(high), x));
    // n = round(x / ln 2): adding 1.5·2^23 leaves n in the low mantissa bits.
    v8f shifted = clamped * 1.44269504f + magic;
    v8f n = shifted - magic;
    v8i ni = (v8i)shifted - (v8i)splat(magic);
    v8f r = clamped - n * 0.693359375f;
    r = r + n * 2.1219444e-4f;
    v8f p = splat(1.9875691e-4f);
    p = p * r + 1.3981999e-3f;
    p = p * r + 8.333452e-3f;
    p = p * r + 4.1665796e-2f;
    p = p * r + 1.6666665e-1f;
    p = p * r + 5e-1f;
    v8f er = p * (r * r) + r + 1;
    // 2^n in the exponent bits; n lies in [−126, 128], so in two factors.
    v8i half = ni >> 1, rest = ni - half;
    v8f result = er * (v8f)((half + 127) << 23) * (v8f)((rest + 127) << 23);
    result = blend(below, splat(0), result);
    result = blend(above, splat(INFINITY), result);
    return blend(x != x, x, result);
}

/// log x: x = m·2^e with m in [√½, √2), then Cephes' single-precision polynomial for log m
/// (about 1 ulp). Lanes that are not positive normal finite numbers go to libm's logf.
BODY v8f vlog(v8f x) {
    v8i bits = (v8i)x;
    v8f m = (v8f)((bits & 0x007fffff) | 0x3f000000);  // in [0.5, 1)
    v8f e = __builtin_convertvector((bits >> 23) & 0xff, v8f) - 126;
    v8i small = m < splat(0.70710678f);
    e = blend(small, e - 1, e);
    m = blend(small, m + m, m);
    v8f r = m - 1, z = r * r;
    v8f p = splat(7.0376836292e-2f);
    p = p * r + -1.1514610310e-1f;
    p = p * r + 1.1676998740e-1f;
    p = p * r + -1.2420140846e-1f;
    p = p * r + 1.4249322787e-1f;
    p = p * r + -1.6668057665e-1f;
    p = p * r + 2.0000714765e-1f;
    p = p * r + -2.4999993993e-1f;
    p = p * r + 3.3333331174e-1f;
    v8f y = p * r * z;
    y += e * -2.12194440e-4f;
    y += -0.5f * z;
    v8f result = r + y + e * 0.693359375f;
    v8i special = (x < splat(1.17549435e-38f)) | (x >= splat(INFINITY)) | (x != x);
    if (any_lane(special)) {
        for (int i = 0; i < 8; i++) if (special[i]) result[i] = logf(x[i]);
    }
    return result;
}

/// erfc(z)/2 for z ≥ 0: the Chebyshev fit erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2), of
/// Numerical Recipes §6.2 (relative error below 1.2e-7 in exact arithmetic; within 5e-6 of
/// the float64 erfc over [0, 6.4], where the rounding of z² dominates).
BODY v8f vhalf_erfc(v8f z) {
    v8f t = 1 / (1 + 0.5f * z);
    v8f p = splat(0.17087277f);
    p = p * t - 0.82215223f;
    p = p * t + 1.48851587f;
    p = p * t - 1.13520398f;
    p = p * t + 0.27886807f;
    p = p * t - 0.18628806f;
    p = p * t + 0.09678418f;
    p = p * t + 0.37409196f;
    p = p * t + 1.00002368f;
    p = p * t - 1.26551223f;
    return 0.5f * t * vexp(p - z * z);
}

#define LOG_SQRT_2PI 0.91893853320467274f
#define NEGLIGIBLE_TAIL 9.0f  // standard scores beyond which a normal tail is below float resolution

/// Calls BLOCK(g) for g = 0, 8, 16, … and, when count is not a multiple of 8, count − 8 (a
/// block overlapping the one before it). count ≥ 8; for elementwise work only.
#define FOR_EACH_BLOCK_OF_EIGHT(count, g, ...)                      \
    do {                                                            \
        int g;                                                      \
        for (g = 0; g + 8 <= (count); g += 8) { __VA_ARGS__ }       \
        if (g < (count)) { g = (count) - 8; __VA_ARGS__ }           \
    } while (0)

/// Σ_i e^(x_i − shift), eight at a time; a partial last eight is padded with −∞.
BODY float sum_exp(int count, const float *x, float shift) {
    v8f lanes = splat(0), s = splat(shift);
    int i = 0;
    for (; i + 8 <= count; i += 8) lanes += vexp(vload(x + i) - s);
    if (i < count) {
        v8f tail = splat(-INFINITY);
        for (int j = 0; j < count - i; j++) tail[j] = x[i + j];
        lanes += vexp(tail - s);
    }
    return lane_sum(lanes);
}

BODY float log_sum_exp_body(int count, const float *x) {
    float peak = -INFINITY;
    for (int i = 0; i < count; i++) peak = x[i] > peak ? x[i] : peak;
    if (peak == -INFINITY) return peak;
    return peak + logf(sum_exp(count, x, peak));
}

BODY int log_z_body(int count, float lo, float hi, const float *means, const float *widths, float *log_z, int32_t *careful) {
    v8f low = splat(lo), high = splat(hi), root_half = splat(0.70710678118654752f);
    int n = 0;
    FOR_EACH_BLOCK_OF_EIGHT(count, g, {
        v8f mu = vload(means + g), sigma = vload(widths + g);
        v8f a = (low - mu) / sigma, b = (high - mu) / sigma;
        v8i lower_far = a < splat(-NEGLIGIBLE_TAIL), upper_far = b > splat(NEGLIGIBLE_TAIL);
        if (all_lanes(lower_far & upper_far)) {
            vstore(log_z + g, splat(0));  // both tails beyond 9σ, common once trained: log Z = 0
        } else {
            // Each tail's erfc only where some lane needs it (a component near one bound is far
            // from the other).
            v8f lower = splat(0), upper = splat(0);
            if (!all_lanes(lower_far)) lower = blend(lower_far, splat(0), vhalf_erfc(-a * root_half));
            if (!all_lanes(upper_far)) upper = blend(upper_far, splat(0), vhalf_erfc(b * root_half));
            v8f tails = lower + upper;
            // log(1 − t) = −t − t²/2 − …: the third term is below float resolution for t < 1e-4.
            vstore(log_z + g, -tails * (1 + 0.5f * tails));
            v8i inside = (a < splat(0)) & (b > splat(0)) & (tails < splat(1e-4f));
            for (int i = 0; i < 8; i++) if (!inside[i]) careful[n++] = g + i;
        }
    });
    return n;
}

BODY float mixture_terms_body(int count, const float *logits, const float *means, const float *widths, float u,
                      const float *log_z, float *terms, float *lse_out) {
    float lse = log_sum_exp_body(count, logits);
    *lse_out = lse;
    v8f shift = splat(lse + LOG_SQRT_2PI), value = splat(u), peaks = splat(-INFINITY);
    FOR_EACH_BLOCK_OF_EIGHT(count, g, {
        v8f sigma = vload(widths + g);
        v8f z = (value - vload(means + g)) / sigma;
        v8f term = vload(logits + g) - shift - 0.5f * z * z - vlog(sigma);
        if (log_z) term -= vload(log_z + g);
        vstore(terms + g, term);
        peaks = blend(term > peaks, term, peaks);  // NaN terms are left out
    });
    float peak = lane_max(peaks);
    if (peak == -INFINITY) return peak;
    return peak + logf(sum_exp(count, terms, peak));
}

BODY void mixture_gradient_body(int count, const float *logits, const float *means, const float *widths, float u, float lo,
                        float hi, const float *log_z, const float *terms, float log_p, float lse, float c,
                        float *d_logits, float *d_means, float *d_widths) {
    v8f scale = splat(c), value = splat(u), low = splat(lo), high = splat(hi);
    FOR_EACH_BLOCK_OF_EIGHT(count, g, {
        v8f mu = vload(means + g), sigma = vload(widths + g);
        v8f z = (value - mu) / sigma;
        v8f responsibility = log_p == -INFINITY ? splat(0) : vexp(vload(terms + g) - log_p);
        v8f amplitude = vexp(vload(logits + g) - lse);
        vstore(d_logits + g, scale * (responsibility - amplitude));
        v8f d_mu = z, d_sigma = z * z - 1;
        if (log_z) {
            // −∂ log Z_g: φ(a)/Z and φ(b)/Z terms (0 at a, b = ±∞, where a·φ(a)/Z is 0 too).
            v8f a = (low - mu) / sigma, b = (high - mu) / sigma;
            v8f shift = LOG_SQRT_2PI + vload(log_z + g);
            v8f phi_a = vexp(-0.5f * a * a - shift), phi_b = vexp(-0.5f * b * b - shift);
            d_mu -= phi_a - phi_b;
            d_sigma -= blend(phi_a == splat(0), splat(0), a * phi_a) - blend(phi_b == splat(0), splat(0), b * phi_b);
        }
        v8f weighted = scale * responsibility / sigma;
        vstore(d_means + g, weighted * d_mu);
        vstore(d_widths + g, weighted * d_sigma);
    });
}

BODY void mixture_widths_body(int count, const float *raw, float scale, float base, float epsilon, float *widths) {
    FOR_EACH_BLOCK_OF_EIGHT(count, g, { vstore(widths + g, epsilon + base * vexp(scale * vload(raw + g))); });
}

BODY void elementwise_body(int function, int n, const float *x, float *out) {
    for (int i = 0; i < n; i += 8) {
        v8f v = splat(1);
        for (int j = 0; j < 8 && i + j < n; j++) v[j] = x[i + j];
        v = function == 0 ? vexp(v) : function == 1 ? vlog(v) : vhalf_erfc(v);
        for (int j = 0; j < 8 && i + j < n; j++) out[i + j] = v[j];
    }
}

#if defined(__x86_64__)
#define WIDE __attribute__((target("avx2,fma")))
#define TWO_BUILDS 1
#else
#define TWO_BUILDS 0
#endif

/// One entry point, its body compiled for AVX2 + FMA and for the baseline.
#if TWO_BUILDS
#define DISPATCH(ret, name, params, args)                                    \
    WIDE static ret name##_wide params { return name##_body args; }           \
    static ret name##_base params { return name##_body args; }                \
    ret gmm_##name params { return wide() ? name##_wide args : name##_base args; }
static int wide(void) {
    static int state = -1;  // benign race: every thread computes the same value
    if (state < 0) state = gmm_cpu_has_avx2_fma();
    return state;
}
#else
#define DISPATCH(ret, name, params, args) \
    ret gmm_##name params { return name##_body args; }
#endif

DISPATCH(float, log_sum_exp, (int count, const float *x), (count, x))
DISPATCH(int, log_z, (int count, float lo, float hi, const float *means, const float *widths, float *log_z, int32_t *careful),
         (count, lo, hi, means, widths, log_z, careful))
DISPATCH(float, mixture_terms,
         (int count, const float *logits, const float *means, const float *widths, float u, const float *log_z,
          float *terms, float *lse),
         (count, logits, means, widths, u, log_z, terms, lse))
DISPATCH(void, mixture_gradient,
         (int count, const float *logits, const float *means, const float *widths, float u, float lo, float hi,
          const float *log_z, const float *terms, float log_p, float lse, float c, float *d_logits, float *d_means,
          float *d_widths),
         (count, logits, means, widths, u, lo, hi, log_z, terms, log_p, lse, c, d_logits, d_means, d_widths))
DISPATCH(void, mixture_widths, (int count, const float *raw, float scale, float base, float epsilon, float *widths),
         (count, raw, scale, base, epsilon, widths))

#if TWO_BUILDS
WIDE static void elementwise_wide(int function, int n, const float *x, float *out) { elementwise_body(function, n, x, out); }
#endif

void gmm_vector_elementwise(int function, int n, const float *x, float *out, int baseline) {
#if TWO_BUILDS
    if (!baseline && wide()) { elementwise_wide(function, n, x, out); return; }
#endif
    (void)baseline;
    elementwise_body(function, n, x, out);
}
