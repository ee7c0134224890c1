/* The zlib side of CompressionStream and DecompressionStream (Compression Standard):
 * gzip, deflate (zlib wrapper) and deflate-raw. The stream classes themselves are in
 * streams.js; each holds one codec object made here.
 *
 * The z_stream lives in a fixed Duktape buffer (its address never changes, which zlib's
 * state check requires) and zlib allocates through the heap's allocator, so a codec's
 * memory counts against the runtime's memory limit. A finalizer ends the z_stream when the
 * codec is collected; a codec that finished or failed has already been ended. */
#include "js/js.h"

#include <string.h>
#include <zlib.h>

#define K_ZSTATE DUK_HIDDEN_SYMBOL("zst")
#define OUT_CHUNK 16384u

typedef struct codec {
  z_stream zs;
  /* The heap's allocator, not a duk_context: the context that made the codec may be a
   * coroutine collected before the codec. */
  duk_memory_functions mem;
  bool inflate;
  bool live;  /* init succeeded and end not yet called */
  bool done;  /* inflate saw the end of the compressed stream */
} codec;

static voidpf z_alloc(voidpf opaque, uInt items, uInt size) {
  codec *c = opaque;
  if (size && items > (uInt)-1 / size)
    return Z_NULL;
  return c->mem.alloc_func(c->mem.udata, (duk_size_t)items * size);
}

static void z_free(voidpf opaque, voidpf p) {
  codec *c = opaque;
  c->mem.free_func(c->mem.udata, p);
}

static void codec_end(codec *c) {
  if (!c->live)
    return;
  c->live = false;
  if (c->inflate)
    inflateEnd(&c->zs);
  else
    deflateEnd(&c->zs);
}

static duk_ret_t codec_finalize(duk_context *ctx) {
  duk_get_prop_literal(ctx, 0, K_ZSTATE);
  codec *c = duk_get_buffer(ctx, -1, NULL);
  if (c)
    codec_end(c);
  return 0;
}

void edgefn__zlib_push_new(duk_context *ctx, duk_idx_t format, bool inflate) {
  const char *f = duk_require_string(ctx, format);
  int bits = strcmp(f, "gzip") == 0 ? 15 + 16 : strcmp(f, "deflate") == 0 ? 15 : -15;
  duk_push_object(ctx);
  codec *c = duk_push_fixed_buffer(ctx, sizeof(codec));
  memset(c, 0, sizeof(*c));
  duk_put_prop_literal(ctx, -2, K_ZSTATE);
  duk_get_memory_functions(ctx, &c->mem);
  c->inflate = inflate;
  c->zs.zalloc = z_alloc;
  c->zs.zfree = z_free;
  c->zs.opaque = c;
  int rc = inflate ? inflateInit2(&c->zs, bits)
                   : deflateInit2(&c->zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits, 8,
                                  Z_DEFAULT_STRATEGY);
  if (rc != Z_OK)
    (void)duk_error(ctx, rc == Z_MEM_ERROR ? DUK_ERR_RANGE_ERROR : DUK_ERR_ERROR,
                    "zlib initialisation failed (%d)", rc);
  c->live = true;
  duk_push_c_function(ctx, codec_finalize, 1);
  duk_set_finalizer(ctx, -2);
}

/* Runs the codec over in[0..n) (finish: Z_FINISH, else Z_NO_FLUSH) appending output to the
 * dynamic buffer at out; returns the number of bytes in it. Throws TypeError on bad data. */
static size_t run(duk_context *ctx, codec *c, const uint8_t *in, size_t n, bool finish,
                  duk_idx_t out) {
  size_t used = 0;
  c->zs.next_in = (Bytef *)(uintptr_t)in;
  c->zs.avail_in = (uInt)n;
  for (;;) {
    duk_size_t cap;
    uint8_t *buf = duk_get_buffer(ctx, out, &cap);
    if (cap - used < OUT_CHUNK / 2)
      buf = duk_resize_buffer(ctx, out, cap * 2 < cap + OUT_CHUNK ? cap + OUT_CHUNK : cap * 2),
      cap = duk_get_length(ctx, out);
    c->zs.next_out = buf + used;
    c->zs.avail_out = (uInt)(cap - used);
    int rc;
    if (c->inflate) {
      if (c->done) {
        if (c->zs.avail_in > 0) {
          codec_end(c);
          (void)duk_type_error(ctx, "DecompressionStream: junk found after the end of the "
                                    "compressed data");
        }
        break;
      }
      rc = inflate(&c->zs, finish ? Z_FINISH : Z_NO_FLUSH);
      used = (size_t)(c->zs.next_out - buf);
      if (rc == Z_STREAM_END) {
        c->done = true;
        continue; /* checks for trailing input */
      }
      if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR) {
        codec_end(c);
        (void)duk_type_error(ctx, "DecompressionStream: the compressed data is invalid");
      }
      if (c->zs.avail_in == 0 && c->zs.avail_out > 0) {
        if (finish) {
          codec_end(c);
          (void)duk_type_error(ctx, "DecompressionStream: the compressed data ended early");
        }
        break;
      }
      if (rc == Z_BUF_ERROR && c->zs.avail_out > 0) {
        if (finish) {
          codec_end(c);
          (void)duk_type_error(ctx, "DecompressionStream: the compressed data ended early");
        }
        break;
      }
    } else {
      rc = deflate(&c->zs, finish ? Z_FINISH : Z_NO_FLUSH);
      used = (size_t)(c->zs.next_out - buf);
      if (rc == Z_STREAM_ERROR)
        (void)duk_error(ctx, DUK_ERR_ERROR, "CompressionStream: zlib failed");
      if (finish ? rc == Z_STREAM_END : (c->zs.avail_in == 0 && c->zs.avail_out > 0))
        break;
    }
  }
  if (finish)
    codec_end(c);
  return used;
}

void edgefn__zlib_push_output(duk_context *ctx, duk_idx_t codec_idx, duk_idx_t chunk,
                              bool finish) {
  codec_idx = duk_normalize_index(ctx, codec_idx);
  chunk = duk_normalize_index(ctx, chunk);
  duk_get_prop_literal(ctx, codec_idx, K_ZSTATE);
  codec *c = duk_get_buffer(ctx, -1, NULL);
  duk_pop(ctx);
  if (!c || !c->live) {
    if (c && c->inflate && c->done && finish) {
      duk_push_null(ctx);
      return;
    }
    (void)duk_type_error(ctx, "the compression stream has ended");
  }
  const uint8_t *in = NULL;
  duk_size_t n = 0;
  if (!finish) {
    in = duk_require_buffer_data(ctx, chunk, &n);
    if (n > (duk_size_t)(uInt)-1)
      (void)duk_range_error(ctx, "chunk too large");
  }
  if (c->inflate && c->done && finish) {
    codec_end(c);
    duk_push_null(ctx);
    return;
  }
  (void)duk_push_dynamic_buffer(ctx, OUT_CHUNK);
  duk_idx_t out = duk_get_top_index(ctx);
  size_t used = run(ctx, c, in, n, finish, out);
  if (used == 0) {
    duk_pop(ctx);
    duk_push_null(ctx);
    return;
  }
  uint8_t *d = duk_push_fixed_buffer(ctx, used);
  memcpy(d, duk_get_buffer(ctx, out, NULL), used);
  duk_push_buffer_object(ctx, -1, 0, used, DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
  duk_remove(ctx, -2);
}
