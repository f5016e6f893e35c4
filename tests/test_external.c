/* External cases (docs/external-cases.md) as `hotpath run --external` meets them: fake adapters
 * (small sh scripts) that speak the line protocol, print Go benchmark lines or Google Benchmark
 * JSON become cases with the samples they gave; adapters that fail, print nothing, print garbage
 * or hang give one message on stderr, the run goes on without them, and results.json says what
 * became of them. Also: the expected-responses file a request peer is given, and refusals of bad
 * .external files. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "external_file.h"
#include "results_write.h"

struct outcome {
    int status;
    char err[16384];
    char dir[64];
};

static void write_file(const char *dir, const char *name, const char *text, bool executable)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    if (executable)
        chmod(path, 0755);
}

/* A line-protocol adapter: one case standing beside `workload`; `on_sample` is the sh code run
 * for `sample ID N` ($3 is N). */
static void write_adapter(const char *dir, const char *workload, const char *needs,
                          const char *on_sample)
{
    char script[4096];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "while IFS= read -r line; do\n"
             "  set -- $line\n"
             "  case \"$1\" in\n"
             "  hello) echo 'ok protocol=1 adapter=fake' ;;\n"
             "  list) echo 'case fake/one peer=fake threads=serial workload=%s%s'; echo 'ok "
             "count=1' ;;\n"
             "  case) echo \"$line\" >>cases.log; echo 'ok verified=1' ;;\n"
             "  sample) echo \"$line\" >>samples.log; %s ;;\n"
             "  done) echo ok ;;\n"
             "  quit) echo ok; exit 0 ;;\n"
             "  *) echo 'error unknown request' ;;\n"
             "  esac\n"
             "done\n",
             workload, needs, on_sample);
    write_file(dir, "adapter.sh", script, true);
    write_file(dir, "fake.external", "[fake]\nprotocol = line\ncommand = {dir}/adapter.sh\n",
               false);
}

/* Runs hotpath in dir (its results in dir/out), with extra environment `env`. */
static void run_in(struct outcome *o, const char *env, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd %s && %s %s run --workload null --samples 3 --target-time 1ms --quiet --out out "
             "--external fake.external %s >stdout 2>stderr </dev/null",
             o->dir, env, HOTPATH_BINARY, args);
    int raw = system(cmd);
    o->status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    char path[128];
    snprintf(path, sizeof path, "%s/stderr", o->dir);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(o->err, 1, sizeof o->err - 1, f) : 0;
    o->err[n] = '\0';
    if (f)
        fclose(f);
}

static void make_dir(struct outcome *o)
{
    snprintf(o->dir, sizeof o->dir, "/tmp/hotpath-external-XXXXXX");
    cr_assert_not_null(mkdtemp(o->dir));
}

static void remove_dir(const struct outcome *o)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", o->dir);
    cr_expect_eq(system(cmd), 0);
}

static json_t *results(const struct outcome *o)
{
    char path[128];
    snprintf(path, sizeof path, "%s/out/results.json", o->dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s: %s (stderr: %s)", path, jerr.text, o->err);
    return root;
}

static json_t *find_case(json_t *root, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0)
            return c;
    }
    return NULL;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static const char answer_1000ns[] =
    "echo \"ok ns_per_op=1000 cpu_ns_per_op=900 allocs_per_op=2 bytes_per_op=64 ops=$3 "
    "wall_ns=$(($3 * 1000))\"";

