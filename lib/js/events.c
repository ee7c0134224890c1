/* DOMException (WebIDL), Event, CustomEvent and EventTarget (DOM Standard), and
 * AbortController / AbortSignal with AbortSignal.abort, .timeout and .any.
 *
 * All classes are built together, once per heap, and kept in the global stash so that C
 * code (atob's InvalidCharacterError, a fetch abort) can make a DOMException whether or
 * not a script has touched the globals yet. State lives in hidden properties. */
#include "js/js.h"

#include <stdio.h>
#include <string.h>

#define STASH_CLASSES "eventClasses"

#define KEY_DE_NAME DUK_HIDDEN_SYMBOL("deName")
#define KEY_DE_MESSAGE DUK_HIDDEN_SYMBOL("deMessage")
#define KEY_EV_TYPE DUK_HIDDEN_SYMBOL("evType")
#define KEY_EV_FLAGS DUK_HIDDEN_SYMBOL("evFlags")
#define KEY_EV_TARGET DUK_HIDDEN_SYMBOL("evTarget")
#define KEY_EV_CURRENT DUK_HIDDEN_SYMBOL("evCurrent")
#define KEY_EV_PHASE DUK_HIDDEN_SYMBOL("evPhase")
#define KEY_EV_TIME DUK_HIDDEN_SYMBOL("evTime")
#define KEY_EV_DETAIL DUK_HIDDEN_SYMBOL("evDetail")
#define KEY_ET_LISTENERS DUK_HIDDEN_SYMBOL("etListeners")
#define KEY_SIG_ABORTED DUK_HIDDEN_SYMBOL("sgAborted")
#define KEY_SIG_REASON DUK_HIDDEN_SYMBOL("sgReason")
#define KEY_SIG_ALGOS DUK_HIDDEN_SYMBOL("sgAlgos")
#define KEY_SIG_DEPS DUK_HIDDEN_SYMBOL("sgDeps")
#define KEY_SIG_SOURCES DUK_HIDDEN_SYMBOL("sgSources")
#define KEY_SIG_DEPENDENT DUK_HIDDEN_SYMBOL("sgDependent")
#define KEY_SIG_ONABORT DUK_HIDDEN_SYMBOL("sgOnabort")
#define KEY_SIG_HANDLER_REC DUK_HIDDEN_SYMBOL("sgHandlerRec")
#define KEY_CTRL_SIGNAL DUK_HIDDEN_SYMBOL("ctrlSignal")
#define KEY_FN_A DUK_HIDDEN_SYMBOL("fnA")
#define KEY_FN_B DUK_HIDDEN_SYMBOL("fnB")

enum {
  EV_BUBBLES = 1,
  EV_CANCELABLE = 2,
  EV_COMPOSED = 4,
  EV_CANCELED = 8,
  EV_STOP = 16,
  EV_STOP_IMMEDIATE = 32,
  EV_DISPATCH = 64,
  EV_IN_PASSIVE = 128,
  EV_INITIALIZED = 256,
};

/* ---- small helpers ---- */

static void push_class_part(duk_context *ctx, const char *key) {
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, STASH_CLASSES);
  duk_get_prop_string(ctx, -1, key);
  duk_remove(ctx, -2);
  duk_remove(ctx, -2);
}

static void def_accessor(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function get,
                         duk_c_function set, int magic) {
  obj = duk_normalize_index(ctx, obj);
  duk_uint_t flags =
      DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_SET_ENUMERABLE;
  duk_push_string(ctx, name);
  duk_push_c_function(ctx, get, 0);
  duk_set_magic(ctx, -1, magic);
  if (set) {
    duk_push_c_function(ctx, set, 1);
    duk_set_magic(ctx, -1, magic);
    flags |= DUK_DEFPROP_HAVE_SETTER;
  }
  duk_def_prop(ctx, obj, flags);
}

static void put_const(duk_context *ctx, duk_idx_t obj, const char *name, int value) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, name);
  duk_push_int(ctx, value);
  duk_def_prop(ctx, obj,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_ENUMERABLE | DUK_DEFPROP_CLEAR_WRITABLE |
                   DUK_DEFPROP_CLEAR_CONFIGURABLE);
}

/* True when a constructor was called with `new`, or (for subclass constructors lowered to
 * ES5, which call the parent with the instance as `this`) on an instance of the class. */
static bool constructing(duk_context *ctx, const char *cls) {
  if (duk_is_constructor_call(ctx))
    return true;
  duk_push_this(ctx);
  bool ok = false;
  if (duk_is_object(ctx, -1)) {
    push_class_part(ctx, cls);
    ok = duk_instanceof(ctx, -2, -1);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  return ok;
}

static duk_ret_t illegal_new(duk_context *ctx, const char *cls) {
  return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                   "Failed to construct '%s': Please use the 'new' operator", cls);
}

static bool limits_breached(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  edgefn__heap_ctl *ctl = mf.udata;
  return ctl && (ctl->cpu_exceeded || ctl->mem_exceeded);
}

/* A listener that threw is reported and dispatch goes on (DOM "report the exception"),
 * unless the heap's CPU or memory limit ended the call: that must reach the runtime. */
static void report_listener_error(duk_context *ctx) {
  if (limits_breached(ctx))
    (void)duk_throw(ctx);
  if (duk_is_error(ctx, -1))
    duk_get_prop_string(ctx, -1, "stack");
  else
    duk_dup(ctx, -1);
  edgefn__js_log(ctx, EDGEFN_LOG_ERROR, "Uncaught exception in event listener: %s",
                 duk_safe_to_string(ctx, -1));
  duk_pop_2(ctx);
}

/* ---- DOMException ---- */

