/* Every unit test, registered in one place. The runner runs them in this order. Each part
 * has its own line so the list reads by part; a test is added to its part's line. */
#define TEST_LIST_CORE(X) X(core_version) X(core_strerror)
#define TEST_LIST_LOOP(X) X(loop_new_free) X(loop_fd_and_idle_timeout) X(loop_timer_order) X(loop_timer_fifo) X(loop_timer_stop_restart) X(loop_defer) X(loop_watch_pipe) X(loop_run_until_idle) X(loop_stop_from_thread)
#define TEST_LIST_COMPILER(X) X(compiler_compile_ok) X(compiler_syntax_error_position) X(compiler_bad_arguments) X(compiler_refcount) X(compiler_modern_syntax_errors) X(compiler_nesting_limit) X(compiler_runtime_lines_are_original) X(compiler_module_handlers) X(compiler_helpers_protected) X(compiler_error_deep_inside_frees_everything) X(compiler_bundle_handlers) X(compiler_bundle_runtime_error_names_file) X(compiler_bundle_errors)
#define TEST_LIST_PROMISE(X) X(promise_ordering_matches_node) X(promise_then_catch_finally) X(promise_constructor) X(promise_combinators) X(promise_iterator_protocol) X(promise_thenables) X(promise_self_resolution) X(promise_unhandled_rejection_logged) X(promise_queue_microtask_errors) X(promise_drain_stops_on_limits) X(promise_c_api_and_stack_balance) X(promise_long_chains_and_queue_growth) X(promise_aggregate_error)
#define TEST_LIST_FETCH(X) X(fetch_basic) X(fetch_concurrent) X(fetch_redirects) X(fetch_errors_and_policy) X(fetch_limits) X(fetch_cancelled_with_request) X(fetch_without_backend) X(fetch_stream_bodies) X(fetch_body_byob) X(fetch_whole_and_streamed_bodies_look_alike) X(fetch_follows_the_request_signal) X(fetch_body_backpressure) X(fetch_stream_request_body_bounded) X(fetch_stream_request_body_waits_and_fails)
#define TEST_LIST_EDGE(X) X(edge_1_3_no_function_goes_to_origin) X(edge_https_client_url_to_plain_origin) X(edge_1_4_function_answers) X(edge_function_declines_to_origin) X(edge_function_passes_after_the_host_call) X(edge_1_4_5_3_and_1_4_6_subrequests) X(edge_1_2_3_cache) X(edge_1_4_5_2_subrequest_through_cache) X(edge_origin_host_header) X(edge_origin_array_of_older_layout) X(edge_configuration_errors) X(scenario_hmac_signed_url) X(scenario_cache_post_by_body_hash) X(scenario_m3u8_rewrite_md5_auth) X(scenario_streaming_merge) X(manager_lru_eviction_within_budget) X(manager_never_evicts_busy_runtimes) X(manager_runtimes_per_function_cap) X(manager_sheds_with_503_and_retry_after) X(manager_version_switch_with_request_in_flight) X(manager_stats_and_prewarm) X(manager_cpu_time_per_function) X(manager_update_from_another_thread) X(manager_queued_request_keeps_its_fields) X(edge_flow_default_path_pauses_origin) X(edge_flow_cache_fill_while_paused) X(edge_flow_subrequest_pauses_origin) X(edge_flow_streamed_upload_through_cache)
#define TEST_LIST_RUNTIME(X) X(runtime_hello) X(runtime_exception_is_500_and_logged) X(runtime_no_respond_with_passes) X(runtime_pass_through_on_exception) X(runtime_cpu_limit_stops_infinite_loop) X(runtime_cpu_limit_in_promise_chain_and_timer) X(runtime_memory_limit) X(runtime_intl_formatters_count_against_memory_limit) X(runtime_weak_refs_and_finalization) X(runtime_promise_and_timer_response) X(runtime_wall_limit) X(runtime_respond_with_rules) X(runtime_top_level_errors) X(runtime_dispatch_arguments) X(runtime_free_cancels_pending) X(runtime_globals_and_console) X(runtime_headers_semantics) X(runtime_headers_are_iterable) X(runtime_long_incoming_header_names) X(runtime_incoming_headers_read_lazily) X(runtime_request_headers_immutable) X(runtime_response_headers_delivered) X(runtime_kept_event_releases_its_response) X(runtime_event_reuse_is_unobservable) X(runtime_request_made_on_first_read) X(runtime_incoming_methods) X(runtime_body_methods) X(runtime_response_semantics) X(runtime_binary_body_delivered) X(runtime_lazy_globals) X(runtime_wait_until_keeps_request_alive) X(runtime_timers) X(runtime_scheduler_wait) X(runtime_unhandled_rejection_listeners) X(runtime_request_eo_and_cf) X(runtime_request_init_fields) X(runtime_cpu_limit_in_wait_until) X(runtime_body_kinds) X(runtime_uri_functions) X(cpu_clock_preemption_before_first_check_is_not_charged) X(cpu_clock_busy_script_is_stopped_near_its_budget)
#define TEST_LIST_REGEXP(X) X(regexp_catastrophic_pattern_ends_within_cpu_limit) X(regexp_heavy_match_within_budget_completes) X(regexp_modifiers_follow_the_standard) X(regexp_check_for_compiler) X(regexp_bad_input) X(regexp_literal_front_cache_survives_cache_resets) X(regexp_literal_helper_contract) X(regexp_subject_memory_is_counted) X(regexp_backtracker_chosen_per_pattern) X(regexp_backtracker_catastrophic_ends_within_cpu_limit) X(regexp_backtracker_stack_is_bounded)
#define TEST_LIST_ES(X) X(es_matches_node) X(es_uint8_base64_follows_spec) X(es_lazy_globals) X(es_structured_clone_before_map) X(es_weak_map_entries_die_with_key) X(es_map_stress)

