/* Cold caches (cold.h). */
#define _GNU_SOURCE
#include "cold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HOTPATH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* "32768K", "32M", "1048576": bytes, or 0. */
static uint64_t parse_size(const char *text)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text)
        return 0;
    switch (*end) {
    case 'K':
    case 'k':
        return (uint64_t)v << 10;
    case 'M':
    case 'm':
        return (uint64_t)v << 20;
    case 'G':
    case 'g':
        return (uint64_t)v << 30;
    default:
        return v;
    }
}

/* The highest data or unified level under SYS/devices/system/cpu/cpu0/cache/. */
static uint64_t llc_from_sys(const struct hp_system_paths *p, char *source, size_t size)
{
    int best_level = 0;
    uint64_t best = 0;
    for (int index = 0; index < 16; index++) {
        char sub[128], text[64];
        snprintf(sub, sizeof sub, "devices/system/cpu/cpu0/cache/index%d/type", index);
        if (hp_system_read(p->sys, sub, text, sizeof text) != 0)
            continue;
        if (strcmp(text, "Instruction") == 0)
            continue;
        snprintf(sub, sizeof sub, "devices/system/cpu/cpu0/cache/index%d/level", index);
        int level = hp_system_read(p->sys, sub, text, sizeof text) == 0 ? atoi(text) : 0;
        snprintf(sub, sizeof sub, "devices/system/cpu/cpu0/cache/index%d/size", index);
        uint64_t bytes = hp_system_read(p->sys, sub, text, sizeof text) == 0 ? parse_size(text) : 0;
        if (level > best_level && bytes > 0) {
            best_level = level;
            best = bytes;
            snprintf(source, size, "%s/%s (level %d)", p->sys, sub, level);
        }
    }
    return best;
}

int hp_llc_detect(const struct hp_system_paths *p, uint64_t override, uint64_t *bytes, char *source,
                  size_t size)
{
    if (override > 0) {
        *bytes = override;
        snprintf(source, size, "--llc-size");
        return 0;
    }
    if ((*bytes = llc_from_sys(p, source, size)) > 0)
        return 0;
    long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (l3 > 0) {
        *bytes = (uint64_t)l3;
        snprintf(source, size,
                 "cpuid (sysconf _SC_LEVEL3_CACHE_SIZE; no cache directory under "
                 "%s: a VM may report its host's whole L3)",
                 p->sys);
        return 0;
    }
    snprintf(source, size, "not found");
    return -1;
}

uint64_t hp_heap_allocated(void)
{
#ifdef HOTPATH_JEMALLOC
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    mallctl("epoch", &epoch, &len, &epoch, len); /* refresh the statistics */
    size_t allocated = 0;
    len = sizeof allocated;
    if (mallctl("stats.allocated", &allocated, &len, NULL, 0) == 0)
        return allocated;
#endif
    return 0;
}

size_t hp_cold_instance_count(uint64_t llc_bytes, uint64_t instance_bytes)
{
    uint64_t target = HP_COLD_LLC_MULTIPLE * llc_bytes;
    if (target > HP_COLD_MAX_BYTES)
        target = HP_COLD_MAX_BYTES;
    uint64_t k = instance_bytes > 0 ? (target + instance_bytes - 1) / instance_bytes : 0;
    if (instance_bytes > 0 && k * instance_bytes > HP_COLD_MAX_BYTES)
        k = HP_COLD_MAX_BYTES / instance_bytes;
    if (k < HP_COLD_MIN_INSTANCES)
        k = HP_COLD_MIN_INSTANCES;
    if (k > HP_COLD_MAX_INSTANCES)
        k = HP_COLD_MAX_INSTANCES;
    return (size_t)k;
}
