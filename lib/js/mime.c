/* MIME types as the WHATWG MIME Sniffing standard parses and serializes them.
 *
 * Every delimiter the parser looks for is ASCII, and in UTF-8 an ASCII byte never occurs
 * inside a multi-byte sequence, so one byte-wise parser serves both encodings; only the
 * check that a parameter value holds "HTTP quoted-string token code points" (which admits
 * U+0080..U+00FF) depends on how bytes map to code points. */
#include "js/js.h"

#include <stdlib.h>
#include <string.h>

static bool is_http_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool is_token_char(uint8_t c) { return edgefn__is_tchar(c); }

static bool all_token(const uint8_t *s, size_t len) {
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!is_token_char(s[i]))
      return false;
  return true;
}

static bool is_quoted_ascii(uint8_t c) { return c == '\t' || (c >= 0x20 && c <= 0x7e); }

/* True when s holds only HTTP quoted-string token code points (U+0009, U+0020..U+007E,
 * U+0080..U+00FF). In UTF-8 mode the two-byte sequences C2 80..C3 BF are those above
 * U+007F; anything else non-ASCII (longer sequences, invalid bytes) is refused. */
static bool all_quoted_token(const uint8_t *s, size_t len, bool utf8) {
  for (size_t i = 0; i < len; i++) {
    uint8_t c = s[i];
    if (c < 0x80) {
      if (!is_quoted_ascii(c))
        return false;
    } else if (!utf8) {
      continue;
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < len && (s[i + 1] & 0xc0) == 0x80) {
      i++;
    } else {
      return false;
    }
  }
  return true;
}

static char ascii_lower(uint8_t c) { return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c); }

/* Appends len lower-cased bytes and a NUL at *w; returns the start. */
static char *put_lower(char **w, const uint8_t *s, size_t len) {
  char *start = *w;
  for (size_t i = 0; i < len; i++)
    start[i] = ascii_lower(s[i]);
  start[len] = '\0';
  *w += len + 1;
  return start;
}

static bool parse(const char *input, size_t len, edgefn__mime *out, bool utf8) {
  memset(out, 0, sizeof(*out));
  const uint8_t *in = (const uint8_t *)input;
  size_t a = 0, b = len;
  while (a < b && is_http_ws(in[a]))
    a++;
  while (b > a && is_http_ws(in[b - 1]))
    b--;
  size_t pos = a;
  size_t type_start = pos;
  while (pos < b && in[pos] != '/')
    pos++;
  size_t type_len = pos - type_start;
  if (!all_token(in + type_start, type_len) || pos >= b)
    return false;
  pos++;
  size_t sub_start = pos;
  while (pos < b && in[pos] != ';')
    pos++;
  size_t sub_end = pos;
  while (sub_end > sub_start && is_http_ws(in[sub_end - 1]))
    sub_end--;
  if (!all_token(in + sub_start, sub_end - sub_start))
    return false;

  /* Each parameter holds at least one ';', and its strings (unescaping only shrinks them)
   * fit in the input's length plus their NULs. */
  size_t max_params = 0;
  for (size_t i = pos; i < b; i++)
    max_params += in[i] == ';';
  size_t size = max_params * sizeof(edgefn__mime_parameter) + (b - a) + 2 * max_params + 2;
  char *block = malloc(size);
  if (!block)
    return false;
  edgefn__mime_parameter *params = (edgefn__mime_parameter *)block;
  char *w = block + max_params * sizeof(edgefn__mime_parameter);
  out->block = block;
  out->params = params;
  out->type = put_lower(&w, in + type_start, type_len);
  out->subtype = put_lower(&w, in + sub_start, sub_end - sub_start);

  while (pos < b) {
    pos++; /* the ';' */
    while (pos < b && is_http_ws(in[pos]))
      pos++;
    size_t name_start = pos;
    while (pos < b && in[pos] != ';' && in[pos] != '=')
      pos++;
    size_t name_len = pos - name_start;
    if (pos < b) {
      if (in[pos] == ';')
        continue;
      pos++; /* the '=' */
    }
    if (pos >= b)
      break;
    char *value = w;
    size_t value_len = 0;
    const uint8_t *raw; /* the value as it appears, for the code point check */
    if (in[pos] == '"') {
      pos++;
      while (pos < b) {
        uint8_t c = in[pos++];
        if (c == '"')
          break;
        if (c == '\\') {
          if (pos >= b) {
            value[value_len++] = '\\';
            break;
          }
          c = in[pos++];
        }
        value[value_len++] = (char)c;
      }
      while (pos < b && in[pos] != ';')
        pos++;
      raw = (const uint8_t *)value;
    } else {
      size_t v_start = pos;
      while (pos < b && in[pos] != ';')
        pos++;
      size_t v_end = pos;
      while (v_end > v_start && is_http_ws(in[v_end - 1]))
        v_end--;
      value_len = v_end - v_start;
      if (value_len == 0)
        continue;
      memcpy(value, in + v_start, value_len);
      raw = in + v_start;
    }
    if (!all_token(in + name_start, name_len) || !all_quoted_token(raw, value_len, utf8))
      continue;
    bool dup = false;
    for (size_t i = 0; i < out->param_count && !dup; i++) {
      const char *n = params[i].name;
      dup = strlen(n) == name_len;
      for (size_t k = 0; dup && k < name_len; k++)
        dup = n[k] == ascii_lower(in[name_start + k]);
    }
    if (dup)
      continue;
    value[value_len] = '\0';
    w += value_len + 1;
    params[out->param_count].value = value;
    params[out->param_count].name = put_lower(&w, in + name_start, name_len);
    out->param_count++;
  }
  return true;
}

