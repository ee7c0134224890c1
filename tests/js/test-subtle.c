/* crypto.subtle: known-answer tests from published vectors (FIPS 180-4 examples, RFC 1321,
 * RFC 4231, RFC 5869, RFC 6070, RFC 3394, the GCM specification's test cases) and round trips
 * with Node 20's WebCrypto: keys, signatures and ciphertexts Node made (embedded below, made
 * once with globalThis.crypto.subtle) are used here, and signatures made here are checked by
 * running node when it is installed. */
#include <stdio.h>
#include <stdlib.h>

#include "js/harness.h"
#include "test.h"

/* Made by Node 20: keys, signatures and ciphertexts over te('hello edge'). */
static const char vectors[] =
    "var V = {\n"
    "ecJwk: \"{\\\"key_ops\\\":[\\\"sign\\\"],\\\"ext\\\":true,\\\"kty\\\":\\\"EC\\\",\\\"x\\\":"
    "\\\"-hFI0mfyY4TWvlWhptyf3KRkBgT6F06WBOqJywtIm0Y\\\",\\\"y\\\":\\\"1GALdwFBwaxUCrrjvZ8V2WSLEt"
    "RNsbBd-IEoFMsatDo\\\",\\\"crv\\\":\\\"P-256\\\",\\\"d\\\":\\\"Lwst4MtpFOpCYNpfAk5Zybt_S9VDLw"
    "_gDMk_3hwgm4s\\\"}\",\n"
    "ecSpki: \"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+hFI0mfyY4TWvlWhptyf3KRkBgT6F06WBOqJywtIm0bUYA"
    "t3AUHBrFQKuuO9nxXZZIsS1E2xsF34gSgUyxq0Og==\",\n"
    "ecPkcs8: \"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLwst4MtpFOpCYNpfAk5Zybt/S9VDLw/gD"
    "Mk/3hwgm4uhRANCAAT6EUjSZ/JjhNa+VaGm3J/cpGQGBPoXTpYE6onLC0ibRtRgC3cBQcGsVAq6472fFdlkixLUTbGwX"
    "fiBKBTLGrQ6\",\n"
    "ecSig: \"yOiusWH+B5jk8mHpB81l+9Y5GrD/ufYhbmP5UeGWW/4PhjxZsZbuLrJumOlF63NlWusCzvUm4hqmA8CNTiH"
    "ovw==\",\n"
    "ec384Spki: \"MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEI+tDPuOzzmGxvBRVju4y5tMSSCKA5QMZ9+3aY8BQKo7cOVM"
    "yS0xvh1Y5YI2dAO7gLzsLudmm2PmQ04TRqn/x9a4IeQjC1szkkjvlXaN1S3XILrPrULvUBrNBV9ETzdRP\",\n"
    "ec384Sig: \"7lfH/fMhqmZGmAysQ0tA1CGNyS8HgjIcP6OE2wKYyCzzezG+uffVLfvK6u6CRhSsbVV53C8JKwOgvMDl"
    "QB/ayBzBKJORRvhqA5luZT6ZQT+aAe2P0AisfwT0+af9ddKb\",\n"
    "rsaPkcs8: \"MIICeQIBADANBgkqhkiG9w0BAQEFAASCAmMwggJfAgEAAoGBAL9tFKr7uskzW9NNHCOLSVR75fkcd57j"
    "8ESiLaeYSNluOaTzFyXdsZ33ESTfeAv0DaSlGToQfH6q1eVU64gwDGALm766U9C3eyqV9gUVBDMNxHrii2MZ9Eb/c7Yt"
    "zW9y+nd/w4Xw6ti0KnCM+DTAoDrwMybKiXFd9pRNwd/r1w1hAgMBAAECgYEArS0oqnqrg4QUCXfUAg/rWiPwbEolqbf6"
    "UI0LkngBR7shKSnGAjqqigbPGrWUK/QxN4co6E+r4Qf6E8ucfQtC1Tq+Tv9/eSr22irxVKFxOklUpuITduUpAP9jRywl"
    "jRJV5I6AYPlXIEaInhza+x7OXSm1qCChelLiybe0InpjaLECQQDzIQ98dcFJB2Sf/0Ko1ikIWMlKXwSKNBcv0Q43AOPo"
    "omN1m11C41miit4q8Z8woyPAnfJ1G9p26wFeZ/dKCKrVAkEAyY9UR1oG1kquDciCOMFLsoOk0bLEMSW+7r6CDlP8ZWac"
    "0Xs0v9Xpep7bSH1ZxAVP1eTBw1lPDV2RJ2W2f/AGXQJBAI6Lm6DFCYXfp8eGyXZj2brjE2FfRDIjSFTopQTqqLUEQHv7"
    "kzpcQXljIc7byxGhFJ0h/b1bj0KZljvbiMkHO+ECQQCS9p/j2p+Lli4svJs+mKoCAnylravhjf0WhO+9VL1+jgAfua7v"
    "hSBVGQkYZNWT2K+qbL5fGnpKa4PP7xjPVgq9AkEAtHetMg5h3OhnklBxMP+UJrfv5q08613TQwVoFnHHNHhVG3qJgklF"
    "0EPjtyyTkieybaBoAN3hgA+bfs20Rbjm3A==\",\n"
    "rsaSpki: \"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/bRSq+7rJM1vTTRwji0lUe+X5HHee4/BEoi2nmEjZb"
    "jmk8xcl3bGd9xEk33gL9A2kpRk6EHx+qtXlVOuIMAxgC5u+ulPQt3sqlfYFFQQzDcR64otjGfRG/3O2Lc1vcvp3f8OF8"
    "OrYtCpwjPg0wKA68DMmyolxXfaUTcHf69cNYQIDAQAB\",\n"
    "rsaJwkPub: \"{\\\"key_ops\\\":[\\\"verify\\\"],\\\"ext\\\":true,\\\"kty\\\":\\\"RSA\\\",\\\""
    "n\\\":\\\"v20Uqvu6yTNb000cI4tJVHvl-Rx3nuPwRKItp5hI2W45pPMXJd2xnfcRJN94C_QNpKUZOhB8fqrV5VTriD"
    "AMYAubvrpT0Ld7KpX2BRUEMw3EeuKLYxn0Rv9zti3Nb3L6d3_DhfDq2LQqcIz4NMCgOvAzJsqJcV32lE3B3-vXDWE\\"
    "\",\\\"e\\\":\\\"AQAB\\\",\\\"alg\\\":\\\"RS256\\\"}\",\n"
    "rsaSig: \"mSDPmo3V6eMb9BHQftOAjohcyfwHxqr8JgfUOBPLanm7boGGzzYKiZB9N2ZR4C8wn31QTxwjQB9nbWlRES"
    "og2tzSFGfas5pb7onSh7l+np6opvceMURD5RVaADZ/AEbH8gWg5Bv+lyXl3fE4DnSoSydWwzB30Gzth3xlSQ+1rSM=\""
    ",\n"
    "pssSig: \"KDL/HsYO3HNmoJhMdaUmkzPQ5le63+haJiwp0WdDdP9PhX3BjxDb+GQZGLathDBVz4mLWREaAcvqObxdbi"
    "yum8bVNlJT7ZJYcPud8y+uyrp2ZQVFUcsTAH1FOTh30WeRO/fbL46EhLw7yMgEhUgi4rWxDIWEQbgJijXmlW8284Q=\""
    ",\n"
    "oaepCt: \"reYDcUmugbjV6LgcE6NnsMjN+Zjuv6XPYim65l+S0mg3+tdppSqqOwuijWSG62fR3KirkS3EjCzLo+BoVI"
    "nu+oWRec/jPt22oxcuw7N9/AOMSpRa4bMLCbtX2O9P0hPo0dF03xpqMUC/cA+9iLElE4vJaNSUFPAVstxkFFDga1A=\""
    ",\n"
    "ecdhA: \"{\\\"key_ops\\\":[\\\"deriveBits\\\"],\\\"ext\\\":true,\\\"kty\\\":\\\"EC\\\",\\\"x"
    "\\\":\\\"YWwdpptlnuT-aQ5VHFe1MJ8I1YnALqXKSoGaaGbRYuhZ6_m3OOszFbmFhWpwU6Ir\\\",\\\"y\\\":\\\""
    "jnO7u9g0hETwvCad1Fp0qz8xLicI6qlLC0Z4lh7QnQESlcsTiazbBQMkAF4TE5KA\\\",\\\"crv\\\":\\\"P-384\\"
    "\",\\\"d\\\":\\\"j_C_n3lTVaH43DDhxRgbke0kHsOxLvSDP1Q0zfNO2WnDmftJY4r4AcuassV2_yTr\\\"}\",\n"
    "ecdhBRaw: \"BDrllJBsNWoEwwzI/Ra/cR7r4BEZ8MU6MCQU9fsE3wGPBP1g7YP27UwPO8k4I9jlj74be4l0kr5rNe0j"
    "g7o508rtAkTW8uf+n4EDQe3ad/zrnsuWLCW8AEKXALuhPAdQRg==\",\n"
    "ecdhBits: \"ziRzAQp0euPPfJp2nDatT2V7LBsGCJm9AQiUJMG+3eeNVuWuI/SeTf/kg90s085T\",\n"
    "hmac512: \"RnKy5llAELShQ8v1xd5wW7R+z95RvG9pcN1Mt69W0eYwBvGU2xXwlX4N9eqEuhy2/joz7EA6AvnilWDou"
    "Ydwgg==\",\n"
    "gcm: \"HoTl2/+fiWq2seB3i2P8PvwZJMl0pQ==\",\n"
    "cbc: \"awmfTObRVtfnXxcUc2DAKg==\",\n"
    "ctr: \"2EO0dOctFT2weK/5j9YEOko5p45BWRxWgW20ZjT3eI/1AMZvIi/ooQ==\",\n"
    "pbkdf2sha256: \"YywoEuRtRgQQK6dhjp1tfS+BKPYma0oDJk0qBGC33LM=\",\n"
    "};\n"
    "var S = crypto.subtle;\n"
    "function hex(b) { return Array.prototype.map.call(new Uint8Array(b), function (x) {\n"
    "  return (x < 16 ? '0' : '') + x.toString(16); }).join(''); }\n"
    "function unhex(s) { var u = new Uint8Array(s.length / 2);\n"
    "  for (var i = 0; i < u.length; i++) u[i] = parseInt(s.substr(2 * i, 2), 16);\n"
    "  return u; }\n"
    "function b64(b) { var u = new Uint8Array(b), s = '';\n"
    "  for (var i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);\n"
    "  return btoa(s); }\n"
    "function b64d(s) { var t = atob(s), u = new Uint8Array(t.length);\n"
    "  for (var i = 0; i < t.length; i++) u[i] = t.charCodeAt(i);\n"
    "  return u; }\n"
    "function te(s) { return new TextEncoder().encode(s); }\n"
    "function fill(n, v) { var u = new Uint8Array(n); for (var i = 0; i < n; i++) u[i] = v;\n"
    "  return u; }\n"
    "var MSG = te('hello edge');\n"
    "function err(p) { return p.then(function () { return 'resolved'; }, function (e) {\n"
    "  return (e instanceof DOMException ? '' : 'plain ') + e.name; }); }\n";

