/* The basic URL parser, serializer and origin of the WHATWG URL Standard (section 4.4 ff.),
 * written from the specification's state machine. The parser works on code points (the
 * pointer arithmetic of the authority and scheme states counts code points); everything it
 * produces is ASCII. */
#include "js/url.h"

#include <stdlib.h>
#include <string.h>

#define EOF_CP (-1)

/* ---- growable strings ---- */

int edgefn__ustr_reserve(edgefn__ustr *s, size_t extra) {
  if (s->len + extra + 1 <= s->cap)
    return 0;
  size_t cap = s->cap ? s->cap : 32;
  while (cap < s->len + extra + 1)
    cap *= 2;
  char *p = realloc(s->p, cap);
  if (!p)
    return EDGEFN_URL_NOMEM;
  s->p = p;
  s->cap = cap;
  return 0;
}

int edgefn__ustr_append(edgefn__ustr *s, const char *p, size_t n) {
  if (edgefn__ustr_reserve(s, n))
    return EDGEFN_URL_NOMEM;
  if (n)
    memcpy(s->p + s->len, p, n);
  s->len += n;
  s->p[s->len] = '\0';
  return 0;
}

int edgefn__ustr_set(edgefn__ustr *s, const char *p, size_t n) {
  s->len = 0;
  return edgefn__ustr_append(s, p, n);
}

void edgefn__ustr_free(edgefn__ustr *s) {
  free(s->p);
  s->p = NULL;
  s->len = s->cap = 0;
}

/* ---- percent-encoding ---- */

/* The printable ASCII each set adds to the C0 control set; each set contains the one
 * before it except fragment, which stands alone. */
static bool in_set(unsigned char c, int set) {
  if (c < 0x20 || c > 0x7e)
    return true;
  const char *extra;
  switch (set) {
  case EDGEFN_PE_C0:
    return false;
  case EDGEFN_PE_FRAGMENT:
    extra = " \"<>`";
    break;
  case EDGEFN_PE_QUERY:
    extra = " \"#<>";
    break;
  case EDGEFN_PE_SPECIAL_QUERY:
    extra = " \"#<>'";
    break;
  case EDGEFN_PE_PATH:
    extra = " \"#<>?^`{}";
    break;
  case EDGEFN_PE_USERINFO:
    extra = " \"#<>?^`{}/:;=@[\\]|";
    break;
  case EDGEFN_PE_COMPONENT:
    extra = " \"#<>?^`{}/:;=@[\\]|$%&+,";
    break;
  default: /* application/x-www-form-urlencoded */
    extra = " \"#<>?^`{}/:;=@[\\]|$%&+,!'()~";
    break;
  }
  return strchr(extra, c) != NULL;
}

static const char hexdig[] = "0123456789ABCDEF";

int edgefn__url_pct_encode(edgefn__ustr *out, const char *s, size_t len, int set,
                           bool space_as_plus) {
  if (edgefn__ustr_reserve(out, len))
    return EDGEFN_URL_NOMEM;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    int rc;
    if (space_as_plus && c == ' ') {
      rc = edgefn__ustr_putc(out, '+');
    } else if (in_set(c, set)) {
      char e[3] = {'%', hexdig[c >> 4], hexdig[c & 15]};
      rc = edgefn__ustr_append(out, e, 3);
    } else {
      rc = edgefn__ustr_putc(out, (char)c);
    }
    if (rc)
      return rc;
  }
  return 0;
}

int edgefn__url_pct_decode(edgefn__ustr *out, const char *s, size_t len) {
  if (edgefn__ustr_reserve(out, len))
    return EDGEFN_URL_NOMEM;
  for (size_t i = 0; i < len; i++) {
    int h, l;
    if (s[i] == '%' && i + 2 < len && (h = edgefn__hex_value((unsigned char)s[i + 1])) >= 0 &&
        (l = edgefn__hex_value((unsigned char)s[i + 2])) >= 0) {
      out->p[out->len++] = (char)(h * 16 + l);
      i += 2;
    } else {
      out->p[out->len++] = s[i];
    }
  }
  out->p[out->len] = '\0';
  return 0;
}

/* ---- code point buffers ---- */

typedef struct cpbuf {
  uint32_t *p;
  size_t len, cap;
} cpbuf;

static int cp_push(cpbuf *b, uint32_t c) {
  if (b->len == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    uint32_t *p = realloc(b->p, cap * sizeof(*p));
    if (!p)
      return EDGEFN_URL_NOMEM;
    b->p = p;
    b->cap = cap;
  }
  b->p[b->len++] = c;
  return 0;
}

