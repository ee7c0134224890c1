/* Request and Response (Fetch standard). A body is bytes (strings, buffers, Blob, FormData,
 * URLSearchParams are turned into bytes when the object is made) or a ReadableStream; for
 * bytes, `body` makes a stream over them only when a script asks for it, so the common
 * buffered paths never load the streams module (js.h: EDGEFN_KEY_BODY_STREAM). */
#include "js/js.h"

#include "duk_extras.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* On instances: the kind (1 = Request, 2 = Response) in the low KIND_BITS bits, and a
 * Response's status above them (one property to write, and to read on delivery). */
#define KEY_KIND DUK_HIDDEN_SYMBOL("kind")
#define KEY_STATUS_TEXT DUK_HIDDEN_SYMBOL("stt")
#define KEY_HEADERS DUK_HIDDEN_SYMBOL("hdr")
/* An incoming request's headers not yet read: a packed block (edgefn__headers_push_packed_block)
 * that push_message_headers turns into KEY_HEADERS on first use. */
#define KEY_HEADER_BLOCK DUK_HIDDEN_SYMBOL("hb")
/* A constructed Response's headers not yet asked for: a packed block as for KEY_HEADER_BLOCK
 * (edgefn__headers_push_block_from_pairs), but mutable once it becomes a Headers object on
 * first use. Most handlers never read back the headers of the Response they make; delivery
 * reads the block. */
#define KEY_HEADER_LIST DUK_HIDDEN_SYMBOL("hl")
#define KEY_METHOD DUK_HIDDEN_SYMBOL("m")
#define KEY_URL DUK_HIDDEN_SYMBOL("u")
#define KEY_OPTS DUK_HIDDEN_SYMBOL("o")   /* Request init fields other than the above */
#define KEY_SIGNAL DUK_HIDDEN_SYMBOL("sig")
#define KEY_GEO DUK_HIDDEN_SYMBOL("geo")  /* incoming: the host's edgefn_geo as an object */
#define KEY_CLIENT_IP DUK_HIDDEN_SYMBOL("ip")
#define KEY_REQUEST_ID DUK_HIDDEN_SYMBOL("rid")
#define KEY_EO DUK_HIDDEN_SYMBOL("eo")    /* cached request.eo */
#define KEY_CF DUK_HIDDEN_SYMBOL("cf")    /* request.cf: from init, or built from the geo */
#define KEY_TYPE DUK_HIDDEN_SYMBOL("ty")  /* Response type when not "default" */
#define KEY_REDIRECTED DUK_HIDDEN_SYMBOL("rd") /* a fetched Response that followed redirects */
#define STASH_REQUEST_PROTO "requestProto"
#define STASH_RESPONSE_PROTO "responseProto"

enum { KIND_REQUEST = 1, KIND_RESPONSE = 2, KIND_BITS = 4 };

static const char text_plain_utf8[] = "text/plain;charset=UTF-8";

/* ---- shared helpers ---- */

static int kind_of(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return 0;
  EDGEFN_GET_OWN_LITERAL(ctx, idx, KEY_KIND);
  int k = duk_get_int(ctx, -1);
  duk_pop(ctx);
  return k & ((1 << KIND_BITS) - 1);
}

/* The status of the Response at idx (0 for other objects). */
static int status_of(duk_context *ctx, duk_idx_t idx) {
  EDGEFN_GET_OWN_LITERAL(ctx, idx, KEY_KIND);
  int k = duk_get_int(ctx, -1);
  duk_pop(ctx);
  return (k & ((1 << KIND_BITS) - 1)) == KIND_RESPONSE ? k >> KIND_BITS : 0;
}

static void require_this_kind(duk_context *ctx, int kind) {
  duk_push_this(ctx);
  if (kind_of(ctx, -1) != kind)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a %s",
                    kind == KIND_REQUEST ? "Request" : "Response");
}

bool edgefn__is_response(duk_context *ctx, duk_idx_t idx) {
  return kind_of(ctx, idx) == KIND_RESPONSE;
}

/* Pushes the body bytes (a plain buffer, or undefined for no body) for a BodyInit at idx,
 * then the Content-Type it implies (a string, or undefined): strings are text/plain, Blobs
 * their type, FormData multipart with its boundary, URLSearchParams urlencoded. */
static void push_body_from_init(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  if (duk_is_string(ctx, idx) && !duk_is_symbol(ctx, idx)) { /* the usual body, sooner */
    size_t len;
    edgefn__push_utf8_buffer(ctx, idx, &len);
    duk_push_literal(ctx, "text/plain;charset=UTF-8"); /* interned once, then cached */
    return;
  }
  if (duk_is_undefined(ctx, idx) || duk_is_null(ctx, idx)) {
    duk_push_undefined(ctx);
    duk_push_undefined(ctx);
    return;
  }
  if (edgefn__is_readable_stream(ctx, idx)) {
    if (!edgefn__stream_is_usable(ctx, idx))
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                      "The body ReadableStream is locked or has been read from");
    duk_dup(ctx, idx);
    duk_push_undefined(ctx);
    return;
  }
  if (duk_is_buffer_data(ctx, idx)) {
    duk_size_t len;
    void *src = duk_get_buffer_data(ctx, idx, &len);
    void *dst = duk_push_fixed_buffer(ctx, len);
    if (len)
      memcpy(dst, src, len);
    duk_push_undefined(ctx);
    return;
  }
  if (kind_of(ctx, idx)) { /* a Request or Response as body: its bytes */
    duk_get_prop_literal(ctx, idx, EDGEFN_KEY_BODY);
    duk_push_undefined(ctx);
    return;
  }
  if (edgefn__is_blob(ctx, idx)) {
    size_t len;
    const uint8_t *src = edgefn__blob_data(ctx, idx, &len);
    void *dst = duk_push_fixed_buffer(ctx, len);
    if (len)
      memcpy(dst, src, len);
    const char *type = edgefn__blob_type(ctx, idx);
    if (type && type[0])
      duk_push_string(ctx, type);
    else
      duk_push_undefined(ctx);
    return;
  }
  if (edgefn__is_formdata(ctx, idx)) {
    edgefn__formdata_push_body(ctx, idx);
    return;
  }
  bool params = edgefn__is_search_params(ctx, idx);
  duk_dup(ctx, idx);
  duk_to_string(ctx, -1);
  size_t len;
  edgefn__push_utf8_buffer(ctx, -1, &len);
  duk_remove(ctx, -2);
  duk_push_string(ctx, params ? "application/x-www-form-urlencoded;charset=UTF-8"
                              : text_plain_utf8);
}

static void set_default_content_type(duk_context *ctx, duk_idx_t headers, const char *type) {
  if (!edgefn__headers_has_raw(ctx, headers, "content-type"))
    edgefn__headers_append_raw(ctx, headers, "content-type", 12, type, strlen(type));
}

/* Pushes a new Headers built from init (undefined for empty), as `new Headers(init)`. */
static void push_headers_from(duk_context *ctx, duk_idx_t init) {
  edgefn__headers_push_init(ctx, init);
}

/* Pushes a prototype kept in the stash (a macro so the key stays a literal). */
#define PUSH_PROTO(ctx, key)                 \
  do {                                       \
    duk_push_global_stash(ctx);              \
    duk_get_prop_literal((ctx), -1, key);    \
    duk_remove((ctx), -2);                   \
  } while (0)

/* ---- body methods (shared by Request and Response) ---- */

enum { BODY_NONE, BODY_BYTES, BODY_STREAM, BODY_USED };

/* Pushes the body of the message at msg (bytes, a stream, or undefined) and says what it
 * is: BODY_USED when it was consumed or its stream was read from or locked. */