/* Runs `body` (a function body returning a value or a promise) in a fetch handler and
 * compares the text of what it settles to with `expected`. */
static char *run_async(const char *body) {
  static const char fmt[] =
      "%s\naddEventListener('fetch', function (e) {\n"
      "  e.respondWith(Promise.resolve().then(function () { %s }).then(function (v) {\n"
      "    return new Response(String(v)); }, function (err) {\n"
      "    return new Response('threw ' + err.name + ': ' + err.message); }));\n"
      "});";
  size_t size = sizeof(fmt) + sizeof(vectors) + strlen(body);
  char *src = malloc(size);
  snprintf(src, size, fmt, vectors, body);
  js_env e;
  int open_rc = env_open(&e, src, 10000, 0, 0);
  free(src);
  char *result;
  if (open_rc != 0) {
    result = strdup(e.err.message);
  } else {
    collected c;
    int rc = env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c);
    result = rc == 0 && c.body ? strdup(c.body) : strdup("(no response)");
    if (rc != 0 || !c.body)
      fprintf(stderr, "log: %s\n", e.log.text);
    collected_free(&c);
  }
  env_close(&e);
  return result;
}

static int expect_async(const char *body, const char *expected) {
  char *got = run_async(body);
  int bad = strcmp(got, expected) != 0;
  if (bad)
    fprintf(stderr, "script: %s\n  expected: %s\n  got:      %s\n", body, expected, got);
  free(got);
  return bad;
}