/* UTF-8 of code points [from, to) of b onto out. */
static int cp_to_utf8(edgefn__ustr *out, const uint32_t *p, size_t n) {
  if (edgefn__ustr_reserve(out, n * 4))
    return EDGEFN_URL_NOMEM;
  for (size_t i = 0; i < n; i++)
    out->len += edgefn__utf8_put((uint8_t *)out->p + out->len, p[i]);
  out->p[out->len] = '\0';
  return 0;
}

/* UTF-8 percent-encodes one code point onto out. */
static int pct_encode_cp(edgefn__ustr *out, uint32_t c, int set) {
  char u[4];
  size_t n = edgefn__utf8_put((uint8_t *)u, c);
  return edgefn__url_pct_encode(out, u, n, set, false);
}

/* Decodes UTF-8 (U+FFFD for each invalid byte: input from the library is always valid). */
static int decode_input(const char *s, size_t len, cpbuf *out) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    uint32_t c = *p;
    int n = c < 0x80           ? 0
            : (c & 0xe0) == 0xc0 ? 1
            : (c & 0xf0) == 0xe0 ? 2
            : (c & 0xf8) == 0xf0 ? 3
                                 : -1;
    if (n < 0 || end - p <= n) {
      c = 0xfffd;
      n = 0;
    } else if (n > 0) {
      c &= 0x3f >> n;
      for (int i = 1; i <= n; i++)
        c = (c << 6) | (p[i] & 0x3f);
    }
    p += n + 1;
    if (cp_push(out, c))
      return EDGEFN_URL_NOMEM;
  }
  return 0;
}

/* ---- schemes and the record ---- */

static const struct {
  const char *name;
  int port;
} special_schemes[] = {{"ftp", 21}, {"file", -1}, {"http", 80},
                       {"https", 443}, {"ws", 80},   {"wss", 443}};

static int special_index(const char *s, size_t len) {
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(special_schemes); i++)
    if (strlen(special_schemes[i].name) == len && memcmp(special_schemes[i].name, s, len) == 0)
      return (int)i;
  return -1;
}

bool edgefn__url_is_special(const char *scheme, size_t len) {
  return special_index(scheme, len) >= 0;
}

int edgefn__url_default_port(const char *scheme, size_t len) {
  int i = special_index(scheme, len);
  return i < 0 ? -1 : special_schemes[i].port;
}

void edgefn__url_init(edgefn__url *u) {
  memset(u, 0, sizeof(*u));
  u->port = -1;
}

void edgefn__url_free(edgefn__url *u) {
  edgefn__ustr_free(&u->scheme);
  edgefn__ustr_free(&u->username);
  edgefn__ustr_free(&u->password);
  edgefn__ustr_free(&u->host);
  edgefn__ustr_free(&u->path);
  edgefn__ustr_free(&u->query);
  edgefn__ustr_free(&u->fragment);
}

static bool str_is(const edgefn__ustr *s, const char *lit) {
  size_t n = strlen(lit);
  return s->len == n && (n == 0 || memcmp(s->p, lit, n) == 0);
}

static bool is_special(const edgefn__url *u) {
  return edgefn__url_is_special(u->scheme.p ? u->scheme.p : "", u->scheme.len);
}

static bool includes_credentials(const edgefn__url *u) {
  return u->username.len > 0 || u->password.len > 0;
}

static int copy_str(edgefn__ustr *dst, const edgefn__ustr *src) {
  return edgefn__ustr_set(dst, src->p ? src->p : "", src->len);
}

