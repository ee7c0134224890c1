/* edgefn_script: JavaScript source compiled once to Duktape bytecode in a throw-away heap.
 * Runtimes load the bytecode instead of parsing the source again. */
#include "compiler/compiler.h"
#include "compiler/lower.h"
#include "js/duk.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bundle's files, each its own function bytecode (so errors and stack traces name the
 * file), and the link graph (JSON) the runtime's linker runs them by. */
typedef struct script_module {
  uint8_t *bytecode;
  size_t len;
} script_module;

struct edgefn_script {
  atomic_int refs;
  uint8_t *bytecode;
  size_t bytecode_len;
  char *filename;
  script_module *mods; /* a bundle: mods[0] is the entry; bytecode is then NULL */
  size_t nmods;
  char *graph;
};

size_t edgefn__script_module_count(const edgefn_script *s) { return s->nmods; }

const uint8_t *edgefn__script_module_bytecode(const edgefn_script *s, size_t i, size_t *len) {
  *len = s->mods[i].len;
  return s->mods[i].bytecode;
}

const char *edgefn__script_graph(const edgefn_script *s) { return s->graph; }

const uint8_t *edgefn__script_bytecode(const edgefn_script *s, size_t *len) {
  *len = s->bytecode_len;
  return s->bytecode;
}

edgefn_script *edgefn__script_ref(const edgefn_script *cs) {
  edgefn_script *s = (edgefn_script *)cs;
  atomic_fetch_add(&s->refs, 1);
  return s;
}

void edgefn_script_free(edgefn_script *s) {
  if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
    return;
  free(s->bytecode);
  free(s->filename);
  for (size_t i = 0; i < s->nmods; i++)
    free(s->mods[i].bytecode);
  free(s->mods);
  free(s->graph);
  free(s);
}

size_t edgefn_script_bytecode_size(const edgefn_script *s) {
  if (!s)
    return 0;
  size_t n = s->bytecode_len;
  for (size_t i = 0; i < s->nmods; i++)
    n += s->mods[i].len;
  return n;
}

const char *edgefn_script_filename(const edgefn_script *s) { return s ? s->filename : NULL; }

typedef struct compile_args {
  const char *src;
  size_t len;
  const char *filename;
} compile_args;

static duk_ret_t compile_safe(duk_context *ctx, void *udata) {
  compile_args *a = udata;
  duk_push_string(ctx, a->filename);
  duk_compile_lstring_filename(ctx, 0, a->src, a->len);
  duk_dump_function(ctx);
  return 1;
}

/* The compile heap's part of edgefn_script_new, under a recovery point (a fatal error
 * abandons the heap: lib/js/heap.c). Destroys the heap when it returns. */
typedef struct compile_job {
  duk_context *ctx;
  compile_args args;
  const char *filename;
  edgefn_error_info *err;
  int rc;
  edgefn_script *out;
} compile_job;

static void compile_run(void *p) {
  compile_job *job = p;
  duk_context *ctx = job->ctx;
  const char *filename = job->filename;
  edgefn_error_info *err = job->err;
  int crc = duk_safe_call(ctx, compile_safe, &job->args, 0, 1);
  if (crc != DUK_EXEC_SUCCESS) {
    int line = 0;
    if (duk_is_error(ctx, -1)) {
      duk_get_prop_string(ctx, -1, "lineNumber");
      line = duk_is_number(ctx, -1) ? duk_get_int(ctx, -1) : 0;
      duk_pop(ctx);
    }
    char msg[400];
    snprintf(msg, sizeof(msg), "%s", duk_safe_to_string(ctx, -1));
    /* What Duktape still rejects after the compiler accepted the text (strict-mode rules
     * the compiler does not check): the line is the source's; the column is unknown. */
    int column = 0;
    duk_destroy_heap(ctx);
    /* Duktape ends the message with "(line N...)"; the location has its own fields. */
    char *paren = strstr(msg, " (line ");
    if (paren && strchr(paren, ')') && strchr(paren, ')')[1] == '\0')
      *paren = '\0';
    edgefn__error_set(err, EDGEFN_ESYNTAX, filename, line, column, "%s", msg);
    job->rc = EDGEFN_ESYNTAX;
    return;
  }
  duk_size_t bc_len = 0;
  const void *bc = duk_get_buffer(ctx, -1, &bc_len);
  edgefn_script *s = calloc(1, sizeof(*s));
  if (s) {
    s->bytecode = malloc(bc_len ? bc_len : 1);
    s->filename = edgefn__strndup(filename, strlen(filename));
  }
  if (!s || !s->bytecode || !s->filename) {
    if (s) {
      free(s->bytecode);
      free(s->filename);
      free(s);
    }
    duk_destroy_heap(ctx);
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "out of memory");
    job->rc = EDGEFN_ENOMEM;
    return;
  }
  memcpy(s->bytecode, bc, bc_len);
  s->bytecode_len = bc_len;
  atomic_init(&s->refs, 1);
  duk_destroy_heap(ctx);
  job->out = s;
}