Test(external, line_protocol_adapter_becomes_a_case_with_its_samples)
{
    struct outcome o;
    make_dir(&o);
    write_adapter(o.dir, "null", "", answer_1000ns);
    run_in(&o, "", "");
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    cr_expect_str_empty(o.err);
    json_t *root = results(&o);
    cr_expect_eq(json_integer_value(json_object_get(root, "version")), HP_RESULTS_VERSION);
    json_t *c = find_case(root, "null/peer=fake");
    cr_assert_not_null(c, "no external case in the results");
    cr_assert_not_null(find_case(root, "null/threads=1"), "the C case is gone");
    json_t *ns = json_object_get(c, "ns_per_op");
    cr_assert_eq(json_array_size(ns), 3);
    for (size_t i = 0; i < 3; i++)
        cr_expect_float_eq(json_real_value(json_array_get(ns, i)), 1000, 1e-9);
    json_t *alloc = json_object_get(c, "allocations");
    cr_expect_float_eq(json_real_value(json_object_get(alloc, "allocs_per_op")), 2, 1e-9);
    cr_expect_float_eq(json_real_value(json_object_get(alloc, "bytes_per_op")), 64, 1e-9);
    json_t *cpu = json_object_get(c, "cpu_ns_per_op");
    cr_expect_float_eq(json_real_value(json_array_get(cpu, 0)), 900, 1e-9);
    json_t *x = json_object_get(c, "external");
    cr_expect_str_eq(json_string_value(json_object_get(x, "peer")), "fake");
    cr_expect_str_eq(json_string_value(json_object_get(x, "source")), "fake");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(x, "facts"), "verified")),
                     "1");
    /* Calibration grew n until a sample lasted the target (1 ms at 1000 ns/op: n >= 1000); its
     * last sample, one warm-up and three measured samples are all at that n. */
    unsigned long long n =
        (unsigned long long)json_integer_value(json_object_get(c, "ops_per_thread_per_sample"));
    cr_expect_geq(n, 1000);
    char path[128], line[128];
    snprintf(path, sizeof path, "%s/samples.log", o.dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    unsigned at_n = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long got;
        if (sscanf(line, "sample c1 %llu", &got) == 1 && got == n)
            at_n++;
    }
    fclose(f);
    cr_expect_eq(at_n, 5, "calibration's last, one warm-up and three measured samples at n, got %u",
                 at_n);
    json_decref(root);
    remove_dir(&o);
}

/* A source that fails: one message on stderr naming it, the run completes with the C cases,
 * results.json records the source's status. */
static void expect_source_failure(const char *script, const char *env, const char *needle)
{
    struct outcome o;
    make_dir(&o);
    write_file(o.dir, "adapter.sh", script, true);
    write_file(o.dir, "fake.external", "[fake]\nprotocol = line\ncommand = {dir}/adapter.sh\n",
               false);
    run_in(&o, env, "");
    cr_assert_eq(o.status, 0, "the run stopped: %s", o.err);
    cr_expect_eq(count_lines(o.err), 1, "one message, got: %s", o.err);
    cr_expect(strstr(o.err, "[fake]") && strstr(o.err, needle), "expected '%s' in: %s", needle,
              o.err);
    json_t *root = results(&o);
    cr_expect_not_null(find_case(root, "null/threads=1"), "the C case is gone");
    cr_expect_null(find_case(root, "null/peer=fake"));
    json_t *source =
        json_array_get(json_object_get(json_object_get(root, "external"), "sources"), 0);
    const char *status = json_string_value(json_object_get(source, "status"));
    cr_expect(status && strstr(status, needle), "status: %s", status ? status : "(none)");
    json_decref(root);
    remove_dir(&o);
}

Test(external, failing_adapter_is_reported_once_and_left_out)
{
    expect_source_failure("#!/bin/sh\necho 'cannot start: no such framework' >&2\nexit 3\n", "",
                          "exited with status 3");
}

Test(external, silent_adapter_hits_the_hello_limit)
{
    expect_source_failure("#!/bin/sh\nexec sleep 60\n", "HOTPATH_EXTERNAL_TIME_SCALE=0.05",
                          "no answer within");
}

Test(external, garbage_answer_is_reported_once_and_left_out)
{
    expect_source_failure("#!/bin/sh\nread line\necho 'hello world'\nexec sleep 60\n", "",
                          "garbage answer to 'hello 1'");
}

/* A case that fails during the rounds: dropped with its status, the rest of the run goes on. */
static void expect_case_failure(const char *on_sample, const char *env, const char *needle)
{
    struct outcome o;
    make_dir(&o);
    write_adapter(o.dir, "null", "", on_sample);
    run_in(&o, env, "");
    cr_assert_eq(o.status, 0, "the run stopped: %s", o.err);
    cr_expect_eq(count_lines(o.err), 1, "one message, got: %s", o.err);
    cr_expect(strstr(o.err, needle), "expected '%s' in: %s", needle, o.err);
    json_t *root = results(&o);
    cr_expect_not_null(find_case(root, "null/threads=1"), "the C case is gone");
    cr_expect_null(find_case(root, "null/peer=fake"), "a failed case kept samples");
    json_t *u = json_array_get(json_object_get(json_object_get(root, "external"), "unmeasured"), 0);
    cr_assert_not_null(u, "the failed case is not recorded");
    cr_expect_str_eq(json_string_value(json_object_get(u, "name")), "null/peer=fake");
    const char *status = json_string_value(json_object_get(u, "status"));
    cr_expect(status && strncmp(status, "failed", 6) == 0 && strstr(status, needle), "status: %s",
              status ? status : "(none)");
    json_decref(root);
    remove_dir(&o);
}