TEST(subtle_digest) {
  /* FIPS 180-4 examples ("abc") and RFC 1321 for MD5. */
  ASSERT_EQ(expect_async("return Promise.all(['SHA-1', 'sha-256', {name: 'SHA-384'}, 'SHA-512',"
                         " 'md5'].map(function (a) { return S.digest(a, te('abc')).then(hex);"
                         " })).then(function (r) { return r.join(' '); });",
                         "a9993e364706816aba3e25717850c26c9cd0d89d "
                         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad "
                         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                         "8086072ba1e7cc2358baeca134c825a7 "
                         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                         "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f "
                         "900150983cd24fb0d6963f7d28e17f72"),
            0);
  /* Two-block message; empty input; data as a DataView and an ArrayBuffer. */
  ASSERT_EQ(
      expect_async("return Promise.all([S.digest('SHA-256', te('abcdbcdecdefdefgefghfghighijhij"
                   "kijkljklmklmnlmnomnopnopq')), S.digest('SHA-256', new ArrayBuffer(0)),"
                   " S.digest('SHA-1', new DataView(te('abc').buffer))]).then(function (r) {"
                   " return r.map(hex).join(' ') + ' ' + (r[0] instanceof ArrayBuffer); });",
                   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1 "
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 "
                   "a9993e364706816aba3e25717850c26c9cd0d89d true"),
      0);
  /* Errors reject (never throw): unknown algorithm, missing name, non-buffer data. */
  ASSERT_EQ(expect_async("var p = S.digest('SHA-3', te('x'));"
                         "return Promise.all([err(p), err(S.digest({}, te('x'))),"
                         " err(S.digest('SHA-256', 'abc')), err(S.digest('Ed25519', te('x')))])"
                         ".then(function (r) { return (p instanceof Promise) + ' ' + r; });",
                         "true NotSupportedError,plain TypeError,plain TypeError,"
                         "NotSupportedError"),
            0);
  return 0;
}

/* Workers' crypto.DigestStream: the digest of what was written, in any chunking, equals the
 * known answers; pipeTo works (it is a WritableStream); a bad chunk errors the stream and
 * rejects the digest, abort() rejects it with the reason; an unknown algorithm is
 * NotSupportedError; the class is reached only through crypto and needs `new`. */
TEST(subtle_digest_stream) {
  ASSERT_EQ(expect_async("var D = crypto.DigestStream, all = te('abcdbcdecdefdefgefghfghighijhij"
                         "kijkljklmklmnlmnomnopnopq');"
                         "function feed(alg, step) { var d = new D(alg), w = d.getWriter(), p ="
                         " Promise.resolve(); for (var i = 0; i < all.length; i += step)"
                         " (function (c) { p = p.then(function () { return w.write(c); }); })"
                         "(all.subarray(i, i + step)); return p.then(function () { return"
                         " w.close(); }).then(function () { return d.digest; }).then(function"
                         " (h) { return hex(h) + '/' + d.bytesWritten; }); }"
                         "return Promise.all([feed('SHA-256', 1), feed({name: 'sha-256'}, 7),"
                         " feed('SHA-1', 56), feed('MD5', 5)]).then(function (r) {"
                         " return r.join(' ') + ' ' + D.name + D.length +"
                         " (new D('SHA-512') instanceof WritableStream); });",
                         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1/56 "
                         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1/56 "
                         "84983e441c3bd26ebaae4aa1f95129e5e54670f1/56 "
                         "8215ef0796a20bcaaae116d3876c664a/56 DigestStream1true"),
            0);
  ASSERT_EQ(expect_async("var D = crypto.DigestStream, r = [];"
                         "var e = new D('SHA-384'); var c = new D('SHA-512');"
                         "var b = new D('SHA-256'); var a = new D('SHA-256');"
                         "try { new D('SHA-3'); } catch (x) { r.push(x.name); }"
                         "try { D('SHA-1'); } catch (x) { r.push(x.name); }"
                         "a.abort(new Error('stop'));"
                         "return e.getWriter().close().then(function () { return e.digest; })"
                         ".then(function (h) { r.push(hex(h).slice(0, 16));"
                         " return new Response('abc').body.pipeTo(c); })"
                         ".then(function () { return c.digest; }).then(function (h) {"
                         " r.push(hex(h).slice(0, 16)); return err(b.getWriter().write('x')); })"
                         ".then(function (x) { r.push(x); return err(b.digest); })"
                         ".then(function (x) { r.push(x); return a.digest.catch(function (x)"
                         " { return x.message; }); }).then(function (m) { r.push(m);"
                         " return r.join(' '); });",
                         "NotSupportedError TypeError 38b060a751ac9638 ddaf35a193617aba "
                         "plain TypeError plain TypeError stop"),
            0);
  return 0;
}

/* Workers' crypto.subtle.timingSafeEqual: synchronous, any BufferSource, equal byte
 * lengths required (a TypeError otherwise). */
TEST(subtle_timing_safe_equal) {
  ASSERT_EQ(expect_async("var f = S.timingSafeEqual, r = [f(te('secret'), te('secret')),"
                         " f(te('secret'), te('secreT')), f(new Uint8Array([1, 2]).buffer,"
                         " new DataView(new Uint8Array([1, 2]).buffer)), f(new ArrayBuffer(0),"
                         " new Uint8Array(0))];"
                         "try { f(te('a'), te('ab')); } catch (e) { r.push(e.name); }"
                         "try { f('a', 'a'); } catch (e) { r.push(e.name); }"
                         "return Promise.resolve(r.join(' '));",
                         "true false true true TypeError TypeError"),
            0);
  return 0;
}

/* Workers' NODE-ED25519 (its name before Ed25519 was standard, still in webhook-verification
 * examples): RFC 8032's test 1 verifies under it, keys report it, and a foreign namedCurve
 * is refused. */
TEST(subtle_node_ed25519) {
  ASSERT_EQ(expect_async(
                "var pub = unhex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');"
                " var sig = unhex('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');"
                " return S.importKey('raw', pub, {name: 'NODE-ED25519', namedCurve: 'NODE-ED25519'},"
                " false, ['verify']).then(function (k) { return Promise.all(["
                " S.verify('NODE-ED25519', k, sig, new Uint8Array(0)),"
                " S.verify({name: 'NODE-ED25519'}, k, sig, new Uint8Array([1])),"
                " k.algorithm.name + '/' + k.algorithm.namedCurve,"
                " err(S.importKey('raw', pub, {name: 'NODE-ED25519', namedCurve: 'P-256'}, false,"
                " ['verify']))]); }).then(function (r) { return r.join(' '); });",
                "true false NODE-ED25519/NODE-ED25519 NotSupportedError"),
            0);
  return 0;
}