static int bundle_new(edgefn_script **out, const edgefn_script_options *opts,
                      const char *filename, edgefn_error_info *err);

int edgefn_script_new(edgefn_script **out, const edgefn_script_options *opts,
                      edgefn_error_info *err) {
  if (out)
    *out = NULL;
  if (!out || !opts) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "edgefn_script_new: NULL argument");
    return EDGEFN_EINVAL;
  }
  if (!EDGEFN_MIN_SIZE_OK(opts, edgefn_script_options, filename)) {
    edgefn__error_set(err, EDGEFN_EVERSION, NULL, 0, 0, "edgefn_script_options too small");
    return EDGEFN_EVERSION;
  }
  const char *filename = opts->filename ? opts->filename : "<script>";
  if (!opts->source && opts->source_len) {
    edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0, "source is NULL");
    return EDGEFN_EINVAL;
  }
  if (opts->source_len > EDGEFN_MAX_SCRIPT_SIZE) {
    edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0,
                      "source is %zu bytes; the limit is %u", opts->source_len,
                      (unsigned)EDGEFN_MAX_SCRIPT_SIZE);
    return EDGEFN_EINVAL;
  }
  if (EDGEFN_HAS_FIELD(opts, edgefn_script_options, module_count) &&
      opts->module_count)
    return bundle_new(out, opts, filename, err);
  const char *src = opts->source ? opts->source : "";
  /* Modern syntax is lowered to ES5 first; the lowered text keeps the source's lines, so
   * Duktape's line numbers (errors, stack traces) are the author's. */
  char *lowered = NULL;
  size_t lowered_len = 0;
  edgefn_error_info lerr = EDGEFN_ERROR_INFO_INIT;
  bool needs_link = false;
  int lrc = edgefn__lower_single(src, opts->source_len, filename, &lowered, &lowered_len,
                                 &needs_link, &lerr);
  if (lrc == 0 && needs_link) /* a module evaluated asynchronously: the linker runs it */
    return bundle_new(out, opts, filename, err);
  if (lrc != 0) {
    if (lrc == EDGEFN_ESYNTAX)
      edgefn__error_set(err, lrc, filename, lerr.line, lerr.column, "SyntaxError: %s",
                        lerr.message);
    else
      edgefn__error_set(err, lrc, filename, 0, 0, "%s", lerr.message);
    return lrc;
  }
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx) {
    free(lowered);
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "cannot create compiler heap");
    return EDGEFN_ENOMEM;
  }
  compile_job job = {ctx, {lowered, lowered_len, filename}, filename, err, 0, NULL};
  char fatal[EDGEFN__FATAL_MSG_MAX];
  bool ok = edgefn__fatal_guard(NULL, compile_run, &job, fatal, sizeof(fatal));
  free(lowered);
  if (!ok) {
    (void)edgefn__heap_leak(ctx, 0);
    edgefn__error_set(err, EDGEFN_EENGINE, filename, 0, 0,
                      "fatal error in the JavaScript engine while compiling: %s", fatal);
    return EDGEFN_EENGINE;
  }
  if (job.rc != 0)
    return job.rc;
  *out = job.out;
  return 0;
}

/* ---- bundles ---- */

typedef struct bundle {
  size_t n;
  size_t cap; /* room for the built-in modules its files import (added as they are found) */
  const char **names; /* normalized (no "./"), the entry's is its base name */
  const char **srcs;
  size_t *lens;
  const char **display; /* the names errors show */
  size_t current;       /* the file being lowered */
} bundle;

