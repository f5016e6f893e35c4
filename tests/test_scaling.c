/* Thread scaling: the Universal Scalability Law fit on synthetic data (exact, noisy, perfect
 * scaling, too few points, time-sliced counts left out), and a `--threads scaling` run whose
 * results label the counts beyond the CPUs time-sliced and carry each case's thread spread. */
#include "results_fixture.h"

#include "stats.h"

/* X(N) of the law with lambda 1000. */
static double usl(double n, double sigma, double kappa)
{
    return 1000 * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

Test(usl, recovers_exact_coefficients)
{
    unsigned threads[8];
    double x[8];
    for (unsigned i = 0; i < 8; i++) {
        threads[i] = i + 1;
        x[i] = usl(i + 1, 0.05, 0.002);
    }
    struct hp_usl_fit fit;
    cr_assert_eq(hp_usl_fit(threads, x, 8, 8, &fit), 0);
    cr_assert_eq(fit.points, 8);
    cr_assert_float_eq(fit.sigma, 0.05, 1e-9);
    cr_assert_float_eq(fit.kappa, 0.002, 1e-9);
    cr_assert_float_eq(fit.lambda, 1000, 1e-9);
    cr_assert_lt(fit.rms_relative_error, 1e-9);
    cr_assert_eq(fit.peak_threads, 22, "sqrt(0.95 / 0.002) = 21.8");
}

Test(usl, noisy_data_lands_near_and_time_sliced_counts_are_left_out)
{
    unsigned threads[12];
    double x[12];
    for (unsigned i = 0; i < 8; i++) {
        threads[i] = i + 1;
        x[i] = usl(i + 1, 0.1, 0.004) * (i % 2 ? 1.01 : 0.99); /* +-1% */
    }
    for (unsigned i = 8; i < 12; i++) { /* beyond 8 CPUs: time-sliced, nothing like the law */
        threads[i] = i + 1;
        x[i] = 1;
    }
    struct hp_usl_fit fit;
    cr_assert_eq(hp_usl_fit(threads, x, 12, 8, &fit), 0);
    cr_assert_eq(fit.points, 8);
    cr_assert_float_eq(fit.sigma, 0.1, 0.02, "sigma %g", fit.sigma);
    cr_assert_float_eq(fit.kappa, 0.004, 0.002, "kappa %g", fit.kappa);
    cr_assert_lt(fit.rms_relative_error, 0.02);
}

Test(usl, perfect_scaling_has_no_contention_and_no_peak)
{
    unsigned threads[] = {1, 2, 4, 8};
    double x[] = {1000, 2000, 4000, 8000};
    struct hp_usl_fit fit;
    cr_assert_eq(hp_usl_fit(threads, x, 4, 8, &fit), 0);
    cr_assert_float_eq(fit.sigma, 0, 1e-9);
    cr_assert_float_eq(fit.kappa, 0, 1e-9);
    cr_assert_eq(fit.peak_threads, 0);
    /* Scaling better than linear (noise) gives no negative coefficient either. */
    double super[] = {1000, 2100, 4300, 8800};
    cr_assert_eq(hp_usl_fit(threads, super, 4, 8, &fit), 0);
    cr_assert_geq(fit.sigma, 0);
    cr_assert_geq(fit.kappa, 0);
}

Test(usl, needs_four_counts_up_to_the_cpus_one_of_them_1)
{
    unsigned threads[] = {1, 2, 3, 4};
    double x[] = {1000, 1900, 2700, 3400};
    struct hp_usl_fit fit;
    cr_assert_eq(hp_usl_fit(threads, x, 4, 2, &fit), -1, "a 2-CPU machine: 2 points");
    cr_assert_eq(fit.points, 2);
    unsigned no_one[] = {2, 3, 4, 5};
    cr_assert_eq(hp_usl_fit(no_one, x, 4, 8, &fit), -1, "no 1-thread point");
    cr_assert_eq(hp_usl_fit(threads, x, 4, 4, &fit), 0);
}

Test(scaling, a_scaling_run_labels_time_sliced_counts_and_keeps_the_thread_spread, .init = fx_setup,
     .fini = fx_teardown)
{
    cr_assert_eq(fx_hotpath("run --workload pool/get_put --pool tls_cache --threads scaling "
                            "--samples 3 --target-time 1ms --quiet --out r"),
                 0, "%s", fx_read("err"));
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    json_error_t jerr;
    json_t *root = json_load_file(fx_path("r/results.json"), 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    size_t i, counted = 0;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "workload")), "pool/get_put") != 0)
            continue;
        json_int_t threads = json_integer_value(json_object_get(c, "threads"));
        counted++;
        cr_assert_eq(json_is_true(json_object_get(c, "time_sliced")), threads > cpus,
                     "%lld threads on %ld CPUs", (long long)threads, cpus);
        json_t *fairness = json_object_get(c, "fairness");
        if (threads == 1) {
            cr_assert(json_is_null(fairness));
            continue;
        }
        cr_assert(json_is_object(fairness));
        double spread = json_number_value(json_object_get(fairness, "spread"));
        double lo = json_number_value(json_object_get(fairness, "min_thread_ops_per_sec"));
        double hi = json_number_value(json_object_get(fairness, "max_thread_ops_per_sec"));
        cr_assert_geq(spread, 0);
        cr_assert_leq(lo, hi);
    }
    cr_assert_eq(counted, (size_t)(2 * cpus), "1 to twice the CPUs");
    json_decref(root);
}
