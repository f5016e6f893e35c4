/* Deterministic pseudo-random numbers shared by every workload, generator and test, so that a
 * seed written into a results file reproduces the same request stream anywhere.
 * splitmix64 seeds xoshiro256** (Blackman & Vigna); both are public-domain algorithms. */
#ifndef HOTPATH_RNG_H
#define HOTPATH_RNG_H

#include <stdint.h>

struct hp_rng {
    uint64_t s[4];
};

static inline uint64_t hp_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void hp_rng_seed(struct hp_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->s[i] = hp_splitmix64(&seed);
}

static inline uint64_t hp_rng_next(struct hp_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t r = s[1] * 5;
    r = ((r << 7) | (r >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return r;
}

/* Uniform in [0, bound) without modulo bias worth measuring (Lemire's multiply-shift). */
static inline uint64_t hp_rng_below(struct hp_rng *rng, uint64_t bound)
{
    return (uint64_t)(((unsigned __int128)hp_rng_next(rng) * bound) >> 64);
}

/* Uniform double in [0, 1). */
static inline double hp_rng_unit(struct hp_rng *rng)
{
    return (double)(hp_rng_next(rng) >> 11) * 0x1.0p-53;
}

#endif
