/* Sampling with perf_event_open (sampler.h). The ring buffer protocol is perf_event_open(2)'s:
 * the kernel writes records at data_head (read with acquire), the reader frees them by moving
 * data_tail (written with release), records may wrap around the end of the data area. */
#define _GNU_SOURCE
#include "sampler.h"

#include <errno.h>
#include <linux/perf_event.h>
#if defined(__x86_64__)
#include <asm/perf_regs.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "symbols.h"

/* 32 data pages (128 KB) per thread: four threads stay within the 516 KB an unprivileged user
 * may lock for perf rings by default (kernel.perf_event_mlock_kb); drained after every sample. */
enum { RING_DATA_PAGES = 32, MAX_CHAIN = 256 };

static int open_event(const struct hp_sampler_event *event)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = event->type;
    attr.config = event->config;
    attr.sample_period = event->period;
    attr.sample_type = PERF_SAMPLE_CALLCHAIN; /* its first user entry is the sampled ip */
#if defined(__x86_64__)
    /* The two words at the stack pointer: the return address of a leaf without a frame */
    attr.sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
    attr.sample_regs_user = 1ull << PERF_REG_X86_SP;
    attr.sample_stack_user = 16;
#endif
    attr.disabled = 1;
    attr.exclude_kernel = 1; /* user space only: what perf_event_paranoid 2 allows */
    attr.exclude_hv = 1;
    attr.exclude_callchain_kernel = 1;
    return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static void refusal(int e, const char *event, char *why, size_t size)
{
    char paranoid[32] = "?";
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    if (f) {
        if (!fgets(paranoid, sizeof paranoid, f))
            snprintf(paranoid, sizeof paranoid, "?");
        paranoid[strcspn(paranoid, "\n")] = '\0';
        fclose(f);
    }
    if (e == EACCES || e == EPERM)
        snprintf(why, size,
                 "perf_event_open refused to sample this process (%s: %s; "
                 "kernel.perf_event_paranoid is %s, and sampling one's own user space needs it at "
                 "2 or below, or CAP_PERFMON)",
                 event, strerror(e), paranoid);
    else
        snprintf(why, size, "perf_event_open cannot sample %s here: %s", event, strerror(e));
}

bool hp_sampler_probe(struct hp_sampler_event *event, char *why, size_t why_size)
{
    static const struct hp_sampler_event choices[] = {
        {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 250000},
        {"cpu-clock ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, 100000},
    };
    const char *refuse = getenv("HOTPATH_TEST_REFUSE_SAMPLING");
    if (refuse && strcmp(refuse, "1") == 0) {
        refusal(EACCES, "cpu-clock", why, why_size);
        return false;
    }
    int e = 0;
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        int fd = open_event(&choices[i]);
        if (fd >= 0) {
            close(fd);
            *event = choices[i];
            return true;
        }
        e = errno;
        if (e == EACCES || e == EPERM)
            break; /* the software event would be refused alike */
    }
    refusal(e, e == EACCES || e == EPERM ? "cycles" : "cpu-clock", why, why_size);
    return false;
}