static const struct {
  const char *name;
  const char *constant;
  int code;
} dom_codes[] = {
    {"IndexSizeError", "INDEX_SIZE_ERR", 1},
    {NULL, "DOMSTRING_SIZE_ERR", 2},
    {"HierarchyRequestError", "HIERARCHY_REQUEST_ERR", 3},
    {"WrongDocumentError", "WRONG_DOCUMENT_ERR", 4},
    {"InvalidCharacterError", "INVALID_CHARACTER_ERR", 5},
    {NULL, "NO_DATA_ALLOWED_ERR", 6},
    {"NoModificationAllowedError", "NO_MODIFICATION_ALLOWED_ERR", 7},
    {"NotFoundError", "NOT_FOUND_ERR", 8},
    {"NotSupportedError", "NOT_SUPPORTED_ERR", 9},
    {"InUseAttributeError", "INUSE_ATTRIBUTE_ERR", 10},
    {"InvalidStateError", "INVALID_STATE_ERR", 11},
    {"SyntaxError", "SYNTAX_ERR", 12},
    {"InvalidModificationError", "INVALID_MODIFICATION_ERR", 13},
    {"NamespaceError", "NAMESPACE_ERR", 14},
    {"InvalidAccessError", "INVALID_ACCESS_ERR", 15},
    {NULL, "VALIDATION_ERR", 16},
    {"TypeMismatchError", "TYPE_MISMATCH_ERR", 17},
    {"SecurityError", "SECURITY_ERR", 18},
    {"NetworkError", "NETWORK_ERR", 19},
    {"AbortError", "ABORT_ERR", 20},
    {"URLMismatchError", "URL_MISMATCH_ERR", 21},
    {"QuotaExceededError", "QUOTA_EXCEEDED_ERR", 22},
    {"TimeoutError", "TIMEOUT_ERR", 23},
    {"InvalidNodeTypeError", "INVALID_NODE_TYPE_ERR", 24},
    {"DataCloneError", "DATA_CLONE_ERR", 25},
};

static duk_ret_t domexception_ctor(duk_context *ctx) {
  if (!constructing(ctx, "DOMException"))
    return illegal_new(ctx, "DOMException");
  if (duk_is_undefined(ctx, 0))
    duk_push_string(ctx, "");
  else
    duk_dup(ctx, 0);
  duk_to_string(ctx, -1);
  if (duk_is_undefined(ctx, 1))
    duk_push_string(ctx, "Error");
  else
    duk_dup(ctx, 1);
  duk_to_string(ctx, -1);
  /* The instance is a real Error object so that it carries Duktape's traceback (`stack`,
   * lineNumber) like any error; its prototype is the one `new` chose. */
  duk_push_error_object(ctx, DUK_ERR_ERROR, "%s", duk_get_string(ctx, -2));
  duk_del_prop_string(ctx, -1, "message");
  duk_push_this(ctx);
  duk_get_prototype(ctx, -1);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_literal(ctx, -2, KEY_DE_NAME);
  duk_dup(ctx, -3);
  duk_put_prop_literal(ctx, -2, KEY_DE_MESSAGE);
  return 1;
}

static duk_ret_t domexception_get(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_string(ctx, -1, KEY_DE_NAME))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a DOMException");
  int which = duk_get_current_magic(ctx);
  if (which == 0)
    return 1;
  if (which == 1) {
    duk_get_prop_string(ctx, -2, KEY_DE_MESSAGE);
    return 1;
  }
  const char *name = duk_get_string(ctx, -1);
  int code = 0;
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(dom_codes); i++)
    if (dom_codes[i].name && name && strcmp(dom_codes[i].name, name) == 0)
      code = dom_codes[i].code;
  duk_push_int(ctx, code);
  return 1;
}

/* ---- Event ---- */

static int flags_of(duk_context *ctx, duk_idx_t ev) {
  duk_get_prop_string(ctx, ev, KEY_EV_FLAGS);
  int f = duk_get_int(ctx, -1);
  duk_pop(ctx);
  return f;
}

static void set_flags(duk_context *ctx, duk_idx_t ev, int f) {
  ev = duk_normalize_index(ctx, ev);
  duk_push_int(ctx, f);
  duk_put_prop_literal(ctx, ev, KEY_EV_FLAGS);
}

/* (a macro: the key must stay a literal for duk_put_prop_literal's internal-state write) */
#define put_hidden(ctx, obj, key, val)                                                        \
  do {                                                                                        \
    duk_idx_t put_obj_ = duk_normalize_index((ctx), (obj));                                   \
    duk_dup((ctx), (val));                                                                    \
    (void)duk_put_prop_literal((ctx), put_obj_, key);                                         \
  } while (0)

/* Pushes `this` after checking that it is an initialized Event. */
static duk_idx_t push_this_event(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !(flags_of(ctx, -1) & EV_INITIALIZED))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not an Event");
  return duk_get_top_index(ctx);
}

static bool get_bool_member(duk_context *ctx, duk_idx_t obj, const char *name) {
  if (!duk_is_object(ctx, obj))
    return false;
  duk_get_prop_string(ctx, obj, name);
  bool v = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  return v;
}

static void event_init(duk_context *ctx, duk_idx_t ev, duk_idx_t type, duk_idx_t init) {
  ev = duk_normalize_index(ctx, ev);
  init = duk_normalize_index(ctx, init);
  duk_dup(ctx, type);
  duk_to_string(ctx, -1);
  duk_put_prop_literal(ctx, ev, KEY_EV_TYPE);
  if (!duk_is_undefined(ctx, init) && !duk_is_null(ctx, init) && !duk_is_object(ctx, init))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to construct 'Event': The provided value is not of type "
                    "'EventInit'.");
  int f = EV_INITIALIZED;
  if (get_bool_member(ctx, init, "bubbles"))
    f |= EV_BUBBLES;
  if (get_bool_member(ctx, init, "cancelable"))
    f |= EV_CANCELABLE;
  if (get_bool_member(ctx, init, "composed"))
    f |= EV_COMPOSED;
  set_flags(ctx, ev, f);
  duk_push_null(ctx);
  duk_put_prop_literal(ctx, ev, KEY_EV_TARGET);
  duk_push_null(ctx);
  duk_put_prop_literal(ctx, ev, KEY_EV_CURRENT);
  duk_push_int(ctx, 0);
  duk_put_prop_literal(ctx, ev, KEY_EV_PHASE);
  duk_push_number(ctx, edgefn__perf_now(ctx));
  duk_put_prop_literal(ctx, ev, KEY_EV_TIME);
}

