/* EdgeOne's documented example functions, written our own way, run end to end through the
 * pipeline with a real local origin: a signed-URL check with HMAC, caching POST responses by
 * a hash of the body, and rewriting an HLS playlist with MD5 auth keys (Tencent Cloud's
 * "type A" URL authentication). Expected signatures are computed here with mbedTLS's own
 * API, independently of the Web Crypto code under test. */
#define _GNU_SOURCE
#include "edge/edge-env.h"
#include "test.h"

#include <mbedtls/md.h>
#include <mbedtls/md5.h>
#include <time.h>

static void to_hex(const unsigned char *d, size_t n, char *out) {
  for (size_t i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02x", d[i]);
}

#define HEX_JS                                                                     \
  "function hex(ab) { var u = new Uint8Array(ab), s = '';\n"                       \
  "  for (var i = 0; i < u.length; i++) s += (u[i] < 16 ? '0' : '') + u[i].toString(16);\n" \
  "  return s; }\n"

static const char signed_url_js[] =
    HEX_JS
    "var SECRET = 'edge-secret';\n"
    "function fromHex(s) {\n"
    "  if (!/^([0-9a-f]{2})+$/.test(s)) return new Uint8Array(0);\n"
    "  var out = new Uint8Array(s.length / 2);\n"
    "  for (var i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);\n"
    "  return out; }\n"
    "function deny(why) { return new Response(why + '\\n', { status: 403 }); }\n"
    "function handle(req) {\n"
    "  var url = new URL(req.url);\n"
    "  var t = url.searchParams.get('t'), sig = url.searchParams.get('sign');\n"
    "  if (!t || !sig) return deny('missing signature');\n"
    "  if (!(Number(t) >= Date.now() / 1000)) return deny('link expired');\n"
    "  var enc = new TextEncoder();\n"
    "  return crypto.subtle.importKey('raw', enc.encode(SECRET), { name: 'HMAC', hash: 'SHA-256' },\n"
    "      false, ['verify']).then(function (key) {\n"
    "    return crypto.subtle.verify('HMAC', key, fromHex(sig), enc.encode(url.pathname + ':' + t));\n"
    "  }).then(function (ok) {\n"
    "    if (!ok) return deny('bad signature');\n"
    "    url.searchParams.delete('t');\n"
    "    url.searchParams.delete('sign');\n"
    "    return fetch(url.toString(), { headers: req.headers });\n"
    "  });\n"
    "}\n"
    "addEventListener('fetch', function (ev) { ev.respondWith(handle(ev.request)); });\n";

static void hmac_sign(const char *path, long t, char out[65]) {
  char msg[256];
  int n = snprintf(msg, sizeof(msg), "%s:%ld", path, t);
  unsigned char mac[32];
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                  (const unsigned char *)"edge-secret", 11, (const unsigned char *)msg,
                  (size_t)n, mac);
  to_hex(mac, 32, out);
}

