// C shims between Swift and GNU GSL.
//
// Swift 6 rejects GSL's global generator-type variables (gsl_rng_mt19937, ...) as not
// concurrency-safe, so they are returned from static inline functions here.
//
// This header also defines latsim's own GSL generator type, "latsim-xoshiro256**": the
// xoshiro256** generator of Blackman and Vigna (2018), period 2^256 - 1, seeded from a full
// 64-bit key through SplitMix64. GSL's stock generators seed from 32 bits on many
// platforms (and mt19937 masks its seed to 32 bits), so hundreds of thousands of streams
// would collide; keying with 64 bits makes a collision among n streams have probability
// about n^2 / 2^65. Every GSL sampler (gsl_ran_*) runs unchanged on top of it.
#ifndef LATSIM_CGSL_SHIM_H
#define LATSIM_CGSL_SHIM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_math.h>

// ---- Stock generator types ------------------------------------------------------------
static inline const gsl_rng_type *latsim_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *latsim_gsl_rng_default(void) { return gsl_rng_default; }

// ---- latsim-xoshiro256** ----------------------------------------------------------------
typedef struct { uint64_t s[4]; } latsim_xoshiro_state;

static inline uint64_t latsim_splitmix64_next(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline uint64_t latsim_rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t latsim_xoshiro_next(latsim_xoshiro_state *st) {
    uint64_t *s = st->s;
    const uint64_t result = latsim_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = latsim_rotl(s[3], 45);
    return result;
}

static void latsim_xoshiro_set(void *vstate, unsigned long int seed) {
    latsim_xoshiro_state *st = (latsim_xoshiro_state *)vstate;
    uint64_t x = (uint64_t)seed;
    for (int i = 0; i < 4; i++) st->s[i] = latsim_splitmix64_next(&x);
    // SplitMix64 output is a bijection of its counter: four consecutive outputs are never all zero.
}

static unsigned long int latsim_xoshiro_get(void *vstate) {
    return (unsigned long int)latsim_xoshiro_next((latsim_xoshiro_state *)vstate);
}

static double latsim_xoshiro_get_double(void *vstate) {
    // 53 high bits -> [0, 1) with spacing 2^-53.
    return (double)(latsim_xoshiro_next((latsim_xoshiro_state *)vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type latsim_xoshiro_type = {
    "latsim-xoshiro256**",
    (unsigned long int)UINT64_MAX, // max (unsigned long is 64 bits on every supported platform)
    0,                             // min
    sizeof(latsim_xoshiro_state),
    &latsim_xoshiro_set,
    &latsim_xoshiro_get,
    &latsim_xoshiro_get_double
};

static inline const gsl_rng_type *latsim_gsl_rng_xoshiro(void) { return &latsim_xoshiro_type; }

/// Allocates a latsim-xoshiro256** generator keyed by a full 64-bit key.
static inline gsl_rng *latsim_rng_alloc(uint64_t key) {
    gsl_rng *r = gsl_rng_alloc(&latsim_xoshiro_type);
    if (r) gsl_rng_set(r, (unsigned long int)key);
    return r;
}

/// Initialises a latsim-xoshiro256** generator in place, in a 64-byte block: the gsl_rng
/// header first, its state right after it, so a draw touches one cache line (no allocation;
/// the block's owner frees it, never gsl_rng_free).
static inline gsl_rng *latsim_rng_init_in_place(void *block, uint64_t key) {
    gsl_rng *r = (gsl_rng *)block;
    r->type = &latsim_xoshiro_type;
    r->state = (char *)block + sizeof(gsl_rng);
    latsim_xoshiro_set(r->state, (unsigned long int)key);
    return r;
}

_Static_assert(sizeof(gsl_rng) + sizeof(latsim_xoshiro_state) <= 64, "a generator and its state fit in 64 bytes");

/// The raw 64-bit output of a latsim generator (no function-pointer call).
static inline uint64_t latsim_rng_next_u64(gsl_rng *r) {
    return latsim_xoshiro_next((latsim_xoshiro_state *)r->state);
}

// ---- latsim's GSL error handler -------------------------------------------------------
// GSL's default handler aborts the process. latsim installs this one at process start (and
// before any GSL call of LatSimCore): it records the first error on the calling thread, and
// Swift (GSLError.capture in LatSimCore) turns it into a typed error naming the parameter.
// GSL passes string literals for `reason` and `file`, so keeping the pointers is safe.
// Only LatSimCore calls these functions (each Swift module gets its own copy of statics).
typedef struct {
    int gsl_errno;        // 0: no error recorded
    const char *reason;
    const char *file;
    int line;
} latsim_gsl_error_record;

static _Thread_local latsim_gsl_error_record latsim_gsl_last_error = { 0, 0, 0, 0 };

static void latsim_gsl_error_handler(const char *reason, const char *file, int line, int gsl_errno) {
    if (latsim_gsl_last_error.gsl_errno == 0) {
        latsim_gsl_last_error.gsl_errno = gsl_errno == 0 ? GSL_FAILURE : gsl_errno;
        latsim_gsl_last_error.reason = reason;
        latsim_gsl_last_error.file = file;
        latsim_gsl_last_error.line = line;
    }
}

/// Installs latsim's recording handler in place of GSL's aborting one.
static inline void latsim_gsl_install_error_handler(void) { gsl_set_error_handler(&latsim_gsl_error_handler); }

/// Returns and clears this thread's recorded GSL error (gsl_errno 0 when there was none).
static inline latsim_gsl_error_record latsim_gsl_take_error(void) {
    latsim_gsl_error_record record = latsim_gsl_last_error;
    latsim_gsl_last_error.gsl_errno = 0;
    latsim_gsl_last_error.reason = 0;
    latsim_gsl_last_error.file = 0;
    latsim_gsl_last_error.line = 0;
    return record;
}

/// The text of a GSL error number ("overflow", "underflow", ...).
static inline const char *latsim_gsl_strerror(int gsl_errno) { return gsl_strerror(gsl_errno); }

/// Hints the CPU to fetch the cache line at `address` (for read); a no-op where unsupported.
static inline void latsim_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#endif
}

// ---- Reference: a plain C binary heap for the hold model, for side-by-side benchmarks ----
typedef struct { double time; uint64_t seq; } latsim_cref_entry;

static inline int latsim_cref_less(latsim_cref_entry a, latsim_cref_entry b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

/// Runs the classic hold model with a plain binary heap and the given GSL generator:
/// `pending` events, then `events` pops each scheduling one at now + Exp(mean).
/// Returns a checksum (sum of event times) so the work cannot be optimised away.
static inline double latsim_cref_hold(const gsl_rng_type *type, unsigned long seed,
                                      long pending, long events, double mean) {
    gsl_rng *r = gsl_rng_alloc(type);
    gsl_rng_set(r, seed);
    latsim_cref_entry *h = (latsim_cref_entry *)malloc(sizeof(latsim_cref_entry) * (size_t)(pending + 1));
    long n = 0; uint64_t seq = 0; double now = 0.0, checksum = 0.0;
    for (long i = 0; i < pending; i++) {
        latsim_cref_entry e = { gsl_ran_exponential(r, mean), seq++ };
        long k = n++;
        while (k > 0) { long p = (k - 1) / 2; if (!latsim_cref_less(e, h[p])) break; h[k] = h[p]; k = p; }
        h[k] = e;
    }
    for (long i = 0; i < events; i++) {
        latsim_cref_entry top = h[0];
        latsim_cref_entry last = h[--n];
        long k = 0;
        for (;;) {
            long c = 2 * k + 1;
            if (c >= n) break;
            if (c + 1 < n && latsim_cref_less(h[c + 1], h[c])) c++;
            if (!latsim_cref_less(h[c], last)) break;
            h[k] = h[c]; k = c;
        }
        if (n > 0) h[k] = last;
        now = top.time; checksum += now;
        latsim_cref_entry e = { now + gsl_ran_exponential(r, mean), seq++ };
        k = n++;
        while (k > 0) { long p = (k - 1) / 2; if (!latsim_cref_less(e, h[p])) break; h[k] = h[p]; k = p; }
        h[k] = e;
    }
    free(h);
    gsl_rng_free(r);
    return checksum;
}

#endif