static int push_body_state(duk_context *ctx, duk_idx_t msg) {
  msg = duk_normalize_index(ctx, msg);
  duk_get_prop_literal(ctx, msg, EDGEFN_KEY_BODY_USED);
  bool used = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  duk_get_prop_literal(ctx, msg, EDGEFN_KEY_BODY);
  if (duk_is_undefined(ctx, -1))
    return BODY_NONE;
  if (used)
    return BODY_USED;
  if (duk_is_buffer(ctx, -1)) {
    bool usable = true;
    if (duk_get_prop_literal(ctx, msg, EDGEFN_KEY_BODY_STREAM))
      usable = edgefn__stream_is_usable(ctx, -1);
    duk_pop(ctx);
    return usable ? BODY_BYTES : BODY_USED;
  }
  return edgefn__stream_is_usable(ctx, -1) ? BODY_STREAM : BODY_USED;
}

/* Marks the bytes body of msg consumed (and the stream made over them, if any). */
static void consume_bytes(duk_context *ctx, duk_idx_t msg) {
  msg = duk_normalize_index(ctx, msg);
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, msg, EDGEFN_KEY_BODY_USED);
  if (duk_get_prop_literal(ctx, msg, EDGEFN_KEY_BODY_STREAM)) {
    edgefn__streams_call(ctx, "markConsumed", 1);
  }
  duk_pop(ctx);
}

/* Converters replace the body on top of the stack (bytes as any buffer data, or undefined)
 * with the method's result; msg is the Request or Response. */
typedef void (*body_convert_fn)(duk_context *ctx, duk_idx_t msg);

static const uint8_t *top_bytes(duk_context *ctx, duk_size_t *len) {
  *len = 0;
  if (duk_is_undefined(ctx, -1))
    return NULL;
  return duk_get_buffer_data(ctx, -1, len);
}

static void convert_text(duk_context *ctx, duk_idx_t msg) {
  (void)msg;
  duk_size_t len;
  const uint8_t *p = top_bytes(ctx, &len);
  edgefn__push_string_from_utf8(ctx, p ? p : (const uint8_t *)"", len);
  duk_remove(ctx, -2);
}

static void convert_json(duk_context *ctx, duk_idx_t msg) {
  convert_text(ctx, msg);
  duk_json_decode(ctx, -1);
}