Test(external, hanging_sample_stops_the_adapter_and_marks_the_case)
{
    expect_case_failure("exec sleep 60", "HOTPATH_EXTERNAL_TIME_SCALE=0.05", "no answer within");
}

Test(external, error_answer_drops_the_case)
{
    expect_case_failure("echo 'error the handler panicked'", "", "the handler panicked");
}

Test(external, sample_answer_with_wrong_ops_is_garbage)
{
    expect_case_failure("echo 'ok ns_per_op=5 ops=1 wall_ns=5'", "", "garbage answer to 'sample");
}

Test(external, go_bench_lines_become_a_case)
{
    struct outcome o;
    make_dir(&o);
    write_file(o.dir, "bench.sh",
               "#!/bin/sh\n"
               "echo 'goos: linux'\n"
               "echo 'BenchmarkEcho/static-2   \t 1000000\t 100.0 ns/op\t 48 B/op\t 2 allocs/op'\n"
               "echo 'BenchmarkEcho/static-2   \t 1000000\t 110.0 ns/op\t 48 B/op\t 2 allocs/op'\n"
               "echo 'BenchmarkEcho/static-2   \t 1000000\t 120.0 ns/op\t 48 B/op\t 2 allocs/op'\n"
               "echo 'BenchmarkOther-2 10 5 ns/op'\n"
               "echo PASS\n",
               true);
    write_file(o.dir, "fake.external",
               "[echo]\nprotocol = go-bench\ncommand = {dir}/bench.sh\npeer = echo\n"
               "bench.BenchmarkEcho/static = null\nbench.BenchmarkMissing = null threads=2\n",
               false);
    run_in(&o, "", "");
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    cr_expect_eq(count_lines(o.err), 1, "one message for the missing benchmark: %s", o.err);
    cr_expect(strstr(o.err, "BenchmarkMissing") != NULL, "%s", o.err);
    json_t *root = results(&o);
    json_t *c = find_case(root, "null/peer=echo");
    cr_assert_not_null(c, "stderr: %s", o.err);
    json_t *ns = json_object_get(c, "ns_per_op");
    cr_assert_eq(json_array_size(ns), 3);
    cr_expect_float_eq(json_real_value(json_array_get(ns, 0)), 100, 1e-9);
    cr_expect_float_eq(json_real_value(json_array_get(ns, 2)), 120, 1e-9);
    json_t *alloc = json_object_get(c, "allocations");
    cr_expect_float_eq(json_real_value(json_object_get(alloc, "allocs_per_op")), 2, 1e-9);
    cr_expect_float_eq(json_real_value(json_object_get(alloc, "bytes_per_op")), 48, 1e-9);
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_object_get(json_object_get(c, "external"), "facts"), "gomaxprocs")),
                     "2");
    json_t *u = json_array_get(json_object_get(json_object_get(root, "external"), "unmeasured"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(u, "status")),
                     "not run: no such benchmark in the output");
    json_decref(root);
    remove_dir(&o);
}

Test(external, go_bench_refuses_two_gomaxprocs_suffixes)
{
    struct outcome o;
    make_dir(&o);
    write_file(o.dir, "bench.sh",
               "#!/bin/sh\n"
               "echo 'BenchmarkSerial-1 100 10 ns/op'\n"
               "echo 'BenchmarkSerial-2 100 11 ns/op'\n",
               true);
    write_file(o.dir, "fake.external",
               "[go]\nprotocol = go-bench\ncommand = {dir}/bench.sh\npeer = gin\n"
               "bench.BenchmarkSerial = null\n",
               false);
    run_in(&o, "", "");
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    cr_expect(strstr(o.err, "one -cpu value") != NULL, "%s", o.err);
    json_t *root = results(&o);
    cr_expect_null(find_case(root, "null/peer=gin"), "a doubled serial benchmark was kept");
    json_decref(root);
    remove_dir(&o);
}