static duk_ret_t event_ctor_common(duk_context *ctx, const char *cls) {
  if (!constructing(ctx, cls))
    return illegal_new(ctx, cls);
  if (duk_get_top(ctx) < 1)
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct '%s': 1 argument required, but only 0 present.", cls);
  duk_set_top(ctx, 2);
  duk_push_this(ctx);
  event_init(ctx, -1, 0, 1);
  return 0;
}

static duk_ret_t event_ctor(duk_context *ctx) { return event_ctor_common(ctx, "Event"); }

static duk_ret_t custom_event_ctor(duk_context *ctx) {
  event_ctor_common(ctx, "CustomEvent");
  if (duk_is_object(ctx, 1))
    duk_get_prop_string(ctx, 1, "detail");
  else
    duk_push_null(ctx);
  if (duk_is_undefined(ctx, -1)) {
    duk_pop(ctx);
    duk_push_null(ctx);
  }
  duk_put_prop_literal(ctx, 2, KEY_EV_DETAIL);
  return 0;
}

enum {
  EG_TYPE,
  EG_TARGET,
  EG_CURRENT,
  EG_PHASE,
  EG_BUBBLES,
  EG_CANCELABLE,
  EG_DEFAULT_PREVENTED,
  EG_COMPOSED,
  EG_TRUSTED,
  EG_TIME,
  EG_RETURN_VALUE,
  EG_CANCEL_BUBBLE,
  EG_DETAIL,
};

static duk_ret_t event_get(duk_context *ctx) {
  duk_idx_t ev = push_this_event(ctx);
  int f = flags_of(ctx, ev);
  switch (duk_get_current_magic(ctx)) {
  case EG_TYPE:
    duk_get_prop_string(ctx, ev, KEY_EV_TYPE);
    break;
  case EG_TARGET:
    duk_get_prop_string(ctx, ev, KEY_EV_TARGET);
    break;
  case EG_CURRENT:
    duk_get_prop_string(ctx, ev, KEY_EV_CURRENT);
    break;
  case EG_PHASE:
    duk_get_prop_string(ctx, ev, KEY_EV_PHASE);
    break;
  case EG_BUBBLES:
    duk_push_boolean(ctx, f & EV_BUBBLES);
    break;
  case EG_CANCELABLE:
    duk_push_boolean(ctx, f & EV_CANCELABLE);
    break;
  case EG_DEFAULT_PREVENTED:
    duk_push_boolean(ctx, f & EV_CANCELED);
    break;
  case EG_COMPOSED:
    duk_push_boolean(ctx, f & EV_COMPOSED);
    break;
  case EG_TRUSTED:
    duk_push_false(ctx);
    break;
  case EG_TIME:
    duk_get_prop_string(ctx, ev, KEY_EV_TIME);
    break;
  case EG_RETURN_VALUE:
    duk_push_boolean(ctx, !(f & EV_CANCELED));
    break;
  case EG_CANCEL_BUBBLE:
    duk_push_boolean(ctx, f & EV_STOP);
    break;
  default:
    duk_get_prop_string(ctx, ev, KEY_EV_DETAIL);
    break;
  }
  return 1;
}

/* Legacy setters: `returnValue = false` cancels, `cancelBubble = true` stops propagation. */
static duk_ret_t event_set(duk_context *ctx) {
  bool v = duk_to_boolean(ctx, 0);
  duk_idx_t ev = push_this_event(ctx);
  int f = flags_of(ctx, ev);
  if (duk_get_current_magic(ctx) == EG_RETURN_VALUE) {
    if (!v && (f & EV_CANCELABLE) && !(f & EV_IN_PASSIVE))
      f |= EV_CANCELED;
  } else if (v) {
    f |= EV_STOP;
  }
  set_flags(ctx, ev, f);
  return 0;
}

static duk_ret_t event_prevent_default(duk_context *ctx) {
  duk_idx_t ev = push_this_event(ctx);
  int f = flags_of(ctx, ev);
  if ((f & EV_CANCELABLE) && !(f & EV_IN_PASSIVE))
    set_flags(ctx, ev, f | EV_CANCELED);
  return 0;
}

static duk_ret_t event_stop(duk_context *ctx) {
  duk_idx_t ev = push_this_event(ctx);
  set_flags(ctx, ev, flags_of(ctx, ev) | duk_get_current_magic(ctx));
  return 0;
}

static duk_ret_t event_composed_path(duk_context *ctx) {
  duk_idx_t ev = push_this_event(ctx);
  duk_push_array(ctx);
  duk_get_prop_string(ctx, ev, KEY_EV_CURRENT);
  if (duk_is_object(ctx, -1))
    duk_put_prop_index(ctx, -2, 0);
  else
    duk_pop(ctx);
  return 1;
}

/* ---- EventTarget ---- */

static void target_init(duk_context *ctx, duk_idx_t obj) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, obj, KEY_ET_LISTENERS);
}

static duk_ret_t event_target_ctor(duk_context *ctx) {
  if (!constructing(ctx, "EventTarget"))
    return illegal_new(ctx, "EventTarget");
  duk_push_this(ctx);
  target_init(ctx, -1);
  return 0;
}