bool edgefn__mime_parse(const char *in, size_t len, edgefn__mime *out) {
  return parse(in, len, out, false);
}

bool edgefn__mime_parse_utf8(const char *in, size_t len, edgefn__mime *out) {
  return parse(in, len, out, true);
}

void edgefn__mime_free(edgefn__mime *m) {
  if (!m)
    return;
  free(m->block);
  memset(m, 0, sizeof(*m));
}

const char *edgefn__mime_param(const edgefn__mime *m, const char *name) {
  for (size_t i = 0; i < m->param_count; i++) {
    const char *n = m->params[i].name, *q = name;
    while (*n && *n == ascii_lower((uint8_t)*q))
      n++, q++;
    if (!*n && !*q)
      return m->params[i].value;
  }
  return NULL;
}

/* Appends to buf (bounded by size, NUL-terminated when size > 0) and counts in *n. */
static void emit(char *buf, size_t size, size_t *n, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++, (*n)++)
    if (*n + 1 < size)
      buf[*n] = s[i];
}

size_t edgefn__mime_essence(const edgefn__mime *m, char *buf, size_t size) {
  size_t n = 0;
  emit(buf, size, &n, m->type, strlen(m->type));
  emit(buf, size, &n, "/", 1);
  emit(buf, size, &n, m->subtype, strlen(m->subtype));
  if (size)
    buf[n < size ? n : size - 1] = '\0';
  return n;
}

size_t edgefn__mime_serialize(const edgefn__mime *m, char *buf, size_t size) {
  size_t n = 0;
  emit(buf, size, &n, m->type, strlen(m->type));
  emit(buf, size, &n, "/", 1);
  emit(buf, size, &n, m->subtype, strlen(m->subtype));
  for (size_t i = 0; i < m->param_count; i++) {
    const char *v = m->params[i].value;
    size_t vl = strlen(v);
    emit(buf, size, &n, ";", 1);
    emit(buf, size, &n, m->params[i].name, strlen(m->params[i].name));
    emit(buf, size, &n, "=", 1);
    if (all_token((const uint8_t *)v, vl)) {
      emit(buf, size, &n, v, vl);
      continue;
    }
    emit(buf, size, &n, "\"", 1);
    for (size_t k = 0; k < vl; k++) {
      if (v[k] == '"' || v[k] == '\\')
        emit(buf, size, &n, "\\", 1);
      emit(buf, size, &n, v + k, 1);
    }
    emit(buf, size, &n, "\"", 1);
  }
  if (size)
    buf[n < size ? n : size - 1] = '\0';
  return n;
}