Test(external, google_benchmark_json_becomes_a_case)
{
    struct outcome o;
    make_dir(&o);
    write_file(o.dir, "bench.json",
               "{\"context\": {\"num_cpus\": 2}, \"benchmarks\": [\n"
               " {\"name\": \"BM_Route/repeats:2\", \"run_name\": \"BM_Route\", \"run_type\": "
               "\"iteration\", \"iterations\": 5000, \"real_time\": 1.5, \"cpu_time\": 1.4, "
               "\"time_unit\": \"us\", \"allocs_per_op\": 3, \"bytes_per_op\": 96},\n"
               " {\"name\": \"BM_Route/repeats:2\", \"run_name\": \"BM_Route\", \"run_type\": "
               "\"iteration\", \"iterations\": 5000, \"real_time\": 1.7, \"cpu_time\": 1.6, "
               "\"time_unit\": \"us\", \"allocs_per_op\": 3, \"bytes_per_op\": 96},\n"
               " {\"name\": \"BM_Route_mean\", \"run_name\": \"BM_Route\", \"run_type\": "
               "\"aggregate\", \"aggregate_name\": \"mean\", \"iterations\": 2, \"real_time\": "
               "1.6, \"cpu_time\": 1.5, \"time_unit\": \"us\"}\n"
               "]}\n",
               false);
    write_file(o.dir, "fake.external",
               "[cpp]\nprotocol = google-benchmark-json\ncommand = cat bench.json\n"
               "peer = drogon\nbench.BM_Route = null\n",
               false);
    run_in(&o, "", "");
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    cr_expect_str_empty(o.err);
    json_t *root = results(&o);
    json_t *c = find_case(root, "null/peer=drogon");
    cr_assert_not_null(c);
    json_t *ns = json_object_get(c, "ns_per_op");
    cr_assert_eq(json_array_size(ns), 2, "the aggregate is not a sample");
    cr_expect_float_eq(json_real_value(json_array_get(ns, 0)), 1500, 1e-6);
    cr_expect_float_eq(json_real_value(json_array_get(ns, 1)), 1700, 1e-6);
    cr_expect_float_eq(json_real_value(json_array_get(json_object_get(c, "cpu_ns_per_op"), 1)),
                       1600, 1e-6);
    cr_expect_float_eq(
        json_real_value(json_object_get(json_object_get(c, "allocations"), "allocs_per_op")), 3,
        1e-9);
    json_decref(root);
    remove_dir(&o);
}

Test(external, one_shot_garbage_is_reported_once)
{
    struct outcome o;
    make_dir(&o);
    write_file(o.dir, "fake.external",
               "[cpp]\nprotocol = google-benchmark-json\ncommand = echo not json\n"
               "peer = drogon\nbench.BM_Route = null\n",
               false);
    run_in(&o, "", "");
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    cr_expect_eq(count_lines(o.err), 1, "%s", o.err);
    cr_expect(strstr(o.err, "not Google Benchmark JSON") != NULL, "%s", o.err);
    remove_dir(&o);
}

/* The file a request peer checks itself against: requests and the pipeline's responses. */
Test(external, request_peer_gets_the_expected_responses_file)
{
    struct outcome o;
    make_dir(&o);
    write_adapter(o.dir, "request/static", " needs=workloads,expected", answer_1000ns);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "--workload request/static --samples 1 --warmup 0");
    run_in(&o, "", cmd);
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    char path[256];
    snprintf(path, sizeof path, "%s/cases.log", o.dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[8192];
    cr_assert_not_null(fgets(line, sizeof line, f));
    fclose(f);
    cr_expect(strstr(line, "case c1 fake/one workloads=") == line, "%s", line);
    const char *expected = strstr(line, " expected=");
    cr_assert_not_null(expected, "%s", line);
    char file[4096];
    cr_assert_eq(sscanf(expected + 10, "%4095s", file), 1);
    /* Given during the run, in DIR.partial, which became DIR when the run completed. */
    char *partial = strstr(file, "/out.partial/");
    cr_assert_not_null(partial, "%s", file);
    memmove(partial + 4, partial + 12, strlen(partial + 12) + 1);
    f = fopen(file, "rb");
    cr_assert_not_null(f, "%s", file);
    char head[32];
    cr_assert_not_null(fgets(head, sizeof head, f));
    cr_expect_str_eq(head, "hotpath-responses 1\n");
    size_t records = 0, count = 0;
    bool all_200 = true;
    for (;;) {
        size_t len;
        char word[16];
        if (fscanf(f, "%15s %zu", word, &len) != 2)
            break;
        if (strcmp(word, "end") == 0) {
            count = len;
            break;
        }
        fgetc(f); /* the newline after LEN */
        char *bytes = malloc(len + 1);
        cr_assert_eq(fread(bytes, 1, len, f), len);
        bytes[len] = '\0';
        if (strcmp(word, "response") == 0) {
            records++;
            all_200 &= strncmp(bytes, "HTTP/1.1 200 OK\r\n", 17) == 0;
        } else {
            cr_expect_str_eq(word, "request");
            cr_expect(strncmp(bytes, "GET /", 5) == 0, "%.40s", bytes);
        }
        free(bytes);
    }
    fclose(f);
    cr_expect_gt(records, 0);
    cr_expect_eq(count, records, "end %zu, %zu records", count, records);
    cr_expect(all_200, "request/static times only requests that find a route");
    remove_dir(&o);
}