/* Pushes the listener list of `this`. */
static duk_idx_t push_this_listeners(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_string(ctx, -1, KEY_ET_LISTENERS) ||
      !duk_is_array(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not an EventTarget");
  duk_remove(ctx, -2);
  return duk_get_top_index(ctx);
}

static bool is_signal(duk_context *ctx, duk_idx_t idx) {
  return duk_is_object(ctx, idx) && duk_has_prop_string(ctx, idx, KEY_SIG_ABORTED);
}

/* Finds the record (type, callback, capture) in list; returns its index or -1. */
static int find_listener(duk_context *ctx, duk_idx_t list, duk_idx_t type, duk_idx_t cb,
                         bool capture) {
  duk_size_t n = duk_get_length(ctx, list);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, list, (duk_uarridx_t)i);
    duk_get_prop_string(ctx, -1, "type");
    duk_get_prop_string(ctx, -2, "callback");
    bool match = duk_strict_equals(ctx, -2, type) && duk_strict_equals(ctx, -1, cb) &&
                 get_bool_member(ctx, -3, "capture") == capture;
    duk_pop_3(ctx);
    if (match)
      return (int)i;
  }
  return -1;
}

static void remove_record_at(duk_context *ctx, duk_idx_t list, int at) {
  list = duk_normalize_index(ctx, list);
  duk_get_prop_index(ctx, list, (duk_uarridx_t)at);
  duk_push_true(ctx);
  duk_put_prop_string(ctx, -2, "removed");
  duk_pop(ctx);
  duk_push_string(ctx, "splice");
  duk_push_int(ctx, at);
  duk_push_int(ctx, 1);
  duk_call_prop(ctx, list, 2);
  duk_pop(ctx);
}

/* Removes the record object at rec from the list at list, if still there. */
static void remove_record(duk_context *ctx, duk_idx_t list, duk_idx_t rec) {
  list = duk_normalize_index(ctx, list);
  rec = duk_normalize_index(ctx, rec);
  duk_size_t n = duk_get_length(ctx, list);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, list, (duk_uarridx_t)i);
    bool same = duk_strict_equals(ctx, -1, rec);
    duk_pop(ctx);
    if (same) {
      remove_record_at(ctx, list, (int)i);
      return;
    }
  }
  duk_push_true(ctx);
  duk_put_prop_string(ctx, rec, "removed");
}

/* The abort algorithm of a listener added with {signal}: fnA = list, fnB = record. */
static duk_ret_t listener_signal_abort(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_string(ctx, -1, KEY_FN_A);
  duk_get_prop_string(ctx, -2, KEY_FN_B);
  remove_record(ctx, -2, -1);
  return 0;
}

static void signal_add_algorithm(duk_context *ctx, duk_idx_t sig, duk_idx_t fn) {
  fn = duk_normalize_index(ctx, fn);
  duk_get_prop_string(ctx, sig, KEY_SIG_ALGOS);
  duk_dup(ctx, fn);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
  duk_pop(ctx);
}

static duk_ret_t et_add(duk_context *ctx) {
  duk_idx_t list = push_this_listeners(ctx);
  duk_to_string(ctx, 0);
  if (duk_is_undefined(ctx, 1) || duk_is_null(ctx, 1))
    return 0;
  if (!duk_is_object(ctx, 1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is "
                     "not of type 'Object'.");
  bool capture = false, once = false, passive = false;
  duk_idx_t signal = -1;
  if (duk_is_object(ctx, 2)) {
    capture = get_bool_member(ctx, 2, "capture");
    once = get_bool_member(ctx, 2, "once");
    passive = get_bool_member(ctx, 2, "passive");
    duk_get_prop_string(ctx, 2, "signal");
    if (!duk_is_undefined(ctx, -1)) {
      if (!is_signal(ctx, -1))
        return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                         "Failed to execute 'addEventListener' on 'EventTarget': member signal "
                         "is not of type AbortSignal.");
      signal = duk_get_top_index(ctx);
      if (get_bool_member(ctx, signal, KEY_SIG_ABORTED))
        return 0;
    }
  } else {
    capture = duk_to_boolean(ctx, 2);
  }
  if (find_listener(ctx, list, 0, 1, capture) >= 0)
    return 0;
  duk_push_object(ctx);
  duk_idx_t rec = duk_get_top_index(ctx);
  duk_dup(ctx, 0);
  duk_put_prop_string(ctx, rec, "type");
  duk_dup(ctx, 1);
  duk_put_prop_string(ctx, rec, "callback");
  duk_push_boolean(ctx, capture);
  duk_put_prop_string(ctx, rec, "capture");
  duk_push_boolean(ctx, once);
  duk_put_prop_string(ctx, rec, "once");
  duk_push_boolean(ctx, passive);
  duk_put_prop_string(ctx, rec, "passive");
  duk_dup(ctx, rec);
  duk_put_prop_index(ctx, list, (duk_uarridx_t)duk_get_length(ctx, list));
  if (signal >= 0) {
    duk_push_c_function(ctx, listener_signal_abort, 0);
    put_hidden(ctx, -1, KEY_FN_A, list);
    put_hidden(ctx, -1, KEY_FN_B, rec);
    signal_add_algorithm(ctx, signal, -1);
  }
  return 0;
}

static duk_ret_t et_remove(duk_context *ctx) {
  duk_idx_t list = push_this_listeners(ctx);
  duk_to_string(ctx, 0);
  bool capture =
      duk_is_object(ctx, 2) ? get_bool_member(ctx, 2, "capture") : duk_to_boolean(ctx, 2);
  int at = find_listener(ctx, list, 0, 1, capture);
  if (at >= 0)
    remove_record_at(ctx, list, at);
  return 0;
}

/* Calls the listeners of target for event in one phase (capture or not); returns false
 * when stopImmediatePropagation ended the dispatch. */
