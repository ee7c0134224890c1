/* Every unit test, registered in one place. The runner runs them in this order. Each part
 * has its own line so the list reads by part; a test is added to its part's line. */
#define TEST_LIST_CORE(X) X(core_version) X(core_strerror)
#define TEST_LIST_LOOP(X) X(loop_new_free) X(loop_fd_and_idle_timeout) X(loop_timer_order) X(loop_timer_fifo) X(loop_timer_stop_restart) X(loop_defer) X(loop_watch_pipe) X(loop_run_until_idle) X(loop_stop_from_thread)
#define TEST_LIST_COMPILER(X) X(compiler_compile_ok) X(compiler_syntax_error_position) X(compiler_bad_arguments) X(compiler_refcount)
#define TEST_LIST_PROMISE(X) X(promise_ordering_matches_node) X(promise_then_catch_finally) X(promise_constructor) X(promise_combinators) X(promise_iterator_protocol) X(promise_thenables) X(promise_self_resolution) X(promise_unhandled_rejection_logged) X(promise_queue_microtask_errors) X(promise_drain_stops_on_limits) X(promise_c_api_and_stack_balance) X(promise_long_chains_and_queue_growth) X(promise_aggregate_error)
#define TEST_LIST_RUNTIME(X) X(runtime_hello) X(runtime_exception_is_500_and_logged) X(runtime_no_respond_with_passes) X(runtime_pass_through_on_exception) X(runtime_cpu_limit_stops_infinite_loop) X(runtime_cpu_limit_in_promise_chain_and_timer) X(runtime_memory_limit) X(runtime_promise_and_timer_response) X(runtime_wall_limit) X(runtime_respond_with_rules) X(runtime_top_level_errors) X(runtime_dispatch_arguments) X(runtime_free_cancels_pending) X(runtime_globals_and_console) X(runtime_headers_semantics) X(runtime_request_headers_immutable) X(runtime_body_methods) X(runtime_response_semantics) X(runtime_binary_body_delivered) X(runtime_lazy_globals) X(runtime_wait_until_keeps_request_alive) X(runtime_timers) X(runtime_unhandled_rejection_listeners) X(runtime_request_eo_and_cf) X(runtime_request_init_fields)

#define TEST_LIST(X)    \
  TEST_LIST_CORE(X)     \
  TEST_LIST_LOOP(X)     \
  TEST_LIST_COMPILER(X) \
  TEST_LIST_PROMISE(X)  \
  TEST_LIST_RUNTIME(X)

#define TEST_DECLARE(name) int test_##name(void);
TEST_LIST(TEST_DECLARE)
#undef TEST_DECLARE
