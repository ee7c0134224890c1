/* TLS termination with mbedTLS (2.28 in Debian 12). Each worker has its own context per TLS
 * listener (certificates, configuration and random generator are then never shared between
 * threads, so no locking is needed); a connection is an mbedtls_ssl_context reading and
 * writing the non-blocking socket. SNI picks among the listener's certificates by the names
 * in each (subjectAltName DNS entries, else the CN); the first is the default. ALPN offers
 * http/1.1 only. */
#include "gateway.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>

typedef struct tls_cert {
  mbedtls_x509_crt crt;
  mbedtls_pk_context key;
} tls_cert;

struct gw_tls_ctx {
  mbedtls_ssl_config conf;
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  tls_cert *certs;
  size_t ncerts;
};

struct gw_tls_conn {
  mbedtls_ssl_context ssl;
  mbedtls_net_context net;
  size_t pending_write; /* length of a write mbedTLS asked to be repeated (WANT_WRITE) */
};

static const char *alpn_list[] = {"http/1.1", NULL};

/* Does `name` (the client's SNI) match pattern `pat` (a certificate name, maybe "*.x")? */
static bool name_matches(const char *pat, size_t pl, const unsigned char *name, size_t nl) {
  if (pl == nl && strncasecmp(pat, (const char *)name, nl) == 0)
    return true;
  if (pl > 2 && pat[0] == '*' && pat[1] == '.') {
    const unsigned char *dot = memchr(name, '.', nl);
    size_t rest = dot ? nl - (size_t)(dot - name) : 0;
    return dot && rest == pl - 1 && strncasecmp(pat + 1, (const char *)dot, rest) == 0;
  }
  return false;
}

static bool cert_matches(const mbedtls_x509_crt *crt, const unsigned char *name, size_t nl) {
  bool has_san = false;
  for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s && s->buf.p; s = s->next) {
    /* Context-specific tag 2: dNSName. */
    if ((s->buf.tag & 0x1f) != 2)
      continue;
    has_san = true;
    if (name_matches((const char *)s->buf.p, s->buf.len, name, nl))
      return true;
  }
  if (has_san)
    return false;
  for (const mbedtls_x509_name *n = &crt->subject; n; n = n->next)
    if (n->oid.p && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0 &&
        name_matches((const char *)n->val.p, n->val.len, name, nl))
      return true;
  return false;
}

static int on_sni(void *data, mbedtls_ssl_context *ssl, const unsigned char *name, size_t len) {
  gw_tls_ctx *ctx = data;
  for (size_t i = 0; i < ctx->ncerts; i++)
    if (cert_matches(&ctx->certs[i].crt, name, len))
      return mbedtls_ssl_set_hs_own_cert(ssl, &ctx->certs[i].crt, &ctx->certs[i].key);
  /* No match: the default certificate (the configured one) stays. */
  return 0;
}

void gw_tls_ctx_free(gw_tls_ctx *ctx) {
  if (!ctx)
    return;
  for (size_t i = 0; i < ctx->ncerts; i++) {
    mbedtls_x509_crt_free(&ctx->certs[i].crt);
    mbedtls_pk_free(&ctx->certs[i].key);
  }
  free(ctx->certs);
  mbedtls_ssl_config_free(&ctx->conf);
  mbedtls_ctr_drbg_free(&ctx->drbg);
  mbedtls_entropy_free(&ctx->entropy);
  free(ctx);
}

static void tls_error(gw_errors *errs, const char *what, const char *file, int rc) {
  char buf[200];
  mbedtls_strerror(rc, buf, sizeof(buf));
  gw_errors_add(errs, "%s: %s: %s", file, what, buf);
}