int hp_sampler_open(struct hp_sampler *s, const struct hp_sampler_event *event)
{
    s->ring = NULL;
    s->fd = open_event(event);
    if (s->fd < 0)
        return -1;
    long page = sysconf(_SC_PAGESIZE);
    s->ring_bytes = (size_t)page * (1 + RING_DATA_PAGES);
    s->ring = mmap(NULL, s->ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
    if (s->ring == MAP_FAILED) {
        s->ring = NULL;
        hp_sampler_close(s);
        return -1;
    }
    return 0;
}

void hp_sampler_start(struct hp_sampler *s)
{
    if (s->fd >= 0)
        ioctl(s->fd, PERF_EVENT_IOC_ENABLE, 0);
}

void hp_sampler_stop(struct hp_sampler *s)
{
    if (s->fd >= 0)
        ioctl(s->fd, PERF_EVENT_IOC_DISABLE, 0);
}

static int append(struct hp_sample_chains *out, const uint64_t *values, size_t count)
{
    if (out->used + count > out->capacity) {
        size_t next = out->capacity ? out->capacity * 2 : 4096;
        while (next < out->used + count)
            next *= 2;
        uint64_t *more = realloc(out->data, next * sizeof *more);
        if (!more)
            return -1;
        out->data = more;
        out->capacity = next;
    }
    memcpy(out->data + out->used, values, count * sizeof *values);
    out->used += count;
    return 0;
}

/* Copies length bytes at ring offset `at` (wrapping) into dst. */
static void ring_copy(const unsigned char *data, uint64_t data_size, uint64_t at, void *dst,
                      size_t length)
{
    for (size_t i = 0; i < length; i++)
        ((unsigned char *)dst)[i] = data[(at + i) % data_size];
}

/* One PERF_RECORD_SAMPLE: its chain, context markers left out, and the two words at the stack
 * pointer (0 when not sampled), appended as [n, word0, word1, ips...]. */
static int take_chain(const unsigned char *data, uint64_t size, uint64_t at,
                      struct hp_sample_chains *out)
{
    uint64_t nr, ip, chain[3 + MAX_CHAIN] = {0};
    size_t n = 0;
    ring_copy(data, size, at, &nr, sizeof nr);
    for (uint64_t i = 0; i < nr; i++) {
        ring_copy(data, size, at + 8 * (1 + i), &ip, sizeof ip);
        if (ip < PERF_CONTEXT_MAX && n < MAX_CHAIN)
            chain[3 + n++] = ip;
    }
#if defined(__x86_64__)
    uint64_t abi, stack_size, words[2] = {0}, dynamic = 0;
    at += 8 * (1 + nr);
    ring_copy(data, size, at, &abi, sizeof abi);
    at += 8 * (abi != PERF_SAMPLE_REGS_ABI_NONE ? 2 : 1); /* abi, then sp when there is one */
    ring_copy(data, size, at, &stack_size, sizeof stack_size);
    if (stack_size >= sizeof words) {
        ring_copy(data, size, at + 8, words, sizeof words);
        ring_copy(data, size, at + 8 + stack_size, &dynamic, sizeof dynamic);
    }
    chain[1] = dynamic >= 8 ? words[0] : 0;
    chain[2] = dynamic >= 16 ? words[1] : 0;
#endif
    if (n == 0)
        return 0;
    chain[0] = n;
    out->samples++;
    return append(out, chain, 3 + n);
}

int hp_sampler_drain(struct hp_sampler *s, struct hp_sample_chains *out)
{
    if (!s->ring) {
        out->unsampled = true;
        return 0;
    }
    struct perf_event_mmap_page *meta = s->ring;
    unsigned char *data = (unsigned char *)s->ring + meta->data_offset;
    uint64_t size = meta->data_size;
    uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
    uint64_t tail = meta->data_tail;
    int rc = 0;
    while (tail < head && rc == 0) {
        struct perf_event_header h;
        ring_copy(data, size, tail, &h, sizeof h);
        if (h.size < sizeof h)
            break; /* never written so: stop rather than loop */
        if (h.type == PERF_RECORD_SAMPLE) {
            rc = take_chain(data, size, tail + sizeof h, out);
        } else if (h.type == PERF_RECORD_LOST) {
            uint64_t lost;
            ring_copy(data, size, tail + sizeof h + 8, &lost, sizeof lost);
            out->lost += lost;
        } else if (h.type == PERF_RECORD_THROTTLE) {
            out->throttled++;
        }
        tail += h.size;
    }
    __atomic_store_n(&meta->data_tail, head, __ATOMIC_RELEASE);
    return rc;
}

void hp_sampler_close(struct hp_sampler *s)
{
    if (s->ring)
        munmap(s->ring, s->ring_bytes);
    if (s->fd >= 0)
        close(s->fd);
    s->ring = NULL;
    s->fd = -1;
}

void hp_sample_chains_free(struct hp_sample_chains *c)
{
    free(c->data);
    memset(c, 0, sizeof *c);
}

/* ---- chains to a profile ---- */

/* Whether the code before addr is a call (e8 rel32; ff /2 with a register, disp8, disp32 or
 * rip-relative operand), read from this process's own executable text. */
static bool after_call(const struct hp_symbols *symbols, uint64_t addr)
{
    if (!hp_symbols_in_executable(symbols, addr - 6) || !hp_symbols_in_executable(symbols, addr))
        return false;
    const unsigned char *code = (const unsigned char *)(uintptr_t)addr;
    unsigned char modrm2 = code[-1], modrm3 = code[-2], modrm6 = code[-5];
    return code[-5] == 0xe8 || (code[-2] == 0xff && (modrm2 & 0xf8) == 0xd0) ||
           (code[-3] == 0xff && (modrm3 & 0xf8) == 0x50) ||
           (code[-6] == 0xff && ((modrm6 & 0xf8) == 0x90 || modrm6 == 0x15));
}

/* The caller a frame-pointer walk skips: the kernel's walk reads the caller of the frame rbp
 * points to, which is the leaf's caller's frame when the leaf has not set up its own (GCC 12
 * gives no frame to a leaf that needs no stack, whatever the flags; every function has none in
 * its first instruction). Then the return address is the word at the stack pointer (or the next
 * one, right after "push %rbp"). 0 when the leaf has its frame or the word is no return address. */
static uint64_t skipped_caller(const struct hp_symbols *symbols, const uint64_t *words,
                               uint64_t leaf, uint64_t next)
{
    uint64_t start = hp_symbols_function_start(symbols, leaf);
    if (start == 0 || words[0] == 0)
        return 0;
    const unsigned char *code = (const unsigned char *)(uintptr_t)start;
    bool framed = code[0] == 0x55 && code[1] == 0x48 && code[2] == 0x89 && code[3] == 0xe5;
    uint64_t candidate = !framed || leaf == start ? words[0] : leaf == start + 1 ? words[1] : 0;
    if (candidate == 0 || candidate == next || !after_call(symbols, candidate))
        return 0;
    return candidate;
}

/* "ROOT;...;leaf" of one record [n, word0, word1, ips...] (leaf first), cut at the root. */
static void fold_chain(const struct hp_symbols *symbols, const uint64_t *record, char *out,
                       size_t size)
{
    static char names[MAX_CHAIN + 1][128];
    uint64_t ips[MAX_CHAIN + 1];
    size_t n = record[0];
    memcpy(ips, record + 3, n * sizeof *ips);
    uint64_t skipped = skipped_caller(symbols, record + 1, ips[0], n > 1 ? ips[1] : 0);
    if (skipped) {
        memmove(ips + 2, ips + 1, (n - 1) * sizeof *ips);
        ips[1] = skipped;
        n++;
    }
    size_t root = n;
    for (size_t i = 0; i < n; i++) {
        /* a return address names the call before it: step back into the call instruction */
        hp_symbols_name(symbols, i ? ips[i] - 1 : ips[i], names[i], sizeof names[i]);
        for (char *c = names[i]; *c; c++)
            *c = *c == ';' ? ':' : *c;
        if (root == n && strcmp(names[i], HP_PROFILE_ROOT_FRAME) == 0)
            root = i;
    }
    if (root == n) {
        snprintf(out, size, "%s;[stack not walked];%s", HP_PROFILE_ROOT_FRAME, names[0]);
        return;
    }
    size_t used = (size_t)snprintf(out, size, "%s", HP_PROFILE_ROOT_FRAME);
    for (size_t i = root; i-- > 0 && used < size;)
        used += (size_t)snprintf(out + used, size - used, ";%s", names[i]);
}

int hp_sampler_profile(const char *case_name, const struct hp_sample_chains *chains, size_t threads,
                       double ops, const struct hp_sampler_event *event, struct hp_profile *p,
                       struct hp_error *err)
{
    memset(p, 0, sizeof *p);
    snprintf(p->case_name, sizeof p->case_name, "%s", case_name);
    snprintf(p->source, sizeof p->source, "sampling");
    snprintf(p->events[0], sizeof p->events[0], "%s", event->name);
    p->event_count = 1;
    p->ops = ops;
    struct hp_symbols symbols;
    if (hp_symbols_load(&symbols, err) != 0)
        return -1;
    static char frames[(MAX_CHAIN + 1) * 130];
    double weight[HP_PROFILE_MAX_EVENTS] = {(double)event->period / ops};
    int rc = 0;
    for (size_t t = 0; t < threads && rc == 0; t++)
        for (size_t at = 0; at < chains[t].used && rc == 0; at += 3 + chains[t].data[at]) {
            fold_chain(&symbols, chains[t].data + at, frames, sizeof frames);
            rc = hp_profile_add_stack(p, frames, weight);
            p->samples++;
            p->total[0] += weight[0];
        }
    hp_symbols_free(&symbols);
    if (rc == 0)
        rc = hp_profile_finish(p);
    if (rc != 0) {
        hp_profile_free(p);
        return hp_error_set(err, "%s: out of memory", case_name);
    }
    return 0;
}