TEST(subtle_hmac) {
  /* RFC 4231 test cases 1 (SHA-256, SHA-512) and 2 (SHA-384). */
  ASSERT_EQ(
      expect_async("var k = fill(20, 11), m = te('Hi There');"
                   "return Promise.all([S.importKey('raw', k, {name: 'HMAC', hash: 'SHA-256'},"
                   " true, ['sign', 'verify']), S.importKey('raw', k, {name: 'hmac', hash:"
                   " {name: 'sha-512'}}, false, ['sign']), S.importKey('raw', te('Jefe'),"
                   " {name: 'HMAC', hash: 'SHA-384'}, false, ['sign'])]).then(function (ks) {"
                   " return Promise.all([S.sign('HMAC', ks[0], m), S.sign('HMAC', ks[1], m),"
                   " S.sign('HMAC', ks[2], te('what do ya want for nothing?'))]); })"
                   ".then(function (r) { return r.map(hex).join(' '); });",
                   "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7 "
                   "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                   "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854 "
                   "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                   "8e2240ca5e69e2c78b3239ecfab21649"),
      0);
  /* Node's HMAC-SHA-512 over MSG; verify true and false; the key's dictionaries. */
  ASSERT_EQ(
      expect_async("return S.importKey('raw', te('0123456789abcdef0123456789abcdef'),"
                   " {name: 'HMAC', hash: 'SHA-512'}, true, ['verify', 'sign'])"
                   ".then(function (k) { return Promise.all([S.sign('HMAC', k, MSG),"
                   " S.verify('HMAC', k, b64d(V.hmac512), MSG), S.verify('HMAC', k,"
                   " b64d(V.hmac512), te('other')), k]); }).then(function (r) {"
                   " return (b64(r[0]) === V.hmac512) + ' ' + r[1] + ' ' + r[2] + ' ' +"
                   " r[3].type + ' ' + JSON.stringify(r[3].algorithm) + ' ' + r[3].usages +"
                   " ' ' + r[3].extractable + ' ' + (r[3].algorithm === r[3].algorithm); });",
                   "true true false secret {\"name\":\"HMAC\",\"hash\":{\"name\":\"SHA-512\"},"
                   "\"length\":256} sign,verify true true"),
      0);
  /* generateKey: default length is the hash block size; JWK export and import. */
  ASSERT_EQ(expect_async("var k1; return S.generateKey({name: 'HMAC', hash: 'SHA-256'}, true,"
                         " ['sign']).then(function (k) { k1 = k; return S.exportKey('jwk', k); })"
                         ".then(function (j) { return S.importKey('jwk', j, {name: 'HMAC', hash:"
                         " 'SHA-256'}, false, ['sign']).then(function (k2) { return Promise.all(["
                         " S.sign('HMAC', k1, MSG), S.sign('HMAC', k2, MSG), j]); }); })"
                         ".then(function (r) { return (hex(r[0]) === hex(r[1])) + ' ' + r[2].kty +"
                         " ' ' + r[2].alg + ' ' + r[2].k.length + ' ' + r[2].key_ops + ' ' +"
                         " r[2].ext + ' ' + k1.algorithm.length; });",
                         "true oct HS256 86 sign true 512"),
            0);
  /* Errors: usage, extractable, empty usages, missing hash, bad length, bad JWKs. */
  ASSERT_EQ(expect_async("var A = {name: 'HMAC', hash: 'SHA-256'}, k = te('secret');"
                         "return S.importKey('raw', k, A, false, ['verify']).then(function (vk) {"
                         " return Promise.all([err(S.sign('HMAC', vk, MSG)),"
                         " err(S.exportKey('raw', vk)), err(S.importKey('raw', k, A, true, [])),"
                         " err(S.importKey('raw', k, A, true, ['encrypt'])),"
                         " err(S.importKey('raw', k, {name: 'HMAC'}, true, ['sign'])),"
                         " err(S.importKey('raw', k, {name: 'HMAC', hash: 'SHA-256', length: 100},"
                         " true, ['sign'])), err(S.importKey('jwk', {kty: 'RSA', k: 'c2VjcmV0'},"
                         " A, true, ['sign'])), err(S.importKey('jwk', {kty: 'oct', k: 'c2VjcmV0',"
                         " alg: 'HS512'}, A, true, ['sign'])), err(S.importKey('jwk', {kty: 'oct',"
                         " k: 'c2V*'}, A, true, ['sign'])), err(S.importKey('jwk', {kty: 'oct',"
                         " k: 'c2VjcmV0', ext: false}, A, true, ['sign'])), err(S.importKey('jwk',"
                         " {kty: 'oct', k: 'c2VjcmV0', key_ops: ['verify']}, A, true, ['sign'])),"
                         " err(S.importKey('raw', k, A, true, ['sign', 'bogus'])),"
                         " err(S.importKey('pkcs8', k, A, true, ['sign']))]); })"
                         ".then(function (r) { return r.join(); });",
                         "InvalidAccessError,InvalidAccessError,SyntaxError,SyntaxError,"
                         "plain TypeError,DataError,DataError,DataError,DataError,DataError,"
                         "DataError,plain TypeError,NotSupportedError"),
            0);
  return 0;
}

TEST(subtle_kdf) {
  /* RFC 5869 test case 1. */
  ASSERT_EQ(expect_async("return S.importKey('raw', fill(22, 11), 'HKDF', false, ['deriveBits'])"
                         ".then(function (k) { return S.deriveBits({name: 'HKDF', hash: 'SHA-256',"
                         " salt: unhex('000102030405060708090a0b0c'), info: unhex('f0f1f2f3f4f5f6f7"
                         "f8f9')}, k, 336); }).then(hex);",
                         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                         "34007208d5b887185865"),
            0);
  /* RFC 6070 PBKDF2-HMAC-SHA1 (1, 2 and 4096 iterations) and Node's PBKDF2-SHA-256. */
  ASSERT_EQ(expect_async("return S.importKey('raw', te('password'), 'PBKDF2', false,"
                         " ['deriveBits']).then(function (k) { function d(n, h, bits) {"
                         " return S.deriveBits({name: 'PBKDF2', salt: te('salt'), iterations: n,"
                         " hash: h}, k, bits).then(hex); } return Promise.all([d(1, 'SHA-1', 160),"
                         " d(2, 'SHA-1', 160), d(4096, 'SHA-1', 160), d(1000, 'SHA-256', 256)]); })"
                         ".then(function (r) { return r.slice(0, 3).join(' ') + ' ' +"
                         " (r[3] === hex(b64d(V.pbkdf2sha256))); });",
                         "0c60c80f961f0e71f3a9b524af6012062fe037a6 "
                         "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957 "
                         "4b007901b765489abead49d926f721d065a429c1 true"),
            0);
  /* deriveKey to AES-GCM and HMAC keys; errors. */
  ASSERT_EQ(expect_async("var P = {name: 'PBKDF2', salt: te('s'), iterations: 10, hash: 'SHA-256'};"
                         "return S.importKey('raw', te('pw'), {name: 'PBKDF2'}, false,"
                         " ['deriveKey', 'deriveBits']).then(function (k) { return Promise.all(["
                         " S.deriveKey(P, k, {name: 'AES-GCM', length: 256}, true, ['encrypt',"
                         " 'decrypt']), S.deriveKey(P, k, {name: 'HMAC', hash: 'SHA-1'}, false,"
                         " ['sign']), S.deriveBits(P, k, 256), err(S.deriveBits(P, k, 12)),"
                         " err(S.deriveBits(P, k, null)), err(S.deriveKey(P, k, {name: 'AES-GCM',"
                         " length: 100}, true, ['encrypt'])), err(S.importKey('raw', te('pw'),"
                         " 'PBKDF2', true, ['deriveBits'])), err(S.exportKey('raw', k)),"
                         " err(S.deriveBits({name: 'HKDF', hash: 'SHA-256', salt: te(''), info:"
                         " te('')}, k, 128))]); }).then(function (r) { return S.exportKey('raw',"
                         " r[0]).then(function (raw) { return (hex(raw) === hex(r[2])) + ' ' +"
                         " JSON.stringify(r[0].algorithm) + ' ' + r[1].algorithm.length + ' ' +"
                         " r.slice(3).join(); }); });",
                         "true {\"name\":\"AES-GCM\",\"length\":256} 512 OperationError,"
                         "OperationError,OperationError,SyntaxError,InvalidAccessError,"
                         "InvalidAccessError"),
            0);
  return 0;
}

TEST(subtle_aes) {
  /* The GCM specification's test cases 3 and 4 (AES-128). */
  ASSERT_EQ(
      expect_async("var p = unhex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d"
                   "8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255');"
                   "var iv = unhex('cafebabefacedbaddecaf888');"
                   "return S.importKey('raw', unhex('feffe9928665731c6d6a8f9467308308'),"
                   " 'AES-GCM', false, ['encrypt', 'decrypt']).then(function (k) {"
                   " return Promise.all([S.encrypt({name: 'AES-GCM', iv: iv}, k, p),"
                   " S.encrypt({name: 'AES-GCM', iv: iv, additionalData: unhex('feedfacedeadb"
                   "eeffeedfacedeadbeefabaddad2')}, k, p.subarray(0, 60))]); })"
                   ".then(function (r) { return r.map(hex).join(' '); });",
                   "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                   "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
                   "4d5c2af327cd64a62cf35abd2ba6fab4 "
                   "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                   "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
                   "5bc94fbc3221a5db94fae95ae7121a47"),
      0);
  /* Node's AES-GCM (96-bit tag, AAD), AES-CBC and AES-CTR (8-bit counter that wraps);
   * decryption round trips; a tampered tag. */
  ASSERT_EQ(
      expect_async("var G = {name: 'AES-GCM', iv: fill(12, 1), additionalData:"
                   " new Uint8Array([1, 2, 3]), tagLength: 96};"
                   "var C = {name: 'AES-CBC', iv: fill(16, 2)};"
                   "var ctr = fill(16, 255); ctr[0] = 5; var T = {name: 'AES-CTR',"
                   " counter: ctr, length: 8}, a40 = fill(40, 0x61);"
                   "return Promise.all([S.importKey('raw', fill(32, 7), 'AES-GCM', true,"
                   " ['encrypt', 'decrypt']), S.importKey('raw', fill(16, 9), 'AES-CBC',"
                   " true, ['encrypt', 'decrypt']), S.importKey('raw', fill(24, 3),"
                   " 'AES-CTR', true, ['encrypt', 'decrypt'])]).then(function (k) {"
                   " var bad = b64d(V.gcm); bad[bad.length - 1] ^= 1;"
                   " return Promise.all([S.encrypt(G, k[0], MSG), S.encrypt(C, k[1], MSG),"
                   " S.encrypt(T, k[2], a40), S.decrypt(G, k[0], b64d(V.gcm)),"
                   " S.decrypt(C, k[1], b64d(V.cbc)), S.decrypt(T, k[2], b64d(V.ctr)),"
                   " err(S.decrypt(G, k[0], bad)), err(S.decrypt(C, k[1], fill(15, 0))),"
                   " err(S.encrypt({name: 'AES-CBC', iv: fill(8, 0)}, k[1], MSG)),"
                   " err(S.encrypt({name: 'AES-GCM', iv: fill(12, 0), tagLength: 100}, k[0],"
                   " MSG)), err(S.encrypt(C, k[0], MSG)), err(S.decrypt(G, k[0], fill(4, 0))),"
                   " err(S.encrypt({name: 'AES-CTR', counter: ctr, length: 0}, k[2], MSG)),"
                   " err(S.encrypt({name: 'AES-CTR', counter: ctr, length: 1}, k[2], a40))"
                   "]); }).then(function (r) { return [b64(r[0]) === V.gcm, b64(r[1]) ==="
                   " V.cbc, b64(r[2]) === V.ctr, new TextDecoder().decode(r[3]),"
                   " new TextDecoder().decode(r[4]), hex(r[5]) === hex(a40)].join() + ' ' +"
                   " r.slice(6).join(); });",
                   "true,true,true,hello edge,hello edge,true OperationError,OperationError,"
                   "OperationError,OperationError,InvalidAccessError,OperationError,"
                   "OperationError,OperationError"),
      0);
  /* Key generation and import checks. */
  ASSERT_EQ(expect_async("return Promise.all([S.generateKey({name: 'AES-CBC', length: 192}, true,"
                         " ['encrypt']), err(S.generateKey({name: 'AES-GCM', length: 100}, true,"
                         " ['encrypt'])), err(S.generateKey({name: 'AES-GCM'}, true, ['encrypt'])),"
                         " err(S.importKey('raw', fill(20, 0), 'AES-GCM', true, ['encrypt'])),"
                         " err(S.generateKey({name: 'AES-KW', length: 128}, true, ['encrypt']))])"
                         ".then(function (r) { return S.exportKey('jwk', r[0]).then(function (j) {"
                         " return j.alg + ' ' + j.k.length + ' ' + JSON.stringify(r[0].algorithm) +"
                         " ' ' + r.slice(1).join(); }); });",
                         "A192CBC 32 {\"name\":\"AES-CBC\",\"length\":192} OperationError,"
                         "plain TypeError,DataError,SyntaxError"),
            0);
  return 0;
}

TEST(subtle_wrap) {
  /* RFC 3394 §4.1: a 128-bit key wrapped with a 128-bit KEK. */
  ASSERT_EQ(
      expect_async("return Promise.all([S.importKey('raw', unhex('000102030405060708090a0b0c"
                   "0d0e0f'), 'AES-KW', false, ['wrapKey', 'unwrapKey']), S.importKey('raw',"
                   " unhex('00112233445566778899aabbccddeeff'), 'AES-GCM', true, ['encrypt'])"
                   "]).then(function (k) { return S.wrapKey('raw', k[1], k[0], 'AES-KW')"
                   ".then(function (w) { var bad = new Uint8Array(new Uint8Array(w)); bad[3] ^= 1;"
                   " return Promise.all([hex(w), S.unwrapKey('raw', w, k[0], 'AES-KW',"
                   " 'AES-GCM', true, ['encrypt']).then(function (u) { return"
                   " S.exportKey('raw', u); }).then(hex), err(S.unwrapKey('raw', bad, k[0],"
                   " 'AES-KW', 'AES-GCM', true, ['encrypt'])), err(S.encrypt('AES-KW', k[0],"
                   " MSG))]); }); }).then(function (r) { return r.join(' '); });",
                   "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5 "
                   "00112233445566778899aabbccddeeff OperationError NotSupportedError"),
      0);
  /* JWK wrapped with AES-GCM, unwrapped; wrapping a non-extractable key fails. */
  ASSERT_EQ(expect_async("var G = {name: 'AES-GCM', iv: fill(12, 5)}, H = {name: 'HMAC', hash:"
                         " 'SHA-256'};"
                         "return Promise.all([S.generateKey({name: 'AES-GCM', length: 256}, false,"
                         " ['wrapKey', 'unwrapKey']), S.importKey('raw', te('hmac key'), H, true,"
                         " ['sign']), S.importKey('raw', te('hmac key'), H, false, ['sign'])])"
                         ".then(function (k) { return S.wrapKey('jwk', k[1], k[0], G)"
                         ".then(function (w) { return Promise.all([S.unwrapKey('jwk', w, k[0], G,"
                         " H, false, ['sign']), err(S.wrapKey('jwk', k[2], k[0], G)),"
                         " err(S.unwrapKey('jwk', w, k[0], {name: 'AES-GCM', iv: fill(12, 6)}, H,"
                         " false, ['sign']))]); }).then(function (r) { return Promise.all(["
                         " S.sign('HMAC', r[0], MSG), S.sign('HMAC', k[1], MSG)]).then(function"
                         " (s) { return (hex(s[0]) === hex(s[1])) + ' ' + r[0].extractable + ' ' +"
                         " r.slice(1).join(); }); }); });",
                         "true false InvalidAccessError,OperationError"),
            0);
  return 0;
}

TEST(subtle_rsa_with_node_keys) {
  /* PKCS#1 v1.5 signatures are deterministic: ours must equal Node's byte for byte. */
  ASSERT_EQ(expect_async("var R = {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'};"
                         "return Promise.all([S.importKey('pkcs8', b64d(V.rsaPkcs8), R, true,"
                         " ['sign']), S.importKey('spki', b64d(V.rsaSpki), R, true, ['verify']),"
                         " S.importKey('jwk', JSON.parse(V.rsaJwkPub), R, true, ['verify'])])"
                         ".then(function (k) { return Promise.all([S.sign(R, k[0], MSG),"
                         " S.verify(R, k[1], b64d(V.rsaSig), MSG), S.verify(R, k[2],"
                         " b64d(V.rsaSig), te('x')), S.exportKey('pkcs8', k[0]),"
                         " S.exportKey('spki', k[2]), S.exportKey('jwk', k[0]), k[0]]); })"
                         ".then(function (r) { return [b64(r[0]) === V.rsaSig, r[1], r[2],"
                         " b64(r[3]) === V.rsaPkcs8, b64(r[4]) === V.rsaSpki, r[5].kty, r[5].alg,"
                         " Object.keys(r[5]).filter(function (n) { return n.length <= 2; }).sort()"
                         ".join('/'), r[6].algorithm.modulusLength, Array.prototype.join.call("
                         "r[6].algorithm.publicExponent, '.'), r[6].algorithm.hash.name,"
                         " r[6].type].join(); });",
                         "true,true,false,true,true,RSA,RS256,d/dp/dq/e/n/p/q/qi,1024,1.0.1,"
                         "SHA-256,private"),
            0);
  /* RSA-PSS: Node's signature verifies; ours verifies here. RSA-OAEP: Node's ciphertext
   * (label 'lbl') decrypts; our ciphertext round-trips; a wrong label fails. */
  ASSERT_EQ(expect_async("var P = {name: 'RSA-PSS', hash: 'SHA-256'}, O = {name: 'RSA-OAEP', hash:"
                         " 'SHA-256'}, L = {name: 'RSA-OAEP', label: te('lbl')};"
                         "return Promise.all([S.importKey('pkcs8', b64d(V.rsaPkcs8), P, false,"
                         " ['sign']), S.importKey('spki', b64d(V.rsaSpki), P, false, ['verify']),"
                         " S.importKey('pkcs8', b64d(V.rsaPkcs8), O, false, ['decrypt']),"
                         " S.importKey('spki', b64d(V.rsaSpki), O, false, ['encrypt'])])"
                         ".then(function (k) { return S.sign({name: 'RSA-PSS', saltLength: 32},"
                         " k[0], MSG).then(function (sig) { return Promise.all([S.verify({name:"
                         " 'RSA-PSS', saltLength: 32}, k[1], b64d(V.pssSig), MSG), S.verify({name:"
                         " 'RSA-PSS', saltLength: 32}, k[1], sig, MSG), S.verify({name: 'RSA-PSS',"
                         " saltLength: 20}, k[1], sig, MSG), S.decrypt(L, k[2], b64d(V.oaepCt)),"
                         " S.encrypt(L, k[3], MSG).then(function (c) { return S.decrypt(L, k[2],"
                         " c); }), err(S.decrypt({name: 'RSA-OAEP'}, k[2], b64d(V.oaepCt))),"
                         " err(S.sign({name: 'RSA-PSS'}, k[0], MSG)), err(S.sign(P, k[1], MSG)),"
                         " err(S.exportKey('raw', k[1])), err(S.importKey('spki', b64d(V.rsaSpki),"
                         " O, false, ['decrypt'])), err(S.importKey('spki', b64d(V.ecSpki), O,"
                         " false, ['encrypt'])), err(S.importKey('raw', fill(16, 0), O, false,"
                         " ['encrypt']))]); }); }).then(function (r) { var d = new TextDecoder();"
                         " return [r[0], r[1], r[2], d.decode(r[3]), d.decode(r[4])].join() + ' ' +"
                         " r.slice(5).join(); });",
                         "true,true,false,hello edge,hello edge OperationError,plain TypeError,"
                         "plain TypeError,InvalidAccessError,SyntaxError,DataError,"
                         "NotSupportedError"),
            0);
  return 0;
}

TEST(subtle_ec_with_node_keys) {
  /* ECDSA: Node's P-256 and P-384 signatures verify (IEEE P1363 form); a key imported from
   * Node's JWK signs and its pkcs8 export imports again as the same key. */
  ASSERT_EQ(
      expect_async("var E = {name: 'ECDSA', namedCurve: 'P-256'}, H = {name: 'ECDSA', hash:"
                   " 'SHA-256'};"
                   "return Promise.all([S.importKey('spki', b64d(V.ecSpki), E, true,"
                   " ['verify']), S.importKey('jwk', JSON.parse(V.ecJwk), E, true, ['sign']),"
                   " S.importKey('spki', b64d(V.ec384Spki), {name: 'ECDSA', namedCurve:"
                   " 'P-384'}, false, ['verify']), S.importKey('pkcs8', b64d(V.ecPkcs8), E,"
                   " true, ['sign'])]).then(function (k) { return S.sign(H, k[1], MSG)"
                   ".then(function (sig) { return Promise.all([S.verify(H, k[0],"
                   " b64d(V.ecSig), MSG), S.verify(H, k[0], sig, MSG), S.verify({name:"
                   " 'ECDSA', hash: 'SHA-384'}, k[2], b64d(V.ec384Sig), MSG), S.verify(H,"
                   " k[0], b64d(V.ecSig), te('x')), S.verify(H, k[0], fill(10, 1), MSG),"
                   " sig.byteLength, S.exportKey('pkcs8', k[1]).then(function (p8) {"
                   " return S.importKey('pkcs8', p8, E, true, ['sign']); }).then(function"
                   " (k2) { return S.exportKey('jwk', k2); }), S.exportKey('raw', k[0]),"
                   " S.exportKey('spki', k[0]), S.exportKey('jwk', k[3])]); }); })"
                   ".then(function (r) { var j = JSON.parse(V.ecJwk); return [r[0], r[1],"
                   " r[2], r[3], r[4], r[5], r[6].d === j.d && r[6].x === j.x, r[7].byteLength,"
                   " b64(r[8]) === V.ecSpki, r[9].d === j.d, r[9].crv].join(); });",
                   "true,true,true,false,false,64,true,65,true,true,P-256"),
      0);
  /* ECDH on P-384 with Node's keys: the shared secret equals Node's; raw import of the peer;
   * wrong curve and wrong key kinds. Node's JWK allows deriveBits only (key_ops). */
  ASSERT_EQ(
      expect_async("var D = {name: 'ECDH', namedCurve: 'P-384'}, A = JSON.parse(V.ecdhA);"
                   "delete A.key_ops;"
                   "return Promise.all([S.importKey('jwk', A, D, false,"
                   " ['deriveBits', 'deriveKey']), S.importKey('raw', b64d(V.ecdhBRaw), D,"
                   " true, []), S.importKey('spki', b64d(V.ecSpki), {name: 'ECDH',"
                   " namedCurve: 'P-256'}, true, [])]).then(function (k) {"
                   " var X = {name: 'ECDH', public: k[1]}; return Promise.all(["
                   " S.deriveBits(X, k[0], 384), S.deriveBits(X, k[0], null), S.deriveBits(X,"
                   " k[0], 12), S.deriveKey(X, k[0], {name: 'AES-CBC', length: 128}, true,"
                   " ['encrypt']).then(function (a) { return S.exportKey('raw', a); }),"
                   " err(S.deriveBits({name: 'ECDH', public: k[2]}, k[0], 128)),"
                   " err(S.deriveBits(X, k[0], 400)), err(S.deriveBits({name: 'ECDH'}, k[0],"
                   " 128)), err(S.importKey('raw', b64d(V.ecdhBRaw), D, true,"
                   " ['deriveBits']))]); }).then(function (r) { var z = hex(b64d(V.ecdhBits));"
                   " return [hex(r[0]) === z, hex(r[1]) === z, hex(r[2]), hex(r[3]) ==="
                   " z.slice(0, 32)].join() + ' ' + r.slice(4).join(); });",
                   "true,true,ce20,true InvalidAccessError,OperationError,plain TypeError,"
                   "SyntaxError"),
      0);
  return 0;
}

TEST(subtle_signatures_checked_by_node) {
  /* Keys generated and signatures made here; Node verifies them. */
  char *out = run_async("var M = te('made by libedgefn');"
                        "return Promise.all([S.generateKey({name: 'ECDSA', namedCurve: 'P-384'},"
                        " true, ['sign', 'verify']), S.generateKey({name: 'RSA-PSS', modulusLength:"
                        " 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384'}, true,"
                        " ['sign', 'verify'])]).then(function (k) { return Promise.all(["
                        " S.exportKey('spki', k[0].publicKey), S.sign({name: 'ECDSA', hash:"
                        " 'SHA-384'}, k[0].privateKey, M), S.exportKey('jwk', k[1].publicKey),"
                        " S.sign({name: 'RSA-PSS', saltLength: 48}, k[1].privateKey, M),"
                        " S.verify({name: 'RSA-PSS', saltLength: 48}, k[1].publicKey,"
                        " S.sign ? new Uint8Array(0) : null, M)]); }).then(function (r) {"
                        " return [b64(r[0]), b64(r[1]), btoa(JSON.stringify(r[2])), b64(r[3]),"
                        " r[4]].join(' '); });");
  char spki[512], sig[256], jwk[1024], pss[512], empty_ok[8];
  ASSERT_EQ(sscanf(out, "%511s %255s %1023s %511s %7s", spki, sig, jwk, pss, empty_ok), 5);
  free(out);
  ASSERT_STREQ(empty_ok, "false");
  if (system("node --version >/dev/null 2>&1") != 0) {
    fprintf(stderr, "subtle_signatures_checked_by_node: node is not installed; skipping the "
                    "check by Node\n");
    return 0;
  }
  static const char fmt[] =
      "node -e \"const s = globalThis.crypto.subtle, b = (x) => Buffer.from(x, 'base64');"
      " const M = new TextEncoder().encode('made by libedgefn'); (async () => {"
      " const e = await s.importKey('spki', b('%s'), {name: 'ECDSA', namedCurve: 'P-384'},"
      " false, ['verify']);"
      " const r = await s.importKey('jwk', JSON.parse(b('%s').toString()), {name: 'RSA-PSS',"
      " hash: 'SHA-384'}, false, ['verify']);"
      " console.log(await s.verify({name: 'ECDSA', hash: 'SHA-384'}, e, b('%s'), M),"
      " await s.verify({name: 'RSA-PSS', saltLength: 48}, r, b('%s'), M)); })()\"";
  char cmd[4096];
  snprintf(cmd, sizeof(cmd), fmt, spki, jwk, sig, pss);
  FILE *f = popen(cmd, "r");
  ASSERT(f != NULL);
  char line[64] = "";
  if (!fgets(line, sizeof(line), f))
    line[0] = '\0';
  pclose(f);
  ASSERT_STREQ(line, "true true\n");
  return 0;
}

TEST(subtle_crypto_key_and_errors) {
  ASSERT_EQ(expect_async("var c = 0; try { new CryptoKey(); } catch (e) { c = e.name; }"
                         "return S.generateKey({name: 'HMAC', hash: 'SHA-1'}, false, ['sign'])"
                         ".then(function (k) { return [c, k instanceof CryptoKey,"
                         " Object.prototype.toString.call(k), Object.keys(k).length,"
                         " typeof crypto.subtle.importKey].join(); });",
                         "TypeError,true,[object CryptoKey],0,function"),
            0);
  /* X448 and Ed448 are not supported; wrong key types and usages; bad formats. */
  ASSERT_EQ(
      expect_async("var A = {name: 'AES-GCM', iv: fill(12, 0)};"
                   "return Promise.all([S.generateKey({name: 'AES-GCM', length: 128}, true,"
                   " ['encrypt']), S.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false,"
                   " ['sign', 'verify'])]).then(function (k) { return Promise.all(["
                   " err(S.generateKey('X448', true, ['deriveBits'])), err(S.importKey('raw',"
                   " fill(57, 0), 'Ed448', true, ['verify'])), err(S.decrypt(A, k[0],"
                   " fill(32, 0))), err(S.sign('HMAC', k[1].privateKey, MSG)),"
                   " err(S.sign({name: 'ECDSA', hash: 'SHA-256'}, k[1].publicKey, MSG)),"
                   " err(S.exportKey('raw', k[1].privateKey)), err(S.exportKey('spki',"
                   " k[1].publicKey).then(function () { return S.exportKey('pkcs8',"
                   " k[1].publicKey); })), err(S.exportKey('foo', k[0])), err(S.encrypt(A,"
                   " {}, MSG)), err(S.generateKey({name: 'ECDSA', namedCurve: 'P-192'}, true,"
                   " ['sign'])), err(S.generateKey({name: 'ECDSA', namedCurve: 'P-256'},"
                   " true, ['verify'])), err(S.importKey('jwk', {kty: 'EC', crv: 'P-256',"
                   " x: 'AA', y: 'AA'}, {name: 'ECDSA', namedCurve: 'P-256'}, true,"
                   " ['verify'])), err(S.importKey('spki', fill(30, 1), {name: 'ECDSA',"
                   " namedCurve: 'P-256'}, true, ['verify'])), err(S.digest('MD5'.length &&"
                   " {name: 'HMAC'}, MSG))]); }).then(function (r) { return r.join(); });",
                   "NotSupportedError,NotSupportedError,InvalidAccessError,InvalidAccessError,"
                   "InvalidAccessError,InvalidAccessError,InvalidAccessError,plain TypeError,"
                   "plain TypeError,NotSupportedError,SyntaxError,DataError,DataError,"
                   "NotSupportedError"),
      0);
  return 0;
}

/* RSA key generation runs on a worker thread: while it runs, the loop serves another request
 * and fires timers; a runtime has at most EDGEFN_MAX_PENDING_KEYGEN of them at once; freeing
 * the runtime with one running is safe. */
static const char keygen_js[] =
    "var RSA = {name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024,\n"
    "  publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'};\n"
    "addEventListener('fetch', function (ev) {\n"
    "  var path = new URL(ev.request.url).pathname, S = crypto.subtle;\n"
    "  if (path === '/quick') return ev.respondWith(new Response('quick'));\n"
    "  if (path === '/many') {\n"
    "    var all = [];\n"
    "    for (var i = 0; i < 6; i++) all.push(S.generateKey(RSA, false, ['sign', 'verify'])\n"
    "      .then(function () { return 'ok'; }, function (e) { return e.name; }));\n"
    "    return ev.respondWith(Promise.all(all).then(function (r) { return new Response(r.join()); }));\n"
    "  }\n"
    "  var timer = false;\n"
    "  setTimeout(function () { timer = true; }, 0);\n"
    "  ev.respondWith(S.generateKey(RSA, true, ['sign', 'verify']).then(function (k) {\n"
    "    return S.sign('RSASSA-PKCS1-v1_5', k.privateKey, new Uint8Array([1, 2, 3]))\n"
    "      .then(function (sig) { return S.verify('RSASSA-PKCS1-v1_5', k.publicKey, sig,\n"
    "        new Uint8Array([1, 2, 3])); })\n"
    "      .then(function (ok) { return new Response([timer, ok, k.publicKey.type,\n"
    "        k.privateKey.algorithm.modulusLength, k.privateKey.extractable].join()); });\n"
    "  }));\n"
    "});\n";

TEST(subtle_rsa_keygen_off_the_loop) {
  js_env e;
  ASSERT_EQ(env_open(&e, keygen_js, 0, 0, 0), 0);
  collected slow, quick;
  memset(&slow, 0, sizeof(slow));
  memset(&quick, 0, sizeof(quick));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = "http://x/gen";
  req.url_len = strlen(req.url);
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &h_handler, &slow), 0);
  req.url = "http://x/quick";
  req.url_len = strlen(req.url);
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &h_handler, &quick), 0);
  int quick_first = 0;
  while (!slow.ended) {
    edgefn_loop_run(e.loop, EDGEFN_RUN_ONCE);
    if (quick.ended && !slow.ended)
      quick_first = 1;
  }
  ASSERT(quick.ended);
  ASSERT(quick_first);
  ASSERT_STREQ(quick.body, "quick");
  ASSERT_STREQ(slow.body, "true,true,public,1024,true");
  collected_free(&slow);
  collected_free(&quick);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/many", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "ok,ok,ok,ok,OperationError,OperationError");
  collected_free(&c);
  /* Freed with a generation still running: it is abandoned, not waited for. */
  memset(&slow, 0, sizeof(slow));
  req.url = "http://x/gen";
  req.url_len = strlen(req.url);
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &h_handler, &slow), 0);
  env_close(&e);
  ASSERT(slow.ended);
  ASSERT_EQ(slow.end_result, EDGEFN_ECANCELED);
  collected_free(&slow);
  return 0;
}