static bool is_alpha(int32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }
static int32_t lower(int32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Number of segments of a serialized non-opaque path. */
static size_t path_size(const edgefn__url *u) {
  size_t n = 0;
  for (size_t i = 0; i < u->path.len; i++)
    n += u->path.p[i] == '/';
  return n;
}

static bool is_normalized_drive(const char *s, size_t len) {
  return len == 2 && is_alpha((unsigned char)s[0]) && s[1] == ':';
}

/* path[0] as (pointer, length); false when the path is empty. */
static bool path_first(const edgefn__url *u, const char **s, size_t *len) {
  if (u->path.len == 0)
    return false;
  const char *end = memchr(u->path.p + 1, '/', u->path.len - 1);
  *s = u->path.p + 1;
  *len = end ? (size_t)(end - *s) : u->path.len - 1;
  return true;
}

static void path_shorten(edgefn__url *u) {
  const char *first;
  size_t first_len;
  if (str_is(&u->scheme, "file") && path_size(u) == 1 && path_first(u, &first, &first_len) &&
      is_normalized_drive(first, first_len))
    return;
  if (u->path.len == 0)
    return;
  size_t i = u->path.len;
  while (i > 0 && u->path.p[i - 1] != '/')
    i--;
  u->path.len = i - 1;
  u->path.p[u->path.len] = '\0';
}

static int path_append(edgefn__url *u, const char *seg, size_t len) {
  if (edgefn__ustr_putc(&u->path, '/'))
    return EDGEFN_URL_NOMEM;
  return edgefn__ustr_append(&u->path, seg, len);
}

/* "starts with a Windows drive letter" for the code points from p (n of them). */
static bool starts_with_drive(const uint32_t *p, size_t n) {
  if (n < 2 || !is_alpha((int32_t)p[0]) || (p[1] != ':' && p[1] != '|'))
    return false;
  return n == 2 || p[2] == '/' || p[2] == '\\' || p[2] == '?' || p[2] == '#';
}

static bool buf_is_drive(const cpbuf *b) {
  return b->len == 2 && is_alpha((int32_t)b->p[0]) && (b->p[1] == ':' || b->p[1] == '|');
}

/* Case-insensitive match of the ASCII code points of b against lit. */
static bool buf_eq_ci(const cpbuf *b, const char *lit) {
  size_t n = strlen(lit);
  if (b->len != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (lower((int32_t)b->p[i]) != lit[i])
      return false;
  return true;
}

static bool single_dot(const cpbuf *b) { return buf_eq_ci(b, ".") || buf_eq_ci(b, "%2e"); }
static bool double_dot(const cpbuf *b) {
  return buf_eq_ci(b, "..") || buf_eq_ci(b, ".%2e") || buf_eq_ci(b, "%2e.") ||
         buf_eq_ci(b, "%2e%2e");
}

/* ---- the state machine ---- */

enum {
  S_SCHEME_START = 1,
  S_SCHEME,
  S_NO_SCHEME,
  S_SPECIAL_RELATIVE_OR_AUTHORITY,
  S_PATH_OR_AUTHORITY,
  S_RELATIVE,
  S_RELATIVE_SLASH,
  S_SPECIAL_AUTHORITY_SLASHES,
  S_SPECIAL_AUTHORITY_IGNORE_SLASHES,
  S_AUTHORITY,
  S_HOST,
  S_HOSTNAME,
  S_PORT,
  S_FILE,
  S_FILE_SLASH,
  S_FILE_HOST,
  S_PATH_START,
  S_PATH,
  S_OPAQUE_PATH,
  S_QUERY,
  S_FRAGMENT,
};

static int override_state(int o) {
  switch (o) {
  case EDGEFN_URL_SCHEME_START:
    return S_SCHEME_START;
  case EDGEFN_URL_HOST:
    return S_HOST;
  case EDGEFN_URL_HOSTNAME:
    return S_HOSTNAME;
  case EDGEFN_URL_PORT:
    return S_PORT;
  case EDGEFN_URL_PATH_START:
    return S_PATH_START;
  case EDGEFN_URL_QUERY:
    return S_QUERY;
  case EDGEFN_URL_FRAGMENT:
    return S_FRAGMENT;
  default:
    return S_SCHEME_START;
  }
}

static bool is_c0_or_space(uint32_t c) { return c <= 0x20; }

/* Copies base's authority (username, password, host, port) into url. */
static int copy_authority(edgefn__url *url, const edgefn__url *base) {
  if (copy_str(&url->username, &base->username) || copy_str(&url->password, &base->password) ||
      copy_str(&url->host, &base->host))
    return EDGEFN_URL_NOMEM;
  url->has_host = base->has_host;
  url->port = base->port;
  return 0;
}

/* Runs the host parser on the code points of buf. */
static int parse_host_buf(const cpbuf *buf, bool opaque, edgefn__ustr *out) {
  edgefn__ustr tmp = {0};
  int rc = cp_to_utf8(&tmp, buf->p, buf->len);
  if (rc == 0)
    rc = edgefn__url_host_parse(tmp.p, tmp.len, opaque, out);
  edgefn__ustr_free(&tmp);
  return rc;
}

#define TRY(x)                         \
  do {                                 \
    if (x) {                           \
      rc = EDGEFN_URL_NOMEM;           \
      goto done;                       \
    }                                  \
  } while (0)
#define FAIL()                         \
  do {                                 \
    rc = EDGEFN_URL_FAILURE;           \
    goto done;                         \
  } while (0)
#define RETURN_OK()                    \
  do {                                 \
    rc = EDGEFN_URL_OK;                \
    goto done;                         \
  } while (0)

int edgefn__url_parse(const char *input, size_t len, const edgefn__url *base, edgefn__url *url,
                      int state_override) {
  cpbuf in = {0}, buf = {0};
  edgefn__ustr tmp = {0};
  int rc = EDGEFN_URL_OK;
  int override = state_override ? override_state(state_override) : 0;
  if (!override)
    edgefn__url_init(url);
  TRY(decode_input(input, len, &in));
  size_t a = 0, b = in.len;
  if (!override) {
    while (a < b && is_c0_or_space(in.p[a]))
      a++;
    while (b > a && is_c0_or_space(in.p[b - 1]))
      b--;
  }
  size_t n = 0;
  for (size_t i = a; i < b; i++)
    if (in.p[i] != '\t' && in.p[i] != '\n' && in.p[i] != '\r')
      in.p[n++] = in.p[i];
  in.len = n;
  const uint32_t *s = in.p;

  int state = override ? override : S_SCHEME_START;
  bool at_sign_seen = false, inside_brackets = false, password_token_seen = false;
  long ptr = 0;
  for (;; ptr++) {
    int32_t c = ptr < (long)n ? (int32_t)s[ptr] : EOF_CP;
    /* The code point after c ("remaining starts with"), or EOF. */
    int32_t next = ptr + 1 < (long)n ? (int32_t)s[ptr + 1] : EOF_CP;
    switch (state) {
    case S_SCHEME_START:
      if (is_alpha(c)) {
        TRY(cp_push(&buf, (uint32_t)lower(c)));
        state = S_SCHEME;
      } else if (!override) {
        state = S_NO_SCHEME;
        ptr--;
      } else {
        FAIL();
      }
      break;

    case S_SCHEME:
      if (is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.') {
        TRY(cp_push(&buf, (uint32_t)lower(c)));
      } else if (c == ':') {
        tmp.len = 0;
        TRY(cp_to_utf8(&tmp, buf.p, buf.len));
        if (override) {
          bool buf_special = edgefn__url_is_special(tmp.p, tmp.len);
          if (is_special(url) != buf_special)
            RETURN_OK();
          if ((includes_credentials(url) || url->port >= 0) && str_is(&tmp, "file"))
            RETURN_OK();
          if (str_is(&url->scheme, "file") && url->has_host && url->host.len == 0)
            RETURN_OK();
        }
        TRY(edgefn__ustr_set(&url->scheme, tmp.p, tmp.len));
        if (override) {
          if (url->port >= 0 && url->port == edgefn__url_default_port(tmp.p, tmp.len))
            url->port = -1;
          RETURN_OK();
        }
        buf.len = 0;
        if (str_is(&url->scheme, "file")) {
          state = S_FILE;
        } else if (is_special(url) && base && str_is(&base->scheme, url->scheme.p)) {
          state = S_SPECIAL_RELATIVE_OR_AUTHORITY;
        } else if (is_special(url)) {
          state = S_SPECIAL_AUTHORITY_SLASHES;
        } else if (next == '/') {
          state = S_PATH_OR_AUTHORITY;
          ptr++;
        } else {
          url->opaque_path = true;
          TRY(edgefn__ustr_set(&url->path, "", 0));
          state = S_OPAQUE_PATH;
        }
      } else if (!override) {
        buf.len = 0;
        state = S_NO_SCHEME;
        ptr = -1;
      } else {
        FAIL();
      }
      break;

    case S_NO_SCHEME:
      if (!base || (base->opaque_path && c != '#'))
        FAIL();
      if (base->opaque_path && c == '#') {
        TRY(copy_str(&url->scheme, &base->scheme));
        TRY(copy_str(&url->path, &base->path));
        url->opaque_path = true;
        TRY(copy_str(&url->query, &base->query));
        url->has_query = base->has_query;
        TRY(edgefn__ustr_set(&url->fragment, "", 0));
        url->has_fragment = true;
        state = S_FRAGMENT;
      } else if (!str_is(&base->scheme, "file")) {
        state = S_RELATIVE;
        ptr--;
      } else {
        state = S_FILE;
        ptr--;
      }
      break;

    case S_SPECIAL_RELATIVE_OR_AUTHORITY:
      if (c == '/' && next == '/') {
        state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
        ptr++;
      } else {
        state = S_RELATIVE;
        ptr--;
      }
      break;

    case S_PATH_OR_AUTHORITY:
      if (c == '/') {
        state = S_AUTHORITY;
      } else {
        state = S_PATH;
        ptr--;
      }
      break;

    case S_RELATIVE:
      TRY(copy_str(&url->scheme, &base->scheme));
      if (c == '/' || (is_special(url) && c == '\\')) {
        state = S_RELATIVE_SLASH;
      } else {
        TRY(copy_authority(url, base));
        TRY(copy_str(&url->path, &base->path));
        TRY(copy_str(&url->query, &base->query));
        url->has_query = base->has_query;
        if (c == '?') {
          TRY(edgefn__ustr_set(&url->query, "", 0));
          url->has_query = true;
          state = S_QUERY;
        } else if (c == '#') {
          TRY(edgefn__ustr_set(&url->fragment, "", 0));
          url->has_fragment = true;
          state = S_FRAGMENT;
        } else if (c != EOF_CP) {
          url->has_query = false;
          url->query.len = 0;
          path_shorten(url);
          state = S_PATH;
          ptr--;
        }
      }
      break;

    case S_RELATIVE_SLASH:
      if (is_special(url) && (c == '/' || c == '\\')) {
        state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
      } else if (c == '/') {
        state = S_AUTHORITY;
      } else {
        TRY(copy_authority(url, base));
        state = S_PATH;
        ptr--;
      }
      break;

    case S_SPECIAL_AUTHORITY_SLASHES:
      state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
      if (c == '/' && next == '/')
        ptr++;
      else
        ptr--;
      break;

    case S_SPECIAL_AUTHORITY_IGNORE_SLASHES:
      if (c != '/' && c != '\\') {
        state = S_AUTHORITY;
        ptr--;
      }
      break;

    case S_AUTHORITY:
      if (c == '@') {
        if (at_sign_seen) {
          static const uint32_t pct40[] = {'%', '4', '0'};
          TRY(cp_push(&buf, 0));
          TRY(cp_push(&buf, 0));
          TRY(cp_push(&buf, 0));
          memmove(buf.p + 3, buf.p, (buf.len - 3) * sizeof(uint32_t));
          memcpy(buf.p, pct40, sizeof(pct40));
        }
        at_sign_seen = true;
        for (size_t i = 0; i < buf.len; i++) {
          if (buf.p[i] == ':' && !password_token_seen) {
            password_token_seen = true;
            continue;
          }
          TRY(pct_encode_cp(password_token_seen ? &url->password : &url->username, buf.p[i],
                            EDGEFN_PE_USERINFO));
        }
        buf.len = 0;
      } else if (c == EOF_CP || c == '/' || c == '?' || c == '#' ||
                 (is_special(url) && c == '\\')) {
        if (at_sign_seen && buf.len == 0)
          FAIL();
        ptr -= (long)buf.len + 1;
        buf.len = 0;
        state = S_HOST;
      } else {
        TRY(cp_push(&buf, (uint32_t)c));
      }
      break;

    case S_HOST:
    case S_HOSTNAME:
      if (override && str_is(&url->scheme, "file")) {
        ptr--;
        state = S_FILE_HOST;
      } else if (c == ':' && !inside_brackets) {
        if (buf.len == 0)
          FAIL();
        if (override == S_HOSTNAME)
          FAIL();
        tmp.len = 0;
        rc = parse_host_buf(&buf, !is_special(url), &tmp);
        if (rc)
          goto done;
        TRY(edgefn__ustr_set(&url->host, tmp.p, tmp.len));
        url->has_host = true;
        buf.len = 0;
        state = S_PORT;
      } else if (c == EOF_CP || c == '/' || c == '?' || c == '#' ||
                 (is_special(url) && c == '\\')) {
        ptr--;
        if (is_special(url) && buf.len == 0)
          FAIL();
        if (override && buf.len == 0 && (includes_credentials(url) || url->port >= 0))
          RETURN_OK();
        tmp.len = 0;
        rc = parse_host_buf(&buf, !is_special(url), &tmp);
        if (rc)
          goto done;
        TRY(edgefn__ustr_set(&url->host, tmp.p, tmp.len));
        url->has_host = true;
        buf.len = 0;
        state = S_PATH_START;
        if (override)
          RETURN_OK();
      } else {
        if (c == '[')
          inside_brackets = true;
        if (c == ']')
          inside_brackets = false;
        TRY(cp_push(&buf, (uint32_t)c));
      }
      break;

    case S_PORT:
      if (is_digit(c)) {
        TRY(cp_push(&buf, (uint32_t)c));
      } else if (c == EOF_CP || c == '/' || c == '?' || c == '#' ||
                 (is_special(url) && c == '\\') || override) {
        if (buf.len) {
          uint32_t port = 0;
          for (size_t i = 0; i < buf.len; i++) {
            port = port * 10 + (buf.p[i] - '0');
            if (port > 65535)
              FAIL();
          }
          int def = edgefn__url_default_port(url->scheme.p, url->scheme.len);
          url->port = (int)port == def ? -1 : (int32_t)port;
          buf.len = 0;
        }
        if (override)
          RETURN_OK();
        state = S_PATH_START;
        ptr--;
      } else {
        FAIL();
      }
      break;

    case S_FILE:
      TRY(edgefn__ustr_set(&url->scheme, "file", 4));
      TRY(edgefn__ustr_set(&url->host, "", 0));
      url->has_host = true;
      if (c == '/' || c == '\\') {
        state = S_FILE_SLASH;
      } else if (base && str_is(&base->scheme, "file")) {
        TRY(copy_str(&url->host, &base->host));
        url->has_host = base->has_host;
        TRY(copy_str(&url->path, &base->path));
        TRY(copy_str(&url->query, &base->query));
        url->has_query = base->has_query;
        if (c == '?') {
          TRY(edgefn__ustr_set(&url->query, "", 0));
          url->has_query = true;
          state = S_QUERY;
        } else if (c == '#') {
          TRY(edgefn__ustr_set(&url->fragment, "", 0));
          url->has_fragment = true;
          state = S_FRAGMENT;
        } else if (c != EOF_CP) {
          url->has_query = false;
          url->query.len = 0;
          if (!starts_with_drive(s + ptr, n - (size_t)ptr))
            path_shorten(url);
          else
            url->path.len = 0;
          state = S_PATH;
          ptr--;
        }
      } else {
        state = S_PATH;
        ptr--;
      }
      break;

    case S_FILE_SLASH:
      if (c == '/' || c == '\\') {
        state = S_FILE_HOST;
      } else {
        if (base && str_is(&base->scheme, "file")) {
          TRY(copy_str(&url->host, &base->host));
          url->has_host = base->has_host;
          const char *first;
          size_t first_len;
          if (!starts_with_drive(s + ptr, n - (size_t)ptr) &&
              path_first(base, &first, &first_len) && is_normalized_drive(first, first_len))
            TRY(path_append(url, first, first_len));
        }
        state = S_PATH;
        ptr--;
      }
      break;

    case S_FILE_HOST:
      if (c == EOF_CP || c == '/' || c == '\\' || c == '?' || c == '#') {
        ptr--;
        if (!override && buf_is_drive(&buf)) {
          state = S_PATH; /* buffer is kept: it becomes the first path segment */
        } else if (buf.len == 0) {
          TRY(edgefn__ustr_set(&url->host, "", 0));
          url->has_host = true;
          if (override)
            RETURN_OK();
          state = S_PATH_START;
        } else {
          tmp.len = 0;
          rc = parse_host_buf(&buf, !is_special(url), &tmp);
          if (rc)
            goto done;
          if (str_is(&tmp, "localhost"))
            tmp.len = 0;
          TRY(edgefn__ustr_set(&url->host, tmp.p ? tmp.p : "", tmp.len));
          url->has_host = true;
          if (override)
            RETURN_OK();
          buf.len = 0;
          state = S_PATH_START;
        }
      } else {
        TRY(cp_push(&buf, (uint32_t)c));
      }
      break;

    case S_PATH_START:
      if (is_special(url)) {
        state = S_PATH;
        if (c != '/' && c != '\\')
          ptr--;
      } else if (!override && c == '?') {
        TRY(edgefn__ustr_set(&url->query, "", 0));
        url->has_query = true;
        state = S_QUERY;
      } else if (!override && c == '#') {
        TRY(edgefn__ustr_set(&url->fragment, "", 0));
        url->has_fragment = true;
        state = S_FRAGMENT;
      } else if (c != EOF_CP) {
        state = S_PATH;
        if (c != '/')
          ptr--;
      } else if (override && !url->has_host) {
        TRY(path_append(url, "", 0));
      }
      break;

    case S_PATH:
      if (c == EOF_CP || c == '/' || (is_special(url) && c == '\\') ||
          (!override && (c == '?' || c == '#'))) {
        bool slash = c == '/' || (is_special(url) && c == '\\');
        if (double_dot(&buf)) {
          path_shorten(url);
          if (!slash)
            TRY(path_append(url, "", 0));
        } else if (single_dot(&buf) && !slash) {
          TRY(path_append(url, "", 0));
        } else if (!single_dot(&buf)) {
          if (str_is(&url->scheme, "file") && url->path.len == 0 && buf_is_drive(&buf))
            buf.p[1] = ':';
          tmp.len = 0;
          TRY(cp_to_utf8(&tmp, buf.p, buf.len));
          TRY(path_append(url, tmp.p, tmp.len));
        }
        buf.len = 0;
        if (c == '?') {
          TRY(edgefn__ustr_set(&url->query, "", 0));
          url->has_query = true;
          state = S_QUERY;
        } else if (c == '#') {
          TRY(edgefn__ustr_set(&url->fragment, "", 0));
          url->has_fragment = true;
          state = S_FRAGMENT;
        }
      } else {
        /* The buffer holds percent-encoded ASCII, so the dot-segment checks see "%2e". */
        tmp.len = 0;
        TRY(pct_encode_cp(&tmp, (uint32_t)c, EDGEFN_PE_PATH));
        for (size_t i = 0; i < tmp.len; i++)
          TRY(cp_push(&buf, (unsigned char)tmp.p[i]));
      }
      break;

    case S_OPAQUE_PATH:
      if (c == '?') {
        TRY(edgefn__ustr_set(&url->query, "", 0));
        url->has_query = true;
        state = S_QUERY;
      } else if (c == '#') {
        TRY(edgefn__ustr_set(&url->fragment, "", 0));
        url->has_fragment = true;
        state = S_FRAGMENT;
      } else if (c == ' ') {
        if (next == '?' || next == '#')
          TRY(edgefn__ustr_append(&url->path, "%20", 3));
        else
          TRY(edgefn__ustr_putc(&url->path, ' '));
      } else if (c != EOF_CP) {
        TRY(pct_encode_cp(&url->path, (uint32_t)c, EDGEFN_PE_C0));
      }
      break;

    case S_QUERY:
      if ((!override && c == '#') || c == EOF_CP) {
        tmp.len = 0;
        TRY(cp_to_utf8(&tmp, buf.p, buf.len));
        if (!url->query.p)
          TRY(edgefn__ustr_set(&url->query, "", 0));
        TRY(edgefn__url_pct_encode(&url->query, tmp.p, tmp.len,
                                   is_special(url) ? EDGEFN_PE_SPECIAL_QUERY : EDGEFN_PE_QUERY,
                                   false));
        buf.len = 0;
        if (c == '#') {
          TRY(edgefn__ustr_set(&url->fragment, "", 0));
          url->has_fragment = true;
          state = S_FRAGMENT;
        }
      } else if (c != EOF_CP) {
        TRY(cp_push(&buf, (uint32_t)c));
      }
      break;

    case S_FRAGMENT:
      if (c != EOF_CP) {
        if (!url->fragment.p)
          TRY(edgefn__ustr_set(&url->fragment, "", 0));
        TRY(pct_encode_cp(&url->fragment, (uint32_t)c, EDGEFN_PE_FRAGMENT));
      }
      break;
    }
    if (ptr >= (long)n)
      break;
  }
done:
  free(in.p);
  free(buf.p);
  edgefn__ustr_free(&tmp);
  return rc;
}

/* ---- serialization ---- */

static int append_port(edgefn__ustr *out, int32_t port) {
  char num[8];
  int k = 0;
  char rev[8];
  do {
    rev[k++] = (char)('0' + port % 10);
    port /= 10;
  } while (port);
  for (int i = 0; i < k; i++)
    num[i] = rev[k - 1 - i];
  return edgefn__ustr_append(out, num, (size_t)k);
}

#define STR(s) ((s).p ? (s).p : ""), (s).len

int edgefn__url_serialize(const edgefn__url *u, edgefn__ustr *out, edgefn__url_offsets *off) {
  edgefn__url_offsets o;
  memset(&o, 0, sizeof(o));
  out->len = 0;
  if (edgefn__ustr_append(out, STR(u->scheme)) || edgefn__ustr_putc(out, ':'))
    return EDGEFN_URL_NOMEM;
  o.scheme_end = (uint32_t)u->scheme.len;
  o.port = u->port;
  o.has_host = u->has_host;
  o.has_query = u->has_query;
  o.has_fragment = u->has_fragment;
  o.opaque_path = u->opaque_path;
  if (u->has_host) {
    if (edgefn__ustr_append(out, "//", 2))
      return EDGEFN_URL_NOMEM;
    o.username_start = o.username_end = (uint32_t)out->len;
    o.password_start = o.password_end = (uint32_t)out->len;
    if (includes_credentials(u)) {
      if (edgefn__ustr_append(out, STR(u->username)))
        return EDGEFN_URL_NOMEM;
      o.username_end = (uint32_t)out->len;
      o.password_start = o.password_end = (uint32_t)out->len;
      if (u->password.len) {
        if (edgefn__ustr_putc(out, ':'))
          return EDGEFN_URL_NOMEM;
        o.password_start = (uint32_t)out->len;
        if (edgefn__ustr_append(out, STR(u->password)))
          return EDGEFN_URL_NOMEM;
        o.password_end = (uint32_t)out->len;
      }
      if (edgefn__ustr_putc(out, '@'))
        return EDGEFN_URL_NOMEM;
    }
    o.host_start = (uint32_t)out->len;
    if (edgefn__ustr_append(out, STR(u->host)))
      return EDGEFN_URL_NOMEM;
    o.host_end = (uint32_t)out->len;
    if (u->port >= 0 && (edgefn__ustr_putc(out, ':') || append_port(out, u->port)))
      return EDGEFN_URL_NOMEM;
  } else {
    o.username_start = o.username_end = o.password_start = o.password_end = (uint32_t)out->len;
    o.host_start = o.host_end = (uint32_t)out->len;
    if (!u->opaque_path && u->path.len > 1 && u->path.p[1] == '/' &&
        edgefn__ustr_append(out, "/.", 2))
      return EDGEFN_URL_NOMEM;
  }
  o.path_start = (uint32_t)out->len;
  if (edgefn__ustr_append(out, STR(u->path)))
    return EDGEFN_URL_NOMEM;
  o.path_end = (uint32_t)out->len;
  o.query_start = o.query_end = o.path_end;
  if (u->has_query) {
    if (edgefn__ustr_putc(out, '?'))
      return EDGEFN_URL_NOMEM;
    o.query_start = (uint32_t)out->len;
    if (edgefn__ustr_append(out, STR(u->query)))
      return EDGEFN_URL_NOMEM;
    o.query_end = (uint32_t)out->len;
  }
  o.fragment_start = (uint32_t)out->len;
  if (u->has_fragment) {
    if (edgefn__ustr_putc(out, '#'))
      return EDGEFN_URL_NOMEM;
    o.fragment_start = (uint32_t)out->len;
    if (edgefn__ustr_append(out, STR(u->fragment)))
      return EDGEFN_URL_NOMEM;
  }
  o.href_len = (uint32_t)out->len;
  if (off)
    *off = o;
  return 0;
}

int edgefn__url_from_href(edgefn__url *u, const char *href, const edgefn__url_offsets *o) {
  edgefn__url_init(u);
  u->has_host = o->has_host;
  u->has_query = o->has_query;
  u->has_fragment = o->has_fragment;
  u->opaque_path = o->opaque_path;
  u->port = o->port;
  if (edgefn__ustr_set(&u->scheme, href, o->scheme_end) ||
      edgefn__ustr_set(&u->username, href + o->username_start,
                       o->username_end - o->username_start) ||
      edgefn__ustr_set(&u->password, href + o->password_start,
                       o->password_end - o->password_start) ||
      edgefn__ustr_set(&u->host, href + o->host_start, o->host_end - o->host_start) ||
      edgefn__ustr_set(&u->path, href + o->path_start, o->path_end - o->path_start) ||
      edgefn__ustr_set(&u->query, href + o->query_start, o->query_end - o->query_start) ||
      edgefn__ustr_set(&u->fragment, href + o->fragment_start,
                       o->href_len - o->fragment_start))
    return EDGEFN_URL_NOMEM;
  return 0;
}

int edgefn__url_origin(const edgefn__url *u, edgefn__ustr *out) {
  if (str_is(&u->scheme, "blob")) {
    edgefn__url inner;
    int rc = edgefn__url_parse(STR(u->path), NULL, &inner, 0);
    if (rc == EDGEFN_URL_OK && (str_is(&inner.scheme, "http") || str_is(&inner.scheme, "https")))
      rc = edgefn__url_origin(&inner, out);
    else if (rc != EDGEFN_URL_NOMEM)
      rc = edgefn__ustr_append(out, "null", 4);
    edgefn__url_free(&inner);
    return rc;
  }
  if (!is_special(u) || str_is(&u->scheme, "file"))
    return edgefn__ustr_append(out, "null", 4);
  if (edgefn__ustr_append(out, STR(u->scheme)) || edgefn__ustr_append(out, "://", 3) ||
      edgefn__ustr_append(out, STR(u->host)))
    return EDGEFN_URL_NOMEM;
  if (u->port >= 0 && (edgefn__ustr_putc(out, ':') || append_port(out, u->port)))
    return EDGEFN_URL_NOMEM;
  return 0;
}