int gw_tls_ctx_new(gw_tls_ctx **out, const gw_listener_cfg *l, gw_errors *errs) {
  *out = NULL;
  gw_tls_ctx *ctx = calloc(1, sizeof(*ctx));
  if (!ctx || !(ctx->certs = calloc(l->ncerts, sizeof(tls_cert)))) {
    free(ctx);
    gw_errors_add(errs, "out of memory");
    return -1;
  }
  mbedtls_ssl_config_init(&ctx->conf);
  mbedtls_entropy_init(&ctx->entropy);
  mbedtls_ctr_drbg_init(&ctx->drbg);
  int rc = mbedtls_ctr_drbg_seed(&ctx->drbg, mbedtls_entropy_func, &ctx->entropy,
                                 (const unsigned char *)"edgefn-gateway", 14);
  if (rc != 0) {
    tls_error(errs, "random generator", l->address, rc);
    gw_tls_ctx_free(ctx);
    return -1;
  }
  for (size_t i = 0; i < l->ncerts; i++) {
    tls_cert *c = &ctx->certs[ctx->ncerts++];
    mbedtls_x509_crt_init(&c->crt);
    mbedtls_pk_init(&c->key);
    rc = mbedtls_x509_crt_parse_file(&c->crt, l->certs[i].cert);
    if (rc != 0) {
      tls_error(errs, "certificate", l->certs[i].cert, rc);
      gw_tls_ctx_free(ctx);
      return -1;
    }
    rc = mbedtls_pk_parse_keyfile(&c->key, l->certs[i].key, NULL);
    if (rc != 0) {
      tls_error(errs, "private key", l->certs[i].key, rc);
      gw_tls_ctx_free(ctx);
      return -1;
    }
  }
  rc = mbedtls_ssl_config_defaults(&ctx->conf, MBEDTLS_SSL_IS_SERVER,
                                   MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc == 0) {
    mbedtls_ssl_conf_rng(&ctx->conf, mbedtls_ctr_drbg_random, &ctx->drbg);
    /* TLS 1.2 is the newest mbedTLS 2.28 speaks; nothing older is accepted. */
    mbedtls_ssl_conf_min_version(&ctx->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    rc = mbedtls_ssl_conf_own_cert(&ctx->conf, &ctx->certs[0].crt, &ctx->certs[0].key);
  }
  if (rc == 0)
    rc = mbedtls_ssl_conf_alpn_protocols(&ctx->conf, alpn_list);
  if (rc != 0) {
    tls_error(errs, "TLS configuration", l->address, rc);
    gw_tls_ctx_free(ctx);
    return -1;
  }
  if (ctx->ncerts > 1)
    mbedtls_ssl_conf_sni(&ctx->conf, on_sni, ctx);
  *out = ctx;
  return 0;
}

gw_tls_conn *gw_tls_conn_new(gw_tls_ctx *ctx, int fd) {
  gw_tls_conn *t = calloc(1, sizeof(*t));
  if (!t)
    return NULL;
  mbedtls_ssl_init(&t->ssl);
  if (mbedtls_ssl_setup(&t->ssl, &ctx->conf) != 0) {
    mbedtls_ssl_free(&t->ssl);
    free(t);
    return NULL;
  }
  t->net.fd = fd;
  mbedtls_ssl_set_bio(&t->ssl, &t->net, mbedtls_net_send, mbedtls_net_recv, NULL);
  return t;
}

void gw_tls_conn_free(gw_tls_conn *t) {
  if (!t)
    return;
  /* The socket belongs to the connection, which closes it. */
  mbedtls_ssl_free(&t->ssl);
  free(t);
}

static long tls_result(int rc, unsigned *want) {
  if (rc == MBEDTLS_ERR_SSL_WANT_READ) {
    *want = EPOLLIN;
    return -1;
  }
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
    *want = EPOLLOUT;
    return -1;
  }
  *want = 0;
  return -1;
}

long gw_tls_recv(gw_tls_conn *t, void *buf, size_t len, unsigned *want) {
  int rc = mbedtls_ssl_read(&t->ssl, buf, len);
  if (rc > 0)
    return rc;
  /* A close_notify or a plain close ends the stream. */
  if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
    return 0;
  return tls_result(rc, want);
}

long gw_tls_send(gw_tls_conn *t, const void *buf, size_t len, unsigned *want) {
  /* After WANT_WRITE mbedTLS must be called again with the same length (it then reports the
   * whole earlier record as written). */
  if (t->pending_write)
    len = t->pending_write;
  else if (len > 16384)
    len = 16384;
  int rc = mbedtls_ssl_write(&t->ssl, buf, len);
  if (rc > 0) {
    t->pending_write = 0;
    return rc;
  }
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE || rc == MBEDTLS_ERR_SSL_WANT_READ)
    t->pending_write = len;
  return tls_result(rc, want);
}

size_t gw_tls_pending(gw_tls_conn *t) { return mbedtls_ssl_get_bytes_avail(&t->ssl); }