#define TEST_LIST_WEBAPI(X) X(webapi_intl_supported_values) X(webapi_text_encoder) X(webapi_text_decoder_labels_and_options) X(webapi_text_decoder_utf8) X(webapi_text_decoder_utf16_latin1) X(webapi_text_decoder_legacy) X(webapi_base64) X(webapi_dom_exception) X(webapi_event) X(webapi_event_target) X(webapi_listener_cpu_limit) X(webapi_frozen_objects_keep_working) X(webapi_abort_controller) X(webapi_abort_signal_timeout) X(webapi_performance_navigator) X(webapi_cookies) X(webapi_globals_are_lazy_and_replaceable) X(webapi_lazy_globals_survive_a_replaced_symbol) X(webapi_console_matches_node) X(webapi_console_errors_and_levels)
#define TEST_LIST_URL(X) X(url_search_params_live_link) X(url_search_params_methods) X(url_search_params_sort_and_iteration) X(url_errors_and_statics) X(url_in_fetch_handler)
#define TEST_LIST_BLOB(X) X(blob_mime_c_api) X(blob_matches_node) X(blob_spec_behaviour) X(blob_formdata_multipart_round_trip) X(blob_formdata_parse_multipart) X(blob_formdata_parse_malformed) X(blob_formdata_parse_urlencoded) X(blob_helpers_before_globals) X(blob_lazy_global_in_runtime)
#define TEST_LIST_SUBTLE(X) X(subtle_digest) X(subtle_digest_stream) X(subtle_timing_safe_equal) X(subtle_node_ed25519) X(subtle_hmac) X(subtle_kdf) X(subtle_aes) X(subtle_wrap) X(subtle_rsa_with_node_keys) X(subtle_ec_with_node_keys) X(subtle_signatures_checked_by_node) X(subtle_crypto_key_and_errors) X(subtle_rsa_keygen_off_the_loop)
#define TEST_LIST_RULES(X) X(rules_builder_basics) X(rules_bad_arguments) X(rules_field_host) X(rules_field_path_url) X(rules_field_filename_extension) X(rules_url_parts_parsed_on_demand) X(rules_operators_and_values) X(rules_query) X(rules_headers) X(rules_method_country_region) X(rules_client_ip) X(rules_structure_and_order) X(rules_json_syntax_errors) X(rules_json_semantic_errors) X(rules_builder_errors) X(rules_refcount) X(rules_concurrent_matching) X(rules_regex_limits) X(rules_fuzz)