/* Resolves "./x", "../a/b.js", "/x" against `from`'s directory into out (segments "." and
 * ".." folded); false when it climbs above the root or does not fit. */
static bool join_path(const char *from, const char *spec, size_t slen, char *out, size_t cap) {
  size_t n = 0;
  if (spec[0] != '/') {
    const char *slash = strrchr(from, '/');
    if (slash) {
      n = (size_t)(slash - from) + 1;
      if (n >= cap)
        return false;
      memcpy(out, from, n);
    }
  }
  size_t i = 0;
  while (i < slen) {
    size_t j = i;
    while (j < slen && spec[j] != '/')
      j++;
    size_t seg = j - i;
    if (seg == 0 || (seg == 1 && spec[i] == '.')) {
      /* nothing */
    } else if (seg == 2 && spec[i] == '.' && spec[i + 1] == '.') {
      if (n == 0)
        return false;
      n--; /* the slash ending the directory */
      while (n > 0 && out[n - 1] != '/')
        n--;
    } else {
      if (n + seg + 2 >= cap)
        return false;
      memcpy(out + n, spec + i, seg);
      n += seg;
      if (j < slen)
        out[n++] = '/';
    }
    i = j + 1;
  }
  out[n] = '\0';
  return n > 0 && out[n - 1] != '/';
}

/* Files are named in order: names past the one being added are still NULL. */
static int bundle_find(const bundle *b, const char *path) {
  for (size_t i = 0; i < b->n && b->names[i]; i++)
    if (strcmp(b->names[i], path) == 0)
      return (int)i;
  return -1;
}

/* Only relative specifiers name files of the bundle; bare names ("lodash") have no file,
 * except the built-in modules, which become files of the bundle when first imported. */
static int bundle_resolve(void *ud, const char *spec, size_t len) {
  bundle *b = ud;
  const char *builtin_name;
  const char *builtin_src = edgefn__builtin_module(spec, len, &builtin_name);
  if (builtin_src) {
    int m = bundle_find(b, builtin_name);
    if (m >= 0 || b->n == b->cap)
      return m;
    b->names[b->n] = builtin_name;
    b->display[b->n] = builtin_name;
    b->srcs[b->n] = builtin_src;
    b->lens[b->n] = strlen(builtin_src);
    return (int)b->n++;
  }
  if (!(len >= 2 && spec[0] == '.' && (spec[1] == '/' || (len >= 3 && spec[1] == '.' && spec[2] == '/'))) &&
      !(len >= 1 && spec[0] == '/'))
    return -1;
  if (memchr(spec, '\0', len))
    return -1;
  char path[1024];
  if (!join_path(b->names[b->current], spec, len, path, sizeof(path) - 8))
    return -1;
  int m = bundle_find(b, path);
  size_t pl = strlen(path);
  static const char *const exts[] = {".js", ".mjs"};
  for (size_t e = 0; m < 0 && e < 2; e++) {
    memcpy(path + pl, exts[e], strlen(exts[e]) + 1);
    m = bundle_find(b, path);
  }
  return m;
}

/* A name as a JSON string: its length, and writing it (no NUL). Names are UTF-8 without
 * NUL; control characters and the quote and backslash are escaped. */
static size_t json_str_len(const char *str) {
  size_t n = 2;
  for (const unsigned char *c = (const unsigned char *)str; *c; c++)
    n += *c == '"' || *c == '\\' ? 2 : *c < 0x20 ? 6 : 1;
  return n;
}

static size_t json_str_put(char *out, const char *str) {
  size_t n = 0;
  out[n++] = '"';
  for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
    if (*c == '"' || *c == '\\') {
      out[n++] = '\\';
      out[n++] = (char)*c;
    } else if (*c < 0x20) {
      static const char hex[] = "0123456789abcdef";
      memcpy(out + n, "\\u00", 4);
      out[n + 4] = hex[*c >> 4];
      out[n + 5] = hex[*c & 15];
      n += 6;
    } else {
      out[n++] = (char)*c;
    }
  }
  out[n++] = '"';
  return n;
}

typedef struct bundle_compile {
  bundle *b;
  char **lowered;
  size_t *lowered_len;
  const char *graph;
  script_module *mods;
  int fail_file, fail_line, fail_col; /* linkcheck's verdict */
  char fail_msg[300];
} bundle_compile;