Test(external, declined_source_is_recorded_not_run)
{
    struct outcome o;
    make_dir(&o);
    write_adapter(o.dir, "null", "", answer_1000ns);
    write_file(o.dir, "fake.external",
               "[fake]\nprotocol = line\ncommand = {dir}/adapter.sh\ndeclined_by = NO_FAKE\n",
               false);
    run_in(&o, "NO_FAKE=1", "");
    cr_assert_eq(o.status, 0, "stderr: %s", o.err);
    cr_expect_str_empty(o.err);
    json_t *root = results(&o);
    json_t *source =
        json_array_get(json_object_get(json_object_get(root, "external"), "sources"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(source, "status")),
                     "not run: declined (NO_FAKE=1)");
    json_decref(root);
    remove_dir(&o);
}

/* The section header is read by the INI line reader the phase files share: a header without
 * its ']' or with text after it is refused at its own line, a comment after it is not. A bench
 * of an unknown workload is refused at its line, a file without a source as a whole. */
Test(external, section_headers_are_read_as_in_phase_files)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"[fake] x\nprotocol = line\ncommand = x\n",
         "t.external:1: text after the section header '[fake]': 'x'"},
        {"[a]\nprotocol = line\ncommand = x\n[fake\nprotocol = line\n",
         "t.external:4: section header '[fake' has no closing ']'"},
        {"[fake] ; the peer\nprotocol = line\ncommand = x\n", NULL},
        /* Not section headers, but refused by the same reader, each where it is. */
        {"[go]\nprotocol = go-bench\ncommand = x\npeer = gin\nbench.B = nosuch/workload\n",
         "t.external:5: bench.B: unknown workload 'nosuch/workload' (`hotpath list` names them)"},
        {"# nothing but a comment\n", "t.external: no [source] section"},
    };
    char dir[] = "/tmp/hotpath-external-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(dir, "t.external", cases[i].text, false);
        char path[128];
        snprintf(path, sizeof path, "%s/t.external", dir);
        struct hp_external_file file;
        struct hp_error err = {{0}};
        int rc = hp_external_file_read(path, &file, &err);
        if (!cases[i].message) {
            cr_expect_eq(rc, 0, "%s", err.message);
            continue;
        }
        cr_expect_eq(rc, -1, "accepted: %s", cases[i].text);
        const char *at = strstr(err.message, "t.external:");
        cr_expect(at && strcmp(at, cases[i].message) == 0, "expected '%s', got '%s'",
                  cases[i].message, err.message);
        unlink(path);
    }
    char path[128];
    snprintf(path, sizeof path, "%s/t.external", dir);
    unlink(path);
    rmdir(dir);
}

Test(external, bad_external_file_is_refused_before_anything_runs)
{
    struct outcome o;
    make_dir(&o);
    write_file(o.dir, "fake.external", "[fake]\nprotocol = line\ncommand = x\ncolour = red\n",
               false);
    run_in(&o, "", "");
    cr_expect_eq(o.status, 2);
    cr_expect_eq(count_lines(o.err), 1, "%s", o.err);
    cr_expect(strstr(o.err, "fake.external:4: unknown key 'colour'") != NULL, "%s", o.err);
    char path[128];
    struct stat st;
    snprintf(path, sizeof path, "%s/out", o.dir);
    cr_expect_neq(stat(path, &st), 0, "a results directory was made");
    snprintf(path, sizeof path, "%s/out.partial", o.dir);
    cr_expect_neq(stat(path, &st), 0, "a partial results directory was made");
    remove_dir(&o);
}