static bool invoke_listeners(duk_context *ctx, duk_idx_t target, duk_idx_t event, duk_idx_t clone,
                             bool capture_phase) {
  duk_get_prop_string(ctx, event, KEY_EV_TYPE);
  duk_idx_t type = duk_get_top_index(ctx);
  duk_size_t n = duk_get_length(ctx, clone);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, clone, (duk_uarridx_t)i);
    duk_idx_t rec = duk_get_top_index(ctx);
    duk_get_prop_string(ctx, rec, "type");
    bool skip = !duk_strict_equals(ctx, -1, type) || get_bool_member(ctx, rec, "removed") ||
                get_bool_member(ctx, rec, "capture") != capture_phase;
    duk_pop(ctx);
    if (skip) {
      duk_pop(ctx);
      continue;
    }
    if (get_bool_member(ctx, rec, "once")) {
      duk_get_prop_string(ctx, target, KEY_ET_LISTENERS);
      remove_record(ctx, -1, rec);
      duk_pop(ctx);
    }
    bool passive = get_bool_member(ctx, rec, "passive");
    if (passive)
      set_flags(ctx, event, flags_of(ctx, event) | EV_IN_PASSIVE);
    duk_get_prop_string(ctx, rec, "callback");
    int rc;
    if (duk_is_function(ctx, -1)) {
      duk_dup(ctx, target);
      duk_dup(ctx, event);
      rc = duk_pcall_method(ctx, 1);
    } else {
      duk_get_prop_string(ctx, -1, "handleEvent");
      if (!duk_is_function(ctx, -1)) {
        duk_pop_2(ctx);
        duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR, "handleEvent is not a function");
        rc = DUK_EXEC_ERROR;
      } else {
        duk_swap_top(ctx, -2);
        duk_dup(ctx, event);
        rc = duk_pcall_method(ctx, 1);
      }
    }
    if (rc != DUK_EXEC_SUCCESS)
      report_listener_error(ctx);
    else
      duk_pop(ctx);
    duk_pop(ctx); /* rec */
    int f = flags_of(ctx, event);
    if (passive)
      set_flags(ctx, event, f & ~EV_IN_PASSIVE);
    if (f & EV_STOP_IMMEDIATE) {
      duk_pop(ctx);
      return false;
    }
  }
  duk_pop(ctx);
  return true;
}

/* Dispatches the Event at event to the EventTarget at target; returns !defaultPrevented. */
static bool dispatch(duk_context *ctx, duk_idx_t target, duk_idx_t event) {
  target = duk_normalize_index(ctx, target);
  event = duk_normalize_index(ctx, event);
  int f = flags_of(ctx, event);
  if (!(f & EV_INITIALIZED))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not "
                    "of type 'Event'.");
  if (f & EV_DISPATCH)
    (void)edgefn__throw_dom_exception(ctx, "InvalidStateError",
                                      "The event is already being dispatched.");
  set_flags(ctx, event, f | EV_DISPATCH);
  put_hidden(ctx, event, KEY_EV_TARGET, target);
  put_hidden(ctx, event, KEY_EV_CURRENT, target);
  duk_push_int(ctx, 2); /* AT_TARGET */
  duk_put_prop_literal(ctx, event, KEY_EV_PHASE);
  /* Listeners added during the dispatch are not called; removed ones are skipped. */
  duk_get_prop_string(ctx, target, KEY_ET_LISTENERS);
  duk_push_string(ctx, "slice");
  duk_call_prop(ctx, -2, 0);
  duk_idx_t clone = duk_get_top_index(ctx);
  if (invoke_listeners(ctx, target, event, clone, true) && !(flags_of(ctx, event) & EV_STOP))
    invoke_listeners(ctx, target, event, clone, false);
  duk_pop_2(ctx);
  f = flags_of(ctx, event);
  set_flags(ctx, event, f & ~(EV_DISPATCH | EV_STOP | EV_STOP_IMMEDIATE));
  duk_push_int(ctx, 0);
  duk_put_prop_literal(ctx, event, KEY_EV_PHASE);
  duk_push_null(ctx);
  duk_put_prop_literal(ctx, event, KEY_EV_CURRENT);
  return !(f & EV_CANCELED);
}

static duk_ret_t et_dispatch(duk_context *ctx) {
  push_this_listeners(ctx);
  duk_push_this(ctx);
  if (!duk_is_object(ctx, 0))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not "
                     "of type 'Event'.");
  duk_push_boolean(ctx, dispatch(ctx, -1, 0));
  return 1;
}

/* ---- AbortSignal ---- */

static void push_new_signal(duk_context *ctx) {
  duk_push_object(ctx);
  push_class_part(ctx, "AbortSignalP");
  duk_set_prototype(ctx, -2);
  target_init(ctx, -1);
  duk_push_false(ctx);
  duk_put_prop_literal(ctx, -2, KEY_SIG_ABORTED);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, -2, KEY_SIG_ALGOS);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, -2, KEY_SIG_DEPS);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, -2, KEY_SIG_SOURCES);
}

static void push_event(duk_context *ctx, const char *type) {
  push_class_part(ctx, "Event");
  duk_push_string(ctx, type);
  duk_new(ctx, 1);
}

/* The abort steps of one signal whose reason is already set: its algorithms, then the
 * 'abort' event. */
static void run_abort_steps(duk_context *ctx, duk_idx_t sig) {
  sig = duk_normalize_index(ctx, sig);
  duk_get_prop_string(ctx, sig, KEY_SIG_ALGOS);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, sig, KEY_SIG_ALGOS);
  duk_size_t n = duk_get_length(ctx, -1);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
    duk_call(ctx, 0);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  push_event(ctx, "abort");
  dispatch(ctx, sig, -1);
  duk_pop(ctx);
}

