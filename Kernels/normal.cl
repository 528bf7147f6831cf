// Normal-distribution helpers shared by the mixture likelihood and the sampler.
// CPU twin: Sources/GMMCompute/Math/NormalMath.swift (kept line for line alike).

#define GMM_LOG_SQRT_2PI 0.9189385332046727f
#define GMM_INV_SQRT2 0.7071067811865475f
#define GMM_NEGLIGIBLE_TAIL 9.0f

// log Q(z) = log P(Z > z): erfc up to z = 5, then Laplace's continued fraction (12 terms).
inline float gmm_log_upper_tail(float z) {
    if (z < 5.0f) return log(0.5f * erfc(z * GMM_INV_SQRT2));
    float fraction = z;
    for (int k = 12; k >= 1; --k) fraction = z + (float)k / fraction;
    return -0.5f * z * z - GMM_LOG_SQRT_2PI - log(fraction);
}

// log(Phi(b) - Phi(a)) for a < b, without cancellation in either tail.
inline float gmm_log_interval_probability(float a, float b) {
    if (a >= 0.0f) {
        float la = gmm_log_upper_tail(a), lb = gmm_log_upper_tail(b);
        return la + log(-expm1(lb - la));
    }
    if (b <= 0.0f) {
        float la = gmm_log_upper_tail(-b), lb = gmm_log_upper_tail(-a);
        return la + log(-expm1(lb - la));
    }
    // Beyond 9 sigma a tail holds < 1.2e-19: below float resolution next to 1, so skip its erfc.
    float lower = a < -GMM_NEGLIGIBLE_TAIL ? 0.0f : 0.5f * erfc(-a * GMM_INV_SQRT2);
    float upper = b > GMM_NEGLIGIBLE_TAIL ? 0.0f : 0.5f * erfc(b * GMM_INV_SQRT2);
    // Small tails: log(1 - t) = -t - t^2/2 - ..., the rest below float resolution for t < 1e-4.
    float tails = lower + upper;
    return tails < 1e-4f ? -tails * (1.0f + 0.5f * tails) : log1p(-tails);
}

// phi(z)/Z for the truncation gradient (0 at z = +-inf), in log space: far outside [lo, hi]
// phi(z) and Z are both tiny but their ratio is not.
inline float gmm_density_ratio(float z, float log_z) {
    return isfinite(z) ? exp(-0.5f * z * z - GMM_LOG_SQRT_2PI - log_z) : 0.0f;
}

inline float gmm_tail_numerator(float t) {
    return ((((-7.784894002430293e-3f * t - 3.223964580411365e-1f) * t - 2.400758277161838f) * t
             - 2.549732539343734f) * t + 4.374664141464968f) * t + 2.938163982698783f;
}

inline float gmm_tail_denominator(float t) {
    return (((7.784695709041462e-3f * t + 3.224671290700398e-1f) * t + 2.445134137142996f) * t
            + 3.754408661907416f) * t + 1.0f;
}

// Phi^{-1}(p), Acklam's rational approximation.
inline float gmm_inverse_cdf(float p) {
    if (p <= 0.0f) return -INFINITY;
    if (p >= 1.0f) return INFINITY;
    const float p_low = 0.02425f;
    if (p < p_low) {
        float t = sqrt(-2.0f * log(p));
        return gmm_tail_numerator(t) / gmm_tail_denominator(t);
    }
    if (p > 1.0f - p_low) {
        float t = sqrt(-2.0f * log1p(-p));
        return -gmm_tail_numerator(t) / gmm_tail_denominator(t);
    }
    float r = p - 0.5f, s = r * r;
    float num = (((((-3.969683028665376e1f * s + 2.209460984245205e2f) * s - 2.759285104469687e2f) * s
                   + 1.383577518672690e2f) * s - 3.066479806614716e1f) * s + 2.506628277459239f) * r;
    float den = ((((-5.447609879822406e1f * s + 1.615858368580409e2f) * s - 1.556989798598866e2f) * s
                  + 6.680131188771972e1f) * s - 1.328068155288572e1f) * s + 1.0f;
    return num / den;
}

// Inverse CDF of the standard normal truncated to [a, b], 0 <= a < b.
inline float gmm_upper_truncated_inverse(float a, float b, float u) {
    if (a > 8.0f) {
        // Far in the tail: solve log Q(z) = log target by Newton's method from the exponential quantile.
        float la = gmm_log_upper_tail(a);
        float lb = isfinite(b) ? gmm_log_upper_tail(b) : -INFINITY;
        float target = la + log1p(-u * (-expm1(lb - la)));
        float z = a - log1p(-u * (-expm1(-a * (b - a)))) / a;
        for (int k = 0; k < 3; ++k) {
            float lq = gmm_log_upper_tail(z);
            float hazard = exp(-0.5f * z * z - GMM_LOG_SQRT_2PI - lq);
            z += (lq - target) / hazard;
        }
        return fmin(fmax(z, a), b);
    }
    float qa = 0.5f * erfc(a * GMM_INV_SQRT2);
    float qb = 0.5f * erfc(b * GMM_INV_SQRT2);
    float z = -gmm_inverse_cdf(qa - u * (qa - qb));
    return fmin(fmax(z, a), b);
}

// Inverse CDF of the standard normal truncated to [a, b] at u in (0, 1).
inline float gmm_truncated_inverse(float a, float b, float u) {
    if (a >= 0.0f) return gmm_upper_truncated_inverse(a, b, u);
    if (b <= 0.0f) return -gmm_upper_truncated_inverse(-b, -a, 1.0f - u);
    // a < 0 < b: invert from whichever end is nearer, so p near 1 keeps its precision.
    float below = 0.5f * erfc(-a * GMM_INV_SQRT2);
    float above = 0.5f * erfc(b * GMM_INV_SQRT2);
    float mass = (1.0f - below) - above;
    float p = below + u * mass;
    float z = p <= 0.5f ? gmm_inverse_cdf(p) : -gmm_inverse_cdf(above + (1.0f - u) * mass);
    return fmin(fmax(z, a), b);
}