TEST(scenario_hmac_signed_url) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e, signed_url_js, true), 0);
  char sig[65], url[256];
  long later = (long)time(NULL) + 300, earlier = (long)time(NULL) - 10;
  collected c;
  hmac_sign("/fn/files/report.pdf", later, sig);
  snprintf(url, sizeof(url), "http://site.test/fn/files/report.pdf?t=%ld&sign=%s", later, sig);
  ASSERT_EQ(eenv_get(&e, url, &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "hello /fn/files/report.pdf"); /* the origin, without t and sign */
  collected_free(&c);
  /* Signed for another path. */
  snprintf(url, sizeof(url), "http://site.test/fn/files/other.pdf?t=%ld&sign=%s", later, sig);
  ASSERT_EQ(eenv_get(&e, url, &c), 0);
  ASSERT_EQ(c.status, 403);
  ASSERT_STREQ(c.body, "bad signature\n");
  collected_free(&c);
  /* A correct signature whose time has passed. */
  hmac_sign("/fn/files/report.pdf", earlier, sig);
  snprintf(url, sizeof(url), "http://site.test/fn/files/report.pdf?t=%ld&sign=%s", earlier, sig);
  ASSERT_EQ(eenv_get(&e, url, &c), 0);
  ASSERT_EQ(c.status, 403);
  ASSERT_STREQ(c.body, "link expired\n");
  collected_free(&c);
  /* Not hex at all, and no signature. */
  snprintf(url, sizeof(url), "http://site.test/fn/files/report.pdf?t=%ld&sign=zz", later);
  ASSERT_EQ(eenv_get(&e, url, &c), 0);
  ASSERT_STREQ(c.body, "bad signature\n");
  collected_free(&c);
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/files/report.pdf", &c), 0);
  ASSERT_STREQ(c.body, "missing signature\n");
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

static const char post_cache_js[] =
    HEX_JS
    "function handle(ev) {\n"
    "  var req = ev.request, url = new URL(req.url);\n"
    "  /* the site's API lives under /fn/ here; the origin serves it at the root */\n"
    "  var target = url.origin + url.pathname.replace(/^\\/fn/, '');\n"
    "  if (req.method !== 'POST') return fetch(target, { headers: req.headers });\n"
    "  var body;\n"
    "  return req.arrayBuffer().then(function (b) {\n"
    "    body = b;\n"
    "    return crypto.subtle.digest('SHA-256', body);\n"
    "  }).then(function (h) {\n"
    "    var key = new Request(url.origin + '/__post-cache/' + hex(h) + url.pathname);\n"
    "    var cache = caches.default;\n"
    "    return cache.match(key).then(function (hit) {\n"
    "      if (hit) return hit.text().then(function (t) {\n"
    "        return new Response(t, { headers: { 'x-post-cache': 'HIT' } }); });\n"
    "      return fetch(target, { method: 'POST', headers: req.headers, body: body })\n"
    "        .then(function (res) { return res.text().then(function (t) {\n"
    "        if (res.ok) ev.waitUntil(cache.put(key, new Response(t, { headers: {\n"
    "          'content-type': res.headers.get('content-type') || 'text/plain',\n"
    "          'cache-control': 'max-age=60' } })));\n"
    "        return new Response(t, { status: res.status, headers: { 'x-post-cache': 'MISS' } });\n"
    "      }); });\n"
    "    });\n"
    "  });\n"
    "}\n"
    "addEventListener('fetch', function (ev) { ev.respondWith(handle(ev)); });\n";

TEST(scenario_cache_post_by_body_hash) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e, post_cache_js, true), 0);
  collected c;
  char first[128], second_body[128];
  ASSERT_EQ(eenv_send(&e, "POST", "http://site.test/fn/count", NULL, 0, "query=a", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT(strstr(c.headers, "x-post-cache: MISS") != NULL);
  ASSERT(strstr(c.body, " POST query=a") != NULL);
  snprintf(first, sizeof(first), "%s", c.body);
  collected_free(&c);
  /* The same body again: from the cache, the origin not asked. */
  ASSERT_EQ(eenv_send(&e, "POST", "http://site.test/fn/count", NULL, 0, "query=a", &c), 0);
  ASSERT(strstr(c.headers, "x-post-cache: HIT") != NULL);
  ASSERT_STREQ(c.body, first);
  collected_free(&c);
  /* Another body is another entry. */
  ASSERT_EQ(eenv_send(&e, "POST", "http://site.test/fn/count", NULL, 0, "query=b", &c), 0);
  ASSERT(strstr(c.headers, "x-post-cache: MISS") != NULL);
  ASSERT(strstr(c.body, " POST query=b") != NULL);
  ASSERT(strcmp(c.body, first) != 0);
  snprintf(second_body, sizeof(second_body), "%s", c.body);
  collected_free(&c);
  ASSERT_EQ(eenv_send(&e, "POST", "http://site.test/fn/count", NULL, 0, "query=b", &c), 0);
  ASSERT_STREQ(c.body, second_body);
  ASSERT(strstr(c.headers, "x-post-cache: HIT") != NULL);
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

static const char m3u8_js[] =
    HEX_JS
    "var KEY = 'md5-secret';\n"
    "function sign(path, ts, enc) {\n"
    "  return crypto.subtle.digest('MD5', enc.encode(path + '-' + ts + '-0-0-' + KEY))\n"
    "    .then(function (d) { return ts + '-0-0-' + hex(d); });\n"
    "}\n"
    "function handle(req) {\n"
    "  var url = new URL(req.url);\n"
    "  var path = url.pathname.replace(/^\\/fn/, '');\n"
    "  var ts = url.searchParams.get('ts') || String(Math.floor(Date.now() / 1000));\n"
    "  var dir = path.substring(0, path.lastIndexOf('/') + 1), enc = new TextEncoder();\n"
    "  return fetch(url.origin + path).then(function (res) {\n"
    "    if (!res.ok) return res;\n"
    "    return res.text().then(function (text) {\n"
    "      return Promise.all(text.split('\\n').map(function (line) {\n"
    "        if (!line || line.charAt(0) === '#') return line;\n"
    "        return sign(dir + line, ts, enc).then(function (k) { return line + '?auth_key=' + k; });\n"
    "      }));\n"
    "    }).then(function (lines) {\n"
    "      return new Response(lines.join('\\n'), { headers: {\n"
    "        'content-type': res.headers.get('content-type') } });\n"
    "    });\n"
    "  });\n"
    "}\n"
    "addEventListener('fetch', function (ev) { ev.respondWith(handle(ev.request)); });\n";

static void md5_auth(const char *path, const char *ts, char *out, size_t size) {
  char msg[256];
  int n = snprintf(msg, sizeof(msg), "%s-%s-0-0-md5-secret", path, ts);
  unsigned char d[16];
  char h[33];
  mbedtls_md5_ret((const unsigned char *)msg, (size_t)n, d);
  to_hex(d, 16, h);
  snprintf(out, size, "%s-0-0-%s", ts, h);
}

TEST(scenario_m3u8_rewrite_md5_auth) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e, m3u8_js, false), 0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/video/index.m3u8?ts=1700000000", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT(strstr(c.headers, "application/vnd.apple.mpegurl") != NULL);
  char a0[80], a1[80], a2[80], want[1024];
  md5_auth("/video/seg-0.ts", "1700000000", a0, sizeof(a0));
  md5_auth("/video/seg-1.ts", "1700000000", a1, sizeof(a1));
  md5_auth("/video/hd/seg-2.ts", "1700000000", a2, sizeof(a2));
  snprintf(want, sizeof(want),
           "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n"
           "#EXTINF:10.0,\nseg-0.ts?auth_key=%s\n#EXTINF:10.0,\nseg-1.ts?auth_key=%s\n"
           "#EXTINF:4.5,\nhd/seg-2.ts?auth_key=%s\n#EXT-X-ENDLIST\n",
           a0, a1, a2);
  ASSERT_STREQ(c.body, want);
  collected_free(&c);
  /* An origin error passes through untouched. */
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/redirect/404/x", &c), 0);
  ASSERT_EQ(c.status, 404);
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

/* "Merge resources and respond in streaming mode": the function answers at once with the
 * readable side of a TransformStream and writes the origin's parts into it in order as they
 * arrive (written in modern JavaScript: the compiler lowers it). */
static const char merge_js[] =
    "export default {\n"
    "  async fetch(request) {\n"
    "    const { readable, writable } = new TransformStream();\n"
    "    const parts = ['/big/100000', '/delay/50', '/echo'];\n"
    "    const merge = async () => {\n"
    "      const writer = writable.getWriter();\n"
    "      for (const p of parts) {\n"
    "        const r = await fetch(`http://site.test${p}`);\n"
    "        for await (const chunk of r.body) await writer.write(chunk);\n"
    "      }\n"
    "      await writer.close();\n"
    "    };\n"
    "    merge();\n"
    "    return new Response(readable, { headers: { 'content-type': 'text/plain' } });\n"
    "  }\n"
    "};\n";

TEST(scenario_streaming_merge) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e, merge_js, false), 0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/merged", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_EQ(c.end_result, 0);
  ASSERT_EQ(c.body_len, 100000 + 5 + 4);
  size_t xs = 0;
  while (xs < c.body_len && c.body[xs] == 'x')
    xs++;
  ASSERT_EQ(xs, 100000);
  ASSERT(memcmp(c.body + 100000, "sleptGET ", 9) == 0);
  collected_free(&c);
  eenv_close(&e);
  return 0;
}
