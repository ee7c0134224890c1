/* The globals a runtime starts with, in one table. Eager entries are installed when the
 * runtime is created (what every request touches); lazy entries cost only an accessor on the
 * global object until a script first reads or writes the name, so a new runtime stays cheap
 * however large the Web API surface grows. */
#include "js/js.h"

typedef void (*installer_fn)(duk_context *ctx);

typedef struct global_entry {
  const char *name;
  installer_fn install; /* defines `name` (and maybe other entries' names) on the global */
} global_entry;

static const installer_fn eager[] = {
    edgefn__promise_install,
    edgefn__headers_install,
    edgefn__fetch_install,
    edgefn__timers_install,
};

/* One line per global name. Names that share an installer are installed together. */
static const global_entry lazy[] = {
    {"console", edgefn__console_install},
    {"crypto", edgefn__crypto_install},
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

static duk_ret_t lazy_get(duk_context *ctx) {
  const global_entry *e = &lazy[duk_get_current_magic(ctx)];
  run_lazy_installer(ctx, e->install);
  duk_push_global_object(ctx);
  duk_get_prop_string(ctx, -1, e->name);
  return 1;
}

/* Assigning to a lazy global replaces it with a plain data property, as for any global. */
static duk_ret_t lazy_set(duk_context *ctx) {
  const global_entry *e = &lazy[duk_get_current_magic(ctx)];
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
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(lazy); i++) {
    duk_push_string(ctx, lazy[i].name);
    duk_push_c_function(ctx, lazy_get, 0);
    duk_set_magic(ctx, -1, (duk_int_t)i);
    duk_push_c_function(ctx, lazy_set, 1);
    duk_set_magic(ctx, -1, (duk_int_t)i);
    duk_def_prop(ctx, -4,
                 DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_HAVE_SETTER |
                     DUK_DEFPROP_SET_CONFIGURABLE);
  }
  duk_pop(ctx);
}