/* What each file imports by name must be exported by the file it names, directly or through
 * `export *` (never "default" that way): checked on the link graph (lower.h), before any
 * code runs, as ES links before it evaluates. Returns null or [file, line, col, message]. */
static const char linkcheck_js[] =
    "function (graph) {\n"
    "  function provides(j, name, seen) {\n"
    "    if (seen[j]) return false;\n"
    "    seen[j] = true;\n"
    "    var m = graph[j];\n"
    "    if (m.exports.indexOf(name) >= 0) return true;\n"
    "    if (name === 'default') return false;\n"
    "    for (var s = 0; s < m.stars.length; s++) if (provides(m.deps[m.stars[s]], name, seen)) return true;\n"
    "    return false;\n"
    "  }\n"
    "  function reexport(j, name) {\n"
    "    var r = graph[j].reexports;\n"
    "    for (var q = 0; q < r.length; q++) if (r[q][0] === name) return r[q];\n"
    "    return null;\n"
    "  }\n"
    /* export { x } from chains that come back to where they started */
    "  for (var i = 0; i < graph.length; i++) {\n"
    "    var rs = graph[i].reexports;\n"
    "    for (var q = 0; q < rs.length; q++) {\n"
    "      var seen = {}, j = i, r = rs[q];\n"
    "      seen[i + ':' + r[0]] = true;\n"
    "      while (r) {\n"
    "        j = graph[j].deps[r[1]];\n"
    "        if (seen[j + ':' + r[2]])\n"
    "          return [i, rs[q][3], rs[q][4], \"Detected cycle while resolving name '\" + rs[q][2] +\n"
    "            \"' in '\" + rs[q][5] + \"'\"];\n"
    "        seen[j + ':' + r[2]] = true;\n"
    "        r = reexport(j, r[2]);\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "  for (i = 0; i < graph.length; i++) {\n"
    "    var w = graph[i].wants;\n"
    "    for (var k = 0; k < w.length; k++)\n"
    "      if (!provides(graph[i].deps[w[k][0]], w[k][1], {}))\n"
    "        return [i, w[k][2], w[k][3], \"The requested module '\" + w[k][4] +\n"
    "          \"' does not provide an export named '\" + w[k][1] + \"'\"];\n"
    "  }\n"
    "  return null;\n"
    "}";

static duk_ret_t bundle_compile_safe(duk_context *ctx, void *udata) {
  bundle_compile *c = udata;
  for (size_t i = 0; i < c->b->n; i++) {
    duk_push_string(ctx, c->b->display[i]);
    duk_compile_lstring_filename(ctx, DUK_COMPILE_FUNCTION, c->lowered[i], c->lowered_len[i]);
    duk_dump_function(ctx);
    duk_size_t len = 0;
    const void *bc = duk_get_buffer(ctx, -1, &len);
    c->mods[i].bytecode = malloc(len ? len : 1);
    if (!c->mods[i].bytecode)
      return DUK_RET_ERROR;
    memcpy(c->mods[i].bytecode, bc, len);
    c->mods[i].len = len;
    duk_pop(ctx);
  }
  /* what each file imports by name must be exported (directly or by export *) */
  duk_push_literal(ctx, "<linkcheck>");
  duk_compile_lstring_filename(ctx, DUK_COMPILE_FUNCTION, linkcheck_js, sizeof(linkcheck_js) - 1);
  duk_push_string(ctx, c->graph);
  duk_json_decode(ctx, -1);
  duk_call(ctx, 1);
  if (duk_is_array(ctx, -1)) {
    duk_get_prop_index(ctx, -1, 0);
    c->fail_file = duk_get_int(ctx, -1);
    duk_get_prop_index(ctx, -2, 1);
    c->fail_line = duk_get_int(ctx, -1);
    duk_get_prop_index(ctx, -3, 2);
    c->fail_col = duk_get_int(ctx, -1);
    duk_get_prop_index(ctx, -4, 3);
    snprintf(c->fail_msg, sizeof(c->fail_msg), "%s", duk_safe_to_string(ctx, -1));
    duk_pop_n(ctx, 4);
  }
  return 0;
}

/* The compile heap's part of bundle_new, under a recovery point as compile_run. */
typedef struct bundle_job {
  duk_context *ctx;
  bundle_compile *c;
  const bundle *b;
  size_t n;
  const script_module *mods;
  edgefn_error_info *err;
  int rc;
} bundle_job;

static void bundle_run(void *p) {
  bundle_job *job = p;
  duk_context *ctx = job->ctx;
  bundle_compile *c = job->c;
  size_t n = job->n;
  int crc = duk_safe_call(ctx, bundle_compile_safe, c, 0, 1);
  if (crc != DUK_EXEC_SUCCESS) {
    /* What Duktape rejects after the compiler accepted it: the file is the first one
     * without bytecode. */
    size_t bad = 0;
    while (bad < n && job->mods[bad].bytecode)
      bad++;
    int line = 0;
    if (duk_is_error(ctx, -1)) {
      duk_get_prop_string(ctx, -1, "lineNumber");
      line = duk_is_number(ctx, -1) ? duk_get_int(ctx, -1) : 0;
      duk_pop(ctx);
    }
    char msg[400];
    snprintf(msg, sizeof(msg), "%s", duk_safe_to_string(ctx, -1));
    char *paren = strstr(msg, " (line ");
    if (paren && strchr(paren, ')') && strchr(paren, ')')[1] == '\0')
      *paren = '\0';
    edgefn__error_set(job->err, EDGEFN_ESYNTAX, job->b->display[bad < n ? bad : 0], line, 0, "%s",
                      msg);
    job->rc = EDGEFN_ESYNTAX;
  } else if (c->fail_file >= 0 && (size_t)c->fail_file < n) {
    edgefn__error_set(job->err, EDGEFN_ESYNTAX, job->b->display[c->fail_file], c->fail_line,
                      c->fail_col, "SyntaxError: %s", c->fail_msg);
    job->rc = EDGEFN_ESYNTAX;
  }
  duk_destroy_heap(ctx);
}

static int bundle_new(edgefn_script **out, const edgefn_script_options *opts,
                      const char *filename, edgefn_error_info *err) {
  size_t nm = EDGEFN_HAS_FIELD(opts, edgefn_script_options, module_count) ? opts->module_count : 0;
  if (nm && !opts->modules) {
    edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0, "modules is NULL");
    return EDGEFN_EINVAL;
  }
  if (nm >= EDGEFN_MAX_SCRIPT_MODULES) {
    edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0,
                      "a bundle of %zu files; the limit is %u", nm + 1,
                      (unsigned)EDGEFN_MAX_SCRIPT_MODULES);
    return EDGEFN_EINVAL;
  }
  size_t n = nm + 1, total = opts->source_len;
  bundle b = {0};
  b.n = n;
  b.cap = n + EDGEFN__BUILTIN_MODULES;
  b.names = calloc(b.cap, sizeof(char *));
  b.display = calloc(b.cap, sizeof(char *));
  b.srcs = calloc(b.cap, sizeof(char *));
  b.lens = calloc(b.cap, sizeof(size_t));
  char **lowered = calloc(b.cap, sizeof(char *));
  size_t *lowered_len = calloc(b.cap, sizeof(size_t));
  char **metas = calloc(b.cap, sizeof(char *));
  script_module *mods = calloc(b.cap, sizeof(script_module));
  char *graph = NULL;
  int rc = 0;
  if (!b.names || !b.display || !b.srcs || !b.lens || !lowered || !lowered_len || !metas ||
      !mods) {
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "out of memory");
    rc = EDGEFN_ENOMEM;
    goto done;
  }
  /* the entry sits at the bundle's root: it resolves by its base name */
  const char *base = strrchr(filename, '/');
  b.names[0] = base ? base + 1 : filename;
  b.display[0] = filename;
  b.srcs[0] = opts->source ? opts->source : "";
  b.lens[0] = opts->source_len;
  for (size_t i = 0; i < nm; i++) {
    const edgefn_script_source *m = &opts->modules[i];
    if (!m->name || !*m->name || (!m->source && m->source_len)) {
      edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0,
                        "modules[%zu]: %s is NULL", i, m->name && *m->name ? "source" : "name");
      rc = EDGEFN_EINVAL;
      goto done;
    }
    const char *name = m->name;
    while ((name[0] == '.' && name[1] == '/') || name[0] == '/')
      name += name[0] == '/' ? 1 : 2;
    if (bundle_find(&b, name) >= 0) {
      edgefn__error_set(err, EDGEFN_EINVAL, m->name, 0, 0, "two files of the bundle are named %s",
                        m->name);
      rc = EDGEFN_EINVAL;
      goto done;
    }
    b.names[i + 1] = name;
    b.display[i + 1] = m->name;
    b.srcs[i + 1] = m->source ? m->source : "";
    b.lens[i + 1] = m->source_len;
    total += m->source_len;
  }
  if (total > EDGEFN_MAX_SCRIPT_SIZE) {
    edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0,
                      "the bundle's sources are %zu bytes; the limit is %u", total,
                      (unsigned)EDGEFN_MAX_SCRIPT_SIZE);
    rc = EDGEFN_EINVAL;
    goto done;
  }
  size_t glen = 2;
  /* b.n grows while the files are lowered when they import built-in modules */
  for (size_t i = 0; i < b.n; i++) {
    b.current = i;
    edgefn_error_info lerr = EDGEFN_ERROR_INFO_INIT;
    rc = edgefn__lower_module(b.srcs[i], b.lens[i], b.display[i], bundle_resolve, &b, &lowered[i],
                              &lowered_len[i], &metas[i], &lerr);
    if (rc != 0) {
      if (rc == EDGEFN_ESYNTAX)
        edgefn__error_set(err, rc, b.display[i], lerr.line, lerr.column, "SyntaxError: %s",
                          lerr.message);
      else
        edgefn__error_set(err, rc, b.display[i], 0, 0, "%s", lerr.message);
      goto done;
    }
    glen += json_str_len(b.names[i]) + 10 + strlen(metas[i]) + 1; /* {"name":<name>, */
  }
  n = b.n;
  graph = malloc(glen + 1);
  if (!graph) {
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "out of memory");
    rc = EDGEFN_ENOMEM;
    goto done;
  }
  size_t gl = 0;
  graph[gl++] = '[';
  for (size_t i = 0; i < n; i++) {
    if (i)
      graph[gl++] = ',';
    /* the file's name, for import() and import.meta.url */
    memcpy(graph + gl, "{\"name\":", 8);
    gl += 8;
    gl += json_str_put(graph + gl, b.names[i]);
    graph[gl++] = ',';
    size_t ml = strlen(metas[i]) - 1;
    memcpy(graph + gl, metas[i] + 1, ml);
    gl += ml;
  }
  graph[gl++] = ']';
  graph[gl] = '\0';
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx) {
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "cannot create compiler heap");
    rc = EDGEFN_ENOMEM;
    goto done;
  }
  bundle_compile c = {&b, lowered, lowered_len, graph, mods, -1, 0, 0, ""};
  bundle_job job = {ctx, &c, &b, n, mods, err, 0};
  char fatal[EDGEFN__FATAL_MSG_MAX];
  if (!edgefn__fatal_guard(NULL, bundle_run, &job, fatal, sizeof(fatal))) {
    (void)edgefn__heap_leak(ctx, 0);
    edgefn__error_set(err, EDGEFN_EENGINE, filename, 0, 0,
                      "fatal error in the JavaScript engine while compiling: %s", fatal);
    rc = EDGEFN_EENGINE;
    goto done;
  }
  rc = job.rc;
  if (rc != 0)
    goto done;
  edgefn_script *s = calloc(1, sizeof(*s));
  if (s)
    s->filename = edgefn__strndup(filename, strlen(filename));
  if (!s || !s->filename) {
    free(s);
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "out of memory");
    rc = EDGEFN_ENOMEM;
    goto done;
  }
  s->mods = mods;
  s->nmods = n;
  s->graph = graph;
  mods = NULL;
  graph = NULL;
  atomic_init(&s->refs, 1);
  *out = s;
done:
  for (size_t i = 0; i < b.cap; i++) {
    if (lowered)
      free(lowered[i]);
    if (metas)
      free(metas[i]);
    if (mods)
      free(mods[i].bytecode);
  }
  free(mods);
  free(graph);
  free(lowered);
  free(lowered_len);
  free(metas);
  free(b.names);
  free(b.display);
  free(b.srcs);
  free(b.lens);
  return rc;
}
