/* The globals a runtime starts with, in one table. Eager entries are installed when the
 * runtime is created (what every request touches); lazy entries cost only an accessor on the
 * global object until a script first reads or writes the name, so a new runtime stays cheap
 * however large the Web API surface grows. */
#include "js/js.h"

#include <string.h>

typedef void (*installer_fn)(duk_context *ctx);

typedef struct global_entry {
  const char *name;
  installer_fn install; /* defines `name` (and maybe other entries' names) on the global */
} global_entry;

static const installer_fn eager[] = {
    edgefn__es_builtins_install,
    edgefn__regexp_install,
    edgefn__promise_install,
    edgefn__headers_install,
    edgefn__fetch_install,
    edgefn__timers_install,
    edgefn__subrequest_install,
    edgefn__kv_env_install, /* host-named globals: cannot be lazy entries of this table */
};

/* One line per global name. Names that share an installer are installed together. */
static const global_entry lazy[] = {
    {"Map", edgefn__es_collections_install},
    {"Set", edgefn__es_collections_install},
    {"WeakMap", edgefn__es_collections_install},
    {"WeakSet", edgefn__es_collections_install},
    {"WeakRef", edgefn__es_weak_install},
    {"FinalizationRegistry", edgefn__es_weak_install},
    {"structuredClone", edgefn__structured_clone_install},
    {"console", edgefn__console_install},
    {"crypto", edgefn__crypto_install},
    {"CryptoKey", edgefn__crypto_install},
    {"Blob", edgefn__blob_install},
    {"File", edgefn__blob_install},
    {"FormData", edgefn__blob_install},
    {"TextEncoder", edgefn__encoding_install},
    {"TextDecoder", edgefn__encoding_install},
    {"atob", edgefn__base64_install},
    {"btoa", edgefn__base64_install},
    {"atobUTF8", edgefn__base64_install},
    {"btoaUTF8", edgefn__base64_install},
    {"DOMException", edgefn__events_install},
    {"Event", edgefn__events_install},
    {"CustomEvent", edgefn__events_install},
    {"EventTarget", edgefn__events_install},
    {"AbortController", edgefn__events_install},
    {"AbortSignal", edgefn__events_install},
    {"performance", edgefn__performance_install},
    {"navigator", edgefn__navigator_install},
    {"scheduler", edgefn__scheduler_install},
    {"Cookies", edgefn__cookies_install},
    {"caches", edgefn__cache_api_install},
    {"URL", edgefn__url_install},
    {"URLSearchParams", edgefn__url_install},
    {"URLPattern", edgefn__urlpattern_install},
    {"Iterator", edgefn__iterator_install},
    {"HTMLRewriter", edgefn__htmlrewriter_install},
    {"ReadableStream", edgefn__streams_install},
    {"ReadableStreamDefaultReader", edgefn__streams_install},
    {"ReadableStreamBYOBReader", edgefn__streams_install},
    {"ReadableStreamDefaultController", edgefn__streams_install},
    {"ReadableByteStreamController", edgefn__streams_install},
    {"ReadableStreamBYOBRequest", edgefn__streams_install},
    {"WritableStream", edgefn__streams_install},
    {"WritableStreamDefaultWriter", edgefn__streams_install},
    {"WritableStreamDefaultController", edgefn__streams_install},
    {"TransformStream", edgefn__streams_install},
    {"TransformStreamDefaultController", edgefn__streams_install},
    {"ByteLengthQueuingStrategy", edgefn__streams_install},
    {"CountQueuingStrategy", edgefn__streams_install},
    {"TextEncoderStream", edgefn__streams_install},
    {"TextDecoderStream", edgefn__streams_install},
    {"Intl", edgefn__intl_install},
    {"CompressionStream", edgefn__streams_install},
    {"DecompressionStream", edgefn__streams_install},
    {"IdentityTransformStream", edgefn__streams_install},
    {"FixedLengthStream", edgefn__streams_install},
};

/* Removes the lazy accessors of every name `install` provides, then runs it. */
static void run_lazy_installer(duk_context *ctx, installer_fn install) {
  duk_push_global_object(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(lazy); i++)
    if (lazy[i].install == install)
      duk_del_prop_string(ctx, -1, lazy[i].name);
  duk_pop(ctx);
  install(ctx);
}

/* The entry for the property key Duktape passes to accessors as an extra argument
 * (DUK_USE_NONSTD_GETTER_KEY_ARGUMENT / _SETTER_), so one getter and one setter function
 * serve every lazy name instead of two functions per name at start-up. */
static const global_entry *entry_for(duk_context *ctx, duk_idx_t key) {
  const char *name = duk_get_string(ctx, key);
  for (size_t i = 0; name && i < EDGEFN_ARRAY_LEN(lazy); i++)
    if (strcmp(lazy[i].name, name) == 0)
      return &lazy[i];
  (void)duk_error(ctx, DUK_ERR_ERROR, "internal error: unknown lazy global");
  return NULL;
}

static duk_ret_t lazy_get(duk_context *ctx) { /* (key) */
  const global_entry *e = entry_for(ctx, 0);
  run_lazy_installer(ctx, e->install);
  duk_push_global_object(ctx);
  duk_get_prop_string(ctx, -1, e->name);
  return 1;
}

/* Assigning to a lazy global replaces it with a plain data property, as for any global. */
static duk_ret_t lazy_set(duk_context *ctx) { /* (value, key) */
  const global_entry *e = entry_for(ctx, 1);
  duk_push_global_object(ctx);
  duk_del_prop_string(ctx, -1, e->name);
  duk_push_string(ctx, e->name);
  duk_dup(ctx, 0);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

void edgefn__globals_install(duk_context *ctx) {
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(eager); i++)
    eager[i](ctx);
  duk_push_global_object(ctx);
  duk_push_c_function(ctx, lazy_get, 1);
  duk_push_c_function(ctx, lazy_set, 2);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(lazy); i++) {
    duk_push_string(ctx, lazy[i].name);
    duk_dup(ctx, -3);
    duk_dup(ctx, -3);
    duk_def_prop(ctx, -6,
                 DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_HAVE_SETTER |
                     DUK_DEFPROP_SET_CONFIGURABLE);
  }
  duk_pop_3(ctx);
}