#define TEST_LIST_CACHE(X) X(cache_policy_parse) X(cache_policy_decisions) X(cache_entry_round_trip) X(cache_memory_lru_and_budget) X(cache_memory_threads) X(cache_fetcher_hit_miss_revalidate) X(cache_fetcher_vary_and_no_store) X(cache_fetcher_vary_variants) X(cache_fetcher_invalidation) X(cache_fetcher_stale_if_error)
#define TEST_LIST_CACHE_API(X) X(cache_api_round_trip_and_refusals) X(cache_api_vary_variants) X(cache_api_without_cache) X(cache_api_expiry) X(cache_api_through_edge)
#define TEST_LIST_KV(X) X(kv_suite_memory) X(kv_env_values_and_env_object) X(kv_backend_errors_and_free_with_calls_in_flight) X(kv_memory_threads) X(kv_suite_sqlite_and_persistence) X(kv_sqlite_direct_calls_and_free_in_flight) X(kv_suite_redis) X(kv_redis_two_gateways_share_writes) X(kv_redis_server_down_and_back)
#define TEST_LIST_HOSTILE(X) X(sandbox_limit_options) X(sandbox_malformed_host_bytes) X(hostile_suite_has_forty_cases) X(hostile_loops) X(hostile_recursion) X(hostile_memory) X(hostile_bodies_and_storms) X(hostile_isolation_and_pollution)
#define TEST_LIST_STREAMS(X) X(streams_behaviour) X(streams_spec_behaviour) X(streams_workers_identity_streams) X(streams_table_matches_node) X(streams_response_streamed_to_host) X(streams_host_backpressure) X(streams_body_cpu_limit) X(streams_incoming_body_byob) X(detach_access_paths) X(detach_buffer_fill_still_fills) X(detach_flag_seen_by_detached) X(detach_structured_clone_transfer_checked_after_cloning) X(duk_fast_get_matches_generic) X(duk_fast_put_own_defines_data_property) X(duk_fast_get_index_matches_generic) X(duk_own_hidden_reads_own_slots_only) X(heap_alloc_cache_keeps_contents_and_counts)
#define TEST_LIST_FATAL(X) X(fatal_in_fetch_handler) X(fatal_fails_every_request_in_flight) X(fatal_in_loop_entries) X(fatal_in_request_dispatched_from_a_host_callback) X(fatal_leaves_other_runtimes_alone) X(fatal_then_free_before_the_recycle) X(fatal_guard_nests) X(fatal_counted_by_the_runtime_manager) X(fatal_leak_cap_stops_restarts) X(fatal_in_a_fetch_completion) X(fatal_in_kv_and_cache_completions)
#define TEST_LIST_TLA(X) X(tla_module_waits_before_serving) X(tla_rejection_fails_initialisation) X(tla_unsettled_await_fails_at_once) X(tla_waiting_request_has_its_wall_limit) X(tla_subrequest_before_serving) X(tla_dynamic_import_in_handler) X(tla_script_goal_rejects_it) X(tla_regexp_compiled_in_coroutine_outlives_it) X(tla_cpu_limit_fails_initialisation) X(tla_edge_serves_and_replaces_failed_runtimes)
#define TEST_LIST(X)    \
  TEST_LIST_CORE(X)     \
  TEST_LIST_LOOP(X)     \
  TEST_LIST_COMPILER(X) \
  TEST_LIST_TLA(X) \
  TEST_LIST_PROMISE(X)  \
  TEST_LIST_RUNTIME(X)   \
  TEST_LIST_FETCH(X)  \
  TEST_LIST_EDGE(X)  \
  TEST_LIST_ES(X)        \
  TEST_LIST_REGEXP(X)    \
  TEST_LIST_WEBAPI(X) \
  TEST_LIST_URL(X) \
  TEST_LIST_BLOB(X) \
  TEST_LIST_STREAMS(X) \
  TEST_LIST_SUBTLE(X) \
  TEST_LIST_RULES(X) \
  TEST_LIST_CACHE(X) \
  TEST_LIST_CACHE_API(X) \
  TEST_LIST_KV(X) \
  TEST_LIST_HOSTILE(X)   \
  TEST_LIST_FATAL(X)

#define TEST_DECLARE(name) int test_##name(void);
TEST_LIST(TEST_DECLARE)
#undef TEST_DECLARE