static void convert_bytes(duk_context *ctx, duk_idx_t msg) {
  (void)msg;
  duk_size_t len;
  const uint8_t *p = top_bytes(ctx, &len);
  void *copy = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(copy, p, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
  duk_remove(ctx, -2);
}

static void convert_array_buffer(duk_context *ctx, duk_idx_t msg) {
  (void)msg;
  duk_size_t len;
  const uint8_t *p = top_bytes(ctx, &len);
  void *copy = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(copy, p, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
  duk_remove(ctx, -2);
}

static duk_ret_t take_and_convert(duk_context *ctx, void *udata) {
  duk_push_this(ctx);
  duk_idx_t msg = duk_get_top_index(ctx);
  if (!kind_of(ctx, msg))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation");
  int st = push_body_state(ctx, msg);
  if (st == BODY_USED)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Body has already been used");
  if (st == BODY_BYTES) {
    edgefn__rt_check_body_read(ctx, -1); /* the request body limit (lib/js/runtime.c) */
    consume_bytes(ctx, msg);
  }
  ((body_convert_fn)udata)(ctx, msg);
  return 1;
}

#define KEY_CONV_MSG DUK_HIDDEN_SYMBOL("cm")
#define KEY_CONV_FN DUK_HIDDEN_SYMBOL("cf")

/* The fulfillment handler of a stream body's read: converts the gathered bytes. */
static duk_ret_t stream_body_convert(duk_context *ctx) { /* (Uint8Array) */
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, KEY_CONV_FN);
  body_convert_fn convert = (body_convert_fn)(uintptr_t)duk_get_pointer(ctx, -1);
  duk_pop(ctx);
  duk_get_prop_literal(ctx, -1, KEY_CONV_MSG);
  duk_idx_t msg = duk_get_top_index(ctx);
  duk_dup(ctx, 0);
  convert(ctx, msg);
  return 1;
}

/* A stream body: read it whole (the stream module's readAllBytes), then convert. */
static duk_ret_t read_stream_body_safe(duk_context *ctx, void *udata) { /* [msg stream] */
  edgefn__streams_call(ctx, "readAllBytes", 1);
  duk_push_c_function(ctx, stream_body_convert, 1);
  duk_push_pointer(ctx, (void *)(uintptr_t)udata);
  duk_put_prop_literal(ctx, -2, KEY_CONV_FN);
  duk_dup(ctx, -3);
  duk_put_prop_literal(ctx, -2, KEY_CONV_MSG);
  duk_push_undefined(ctx);
  edgefn__promise_then(ctx, -3, -2, -1, true);
  return 1;
}

static duk_ret_t body_promise(duk_context *ctx, body_convert_fn convert) {
  duk_push_this(ctx);
  if (kind_of(ctx, -1)) {
    if (push_body_state(ctx, -1) == BODY_STREAM) {
      if (duk_safe_call(ctx, read_stream_body_safe, (void *)(uintptr_t)convert, 2, 1) !=
          DUK_EXEC_SUCCESS)
        edgefn__promise_push_rejected(ctx, -1);
      return 1;
    }
    duk_pop(ctx);
  }
  duk_pop(ctx);
  /* The work runs in a protected call so its error becomes the promise's rejection. The
   * CPU budget check still stops a runaway conversion: its RangeError is re-thrown. */
  if (duk_safe_call(ctx, take_and_convert, (void *)(uintptr_t)convert, 0, 1) ==
      DUK_EXEC_SUCCESS) {
    edgefn__promise_push_resolved(ctx, -1);
  } else {
    edgefn__promise_push_rejected(ctx, -1);
  }
  return 1;
}

static duk_ret_t body_text(duk_context *ctx) { return body_promise(ctx, convert_text); }
static duk_ret_t body_json(duk_context *ctx) { return body_promise(ctx, convert_json); }
static duk_ret_t body_array_buffer(duk_context *ctx) {
  return body_promise(ctx, convert_array_buffer);
}
static duk_ret_t body_bytes(duk_context *ctx) { return body_promise(ctx, convert_bytes); }

/* Pushes the Headers object of the Request or Response at idx (undefined for other
 * objects), first making it from the header list of a constructed Response or the header
 * block of an incoming request whose headers no script has read yet. */
static void push_message_headers(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  if (EDGEFN_GET_OWN_LITERAL(ctx, idx, KEY_HEADERS))
    return;
  duk_pop(ctx);
  if (EDGEFN_GET_OWN_LITERAL(ctx, idx, KEY_HEADER_LIST) && duk_is_buffer(ctx, -1)) {
    edgefn__headers_push_from_block(ctx, EDGEFN_GUARD_NONE, -1);
    duk_remove(ctx, -2);
    /* Defined rather than put: a script may have frozen the Response. */
    duk_dup_top(ctx);
    EDGEFN_PUT_OWN_LITERAL(ctx, idx, KEY_HEADERS);
    duk_push_undefined(ctx);
    EDGEFN_PUT_OWN_LITERAL(ctx, idx, KEY_HEADER_LIST);
    return;
  }
  duk_pop(ctx);
  if (!EDGEFN_GET_OWN_LITERAL(ctx, idx, KEY_HEADER_BLOCK) || !duk_is_buffer(ctx, -1)) {
    duk_pop(ctx);
    duk_push_undefined(ctx);
    return;
  }
  edgefn__headers_push_from_block(ctx, EDGEFN_GUARD_IMMUTABLE, -1);
  duk_remove(ctx, -2);
  duk_dup_top(ctx);
  EDGEFN_PUT_OWN_LITERAL(ctx, idx, KEY_HEADERS);
  duk_push_undefined(ctx);
  EDGEFN_PUT_OWN_LITERAL(ctx, idx, KEY_HEADER_BLOCK);
}

/* Pushes the Content-Type header of msg as a string, or undefined. */
static void push_content_type(duk_context *ctx, duk_idx_t msg) {
  push_message_headers(ctx, msg);
  duk_push_literal(ctx, "get");
  duk_push_literal(ctx, "content-type");
  duk_call_prop(ctx, -3, 1);
  duk_remove(ctx, -2);
  if (duk_is_null(ctx, -1)) {
    duk_pop(ctx);
    duk_push_undefined(ctx);
  }
}

static void convert_blob(duk_context *ctx, duk_idx_t msg) { /* [bytes] */
  push_content_type(ctx, msg);
  char type[256] = "";
  if (duk_is_string(ctx, -1)) {
    duk_size_t n;
    const char *ct = duk_get_lstring(ctx, -1, &n);
    edgefn__mime m;
    if (edgefn__mime_parse_utf8(ct, n, &m)) {
      edgefn__mime_serialize(&m, type, sizeof(type));
      edgefn__mime_free(&m);
    }
  }
  duk_pop(ctx);
  duk_size_t len;
  const uint8_t *p = top_bytes(ctx, &len);
  edgefn__blob_push(ctx, p ? p : (const uint8_t *)"", len, type);
  duk_remove(ctx, -2);
}

static void convert_form_data(duk_context *ctx, duk_idx_t msg) { /* [bytes] */
  duk_size_t len;
  const uint8_t *p = top_bytes(ctx, &len);
  push_content_type(ctx, msg);
  const char *ct = duk_is_string(ctx, -1) ? duk_get_string(ctx, -1) : NULL;
  edgefn__formdata_push_parsed(ctx, p ? p : (const uint8_t *)"", len, ct);
  duk_remove(ctx, -2);
  duk_remove(ctx, -2);
}

static duk_ret_t body_blob(duk_context *ctx) { return body_promise(ctx, convert_blob); }
static duk_ret_t body_form_data(duk_context *ctx) { return body_promise(ctx, convert_form_data); }

static duk_ret_t body_used_getter(duk_context *ctx) {
  duk_push_this(ctx);
  duk_get_prop_literal(ctx, -1, EDGEFN_KEY_BODY_USED);
  bool used = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  if (!used) {
    /* A stream body (or the stream made over bytes) is used once it was read from. */
    duk_get_prop_literal(ctx, -1, EDGEFN_KEY_BODY);
    if (duk_is_buffer(ctx, -1)) {
      duk_pop(ctx);
      duk_get_prop_literal(ctx, -1, EDGEFN_KEY_BODY_STREAM);
    }
    if (edgefn__is_readable_stream(ctx, -1)) {
      edgefn__streams_call(ctx, "isDisturbed", 1);
      used = duk_to_boolean(ctx, -1);
    }
  }
  duk_push_boolean(ctx, used);
  return 1;
}

/* body: null, the stream body, or a byte stream made (once) over the bytes. */
static duk_ret_t message_body(duk_context *ctx) {
  duk_push_this(ctx);
  if (!kind_of(ctx, 0))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation");
  duk_get_prop_literal(ctx, 0, EDGEFN_KEY_BODY);
  if (duk_is_undefined(ctx, 1)) {
    duk_push_null(ctx);
    return 1;
  }
  if (!duk_is_buffer(ctx, 1))
    return 1;
  if (duk_get_prop_literal(ctx, 0, EDGEFN_KEY_BODY_STREAM))
    return 1;
  duk_pop(ctx);
  duk_size_t len;
  const uint8_t *p = duk_get_buffer(ctx, 1, &len);
  edgefn__stream_push_from_bytes(ctx, p, len);
  duk_get_prop_literal(ctx, 0, EDGEFN_KEY_BODY_USED);
  if (duk_to_boolean(ctx, -1)) {
    duk_dup(ctx, -2);
    edgefn__streams_call(ctx, "markConsumed", 1);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  duk_dup_top(ctx);
  duk_put_prop_literal(ctx, 0, EDGEFN_KEY_BODY_STREAM);
  return 1;
}

/* ---- Response ---- */

static bool is_null_body_status(int status) {
  return status == 101 || status == 204 || status == 205 || status == 304;
}

/* Initialises the Response at obj from body at body_idx and init at init_idx. */
static void response_init(duk_context *ctx, duk_idx_t obj, duk_idx_t body_idx,
                          duk_idx_t init_idx, const char *default_type) {
  obj = duk_normalize_index(ctx, obj);
  body_idx = duk_normalize_index(ctx, body_idx);
  init_idx = duk_normalize_index(ctx, init_idx);
  edgefn__duk_reserve_props(ctx, obj, 4); /* body, headers, status text, kind and status */
  int status = 200;
  duk_push_literal(ctx, "");
  duk_push_undefined(ctx); /* headers init */
  duk_idx_t status_text = duk_get_top(ctx) - 2, hinit = duk_get_top(ctx) - 1;
  if (duk_is_object(ctx, init_idx)) {
    if (duk_get_prop_literal(ctx, init_idx, "status") && !duk_is_undefined(ctx, -1)) {
      double d = duk_to_number(ctx, -1);
      if (!(d >= 200 && d <= 599) || d != (int)d)
        (void)duk_error(ctx, DUK_ERR_RANGE_ERROR,
                        "Failed to construct 'Response': The status provided (%g) is outside "
                        "the range [200, 599].",
                        d);
      status = (int)d;
    }
    duk_pop(ctx);
    if (duk_get_prop_literal(ctx, init_idx, "statusText") && !duk_is_undefined(ctx, -1)) {
      duk_size_t len;
      const char *s = duk_to_lstring(ctx, -1, &len);
      /* reason-phrase = *( HTAB / SP / VCHAR / obs-text ), obs-text being U+0080..U+00FF
       * (two-byte sequences with lead 0xC2 or 0xC3 in Duktape's UTF-8). */
      for (duk_size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = c == '\t' || (c >= 0x20 && c < 0x7f) || c == 0xc2 || c == 0xc3 ||
                  (c >= 0x80 && c < 0xc0 && i > 0 &&
                   ((unsigned char)s[i - 1] == 0xc2 || (unsigned char)s[i - 1] == 0xc3));
        if (!ok)
          (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                          "Failed to construct 'Response': Invalid statusText");
      }
      duk_replace(ctx, status_text);
    } else {
      duk_pop(ctx);
    }
    duk_get_prop_literal(ctx, init_idx, "headers");
    duk_replace(ctx, hinit);
  } else if (!duk_is_undefined(ctx, init_idx) && !duk_is_null(ctx, init_idx)) {
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Failed to construct 'Response': init must be an object");
  }
  /* The headers are validated here (the constructor's order: headers, then the body), and
   * kept as a packed block until a script asks for them (push_message_headers); delivery
   * reads the block. */
  duk_idx_t pairs = duk_get_top(ctx);
  duk_idx_t count = edgefn__headers_push_init_pairs(ctx, hinit);
  push_body_from_init(ctx, body_idx); /* [.. pairs, body, type] */
  if (!duk_is_undefined(ctx, -2) && is_null_body_status(status))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to construct 'Response': Response with null body status cannot "
                    "have body");
  if (default_type) {
    duk_pop(ctx);
    duk_push_string(ctx, default_type);
  }
  const char *ct = NULL;
  duk_size_t ct_len = 0;
  if (!duk_is_undefined(ctx, -2) && duk_is_string(ctx, -1))
    ct = duk_get_lstring(ctx, -1, &ct_len);
  edgefn__headers_push_block_from_pairs(ctx, pairs, count, ct, ct_len);
  EDGEFN_PUT_OWN_LITERAL(ctx, obj, KEY_HEADER_LIST);
  duk_pop(ctx);
  EDGEFN_PUT_OWN_LITERAL(ctx, obj, EDGEFN_KEY_BODY);
  if (duk_get_length(ctx, status_text) > 0) { /* absent reads as "" */
    duk_dup(ctx, status_text);
    EDGEFN_PUT_OWN_LITERAL(ctx, obj, KEY_STATUS_TEXT);
  }
  duk_push_int(ctx, KIND_RESPONSE | status << KIND_BITS);
  EDGEFN_PUT_OWN_LITERAL(ctx, obj, KEY_KIND);
  duk_set_top(ctx, status_text); /* the status text, the headers init and the pairs */
}

static duk_ret_t response_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'Response': Please use the 'new' operator");
  duk_push_this(ctx);
  response_init(ctx, -1, 0, 1, NULL);
  return 0;
}