static void signal_abort(duk_context *ctx, duk_idx_t sig, duk_idx_t reason) {
  sig = duk_normalize_index(ctx, sig);
  reason = duk_normalize_index(ctx, reason);
  if (get_bool_member(ctx, sig, KEY_SIG_ABORTED))
    return;
  if (duk_is_undefined(ctx, reason))
    edgefn__push_dom_exception(ctx, "AbortError", "This operation was aborted");
  else
    duk_dup(ctx, reason);
  duk_idx_t r = duk_get_top_index(ctx);
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, sig, KEY_SIG_ABORTED);
  put_hidden(ctx, sig, KEY_SIG_REASON, r);
  /* Dependent signals (AbortSignal.any) take the reason first, then every signal runs its
   * abort steps, the source first. */
  duk_push_array(ctx);
  duk_idx_t to_abort = duk_get_top_index(ctx);
  duk_get_prop_string(ctx, sig, KEY_SIG_DEPS);
  duk_size_t n = duk_get_length(ctx, -1);
  duk_uarridx_t k = 0;
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
    if (!get_bool_member(ctx, -1, KEY_SIG_ABORTED)) {
      duk_push_true(ctx);
      duk_put_prop_literal(ctx, -2, KEY_SIG_ABORTED);
      put_hidden(ctx, -1, KEY_SIG_REASON, r);
      duk_put_prop_index(ctx, to_abort, k++);
    } else {
      duk_pop(ctx);
    }
  }
  duk_pop(ctx);
  run_abort_steps(ctx, sig);
  for (duk_uarridx_t i = 0; i < k; i++) {
    duk_get_prop_index(ctx, to_abort, i);
    run_abort_steps(ctx, -1);
    duk_pop(ctx);
  }
  duk_pop_2(ctx);
}

static duk_idx_t push_this_signal(duk_context *ctx) {
  duk_push_this(ctx);
  if (!is_signal(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not an AbortSignal");
  return duk_get_top_index(ctx);
}

static duk_ret_t signal_ctor(duk_context *ctx) {
  return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                   "Failed to construct 'AbortSignal': Illegal "
                   "constructor");
}

static duk_ret_t signal_get(duk_context *ctx) {
  duk_idx_t sig = push_this_signal(ctx);
  switch (duk_get_current_magic(ctx)) {
  case 0:
    duk_get_prop_string(ctx, sig, KEY_SIG_ABORTED);
    break;
  case 1:
    duk_get_prop_string(ctx, sig, KEY_SIG_REASON);
    break;
  default:
    duk_get_prop_string(ctx, sig, KEY_SIG_ONABORT);
    if (!duk_is_function(ctx, -1) && !duk_is_object(ctx, -1)) {
      duk_pop(ctx);
      duk_push_null(ctx);
    }
    break;
  }
  return 1;
}

/* The listener behind `onabort`: calls whatever handler is current. */
static duk_ret_t onabort_listener(duk_context *ctx) {
  duk_push_this(ctx);
  duk_get_prop_string(ctx, -1, KEY_SIG_ONABORT);
  if (!duk_is_function(ctx, -1))
    return 0;
  duk_dup(ctx, -2);
  duk_dup(ctx, 0);
  duk_call_method(ctx, 1);
  return 0;
}

/* Setting an event handler to a function registers one listener, in the order of the first
 * registration; setting it to null removes it (HTML "event handler" processing). */
static duk_ret_t signal_set_onabort(duk_context *ctx) {
  duk_idx_t sig = push_this_signal(ctx);
  bool callable = duk_is_function(ctx, 0) || duk_is_object(ctx, 0);
  if (callable)
    put_hidden(ctx, sig, KEY_SIG_ONABORT, 0);
  else
    duk_del_prop_string(ctx, sig, KEY_SIG_ONABORT);
  bool registered = duk_get_prop_string(ctx, sig, KEY_SIG_HANDLER_REC);
  duk_get_prop_string(ctx, sig, KEY_ET_LISTENERS);
  if (callable && !registered) {
    duk_push_object(ctx);
    duk_push_string(ctx, "abort");
    duk_put_prop_string(ctx, -2, "type");
    duk_push_c_function(ctx, onabort_listener, 1);
    duk_put_prop_string(ctx, -2, "callback");
    duk_dup(ctx, -1);
    duk_put_prop_literal(ctx, sig, KEY_SIG_HANDLER_REC);
    duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
  } else if (!callable && registered) {
    remove_record(ctx, -1, -2);
    duk_del_prop_string(ctx, sig, KEY_SIG_HANDLER_REC);
  }
  return 0;
}

static duk_ret_t signal_throw_if_aborted(duk_context *ctx) {
  duk_idx_t sig = push_this_signal(ctx);
  if (get_bool_member(ctx, sig, KEY_SIG_ABORTED)) {
    duk_get_prop_string(ctx, sig, KEY_SIG_REASON);
    return duk_throw(ctx);
  }
  return 0;
}

static duk_ret_t signal_static_abort(duk_context *ctx) {
  push_new_signal(ctx);
  signal_abort(ctx, -1, 0);
  return 1;
}

static duk_ret_t signal_timeout_fired(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_string(ctx, -1, KEY_FN_A);
  edgefn__push_dom_exception(ctx, "TimeoutError", "The operation was aborted due to timeout");
  signal_abort(ctx, -2, -1);
  return 0;
}

static duk_ret_t signal_static_timeout(duk_context *ctx) {
  double ms = duk_to_number(ctx, 0);
  /* WebIDL [EnforceRange] unsigned long long. */
  if (!(ms >= 0 && ms <= 9007199254740991.0))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to execute 'timeout' on 'AbortSignal': Value is outside the "
                     "'unsigned long long' value range.");
  push_new_signal(ctx);
  /* The runtime's own setTimeout ties the timer to the request that is running. */
  duk_get_global_string(ctx, "setTimeout");
  duk_push_c_function(ctx, signal_timeout_fired, 0);
  put_hidden(ctx, -1, KEY_FN_A, -3);
  duk_push_number(ctx, ms);
  duk_call(ctx, 2);
  duk_pop(ctx);
  return 1;
}

