/* Function names of addresses (symbols.h): the executable's ELF symbol table, else dladdr. */
#define _GNU_SOURCE
#include "symbols.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"

#define MAX_EXECUTABLE_BYTES ((size_t)1 << 30)

static int main_program_bias(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    *(uint64_t *)data = info->dlpi_addr; /* the first object is the executable */
    return 1;
}

static int by_start(const void *a, const void *b)
{
    const struct hp_symbol *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Whether [offset, offset + length) lies inside a file of file_size bytes. */
static bool inside(uint64_t offset, uint64_t length, size_t file_size)
{
    return offset <= file_size && length <= file_size - offset;
}

/* The function symbols of one SHT_SYMTAB section into s (names copied). 0 or -1. */
static int read_symtab(const char *image, size_t size, const Elf64_Shdr *table,
                       const Elf64_Shdr *strings, uint64_t bias, struct hp_symbols *s)
{
    if (table->sh_entsize != sizeof(Elf64_Sym) || !inside(table->sh_offset, table->sh_size, size) ||
        !inside(strings->sh_offset, strings->sh_size, size) || strings->sh_size == 0)
        return -1;
    const Elf64_Sym *syms = (const Elf64_Sym *)(image + table->sh_offset);
    size_t count = table->sh_size / sizeof *syms;
    const char *names = image + strings->sh_offset;
    if (!(s->items = calloc(count ? count : 1, sizeof *s->items)) ||
        !(s->names = malloc(strings->sh_size)))
        return -1;
    memcpy(s->names, names, strings->sh_size);
    s->names[strings->sh_size - 1] = '\0';
    for (size_t i = 0; i < count; i++) {
        const Elf64_Sym *sym = &syms[i];
        if (ELF64_ST_TYPE(sym->st_info) != STT_FUNC || sym->st_value == 0 ||
            sym->st_shndx == SHN_UNDEF || sym->st_name >= strings->sh_size)
            continue;
        s->items[s->count++] = (struct hp_symbol){
            .start = sym->st_value + bias,
            .end = sym->st_value + bias + (sym->st_size ? sym->st_size : 1),
            .name = s->names + sym->st_name,
        };
    }
    qsort(s->items, s->count, sizeof *s->items, by_start);
    return 0;
}

int hp_symbols_load(struct hp_symbols *s, struct hp_error *err)
{
    memset(s, 0, sizeof *s);
    char *image;
    size_t size;
    if (hp_file_read("/proc/self/exe", MAX_EXECUTABLE_BYTES, &image, &size, err) != 0)
        return -1;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;
    int rc = -1;
    if (size >= sizeof *eh && memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
        eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_shentsize == sizeof(Elf64_Shdr) &&
        inside(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), size)) {
        const Elf64_Shdr *sections = (const Elf64_Shdr *)(image + eh->e_shoff);
        uint64_t bias = 0;
        dl_iterate_phdr(main_program_bias, &bias);
        for (size_t i = 0; i < eh->e_shnum && rc != 0; i++)
            if (sections[i].sh_type == SHT_SYMTAB && sections[i].sh_link < eh->e_shnum)
                rc =
                    read_symtab(image, size, &sections[i], &sections[sections[i].sh_link], bias, s);
    }
    free(image);
    if (rc != 0) {
        hp_symbols_free(s);
        return hp_error_set(err, "/proc/self/exe: no ELF symbol table (a stripped executable?): "
                                 "sampled stacks cannot be named");
    }
    return 0;
}

/* The executable's function containing addr, or NULL. */
static const struct hp_symbol *find(const struct hp_symbols *s, uint64_t addr)
{
    size_t low = 0, high = s->count;
    while (high - low > 1) {
        size_t mid = low + (high - low) / 2;
        if (s->items[mid].start <= addr)
            low = mid;
        else
            high = mid;
    }
    if (s->count && s->items[low].start <= addr && addr < s->items[low].end)
        return &s->items[low];
    return NULL;
}

bool hp_symbols_in_executable(const struct hp_symbols *s, uint64_t addr)
{
    return find(s, addr) != NULL;
}

uint64_t hp_symbols_function_start(const struct hp_symbols *s, uint64_t addr)
{
    const struct hp_symbol *f = find(s, addr);
    if (f)
        return f->start;
    Dl_info info;
    if (dladdr((void *)(uintptr_t)addr, &info) && info.dli_sname && info.dli_saddr)
        return (uint64_t)(uintptr_t)info.dli_saddr;
    return 0;
}

void hp_symbols_name(const struct hp_symbols *s, uint64_t addr, char *out, size_t size)
{
    const struct hp_symbol *f = find(s, addr);
    if (f) {
        snprintf(out, size, "%s", f->name);
        return;
    }
    Dl_info info;
    bool found = dladdr((void *)(uintptr_t)addr, &info) != 0;
    if (found && info.dli_sname) {
        snprintf(out, size, "%s", info.dli_sname);
    } else if (found && info.dli_fname) {
        const char *base = strrchr(info.dli_fname, '/');
        snprintf(out, size, "[%s]", base ? base + 1 : info.dli_fname);
    } else {
        snprintf(out, size, "[unknown]");
    }
}

void hp_symbols_free(struct hp_symbols *s)
{
    free(s->items);
    free(s->names);
    memset(s, 0, sizeof *s);
}