static void push_new_response(duk_context *ctx) {
  duk_push_object(ctx);
  PUSH_PROTO(ctx, STASH_RESPONSE_PROTO);
  duk_set_prototype(ctx, -2);
}

void edgefn__message_push_body(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_push_c_function(ctx, message_body, 0);
  duk_dup(ctx, idx);
  duk_call_method(ctx, 0);
}

/* HTMLRewriter's result: the status, status text and headers of src (its Content-Length
 * dropped, the body's length changes) with the stream at body (or no body when undefined). */
void edgefn__response_push_derived(duk_context *ctx, duk_idx_t src, duk_idx_t body) {
  src = duk_normalize_index(ctx, src);
  body = duk_normalize_index(ctx, body);
  push_new_response(ctx);
  duk_idx_t obj = duk_get_top_index(ctx);
  duk_push_object(ctx); /* init: only own properties this function sets */
  duk_push_int(ctx, status_of(ctx, src));
  duk_put_prop_literal(ctx, -2, "status");
  if (duk_get_prop_literal(ctx, src, KEY_STATUS_TEXT)) {
    duk_put_prop_literal(ctx, -2, "statusText");
  } else {
    duk_pop(ctx);
  }
  response_init(ctx, obj, body, -1, NULL);
  duk_pop(ctx);
  push_message_headers(ctx, src);
  edgefn__headers_push_list(ctx, -1);
  push_message_headers(ctx, obj);
  duk_size_t n = duk_get_length(ctx, -2);
  for (duk_size_t i = 0; i + 1 < n; i += 2) {
    duk_get_prop_index(ctx, -2, (duk_uarridx_t)i);
    duk_get_prop_index(ctx, -3, (duk_uarridx_t)i + 1);
    duk_size_t nl, vl;
    const char *name = duk_get_lstring(ctx, -2, &nl);
    const char *value = duk_get_lstring(ctx, -1, &vl);
    if (name && value && strcmp(name, "content-length") != 0)
      edgefn__headers_append_raw(ctx, -3, name, nl, value, vl);
    duk_pop_2(ctx);
  }
  duk_pop_3(ctx);
}

static duk_ret_t response_json(duk_context *ctx) {
  duk_dup(ctx, 0);
  duk_json_encode(ctx, -1);
  edgefn__json_well_formed(ctx, -1); /* as JSON.stringify does (ES2019) */
  if (duk_is_undefined(ctx, 0) || duk_is_function(ctx, 0))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Response.json: value is not JSON serializable");
  push_new_response(ctx);
  response_init(ctx, -1, -2, 1, "application/json");
  return 1;
}

static duk_ret_t response_redirect(duk_context *ctx) {
  int status = duk_is_undefined(ctx, 1) ? 302 : duk_to_int(ctx, 1);
  if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR, "Invalid redirect status %d", status);
  const char *url = duk_to_string(ctx, 0);
  push_new_response(ctx);
  duk_push_object(ctx);
  duk_push_int(ctx, status);
  duk_put_prop_literal(ctx, -2, "status");
  duk_push_undefined(ctx);
  response_init(ctx, -3, -1, -2, NULL);
  duk_pop_2(ctx);
  push_message_headers(ctx, -1);
  edgefn__headers_append_raw(ctx, -1, "location", 8, url, strlen(url));
  duk_pop(ctx);
  return 1;
}

static duk_ret_t response_status(duk_context *ctx) {
  require_this_kind(ctx, KIND_RESPONSE);
  duk_push_int(ctx, status_of(ctx, -1));
  return 1;
}

static duk_ret_t response_status_text(duk_context *ctx) {
  require_this_kind(ctx, KIND_RESPONSE);
  if (!duk_get_prop_literal(ctx, -1, KEY_STATUS_TEXT))
    duk_push_string(ctx, "");
  return 1;
}

static duk_ret_t response_ok(duk_context *ctx) {
  require_this_kind(ctx, KIND_RESPONSE);
  int s = status_of(ctx, -1);
  duk_push_boolean(ctx, s >= 200 && s <= 299);
  return 1;
}

static duk_ret_t message_headers(duk_context *ctx) {
  duk_push_this(ctx);
  if (!kind_of(ctx, -1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation");
  push_message_headers(ctx, -1);
  return 1;
}

static duk_ret_t response_type(duk_context *ctx) {
  require_this_kind(ctx, KIND_RESPONSE);
  if (!duk_get_prop_literal(ctx, -1, KEY_TYPE))
    duk_push_literal(ctx, "default");
  return 1;
}

/* Response.error(): a network error (status 0, type "error", immutable empty headers). A
 * function that answers with one gets a 502 for its client. */
static duk_ret_t response_error(duk_context *ctx) {
  push_new_response(ctx);
  edgefn__headers_push(ctx, EDGEFN_GUARD_IMMUTABLE);
  duk_put_prop_literal(ctx, -2, KEY_HEADERS);
  duk_push_literal(ctx, "error");
  duk_put_prop_literal(ctx, -2, KEY_TYPE);
  duk_push_int(ctx, KIND_RESPONSE);
  duk_put_prop_literal(ctx, -2, KEY_KIND);
  return 1;
}

static duk_ret_t response_redirected(duk_context *ctx) {
  require_this_kind(ctx, KIND_RESPONSE);
  duk_push_boolean(ctx, duk_get_prop_literal(ctx, -1, KEY_REDIRECTED) && duk_to_boolean(ctx, -1));
  return 1;
}

static duk_ret_t response_url(duk_context *ctx) {
  require_this_kind(ctx, KIND_RESPONSE);
  if (!duk_get_prop_literal(ctx, -1, KEY_URL))
    duk_push_literal(ctx, "");
  return 1;
}

/* Copies the hidden fields of `this` to a new object of the same kind. */
static duk_ret_t message_clone(duk_context *ctx) {
  duk_push_this(ctx);
  int kind = kind_of(ctx, -1);
  if (!kind)
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation");
  int st = push_body_state(ctx, -1);
  if (st == BODY_USED)
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Body has already been used");
  if (st == BODY_STREAM) {
    /* Both get a branch of a tee; the original keeps the first. */
    edgefn__streams_call(ctx, "tee", 1);
    duk_get_prop_index(ctx, -1, 0);
    duk_put_prop_literal(ctx, -3, EDGEFN_KEY_BODY);
  } else {
    duk_pop(ctx);
    duk_push_undefined(ctx);
  } /* 0: this, 1: the tee's branches or undefined */
  duk_push_object(ctx); /* 2 */
  duk_get_prototype(ctx, 0);
  duk_set_prototype(ctx, 2);
  static const char *const keys[] = {KEY_KIND,   KEY_STATUS_TEXT, KEY_METHOD,
                                     KEY_URL,    KEY_OPTS,      KEY_SIGNAL,      KEY_GEO,
                                     KEY_CF,     KEY_CLIENT_IP, KEY_REQUEST_ID,  KEY_TYPE,
                                     KEY_REDIRECTED, EDGEFN_KEY_BODY};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(keys); i++) {
    if (duk_get_prop_string(ctx, 0, keys[i]))
      duk_put_prop_string(ctx, 2, keys[i]);
    else
      duk_pop(ctx);
  }
  /* Byte bodies are never written after construction, so sharing the bytes is safe;
   * headers are copied (with their guard). */
  push_message_headers(ctx, 0);
  push_headers_from(ctx, -1);
  if (duk_get_prop_literal(ctx, -2, EDGEFN_KEY_HEADERS_GUARD))
    duk_put_prop_literal(ctx, -2, EDGEFN_KEY_HEADERS_GUARD);
  else
    duk_pop(ctx);
  duk_put_prop_literal(ctx, 2, KEY_HEADERS);
  duk_pop(ctx);
  if (st == BODY_STREAM) {
    duk_get_prop_index(ctx, 1, 1);
    duk_put_prop_literal(ctx, 2, EDGEFN_KEY_BODY);
  }
  duk_dup(ctx, 2);
  return 1;
}

/* ---- Request ---- */

static bool is_token(const char *s, size_t len) { return edgefn__is_token(s, len); }

/* Replaces the method at idx with its normalized form (Fetch: the six standard methods
 * are upper-cased; CONNECT, TRACE and TRACK are forbidden). */
static void normalize_method(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_size_t len;
  const char *m = duk_to_lstring(ctx, idx, &len);
  if (!is_token(m, len))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "'%s' is not a valid HTTP method.", m);
  static const char *const std[] = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"};
  static const char *const forbidden[] = {"CONNECT", "TRACE", "TRACK"};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(forbidden); i++)
    if (strlen(forbidden[i]) == len && strncasecmp(m, forbidden[i], len) == 0)
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "'%s' HTTP method is unsupported.", m);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(std); i++)
    if (strlen(std[i]) == len && strncasecmp(m, std[i], len) == 0) {
      duk_push_string(ctx, std[i]);
      duk_replace(ctx, idx);
      return;
    }
}