static void link_dependent(duk_context *ctx, duk_idx_t result, duk_idx_t source) {
  source = duk_normalize_index(ctx, source);
  result = duk_normalize_index(ctx, result);
  duk_get_prop_string(ctx, result, KEY_SIG_SOURCES);
  duk_dup(ctx, source);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
  duk_pop(ctx);
  duk_get_prop_string(ctx, source, KEY_SIG_DEPS);
  duk_dup(ctx, result);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
  duk_pop(ctx);
}

static duk_ret_t signal_static_any(duk_context *ctx) {
  if (!duk_is_object(ctx, 0))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to execute 'any' on 'AbortSignal': The provided value cannot be "
                     "converted to a sequence.");
  duk_size_t n = duk_get_length(ctx, 0);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, 0, (duk_uarridx_t)i);
    if (!is_signal(ctx, -1))
      return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                       "Failed to execute 'any' on 'AbortSignal': Failed to convert value to "
                       "'AbortSignal'.");
    duk_pop(ctx);
  }
  push_new_signal(ctx);
  duk_idx_t result = duk_get_top_index(ctx);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, 0, (duk_uarridx_t)i);
    if (get_bool_member(ctx, -1, KEY_SIG_ABORTED)) {
      duk_get_prop_string(ctx, -1, KEY_SIG_REASON);
      put_hidden(ctx, result, KEY_SIG_REASON, -1);
      duk_push_true(ctx);
      duk_put_prop_literal(ctx, result, KEY_SIG_ABORTED);
      duk_set_top(ctx, result + 1);
      return 1;
    }
    duk_pop(ctx);
  }
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, result, KEY_SIG_DEPENDENT);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, 0, (duk_uarridx_t)i);
    /* A dependent signal is replaced by its sources, so chains stay one level deep. */
    if (get_bool_member(ctx, -1, KEY_SIG_DEPENDENT)) {
      duk_get_prop_string(ctx, -1, KEY_SIG_SOURCES);
      duk_size_t m = duk_get_length(ctx, -1);
      for (duk_size_t j = 0; j < m; j++) {
        duk_get_prop_index(ctx, -1, (duk_uarridx_t)j);
        link_dependent(ctx, result, -1);
        duk_pop(ctx);
      }
      duk_pop(ctx);
    } else {
      link_dependent(ctx, result, -1);
    }
    duk_pop(ctx);
  }
  return 1;
}

/* ---- AbortController ---- */

static duk_ret_t controller_ctor(duk_context *ctx) {
  if (!constructing(ctx, "AbortController"))
    return illegal_new(ctx, "AbortController");
  duk_push_this(ctx);
  push_new_signal(ctx);
  duk_put_prop_literal(ctx, -2, KEY_CTRL_SIGNAL);
  return 0;
}

static duk_idx_t push_this_controller_signal(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_string(ctx, -1, KEY_CTRL_SIGNAL))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not an AbortController");
  return duk_get_top_index(ctx);
}

static duk_ret_t controller_signal(duk_context *ctx) {
  push_this_controller_signal(ctx);
  return 1;
}

static duk_ret_t controller_abort(duk_context *ctx) {
  duk_idx_t sig = push_this_controller_signal(ctx);
  signal_abort(ctx, sig, 0);
  return 0;
}

/* ---- building the classes ---- */

/* Creates constructor + prototype, stores them in the classes object (at cls) under name
 * and name + "P", and leaves the prototype on the stack. */
static duk_idx_t make_class(duk_context *ctx, duk_idx_t cls, const char *name, duk_c_function ctor,
                            duk_idx_t nargs, const duk_function_list_entry *methods,
                            const char *parent) {
  cls = duk_normalize_index(ctx, cls);
  duk_push_c_function(ctx, ctor, nargs);
  duk_push_object(ctx);
  if (parent) {
    duk_get_prop_string(ctx, cls, parent);
    duk_set_prototype(ctx, -2);
  }
  if (methods)
    duk_put_function_list(ctx, -1, methods);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, "constructor");
  duk_dup(ctx, -1);
  duk_put_prop_string(ctx, -3, "prototype");
  edgefn__def_to_string_tag(ctx, -1, name);
  char key[64];
  snprintf(key, sizeof(key), "%sP", name);
  duk_dup(ctx, -1);
  duk_put_prop_string(ctx, cls, key);
  duk_swap_top(ctx, -2);
  duk_put_prop_string(ctx, cls, name);
  return duk_get_top_index(ctx);
}

