/* The workload table's entries, in `hotpath list` order; included by workload_table.c only.
 * One line per workload, so that branches adding workloads merge line by line. */
HP_WORKLOAD(hp_workload_null)
HP_WORKLOAD(hp_workload_demo_allocs_0)
HP_WORKLOAD(hp_workload_demo_allocs_1)
HP_WORKLOAD(hp_workload_demo_allocs_3)
HP_WORKLOAD(hp_workload_demo_hash)
HP_WORKLOAD(hp_workload_hdr_record)
HP_WORKLOAD(hp_workload_http_parse_browser)
HP_WORKLOAD(hp_workload_http_parse_curl)
HP_WORKLOAD(hp_workload_http_parse_json_post)
HP_WORKLOAD(hp_workload_http_parse_line3)