static void check_absolute_url(duk_context *ctx, duk_idx_t idx) {
  duk_size_t len;
  const char *u = duk_to_lstring(ctx, idx, &len);
  size_t i = 0;
  if (len && isalpha((unsigned char)u[0]))
    while (i < len && (isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.'))
      i++;
  if (i == 0 || i >= len || u[i] != ':')
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Failed to construct 'Request': Invalid URL '%s'",
                    u);
}

/* The RequestInit members kept as strings, with their defaults and allowed values (WebIDL
 * enums: any other value is a TypeError). */
typedef struct request_option {
  const char *name;
  const char *idl_type;
  const char *def;
  const char *const *allowed; /* NULL-terminated; NULL = any string */
} request_option;

static const char *const redirect_values[] = {"follow", "error", "manual", NULL};
static const char *const cache_values[] = {"default",     "no-store",       "reload", "no-cache",
                                           "force-cache", "only-if-cached", NULL};
static const char *const credentials_values[] = {"omit", "same-origin", "include", NULL};
static const char *const mode_values[] = {"same-origin", "no-cors", "cors", "navigate",
                                          "websocket", NULL};
static const char *const referrer_policy_values[] = {"",
                                                     "no-referrer",
                                                     "no-referrer-when-downgrade",
                                                     "same-origin",
                                                     "origin",
                                                     "strict-origin",
                                                     "origin-when-cross-origin",
                                                     "strict-origin-when-cross-origin",
                                                     "unsafe-url",
                                                     NULL};
static const char *const duplex_values[] = {"half", NULL};
static const char *const priority_values[] = {"high", "low", "auto", NULL};

static const request_option request_options[] = {
    {"redirect", "RequestRedirect", "follow", redirect_values},
    {"cache", "RequestCache", "default", cache_values},
    {"credentials", "RequestCredentials", "same-origin", credentials_values},
    {"mode", "RequestMode", "cors", mode_values},
    {"referrerPolicy", "ReferrerPolicy", "", referrer_policy_values},
    {"integrity", "DOMString", "", NULL},
    {"referrer", "USVString", "about:client", NULL},
    {"duplex", "RequestDuplex", "half", duplex_values},
    {"priority", "RequestPriority", "auto", priority_values},
};

/* Copies init's option members (validated) into the options object at opts. */
static void read_request_options(duk_context *ctx, duk_idx_t init, duk_idx_t opts) {
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(request_options); i++) {
    const request_option *o = &request_options[i];
    if (!duk_get_prop_string(ctx, init, o->name) || duk_is_undefined(ctx, -1)) {
      duk_pop(ctx);
      continue;
    }
    const char *v = duk_to_string(ctx, -1);
    bool ok = o->allowed == NULL;
    for (const char *const *a = o->allowed; a && *a && !ok; a++)
      ok = strcmp(*a, v) == 0;
    if (!ok)
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                      "Failed to construct 'Request': The provided value '%s' is not a valid "
                      "enum value of type %s.",
                      v, o->idl_type);
    if (strcmp(o->name, "mode") == 0 && strcmp(v, "navigate") == 0)
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                      "Failed to construct 'Request': Cannot construct a Request with a "
                      "RequestInit whose mode member is set as 'navigate'.");
    duk_put_prop_string(ctx, opts, o->name);
  }
  if (duk_get_prop_literal(ctx, init, "keepalive") && !duk_is_undefined(ctx, -1)) {
    duk_push_boolean(ctx, duk_to_boolean(ctx, -1));
    duk_put_prop_literal(ctx, opts, "keepalive");
  }
  duk_pop(ctx);
}

/* magic: index into request_options */
static duk_ret_t request_option_getter(duk_context *ctx) {
  const request_option *o = &request_options[duk_get_current_magic(ctx)];
  require_this_kind(ctx, KIND_REQUEST);
  if (duk_get_prop_literal(ctx, -1, KEY_OPTS) && duk_get_prop_string(ctx, -1, o->name))
    return 1;
  duk_push_string(ctx, o->def);
  return 1;
}

static duk_ret_t request_keepalive(duk_context *ctx) {
  require_this_kind(ctx, KIND_REQUEST);
  duk_push_boolean(ctx, duk_get_prop_literal(ctx, -1, KEY_OPTS) &&
                            duk_get_prop_literal(ctx, -1, "keepalive") &&
                            duk_to_boolean(ctx, -1));
  return 1;
}

static duk_ret_t request_signal(duk_context *ctx) {
  require_this_kind(ctx, KIND_REQUEST);
  if (duk_get_prop_literal(ctx, -1, KEY_SIGNAL) && !duk_is_undefined(ctx, -1))
    return 1;
  duk_pop(ctx);
  /* A request nobody aborts still has a signal: made on first use. */
  duk_get_global_literal(ctx, "AbortController");
  if (!duk_is_function(ctx, -1))
    return 0;
  duk_new(ctx, 0);
  duk_get_prop_literal(ctx, -1, "signal");
  duk_dup_top(ctx);
  duk_put_prop_literal(ctx, -4, KEY_SIGNAL);
  return 1;
}

void edgefn__request_push_signal(duk_context *ctx, duk_idx_t idx) {
  duk_get_prop_literal(ctx, idx, KEY_SIGNAL);
}