static void build_classes(duk_context *ctx) {
  static const duk_function_list_entry event_methods[] = {
      {"preventDefault", event_prevent_default, 0},
      {"composedPath", event_composed_path, 0},
      {NULL, NULL, 0}};
  static const duk_function_list_entry target_methods[] = {{"addEventListener", et_add, 3},
                                                           {"removeEventListener", et_remove, 3},
                                                           {"dispatchEvent", et_dispatch, 1},
                                                           {NULL, NULL, 0}};
  static const duk_function_list_entry signal_methods[] = {
      {"throwIfAborted", signal_throw_if_aborted, 0}, {NULL, NULL, 0}};
  static const duk_function_list_entry signal_statics[] = {{"abort", signal_static_abort, 1},
                                                           {"timeout", signal_static_timeout, 1},
                                                           {"any", signal_static_any, 1},
                                                           {NULL, NULL, 0}};
  static const duk_function_list_entry controller_methods[] = {{"abort", controller_abort, 1},
                                                               {NULL, NULL, 0}};
  static const struct {
    const char *name;
    int magic;
  } event_getters[] = {{"type", EG_TYPE},
                       {"target", EG_TARGET},
                       {"srcElement", EG_TARGET},
                       {"currentTarget", EG_CURRENT},
                       {"eventPhase", EG_PHASE},
                       {"bubbles", EG_BUBBLES},
                       {"cancelable", EG_CANCELABLE},
                       {"defaultPrevented", EG_DEFAULT_PREVENTED},
                       {"composed", EG_COMPOSED},
                       {"isTrusted", EG_TRUSTED},
                       {"timeStamp", EG_TIME}};

  duk_push_object(ctx);
  duk_idx_t cls = duk_get_top_index(ctx);

  duk_idx_t p = make_class(ctx, cls, "DOMException", domexception_ctor, 2, NULL, NULL);
  duk_get_global_string(ctx, "Error");
  duk_get_prop_string(ctx, -1, "prototype");
  duk_set_prototype(ctx, p);
  duk_pop(ctx);
  def_accessor(ctx, p, "name", domexception_get, NULL, 0);
  def_accessor(ctx, p, "message", domexception_get, NULL, 1);
  def_accessor(ctx, p, "code", domexception_get, NULL, 2);
  duk_get_prop_string(ctx, cls, "DOMException");
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(dom_codes); i++) {
    put_const(ctx, p, dom_codes[i].constant, dom_codes[i].code);
    put_const(ctx, -1, dom_codes[i].constant, dom_codes[i].code);
  }
  duk_pop_2(ctx);

  p = make_class(ctx, cls, "Event", event_ctor, DUK_VARARGS, event_methods, NULL);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(event_getters); i++)
    def_accessor(ctx, p, event_getters[i].name, event_get, NULL, event_getters[i].magic);
  def_accessor(ctx, p, "returnValue", event_get, event_set, EG_RETURN_VALUE);
  def_accessor(ctx, p, "cancelBubble", event_get, event_set, EG_CANCEL_BUBBLE);
  duk_push_c_function(ctx, event_stop, 0);
  duk_set_magic(ctx, -1, EV_STOP);
  duk_put_prop_string(ctx, p, "stopPropagation");
  duk_push_c_function(ctx, event_stop, 0);
  duk_set_magic(ctx, -1, EV_STOP | EV_STOP_IMMEDIATE);
  duk_put_prop_string(ctx, p, "stopImmediatePropagation");
  duk_get_prop_string(ctx, cls, "Event");
  static const char *const phases[] = {"NONE", "CAPTURING_PHASE", "AT_TARGET", "BUBBLING_PHASE"};
  for (int i = 0; i < 4; i++) {
    put_const(ctx, p, phases[i], i);
    put_const(ctx, -1, phases[i], i);
  }
  duk_pop_2(ctx);

  p = make_class(ctx, cls, "CustomEvent", custom_event_ctor, DUK_VARARGS, NULL, "EventP");
  def_accessor(ctx, p, "detail", event_get, NULL, EG_DETAIL);
  duk_pop(ctx);

  make_class(ctx, cls, "EventTarget", event_target_ctor, 0, target_methods, NULL);
  duk_pop(ctx);

  p = make_class(ctx, cls, "AbortSignal", signal_ctor, 0, signal_methods, "EventTargetP");
  def_accessor(ctx, p, "aborted", signal_get, NULL, 0);
  def_accessor(ctx, p, "reason", signal_get, NULL, 1);
  def_accessor(ctx, p, "onabort", signal_get, signal_set_onabort, 2);
  duk_get_prop_string(ctx, cls, "AbortSignal");
  duk_put_function_list(ctx, -1, signal_statics);
  duk_pop_2(ctx);

  p = make_class(ctx, cls, "AbortController", controller_ctor, 0, controller_methods, NULL);
  def_accessor(ctx, p, "signal", controller_signal, NULL, 0);
  duk_pop(ctx);

  duk_push_global_stash(ctx);
  duk_dup(ctx, cls);
  duk_put_prop_string(ctx, -2, STASH_CLASSES);
  duk_pop_2(ctx);
}

static void ensure_classes(duk_context *ctx) {
  duk_push_global_stash(ctx);
  bool have = duk_has_prop_string(ctx, -1, STASH_CLASSES);
  duk_pop(ctx);
  if (!have)
    build_classes(ctx);
}

void edgefn__push_dom_exception(duk_context *ctx, const char *name, const char *message) {
  ensure_classes(ctx);
  push_class_part(ctx, "DOMException");
  duk_push_string(ctx, message);
  duk_push_string(ctx, name);
  duk_new(ctx, 2);
}

duk_ret_t edgefn__throw_dom_exception(duk_context *ctx, const char *name, const char *message) {
  edgefn__push_dom_exception(ctx, name, message);
  return duk_throw(ctx);
}

void edgefn__events_install(duk_context *ctx) {
  static const char *const names[] = {"DOMException", "Event",       "CustomEvent",
                                      "EventTarget",  "AbortSignal", "AbortController"};
  ensure_classes(ctx);
  duk_push_global_object(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(names); i++) {
    push_class_part(ctx, names[i]);
    duk_put_prop_string(ctx, -2, names[i]);
  }
  duk_pop(ctx);
}

/* ---- AbortSignal for native code (js.h) ---- */

bool edgefn__is_abort_signal(duk_context *ctx, duk_idx_t idx) {
  ensure_classes(ctx);
  return is_signal(ctx, idx);
}

bool edgefn__abort_signal_aborted(duk_context *ctx, duk_idx_t sig) {
  return get_bool_member(ctx, sig, KEY_SIG_ABORTED);
}

void edgefn__abort_signal_push_reason(duk_context *ctx, duk_idx_t sig) {
  duk_get_prop_string(ctx, sig, KEY_SIG_REASON);
}

void edgefn__abort_signal_add_algorithm(duk_context *ctx, duk_idx_t sig, duk_idx_t fn) {
  signal_add_algorithm(ctx, duk_normalize_index(ctx, sig), fn);
}

void edgefn__abort_signal_push_new(duk_context *ctx) {
  ensure_classes(ctx);
  push_new_signal(ctx);
}

void edgefn__abort_signal_abort(duk_context *ctx, duk_idx_t sig, duk_idx_t reason) {
  signal_abort(ctx, sig, reason);
}