static duk_ret_t request_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'Request': Please use the 'new' operator");
  duk_push_this(ctx); /* 2 */
  bool from_request = kind_of(ctx, 0) == KIND_REQUEST;
  /* Defaults from the input. */
  if (from_request) {
    duk_get_prop_literal(ctx, 0, KEY_URL);
    duk_get_prop_literal(ctx, 0, KEY_METHOD);
    push_message_headers(ctx, 0);
    duk_get_prop_literal(ctx, 0, EDGEFN_KEY_BODY);
  } else {
    duk_dup(ctx, 0);
    check_absolute_url(ctx, -1);
    duk_push_string(ctx, "GET");
    duk_push_undefined(ctx);
    duk_push_undefined(ctx);
  } /* 3 url, 4 method, 5 headers init, 6 body */
  bool init = duk_is_object(ctx, 1);
  if (!init && !duk_is_undefined(ctx, 1) && !duk_is_null(ctx, 1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'Request': The provided value is not of type "
                     "'RequestInit'.");
  /* Options: the input's, then init's on top. */
  duk_push_object(ctx); /* 7 */
  if (from_request) {
    if (duk_get_prop_literal(ctx, 0, KEY_OPTS)) {
      duk_enum(ctx, -1, DUK_ENUM_OWN_PROPERTIES_ONLY);
      while (duk_next(ctx, -1, 1))
        duk_put_prop(ctx, 7);
      duk_pop(ctx);
    }
    duk_pop(ctx);
  }
  if (from_request) {
    duk_get_prop_literal(ctx, 0, KEY_SIGNAL); /* 8 */
    duk_get_prop_literal(ctx, 0, KEY_CF);     /* 9 */
  } else {
    duk_push_undefined(ctx);
    duk_push_undefined(ctx);
  }
  if (init) {
    read_request_options(ctx, 1, 7);
    if (duk_get_prop_literal(ctx, 1, "signal") && !duk_is_undefined(ctx, -1)) {
      if (!duk_is_null(ctx, -1) && !duk_is_object(ctx, -1))
        return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                         "Failed to construct 'Request': member signal is not of type "
                         "AbortSignal.");
      duk_replace(ctx, 8);
    } else {
      duk_pop(ctx);
    }
    if (duk_get_prop_literal(ctx, 1, "cf") && !duk_is_undefined(ctx, -1))
      duk_replace(ctx, 9);
    else
      duk_pop(ctx);
    if (duk_get_prop_literal(ctx, 1, "method") && !duk_is_undefined(ctx, -1)) {
      normalize_method(ctx, -1);
      duk_replace(ctx, 4);
    } else {
      duk_pop(ctx);
    }
    if (duk_get_prop_literal(ctx, 1, "headers") && !duk_is_undefined(ctx, -1))
      duk_replace(ctx, 5);
    else
      duk_pop(ctx);
  }
  push_headers_from(ctx, 5); /* 10 */
  if (init && duk_get_prop_literal(ctx, 1, "body") && !duk_is_undefined(ctx, -1)) {
    push_body_from_init(ctx, -1); /* [.. init.body bytes type] */
    if (duk_is_string(ctx, -1) && !duk_is_undefined(ctx, -2))
      set_default_content_type(ctx, 10, duk_get_string(ctx, -1));
    duk_pop(ctx);
    duk_remove(ctx, -2);
    duk_replace(ctx, 6);
  } else if (init) {
    duk_pop(ctx);
  }
  const char *method = duk_get_string(ctx, 4);
  if (!duk_is_undefined(ctx, 6) && (!strcmp(method, "GET") || !strcmp(method, "HEAD")))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'Request': Request with GET/HEAD method cannot have "
                     "body.");
  duk_dup(ctx, 3);
  duk_put_prop_literal(ctx, 2, KEY_URL);
  duk_dup(ctx, 4);
  duk_put_prop_literal(ctx, 2, KEY_METHOD);
  duk_dup(ctx, 10);
  duk_put_prop_literal(ctx, 2, KEY_HEADERS);
  duk_dup(ctx, 7);
  duk_put_prop_literal(ctx, 2, KEY_OPTS);
  if (!duk_is_undefined(ctx, 8)) {
    duk_dup(ctx, 8);
    duk_put_prop_literal(ctx, 2, KEY_SIGNAL);
  }
  if (!duk_is_undefined(ctx, 9)) {
    duk_dup(ctx, 9);
    duk_put_prop_literal(ctx, 2, KEY_CF);
  }
  if (from_request && duk_is_object(ctx, 6) && !duk_is_buffer_data(ctx, 6)) {
    /* The input's stream body moves to the new request (the input is used up); a stream
     * given in init replaces it without touching the input. */
    duk_get_prop_literal(ctx, 0, EDGEFN_KEY_BODY);
    if (duk_strict_equals(ctx, -1, 6)) {
      if (!edgefn__stream_is_usable(ctx, 6))
        return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                         "Failed to construct 'Request': the input's body has been used");
      duk_push_true(ctx);
      duk_put_prop_literal(ctx, 0, EDGEFN_KEY_BODY_USED);
    }
    duk_pop(ctx);
  }
  duk_dup(ctx, 6);
  duk_put_prop_literal(ctx, 2, EDGEFN_KEY_BODY);
  duk_push_int(ctx, KIND_REQUEST);
  duk_put_prop_literal(ctx, 2, KEY_KIND);
  return 0;
}

static duk_ret_t request_method(duk_context *ctx) {
  require_this_kind(ctx, KIND_REQUEST);
  duk_get_prop_literal(ctx, -1, KEY_METHOD);
  return 1;
}

static duk_ret_t request_url(duk_context *ctx) {
  require_this_kind(ctx, KIND_REQUEST);
  duk_get_prop_literal(ctx, -1, KEY_URL);
  return 1;
}

/* ---- request.eo (EdgeOne) and request.cf (Workers) from the host's edgefn_geo ---- */

typedef struct geo_field {
  const char *eo_name; /* EdgeOne's request.eo.geo member */
  const char *cf_name; /* Cloudflare's request.cf member, or NULL */
  size_t offset;       /* of the const char * in edgefn_geo */
} geo_field;

static const geo_field geo_fields[] = {
    {"countryName", NULL, offsetof(edgefn_geo, country_name)},
    {"countryCodeAlpha2", "country", offsetof(edgefn_geo, country_alpha2)},
    {"countryCodeAlpha3", NULL, offsetof(edgefn_geo, country_alpha3)},
    {"countryCodeNumeric", NULL, offsetof(edgefn_geo, country_numeric)},
    {"regionName", "region", offsetof(edgefn_geo, region_name)},
    {"regionCode", "regionCode", offsetof(edgefn_geo, region_code)},
    {"cityName", "city", offsetof(edgefn_geo, city_name)},
    {"continentCode", "continent", offsetof(edgefn_geo, continent_code)},
    {"cisp", "asOrganization", offsetof(edgefn_geo, isp)},
};

/* Pushes request.eo.geo's object for a host geo record (copied: the struct lives only for
 * the dispatch call). Unknown strings are left out rather than set to null. */
static void push_geo(duk_context *ctx, const edgefn_geo *g) {
  duk_push_object(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(geo_fields); i++) {
    if (g->struct_size < geo_fields[i].offset + sizeof(const char *))
      continue;
    const char *v = *(const char *const *)((const char *)g + geo_fields[i].offset);
    if (v) {
      edgefn__push_string_from_utf8(ctx, (const uint8_t *)v, strlen(v));
      duk_put_prop_string(ctx, -2, geo_fields[i].eo_name);
    }
  }
  if (g->asn) {
    duk_push_uint(ctx, g->asn);
    duk_put_prop_literal(ctx, -2, "asn");
  }
  if (EDGEFN_HAS_FIELD(g, edgefn_geo, has_coordinates) && g->has_coordinates) {
    duk_push_number(ctx, g->latitude);
    duk_put_prop_literal(ctx, -2, "latitude");
    duk_push_number(ctx, g->longitude);
    duk_put_prop_literal(ctx, -2, "longitude");
  }
}

static duk_ret_t request_eo(duk_context *ctx) {
  require_this_kind(ctx, KIND_REQUEST);
  if (duk_get_prop_literal(ctx, -1, KEY_EO))
    return 1;
  duk_pop(ctx);
  duk_push_object(ctx);
  if (!duk_get_prop_literal(ctx, -2, KEY_GEO)) {
    duk_pop(ctx);
    duk_push_object(ctx);
  }
  duk_put_prop_literal(ctx, -2, "geo");
  if (duk_get_prop_literal(ctx, -2, KEY_CLIENT_IP))
    duk_put_prop_literal(ctx, -2, "clientIp");
  else
    duk_pop(ctx);
  if (!duk_get_prop_literal(ctx, -2, KEY_REQUEST_ID)) {
    duk_pop(ctx);
    duk_get_global_literal(ctx, "crypto");
    duk_push_literal(ctx, "randomUUID");
    duk_call_prop(ctx, -2, 0);
    duk_remove(ctx, -2);
  }
  duk_put_prop_literal(ctx, -2, "uuid");
  duk_dup_top(ctx);
  duk_put_prop_literal(ctx, -3, KEY_EO);
  return 1;
}

static duk_ret_t request_cf(duk_context *ctx) {
  require_this_kind(ctx, KIND_REQUEST);
  if (duk_get_prop_literal(ctx, -1, KEY_CF))
    return 1;
  duk_pop(ctx);
  if (!duk_get_prop_literal(ctx, -1, KEY_GEO))
    return 1; /* undefined, as on Workers for requests a script made */
  duk_push_object(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(geo_fields); i++) {
    if (!geo_fields[i].cf_name)
      continue;
    if (duk_get_prop_string(ctx, -2, geo_fields[i].eo_name))
      duk_put_prop_string(ctx, -2, geo_fields[i].cf_name);
    else
      duk_pop(ctx);
  }
  static const char *const same[] = {"asn", "latitude", "longitude"};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(same); i++) {
    if (duk_get_prop_string(ctx, -2, same[i])) {
      if (i > 0)
        duk_to_string(ctx, -1); /* Workers gives coordinates as strings */
      duk_put_prop_string(ctx, -2, same[i]);
    } else {
      duk_pop(ctx);
    }
  }
  duk_dup_top(ctx);
  duk_put_prop_literal(ctx, -4, KEY_CF);
  return 1;
}

/* Pushes a method already in its normalized form (the usual incoming case) through
 * Duktape's literal cache, or returns false for normalize_method to handle. */
static bool push_standard_method(duk_context *ctx, const char *m, size_t len) {
  switch (len) {
  case 3:
    if (memcmp(m, "GET", 3) == 0)
      duk_push_literal(ctx, "GET");
    else if (memcmp(m, "PUT", 3) == 0)
      duk_push_literal(ctx, "PUT");
    else
      return false;
    return true;
  case 4:
    if (memcmp(m, "POST", 4) == 0)
      duk_push_literal(ctx, "POST");
    else if (memcmp(m, "HEAD", 4) == 0)
      duk_push_literal(ctx, "HEAD");
    else
      return false;
    return true;
  default:
    return false;
  }
}

void edgefn__request_push_incoming(duk_context *ctx, const edgefn_request *req) {
  duk_push_object(ctx);
  /* kind, method, url, headers, body, client IP, geo, request id: made at its final size
   * rather than grown (and copied) every two properties. */
  edgefn__duk_reserve_props(ctx, -1, 8);
  PUSH_PROTO(ctx, STASH_REQUEST_PROTO);
  duk_set_prototype(ctx, -2);
  duk_push_int(ctx, KIND_REQUEST);
  EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_KIND);
  if (req->method && req->method_len) {
    if (!push_standard_method(ctx, req->method, req->method_len)) {
      edgefn__push_host_string(ctx, req->method, req->method_len);
      normalize_method(ctx, -1);
    }
  } else {
    duk_push_string(ctx, "GET");
  }
  EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_METHOD);
  edgefn__push_string_from_utf8(ctx, (const uint8_t *)req->url, req->url_len);
  EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_URL);
  edgefn__headers_push_packed_block(ctx, req->headers, req->header_count);
  EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_HEADER_BLOCK);
  if (req->body_len) {
    void *b = duk_push_fixed_buffer(ctx, req->body_len);
    memcpy(b, req->body, req->body_len);
    EDGEFN_PUT_OWN_LITERAL(ctx, -2, EDGEFN_KEY_BODY);
  }
  if (req->client_ip) {
    duk_push_string(ctx, req->client_ip);
    EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_CLIENT_IP);
  }
  if (EDGEFN_HAS_FIELD(req, edgefn_request, geo) && req->geo &&
      req->geo->struct_size >= offsetof(edgefn_geo, asn) + sizeof(uint32_t)) {
    push_geo(ctx, req->geo);
    EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_GEO);
  }
  if (EDGEFN_HAS_FIELD(req, edgefn_request, request_id) && req->request_id) {
    duk_push_string(ctx, req->request_id);
    EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_REQUEST_ID);
  }
}

/* ---- reading a Response out for delivery ---- */

/* Bytes the names and values of a flat header list hold (reading may throw). */
static size_t header_list_bytes(duk_context *ctx, duk_idx_t list, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < 2 * n; i++) {
    duk_get_prop_index(ctx, list, (duk_uarridx_t)i);
    duk_size_t l;
    duk_get_lstring(ctx, -1, &l);
    total += l;
    duk_pop(ctx);
  }
  return total;
}

/* Copies a flat header list into out[0..n) with the strings at *s (advanced past them).
 * Cannot throw: the list was sized by header_list_bytes and is unchanged since. */
static void header_list_copy(duk_context *ctx, duk_idx_t list, size_t n, edgefn_header *out,
                             char **s) {
  for (size_t i = 0; i < n; i++) {
    duk_size_t nl, vl;
    duk_get_prop_index(ctx, list, (duk_uarridx_t)(2 * i));
    const char *name = duk_get_lstring(ctx, -1, &nl);
    memcpy(*s, name, nl);
    out[i].name = *s;
    out[i].name_len = nl;
    *s += nl;
    duk_pop(ctx);
    duk_get_prop_index(ctx, list, (duk_uarridx_t)(2 * i + 1));
    const char *value = duk_get_lstring(ctx, -1, &vl);
    memcpy(*s, value, vl);
    out[i].value = *s;
    out[i].value_len = vl;
    *s += vl;
    duk_pop(ctx);
  }
}

/* The headers and the bytes of their names and values in a packed block. */
static void packed_block_size(const uint8_t *p, size_t len, size_t *count, size_t *bytes) {
  edgefn__block_iter it = {p, p + len};
  const char *name, *value;
  size_t nl, vl;
  *count = 0;
  *bytes = 0;
  while (edgefn__block_next(&it, &name, &nl, &value, &vl)) {
    ++*count;
    *bytes += nl + vl;
  }
}

/* Copies the headers of a packed block into out[] (sized by packed_block_size) with the
 * strings at *s (advanced past them). */
static void packed_block_copy(const uint8_t *p, size_t len, edgefn_header *out, char **s) {
  edgefn__block_iter it = {p, p + len};
  const char *name, *value;
  size_t nl, vl;
  for (; edgefn__block_next(&it, &name, &nl, &value, &vl); out++) {
    memcpy(*s, name, nl);
    out->name = *s;
    out->name_len = nl;
    *s += nl;
    if (vl)
      memcpy(*s, value, vl);
    out->value = *s;
    out->value_len = vl;
    *s += vl;
  }
}

void edgefn__response_extract(duk_context *ctx, duk_idx_t idx, edgefn__response_parts *p) {
  memset(p, 0, sizeof(*p));
  p->stream_length = -1;
  idx = duk_normalize_index(ctx, idx);
  p->status = status_of(ctx, idx);
  EDGEFN_GET_OWN_LITERAL(ctx, idx, KEY_STATUS_TEXT);
  duk_size_t st_len;
  const char *st = duk_get_lstring(ctx, -1, &st_len);
  /* The Headers object's list, or the packed block of a Response whose headers no script
   * asked for. */
  const uint8_t *packed = NULL;
  duk_size_t packed_len = 0;
  if (EDGEFN_GET_OWN_LITERAL(ctx, idx, KEY_HEADER_LIST) && duk_is_buffer(ctx, -1)) {
    packed = duk_get_buffer(ctx, -1, &packed_len);
    duk_push_undefined(ctx); /* (the same stack shape as a list) */
  } else {
    duk_pop(ctx);
    if (EDGEFN_GET_OWN_LITERAL(ctx, idx, KEY_HEADERS))
      edgefn__headers_push_list(ctx, -1);
    else
      duk_push_undefined(ctx); /* (cannot happen: every Response has one or the other) */
  }
  duk_idx_t list = duk_get_top_index(ctx);
  EDGEFN_GET_OWN_LITERAL(ctx, idx, EDGEFN_KEY_BODY);
  duk_size_t body_len = 0;
  const uint8_t *body = duk_is_buffer(ctx, -1) ? duk_get_buffer(ctx, -1, &body_len) : NULL;
  bool stream = !duk_is_undefined(ctx, -1) && !duk_is_buffer(ctx, -1);
  size_t n, bytes;
  if (packed) {
    packed_block_size(packed, packed_len, &n, &bytes);
  } else {
    n = duk_get_length(ctx, list) / 2;
    bytes = header_list_bytes(ctx, list, n);
  }
  /* Size everything first (reads may throw), then copy into one block (cannot throw). */
  size_t size = n * sizeof(edgefn_header) + bytes + st_len + 1 + body_len;
  char *block = malloc(size);
  if (!block)
    (void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  p->block = block;
  p->headers = (edgefn_header *)block;
  p->header_count = n;
  char *s = block + n * sizeof(edgefn_header);
  if (packed)
    packed_block_copy(packed, packed_len, p->headers, &s);
  else
    header_list_copy(ctx, list, n, p->headers, &s);
  if (st_len)
    memcpy(s, st, st_len);
  s[st_len] = '\0';
  p->status_text = s;
  s += st_len + 1;
  if (body_len)
    memcpy(s, body, body_len);
  p->body = (const uint8_t *)s;
  p->body_len = body_len;
  p->body_stream = stream;
  if (stream) {
    duk_dup(ctx, -1);
    edgefn__streams_call(ctx, "fixedLength", 1);
    p->stream_length = (int64_t)duk_get_number_default(ctx, -1, -1);
    duk_pop(ctx);
  }
  duk_pop_n(ctx, 4);
}

void edgefn__response_push_raw(duk_context *ctx, int status, const char *status_text,
                               const edgefn_header *headers, size_t header_count,
                               const uint8_t *body, size_t body_len, duk_idx_t url,
                               bool redirected) {
  url = duk_normalize_index(ctx, url);
  push_new_response(ctx);
  edgefn__headers_push_host(ctx, EDGEFN_GUARD_IMMUTABLE, headers, header_count);
  duk_put_prop_literal(ctx, -2, KEY_HEADERS);
  if (status_text && status_text[0]) {
    duk_push_string(ctx, status_text);
    duk_put_prop_literal(ctx, -2, KEY_STATUS_TEXT);
  }
  if (!is_null_body_status(status)) {
    void *b = duk_push_fixed_buffer(ctx, body_len);
    if (body_len)
      memcpy(b, body, body_len);
    duk_put_prop_literal(ctx, -2, EDGEFN_KEY_BODY);
  }
  duk_dup(ctx, url);
  duk_put_prop_literal(ctx, -2, KEY_URL);
  if (redirected) {
    duk_push_true(ctx);
    duk_put_prop_literal(ctx, -2, KEY_REDIRECTED);
  }
  duk_push_int(ctx, KIND_RESPONSE | (status & 0xffff) << KIND_BITS); /* (an HTTP status) */
  duk_put_prop_literal(ctx, -2, KEY_KIND);
}

bool edgefn__is_request(duk_context *ctx, duk_idx_t idx) {
  return kind_of(ctx, idx) == KIND_REQUEST;
}

void edgefn__request_extract(duk_context *ctx, duk_idx_t idx, edgefn__request_parts *p) {
  memset(p, 0, sizeof(*p));
  idx = duk_normalize_index(ctx, idx);
  duk_get_prop_literal(ctx, idx, KEY_METHOD);
  duk_size_t m_len;
  const char *m = duk_get_lstring(ctx, -1, &m_len);
  duk_get_prop_literal(ctx, idx, KEY_URL);
  size_t u_len;
  const uint8_t *u = edgefn__push_utf8_buffer(ctx, -1, &u_len);
  push_message_headers(ctx, idx);
  edgefn__headers_push_list(ctx, -1);
  duk_idx_t list = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, idx, EDGEFN_KEY_BODY);
  duk_size_t body_len = 0;
  const uint8_t *body = duk_is_buffer(ctx, -1) ? duk_get_buffer(ctx, -1, &body_len) : NULL;
  p->body_stream = !duk_is_undefined(ctx, -1) && !duk_is_buffer(ctx, -1);
  size_t n = duk_get_length(ctx, list) / 2;
  size_t size = n * sizeof(edgefn_header) + header_list_bytes(ctx, list, n) + m_len + 1 +
                u_len + 1 + body_len;
  char *block = malloc(size);
  if (!block)
    (void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  p->block = block;
  p->headers = (edgefn_header *)block;
  p->header_count = n;
  char *s = block + n * sizeof(edgefn_header);
  header_list_copy(ctx, list, n, p->headers, &s);
  memcpy(s, m, m_len);
  s[m_len] = '\0';
  p->method = s;
  p->method_len = m_len;
  s += m_len + 1;
  memcpy(s, u, u_len);
  s[u_len] = '\0';
  p->url = s;
  p->url_len = u_len;
  s += u_len + 1;
  if (body_len)
    memcpy(s, body, body_len);
  p->body = (const uint8_t *)s;
  p->body_len = body_len;
  duk_pop_n(ctx, 6);
}

void edgefn__response_parts_free(edgefn__response_parts *p) {
  free(p->block);
  p->block = NULL;
}

/* ---- installation ---- */

typedef struct accessor {
  const char *name;
  duk_c_function getter;
} accessor;

static void define_getters(duk_context *ctx, duk_idx_t obj, const accessor *list) {
  obj = duk_normalize_index(ctx, obj);
  for (; list->name; list++) {
    duk_push_string(ctx, list->name);
    duk_push_c_function(ctx, list->getter, 0);
    duk_def_prop(ctx, obj, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE);
  }
}

static const duk_function_list_entry body_methods[] = {{"text", body_text, 0},
                                                       {"json", body_json, 0},
                                                       {"arrayBuffer", body_array_buffer, 0},
                                                       {"bytes", body_bytes, 0},
                                                       {"blob", body_blob, 0},
                                                       {"formData", body_form_data, 0},
                                                       {"clone", message_clone, 0},
                                                       {NULL, NULL, 0}};

static const accessor response_getters[] = {
    {"status", response_status},   {"statusText", response_status_text},
    {"ok", response_ok},           {"headers", message_headers},
    {"bodyUsed", body_used_getter}, {"body", message_body},
    {"type", response_type},
    {"redirected", response_redirected}, {"url", response_url},
    {NULL, NULL}};

static const accessor request_getters[] = {
    {"method", request_method},     {"url", request_url},       {"headers", message_headers},
    {"bodyUsed", body_used_getter}, {"body", message_body},
    {"signal", request_signal},     {"keepalive", request_keepalive},
    {"eo", request_eo},             {"cf", request_cf},         {NULL, NULL}};

static void install_class(duk_context *ctx, const char *name, duk_c_function ctor, int nargs,
                          const accessor *getters, const char *stash_key) {
  duk_push_global_object(ctx);
  duk_push_c_function(ctx, ctor, nargs);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, body_methods);
  define_getters(ctx, -1, getters);
  duk_dup(ctx, -2);
  duk_put_prop_literal(ctx, -2, "constructor");
  duk_push_global_stash(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, stash_key);
  duk_pop(ctx);
  duk_put_prop_literal(ctx, -2, "prototype");
  duk_put_prop_string(ctx, -2, name);
  duk_pop(ctx);
}

void edgefn__fetch_install(duk_context *ctx) {
  install_class(ctx, "Request", request_ctor, 2, request_getters, STASH_REQUEST_PROTO);
  duk_get_global_literal(ctx, "Request");
  duk_get_prop_literal(ctx, -1, "prototype");
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(request_options); i++) {
    duk_push_string(ctx, request_options[i].name);
    duk_push_c_function(ctx, request_option_getter, 0);
    duk_set_magic(ctx, -1, (duk_int_t)i);
    duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE);
  }
  duk_pop_2(ctx);
  install_class(ctx, "Response", response_ctor, 2, response_getters, STASH_RESPONSE_PROTO);
  duk_get_global_literal(ctx, "Response");
  duk_push_c_function(ctx, response_json, 2);
  duk_put_prop_literal(ctx, -2, "json");
  duk_push_c_function(ctx, response_redirect, 2);
  duk_put_prop_literal(ctx, -2, "redirect");
  duk_push_c_function(ctx, response_error, 0);
  duk_put_prop_literal(ctx, -2, "error");
  duk_pop(ctx);
}
