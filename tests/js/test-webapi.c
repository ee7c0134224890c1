/* Web platform APIs of the sandbox: TextEncoder/TextDecoder, atob/btoa, DOMException,
 * Event/EventTarget/CustomEvent, AbortController/AbortSignal, performance, navigator,
 * Cookies and console formatting. Expected values come from the specifications (WHATWG
 * Encoding, DOM, HTML, WebIDL) and, where Node 20 has the API, from Node's output. */
#include <stdio.h>

#include "js/harness.h"
#include "test.h"

/* hex(s): the UTF-16 code units of s, for comparing strings with unusual characters. */
static const char hex_prelude[] = "function hex(s) { var o = [];\n"
                                  "  for (var i = 0; i < s.length; i++)\n"
                                  "    o.push(s.charCodeAt(i).toString(16));\n"
                                  "  return o.join(' '); }";

static int expect_web(const char *body, const char *expected) {
  return js_expect_with(hex_prelude, body, expected);
}

/* Runs `src` at the top level and returns its log lines (static buffer). */
static const char *log_of(const char *src) {
  static char text[8192];
  js_env e;
  text[0] = '\0';
  if (env_open(&e, src, 0, 0, 0) != 0)
    snprintf(text, sizeof(text), "compile failed: %s", e.err.message);
  else
    snprintf(text, sizeof(text), "%s", e.log.text);
  env_close(&e);
  return text;
}

TEST(webapi_text_encoder) {
  ASSERT_EQ(
      expect_web("var e = new TextEncoder(); var b = e.encode('h\\u00e9\\ud83d\\ude00\\ud800');"
                 "return e.encoding + ':' + (b instanceof Uint8Array) + ':' +"
                 " Array.prototype.join.call(b, ',');",
                 "utf-8:true:104,195,169,240,159,152,128,239,191,189"),
      0);
  ASSERT_EQ(expect_web("return new TextEncoder().encode().length + ',' +"
                       " new TextEncoder().encode(12).length;",
                       "0,2"),
            0);
  /* encodeInto writes only whole sequences: the emoji (2 code units, 4 bytes) does not fit. */
  ASSERT_EQ(expect_web("var d = new Uint8Array(5);"
                       "var r = new TextEncoder().encodeInto('a\\u00e9\\ud83d\\ude00', d);"
                       "return r.read + ',' + r.written + ',' + Array.prototype.join.call(d, ',');",
                       "2,3,97,195,169,0,0"),
            0);
  ASSERT_EQ(expect_web("var d = new Uint8Array(8); var r = new TextEncoder().encodeInto("
                       "'\\ud800x\\ud83d\\ude00', d);"
                       "return r.read + ',' + r.written + ',' + Array.prototype.join.call(d, ',');",
                       "4,8,239,191,189,120,240,159,152,128"),
            0);
  ASSERT_EQ(expect_web("TextEncoder();", "threw TypeError: Failed to construct 'TextEncoder': "
                                         "Please use the 'new' operator"),
            0);
  return 0;
}

TEST(webapi_text_decoder_labels_and_options) {
  ASSERT_EQ(expect_web("var d = new TextDecoder(); return d.encoding + d.fatal + d.ignoreBOM +"
                       " new TextDecoder('utf8', {fatal: 1, ignoreBOM: true}).fatal;",
                       "utf-8falsefalsetrue"),
            0);
  ASSERT_EQ(expect_web("return [' UTF8 ', 'unicode-1-1-utf-8', 'utf-16', 'UTF-16BE', 'latin1',"
                       " 'ascii', 'iso-8859-1', 'windows-1252', 'ucs-2', 'unicodefffe', "
                       "'\\tUs-AsCiI\\n'].map(function (l) { return new TextDecoder(l).encoding;"
                       " }).join();",
                       "utf-8,utf-8,utf-16le,utf-16be,windows-1252,windows-1252,windows-1252,"
                       "windows-1252,utf-16le,utf-16be,windows-1252"),
            0);
  ASSERT_EQ(expect_web("return ['foo', 'utf-32', '', 'utf-8x'].map(function (l) {"
                       " try { new TextDecoder(l); return 'ok'; } catch (e) { return e.name; }"
                       " }).join();",
                       "RangeError,RangeError,RangeError,RangeError"),
            0);
  /* Duktape's own TextDecoder knows only UTF-8: the sandbox's replaces it. */
  ASSERT_EQ(expect_web("return Object.prototype.toString.call(new TextDecoder('utf-16be'));",
                       "[object TextDecoder]"),
            0);
  return 0;
}

TEST(webapi_text_decoder_utf8) {
  /* Maximal subparts become one U+FFFD each (Encoding Standard, UTF-8 decoder). */
  ASSERT_EQ(expect_web("return hex(new TextDecoder().decode("
                       "new Uint8Array([0x61, 0xff, 0xe2, 0x82, 0x62, 0xc0, 0x80])));",
                       "61 fffd fffd 62 fffd fffd"),
            0);
  ASSERT_EQ(expect_web("var d = new TextDecoder(); return hex(d.decode(new Uint8Array([0xed, 0xa0,"
                       " 0x80]))) + '|' + hex(d.decode(new Uint8Array([0xf0, 0x90, 0x80]))) + "
                       "'|' + hex(d.decode(new Uint8Array([0xf0, 0x9f, 0x98, 0x80])));",
                       "fffd fffd fffd|fffd|d83d de00"),
            0);
  ASSERT_EQ(expect_web("try { new TextDecoder('utf-8', {fatal: true}).decode("
                       "new Uint8Array([0x61, 0xff])); return 'no'; } catch (e) { return e.name"
                       " + (e instanceof TypeError); }",
                       "TypeErrortrue"),
            0);
  ASSERT_EQ(expect_web("return new TextDecoder('utf-8', {fatal: true}).decode("
                       "new Uint8Array([0xe2, 0x82, 0xac]));",
                       "\xe2\x82\xac"),
            0);
  /* The BOM is removed once, at the start of the stream, unless ignoreBOM. */
  ASSERT_EQ(expect_web("var b = new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0xef, 0xbb, 0xbf]);"
                       "return hex(new TextDecoder().decode(b)) + '|' +"
                       " hex(new TextDecoder('utf-8', {ignoreBOM: true}).decode(b));",
                       "41 feff|feff 41 feff"),
            0);
  ASSERT_EQ(expect_web("var d = new TextDecoder(); var s = d.decode(new Uint8Array([0xe2, 0x82]),"
                       " {stream: true}); s += '|' + d.decode(new Uint8Array([0xac]));"
                       "var t = d.decode(new Uint8Array([0xef]), {stream: true}) +"
                       " d.decode(new Uint8Array([0xbb, 0xbf, 0x41]), {stream: true}) +"
                       " d.decode(new Uint8Array([0xf0, 0x9f]), {stream: true});"
                       "return hex(s) + '|' + hex(t) + '|' + hex(d.decode()) + '|' +"
                       " hex(d.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x42])));",
                       "7c 20ac|41|fffd|42"),
            0);
  /* Any BufferSource: views honour their offset and length. */
  ASSERT_EQ(expect_web("var d = new TextDecoder(); var u = new Uint8Array([0x78, 0x61, 0x62,"
                       " 0x79]); return d.decode(u.subarray(1, 3)) + d.decode(u.buffer) +"
                       " d.decode(new DataView(u.buffer, 3)) + '[' + d.decode() + ']' +"
                       " d.decode(undefined);",
                       "abxabyy[]"),
            0);
  ASSERT_EQ(expect_web("try { new TextDecoder().decode('str'); } catch (e) { return e.name; }",
                       "TypeError"),
            0);
  return 0;
}

TEST(webapi_text_decoder_utf16_latin1) {
  ASSERT_EQ(expect_web("return hex(new TextDecoder('utf-16le').decode(new Uint8Array([0xff, 0xfe,"
                       " 0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde])));",
                       "41 d83d de00"),
            0);
  ASSERT_EQ(expect_web("return hex(new TextDecoder('utf-16be').decode(new Uint8Array([0xfe, 0xff,"
                       " 0x00, 0x41, 0xd8, 0x00])));",
                       "41 fffd"),
            0);
  ASSERT_EQ(expect_web("return hex(new TextDecoder('utf-16le').decode(new Uint8Array([0x41, 0x00,"
                       " 0x00, 0xdc, 0x42])));",
                       "41 fffd fffd"),
            0);
  ASSERT_EQ(expect_web("var d = new TextDecoder('utf-16le'); return hex(d.decode(new Uint8Array("
                       "[0x3d]), {stream: true}) + d.decode(new Uint8Array([0xd8, 0x00]),"
                       " {stream: true}) + d.decode(new Uint8Array([0xde])));",
                       "d83d de00"),
            0);
  ASSERT_EQ(expect_web("try { new TextDecoder('utf-16le', {fatal: true}).decode(new Uint8Array("
                       "[0x41])); } catch (e) { return e.name; }",
                       "TypeError"),
            0);
  /* Node 20 decodes 'latin1' as ISO-8859-1 (0x80 -> U+0080); the Encoding Standard, which
   * browsers follow, maps it to windows-1252. */
  /* Every latin1/ascii label is windows-1252: 0x80..0x9F map through its table. */
  ASSERT_EQ(expect_web("return hex(new TextDecoder('latin1').decode(new Uint8Array([0x41, 0x80,"
                       " 0x9f, 0xe9, 0x81, 0xef, 0xbb, 0xbf])));",
                       "41 20ac 178 e9 81 ef bb bf"),
            0);
  return 0;
}

/* The legacy encodings, where Node (ICU) departs from the Encoding Standard, checked against
 * the standard's decoders (the rest is compared with Node 25 in
 * tests/compiler/corpus/text-decoder-legacy.js): big5 with HKSCS and its two-code-point
 * entries, euc-kr's windows-949 extension, shift_jis's 0x80 and user-defined area,
 * euc-jp's IBM rows and JIS X 0212, iso-2022-jp's escapes, and which bytes an error
 * consumes (an ASCII byte after a lead is read again). */
TEST(webapi_text_decoder_legacy) {
  static const struct {
    const char *enc, *bytes, *expected;
  } cases[] = {
      {"big5", "0x87, 0x40, 0x88, 0x62, 0x88, 0x64, 0xa1, 0x45", "43f0 ca 304 ca 30c 2027"},
      {"big5", "0x80, 0xff, 0x81, 0x20, 0xa4", "fffd fffd fffd 20 fffd"},
      {"euc-kr", "0x81, 0x41, 0xc8, 0xa1, 0x81, 0x5b, 0xc8", "ac02 d624 fffd 5b fffd"},
      {"shift_jis", "0x80, 0xa0, 0xfd, 0xb1, 0x81, 0x7f", "80 fffd fffd ff71 fffd 7f"},
      {"shift_jis", "0xf0, 0x40, 0xf9, 0xfc, 0xed, 0x40, 0xfa, 0x40", "e000 e757 7e8a 2170"},
      {"euc-jp", "0xf9, 0xa1, 0x8e, 0xb1, 0x8f, 0xb0, 0xa1", "7e8a ff71 4e02"},
      {"euc-jp", "0x8e, 0x80, 0x41, 0x8e, 0x41, 0x81, 0xa1", "fffd 41 fffd 41 fffd fffd"},
      {"iso-2022-jp", "0x1b, 0x28, 0x49, 0x31, 0x1b, 0x24, 0x42, 0x30, 0x21, 0x1b, 0x28, 0x4a, 0x5c",
       "ff71 4e9c a5"},
      {"iso-2022-jp", "0x1b, 0x28, 0x42, 0x1b, 0x28, 0x42, 0x41, 0x1b, 0x24", "fffd 41 fffd 24"},
      {"gbk", "0x80, 0x81, 0x30, 0x81, 0x30, 0xa3, 0xa0, 0x81, 0x30, 0x41", "20ac 80 3000 fffd 30 41"},
      {"windows-1250", "0x81, 0x8a, 0xa5", "81 160 104"},
      {"koi8-u", "0xae, 0xbe, 0x93", "45e 40e 2320"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char src[512];
    snprintf(src, sizeof(src), "return hex(new TextDecoder('%s').decode(new Uint8Array([%s])));",
             cases[i].enc, cases[i].bytes);
    ASSERT_EQ(expect_web(src, cases[i].expected), 0);
  }
  /* fatal: the first error throws, and the decoder starts afresh afterwards */
  ASSERT_EQ(expect_web("return ['big5', 'euc-kr', 'shift_jis', 'euc-jp', 'iso-2022-jp', 'gbk',"
                       " 'windows-1253'].map(function (e) {"
                       " var d = new TextDecoder(e, {fatal: true});"
                       " try { d.decode(new Uint8Array([0x41, 0xff, 0xff])); return 'no error'; }"
                       " catch (x) { return x.name + ':' + d.decode(new Uint8Array([0x42])); }"
                       " }).join();",
                       "TypeError:B,TypeError:B,TypeError:B,TypeError:B,TypeError:B,TypeError:B,"
                       "TypeError:B"),
            0);
  /* The "replacement" labels are refused, as the standard says. */
  ASSERT_EQ(expect_web("return ['iso-2022-kr', 'hz-gb-2312', 'iso-2022-cn', 'replacement',"
                       " 'x-user-defined', 'GB2312'].map(function (l) {"
                       " try { return new TextDecoder(l).encoding; } catch (e) { return e.name; }"
                       " }).join();",
                       "RangeError,RangeError,RangeError,RangeError,x-user-defined,gbk"),
            0);
  /* Streaming: random bytes decoded in chunks of 1..7 bytes give what one call gives. */
  ASSERT_EQ(expect_web(
                "var seed = 7; function rnd() { seed = (Math.imul(seed, 1103515245) + 12345) | 0;"
                " return (seed >>> 16) & 0x7fff; }"
                " return ['gbk', 'gb18030', 'big5', 'euc-kr', 'shift_jis', 'euc-jp', 'iso-2022-jp',"
                " 'windows-1258', 'x-user-defined'].map(function (enc) {"
                " var bytes = new Uint8Array(3000);"
                " for (var i = 0; i < bytes.length; i++) bytes[i] = rnd() % 3 == 0 ?"
                " 0x20 + rnd() % 0x60 : 0x80 + rnd() % 0x80;"
                " if (enc == 'iso-2022-jp') for (var j = 0; j < bytes.length; j += 40) {"
                " bytes[j] = 0x1b; bytes[j + 1] = 0x24; bytes[j + 2] = 0x42; }"
                " var whole = new TextDecoder(enc).decode(bytes);"
                " var d = new TextDecoder(enc), parts = '', at = 0;"
                " while (at < bytes.length) { var k = 1 + rnd() % 7;"
                " parts += d.decode(bytes.subarray(at, at + k), {stream: true}); at += k; }"
                " parts += d.decode(); return parts === whole && whole.length > 1000; }).join();",
                "true,true,true,true,true,true,true,true,true"),
            0);
  return 0;
}

TEST(webapi_base64) {
  ASSERT_EQ(expect_web("return [btoa('Hello'), btoa(''), btoa('\\u00ff\\u00fe'), btoa(null),"
                       " btoa(12)].join();",
                       "SGVsbG8=,,//4=,bnVsbA==,MTI="),
            0);
  ASSERT_EQ(expect_web("try { btoa('\\u0100'); } catch (e) { return [e.name, e.code,"
                       " e instanceof DOMException, e instanceof Error].join(); }",
                       "InvalidCharacterError,5,true,true"),
            0);
  ASSERT_EQ(expect_web("return atob(' SGVs\\nbG8= ') + atob('SGVsbG8') + '|' + hex(atob('//4=')) +"
                       " '|' + hex(atob(null));",
                       "HelloHello|ff fe|9e e9 65"),
            0);
  ASSERT_EQ(expect_web("return ['SGVsbG8==', 'S', 'SGV=sbG8', '\\u00e9A==', 'ab=c'].map("
                       "function (s) { try { atob(s); return 'ok'; } catch (e) { return e.name; }"
                       " }).join();",
                       "InvalidCharacterError,InvalidCharacterError,InvalidCharacterError,"
                       "InvalidCharacterError,InvalidCharacterError"),
            0);
  ASSERT_EQ(expect_web("atob();", "threw TypeError: atob: 1 argument required, but only 0 "
                                  "present."),
            0);
  /* EdgeOne's UTF-8 variants round-trip any string. */
  ASSERT_EQ(expect_web("return btoaUTF8('\\u00e9\\ud83d\\ude00') + '|' +"
                       " hex(atobUTF8('w6nwn5iA')) + '|' + atobUTF8(btoaUTF8('plain'));",
                       "w6nwn5iA|e9 d83d de00|plain"),
            0);
  return 0;
}

TEST(webapi_dom_exception) {
  ASSERT_EQ(expect_web("var e = new DOMException('msg', 'AbortError'); return [e.name, e.message,"
                       " e.code, e instanceof Error, e instanceof DOMException,"
                       " Object.prototype.toString.call(e), String(e), DOMException.ABORT_ERR,"
                       " e.TIMEOUT_ERR, typeof e.stack, Object.keys(e).length].join('|');",
                       "AbortError|msg|20|true|true|[object DOMException]|AbortError: msg|20|"
                       "23|string|0"),
            0);
  ASSERT_EQ(expect_web("var e = new DOMException(); var f = new DOMException('x', 'NotFoundError');"
                       " var g = new DOMException('y', 'Custom'); return [e.name, e.message,"
                       " e.code, f.code, g.code, DOMException.DATA_CLONE_ERR,"
                       " DOMException.prototype.constructor === DOMException].join('|');",
                       "Error||0|8|0|25|true"),
            0);
  ASSERT_EQ(expect_web("DOMException('x');",
                       "threw TypeError: Failed to construct 'DOMException': Please use the "
                       "'new' operator"),
            0);
  return 0;
}

TEST(webapi_event) {
  ASSERT_EQ(expect_web("var ev = new Event('x', {cancelable: true}); return [ev.type, ev.bubbles,"
                       " ev.cancelable, ev.defaultPrevented, ev.eventPhase, ev.target,"
                       " ev.currentTarget, ev.isTrusted, typeof ev.timeStamp, ev.composed,"
                       " Event.AT_TARGET, ev.BUBBLING_PHASE].join();",
                       "x,false,true,false,0,,,false,number,false,2,3"),
            0);
  ASSERT_EQ(expect_web("var a = new Event('a'), b = new Event('b', {cancelable: true});"
                       " a.preventDefault(); b.preventDefault(); return a.defaultPrevented + ','"
                       " + b.defaultPrevented + ',' + b.returnValue;",
                       "false,true,false"),
            0);
  ASSERT_EQ(expect_web("new Event();", "threw TypeError: Failed to construct 'Event': 1 argument "
                                       "required, but only 0 present."),
            0);
  ASSERT_EQ(expect_web("var c = new CustomEvent('c', {detail: {n: 1}}); return c.detail.n + ','"
                       " + (c instanceof Event) + ',' + new CustomEvent('d').detail + ',' +"
                       " c.type;",
                       "1,true,null,c"),
            0);
  return 0;
}

TEST(webapi_event_target) {
  /* At the target, capture listeners run first (DOM "dispatch"; Node 20 ignores capture). */
  ASSERT_EQ(expect_web("var t = new EventTarget(), log = [];"
                       "function a(e) { log.push('a' + e.eventPhase + (e.target === t) +"
                       " (e.currentTarget === t) + (this === t)); }"
                       "t.addEventListener('x', a); t.addEventListener('x', a);"
                       "t.addEventListener('x', {handleEvent: function (e) { log.push('h'); }});"
                       "t.addEventListener('x', function () { log.push('once'); }, {once: true});"
                       "t.addEventListener('x', function (e) { log.push('c'); }, true);"
                       "t.addEventListener('x', function (e) { e.preventDefault(); });"
                       "var ev = new Event('x', {cancelable: true});"
                       "var r1 = t.dispatchEvent(ev); var r2 = t.dispatchEvent(new Event('x'));"
                       "log.push(r1, r2, ev.eventPhase, ev.currentTarget, ev.target === t);"
                       "return log.join();",
                       "c,a2truetruetrue,h,once,c,a2truetruetrue,h,false,true,0,,true"),
            0);
  /* removeEventListener must match `capture` (Node 20 ignores it and removes p). */
  /* stopImmediatePropagation, removal during dispatch, capture-sensitive removal, passive. */
  ASSERT_EQ(expect_web("var t = new EventTarget(), log = [];"
                       "function l2() { log.push('l2'); }"
                       "t.addEventListener('y', function (e) { log.push('l1');"
                       " t.removeEventListener('y', l2); });"
                       "t.addEventListener('y', l2);"
                       "t.addEventListener('y', function (e) { e.stopImmediatePropagation(); "
                       "log.push('l3'); });"
                       "t.addEventListener('y', function () { log.push('l4'); });"
                       "t.dispatchEvent(new Event('y'));"
                       "function p(e) { e.preventDefault(); log.push('p' + e.defaultPrevented); }"
                       "t.addEventListener('z', p, {passive: true});"
                       "t.removeEventListener('z', p, true);"
                       "log.push(t.dispatchEvent(new Event('z', {cancelable: true})));"
                       "t.removeEventListener('z', p); t.dispatchEvent(new Event('z'));"
                       "return log.join();",
                       "l1,l3,pfalse,true"),
            0);
  /* Re-dispatching a dispatching event: InvalidStateError (Node 20 throws a plain Error). */
  ASSERT_EQ(expect_web("var t = new EventTarget(); var ev = new Event('r'); var msg = '';"
                       "t.addEventListener('r', function () { try { t.dispatchEvent(ev); }"
                       " catch (e) { msg = e.name; } }); t.dispatchEvent(ev); return msg;",
                       "InvalidStateError"),
            0);
  ASSERT_EQ(
      expect_web("var t = new EventTarget(), c = new AbortController(), n = 0;"
                 "t.addEventListener('x', function () { n++; }, {signal: c.signal});"
                 "t.dispatchEvent(new Event('x')); c.abort(); t.dispatchEvent(new Event('x'));"
                 "t.addEventListener('x', function () { n += 10; }, {signal: c.signal});"
                 "t.dispatchEvent(new Event('x')); return n;",
                 "1"),
      0);
  /* A listener that throws is reported; the others still run. */
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var t = new EventTarget(), n = 0;\n"
                     "t.addEventListener('x', function () { throw new Error('bad listener'); });\n"
                     "t.addEventListener('x', function () { n++; });\n"
                     "console.log('returned', t.dispatchEvent(new Event('x')), n);\n",
                     0, 0, 0),
            0);
  ASSERT(strstr(e.log.text, "Uncaught exception in event listener: Error: bad listener") != NULL);
  ASSERT(strstr(e.log.text, "|testfn|returned true 1\n") != NULL);
  env_close(&e);
  return 0;
}

/* A listener that spends the request's CPU budget ends the request; dispatchEvent does
 * not swallow the limit like an ordinary exception. */
TEST(webapi_listener_cpu_limit) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var t = new EventTarget();\n"
                     "  t.addEventListener('x', function () { while (true) {} });\n"
                     "  t.dispatchEvent(new Event('x'));\n"
                     "  e.respondWith(new Response('survived'));\n"
                     "});",
                     50, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 503);
  ASSERT(strstr(e.log.text, "event listener") == NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* A script that freezes (or makes non-extensible) the library's objects does not break
 * their machinery: internal state lives in hidden properties that Object.freeze reaches in
 * Duktape, and is written past it, the way an engine's internal slots are; the objects
 * still report frozen afterwards. (Before: resolving a frozen pending promise threw "not
 * writable", reading a frozen Response's body "not extensible".) */
TEST(webapi_frozen_objects_keep_working) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (event) {\n"
                     "  event.respondWith((function () {\n"
                     "  var out = [];\n"
                     "  var r; var p = new Promise(function (res) { r = res; });\n"
                     "  p.then(function (v) { out.push('p1:' + v); });\n"
                     "  Object.freeze(p);\n"
                     "  p.then(function (v) { out.push('p2:' + v); });\n"
                     "  var resp = new Response('body'); Object.freeze(resp);\n"
                     "  var req = new Request('http://x/', { method: 'POST', body: 'rq' }); Object.freeze(req);\n"
                     "  var u = new URL('http://a/b?x=1'); Object.freeze(u); Object.freeze(u.searchParams);\n"
                     "  u.pathname = '/c'; u.searchParams.append('y', '2');\n"
                     "  var h = new Headers({ a: '1' }); Object.preventExtensions(h); h.set('b', '2');\n"
                     "  var c = new AbortController(); Object.freeze(c.signal);\n"
                     "  c.signal.onabort = function () { out.push('onabort'); };\n"
                     "  c.abort('why');\n"
                     "  var t = new EventTarget(); Object.freeze(t);\n"
                     "  t.addEventListener('e', function (ev) { out.push('event:' + ev.type); });\n"
                     "  var ev = new Event('e'); Object.freeze(ev); t.dispatchEvent(ev);\n"
                     "  var d = new TextDecoder(); Object.freeze(d);\n"
                     "  var s = d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + d.decode(new Uint8Array([0xac]));\n"
                     "  out.push(u.href, h.get('b'), c.signal.aborted, c.signal.reason, s);\n"
                     "  r(1);\n"
                     "  return Promise.all([resp.text(), req.text()]).then(function (x) {\n"
                     "    out.push(x.join(','), resp.bodyUsed, req.bodyUsed,\n"
                     "             [p, resp, req, u, c.signal, t, ev, d].every(Object.isFrozen), Object.isExtensible(h));\n"
                     "    return new Response(out.join('|'));\n"
                     "  });\n"
                     "  })());\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  if (c.status != 200)
    fprintf(stderr, "log: %s\n", e.log.text);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "onabort|event:e|http://a/c?x=1&y=2|2|true|why|\xe2\x82\xac|p1:1|p2:1|"
                       "body,rq|true|true|true|false");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(webapi_abort_controller) {
  ASSERT_EQ(expect_web("var c = new AbortController(), s = c.signal, log = [];"
                       "s.onabort = function (e) { log.push('on:' + e.type); };"
                       "s.addEventListener('abort', function (e) { log.push('l:' +"
                       " (e.target === s)); });"
                       "log.push(s.aborted, s.reason); c.abort(); c.abort();"
                       "log.push(s.aborted, s.reason.name, s.reason.message, s.reason instanceof"
                       " DOMException, s.reason.code, c.signal === s);"
                       "try { s.throwIfAborted(); } catch (e) { log.push('thrown:' +"
                       " (e === s.reason)); } return log.join();",
                       "false,,on:abort,l:true,true,AbortError,This operation was aborted,true,20,"
                       "true,thrown:true"),
            0);
  ASSERT_EQ(expect_web("var c = new AbortController(); c.abort('why'); var a = AbortSignal.abort();"
                       "var s = new AbortController().signal; s.onabort = function () {};"
                       " s.onabort = null; return [c.signal.reason, a.aborted, a.reason.name,"
                       " AbortSignal.abort(5).reason, s.onabort, typeof s.throwIfAborted(),"
                       " s instanceof EventTarget].join();",
                       "why,true,AbortError,5,,undefined,true"),
            0);
  ASSERT_EQ(expect_web("try { new AbortSignal(); } catch (e) { return e.name; }", "TypeError"), 0);
  ASSERT_EQ(expect_web("var a = new AbortController(), b = new AbortController();"
                       "var s = AbortSignal.any([a.signal, b.signal]), s2 = AbortSignal.any([s]);"
                       "var log = [];"
                       "s.addEventListener('abort', function () { log.push('s:' + s.reason); });"
                       "s2.addEventListener('abort', function () { log.push('s2:' + s2.reason); });"
                       "b.abort('B'); a.abort('A');"
                       "log.push(s.aborted, s2.aborted,"
                       " AbortSignal.any([AbortSignal.abort('pre')]).reason,"
                       " AbortSignal.any([]).aborted);"
                       "return log.join();",
                       "s:B,s2:B,true,true,pre,false"),
            0);
  /* WebIDL [EnforceRange] throws TypeError (Node 20 throws RangeError). */
  ASSERT_EQ(
      expect_web("try { AbortSignal.timeout(-1); } catch (e) { return e.name; }", "TypeError"), 0);
  return 0;
}

TEST(webapi_abort_signal_timeout) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var t0 = Date.now();\n"
                     "  var s = AbortSignal.timeout(30);\n"
                     "  e.respondWith(new Promise(function (resolve) {\n"
                     "    s.onabort = function () {\n"
                     "      resolve(new Response([s.reason.name, s.reason.message, s.aborted,\n"
                     "        s.reason.code, Date.now() - t0 >= 25].join('|')));\n"
                     "    };\n"
                     "  }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "TimeoutError|The operation was aborted due to timeout|true|23|true");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(webapi_performance_navigator) {
  char expected[128];
  snprintf(expected, sizeof(expected), "numbertruetruetruetruetrue|libedgefn/%s", edgefn_version());
  /* now() counts from the runtime's creation (Duktape's own counts from boot). */
  ASSERT_EQ(expect_web("var a = performance.now(), b = performance.now();"
                       "return typeof a + (b >= a) + (a >= 0) + (a < 60000) +"
                       " (Math.abs(performance.timeOrigin + a - Date.now()) < 1000) +"
                       " (performance.toJSON().timeOrigin === performance.timeOrigin) + '|' +"
                       " navigator.userAgent;",
                       expected),
            0);
  return 0;
}

TEST(webapi_cookies) {
  ASSERT_EQ(expect_web("var c = new Cookies('a=1; b=2 ; a=3; e='); var all = c.get();"
                       "return [all.length, c.get('a').value, c.get('b').value, c.get('zz'),"
                       " c.has('b'), c.has('q'), c.get('e').value === ''].join();",
                       "3,3,2,,true,false,true"),
            0);
  ASSERT_EQ(expect_web("var c = new Cookies('sid=abc; Path=/; Domain=.Example.com; Max-Age=60;"
                       " Secure; HttpOnly; SameSite=Lax, theme=dark; Expires=Wed, 21 Oct 2015"
                       " 07:28:00 GMT', true); var s = c.get('sid'), t = c.get('theme');"
                       "return [c.get().length, s.value, s.path, s.domain, s.max_age, s.secure,"
                       " s.httponly, s.samesite, t.value, t.expires, t.secure].join('|');",
                       "2|abc|/|example.com|60|true|true|Lax|dark|Wed, 21 Oct 2015 07:28:00 GMT|"),
            0);
  ASSERT_EQ(expect_web("var c = new Cookies(); c.set('a', '1'); c.set('a', '2', {path: '/x'});"
                       "c.set('a', '3'); var arr = c.get('a'); var bad = c.set('bad name', 'x');"
                       "var bad2 = c.set('ok', 'x;y'); var r = c.remove('a', undefined, '/x');"
                       "return [arr.length, arr[0].value, arr[1].path, bad, bad2, r,"
                       " c.get('a').value, c.remove('a'), c.get('a'), c.delete('none'),"
                       " c.getAll().length].join('|');",
                       "2|3|/x|false|false|true|3|true||false|0"),
            0);
  ASSERT_EQ(expect_web("var k = new Cookies('a=1').get('a'); k.value = 'x'; return k.value +"
                       " Object.keys(k).join();",
                       "1name,value"),
            0);
  /* Keys are (name, domain, path); remove matches the parts it is given and leaves the
   * order of the rest; its domain and path are converted to strings once; a Cookie whose
   * name a script redefined (its properties are configurable) is matched by the new one. */
  ASSERT_EQ(expect_web("var c = new Cookies(); c.set('a', '1', {domain: 'x.com'});"
                       "c.set('a', '2', {domain: 'y.com'}); c.set('b', '3'); c.set('a', '4',"
                       " {domain: 'x.com'}); c.set('a', '5', {domain: 'x.com', path: '/p'});"
                       "var n = 0, d = {toString: function () { n++; return 'x.com'; }};"
                       "var order = function () { return c.getAll().map(function (k) {"
                       "  return k.name + k.value; }).join(); };"
                       "var before = order(), none = c.remove('a', 'z.com');"
                       "var mid = order(), one = c.remove('a', d, '/p');"
                       "var got = c.getAll('a'); Object.defineProperty(got[0], 'name',"
                       " {get: function () { return 'q'; }});"
                       "return [before, none, mid === before, one, n, order(),"
                       " c.has('q'), c.get('q').value, c.has('zz'), c.remove('b'),"
                       " order()].join('|');",
                       "a4,a2,b3,a5|false|true|true|1|q4,a2,b3|true|4|false|true|q4,a2"),
            0);
  return 0;
}

TEST(webapi_globals_are_lazy_and_replaceable) {
  ASSERT_EQ(expect_web("return [typeof atob, typeof btoa, typeof atobUTF8, typeof TextEncoder,"
                       " typeof DOMException, typeof Event, typeof CustomEvent, typeof EventTarget,"
                       " typeof AbortController, typeof AbortSignal, typeof performance,"
                       " typeof navigator, typeof Cookies].join();",
                       "function,function,function,function,function,function,function,function,"
                       "function,function,object,object,function"),
            0);
  ASSERT_EQ(expect_web("atob = 1; TextDecoder = 2; return atob + TextDecoder + typeof btoa;",
                       "3function"),
            0);
  /* A DOMException made by C code before the script touched the global is of its class. */
  ASSERT_EQ(
      expect_web("try { atob('*'); } catch (e) { return e instanceof DOMException; }", "true"), 0);
  return 0;
}

/* A script that replaces the global Symbol (as polyfills may) before it first touches a lazy
 * global: the installers use the well-known symbols themselves, so every class still gets its
 * tag and iterators (the installer of URL used to corrupt its stack and throw). */
TEST(webapi_lazy_globals_survive_a_replaced_symbol) {
  ASSERT_EQ(expect_web("var it = Symbol.iterator, s = Object(Symbol('d'));"
                       " Symbol.prototype.valueOf = function () { return Symbol('x'); };"
                       " Symbol = undefined; var t = Object.prototype.toString;"
                       " return [t.call(new TextDecoder()), t.call(new DOMException('m')),"
                       " t.call(performance), t.call(navigator), t.call(new FormData()),"
                       " typeof FormData.prototype[it], new URLSearchParams('a=1').get('a'),"
                       " typeof URLSearchParams.prototype[it], new URL('http://h/p').pathname,"
                       " typeof new Cookies('a=b').get, s.description].join();",
                       "[object TextDecoder],[object DOMException],[object Performance],"
                       "[object Navigator],[object FormData],function,1,function,/p,function,d"),
            0);
  return 0;
}

static const struct {
  const char *js, *out;
} console_cases[] = {
    {"console.log('a', 1, true, null, undefined);", "a 1 true null undefined"},
    {"console.log({ a: 1, b: [1, 2] });", "{ a: 1, b: [ 1, 2 ] }"},
    {"console.log([1, 2, 3]);", "[ 1, 2, 3 ]"},
    {"console.log({a: {b: {c: {d: 1}}}});", "{ a: { b: { c: [Object] } } }"},
    {"console.log([[1, [2, [3, [4]]]]]);", "[ [ 1, [ 2, [Array] ] ] ]"},
    {"var o = {a: 1}; o.self = o; console.log(o);", "<ref *1> { a: 1, self: [Circular *1] }"},
    {"var o = {x: {}}; o.x.up = o; o.x.me = o.x; console.log(o);",
     "<ref *1> { x: <ref *2> { up: [Circular *1], me: [Circular *2] } }"},
    {"console.log(function foo() {});", "[Function: foo]"},
    {"console.log([function () {}]);", "[ [Function (anonymous)] ]"},
    {"console.log({s: 'str', t: \"it's\", u: 'say \"hi\" it\\'s'});",
     "{ s: 'str', t: \"it's\", u: `say \"hi\" it's` }"},
    {"console.log([\"it's\"]);", "[ \"it's\" ]"},
    {"console.log('%s is %d years', 'Bob', 42);", "Bob is 42 years"},
    {"console.log('%i|%i', 42.9, '-7.5x');", "42|-7"},
    {"console.log('%f', '3.5abc');", "3.5"},
    {"console.log('%j', {a: [1]});", "{\"a\":[1]}"},
    {"console.log('%o', {a: 1});", "{ a: 1 }"},
    {"console.log('%O', {a: {b: {c: {d: {}}}}});", "{ a: { b: { c: [Object] } } }"},
    {"console.log('%c styled', 'color: red');", " styled"},
    {"console.log('100%%', 'x');", "100% x"},
    {"console.log('%s', {a: 1, b: {c: 1}});", "{ a: 1, b: [Object] }"},
    {"console.log('%d', '0x10');", "16"},
    {"console.log('%s and %s', 'one');", "one and %s"},
    {"console.log('a%', 1, 2);", "a% 1 2"},
    {"console.log(5, '%s', 'x');", "5 %s x"},
    {"console.log([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);", "[\n  1, 2, 3, 4,  5,\n  6, 7, 8, 9, 10\n]"},
    {"console.log(new Array(5));", "[ <5 empty items> ]"},
    {"console.log([1, , 3]);", "[ 1, <1 empty item>, 3 ]"},
    {"console.log({ 'a-b': 1, _c: 2, $d: 3 });", "{ 'a-b': 1, _c: 2, '$d': 3 }"},
    {"console.log(new Date(0));", "1970-01-01T00:00:00.000Z"},
    {"console.log(/ab+c/gi);", "/ab+c/gi"},
    {"console.log(new Map([['a', 1], ['b', {c: 2}]]));", "Map(2) { 'a' => 1, 'b' => { c: 2 } }"},
    {"console.log(new Set([1, 'two']));", "Set(2) { 1, 'two' }"},
    {"console.log(new Uint8Array([1, 2, 3]));", "Uint8Array(3) [ 1, 2, 3 ]"},
    {"console.log(Object.create(null));", "[Object: null prototype] {}"},
    {"function Foo() { this.x = 1; } console.log(new Foo(), [new Foo()]);",
     "Foo { x: 1 } [ Foo { x: 1 } ]"},
    {"function Bar() {} console.log(new Bar());", "Bar {}"},
    {"console.log(-0, [-0], 1.5, NaN);", "-0 [ -0 ] 1.5 NaN"},
    {"console.log({a: 'x\\ny\\t\\u0001'});", "{ a: 'x\\ny\\t\\x01' }"},
    {"var a = []; for (var i = 0; i < 30; i++) a.push('abc' + i); console.log(a);",
     "[\n  'abc0',  'abc1',  'abc2',  'abc3',\n  'abc4',  'abc5',  'abc6',  'abc7',\n  'abc8',  "
     "'abc9',  'abc10', 'abc11',\n  'abc12', 'abc13', 'abc14', 'abc15',\n  'abc16', 'abc17', "
     "'abc18', 'abc19',\n  'abc20', 'abc21', 'abc22', 'abc23',\n  'abc24', 'abc25', 'abc26', "
     "'abc27',\n  'abc28', 'abc29'\n]"},
    {"var a = []; for (var i = 0; i < 120; i++) a.push(i); console.log(a);",
     "[\n   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,\n  12, 13, 14, 15, 16, 17, 18, 19, 20, "
     "21, 22, 23,\n  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n  36, 37, 38, 39, 40, 41, "
     "42, 43, 44, 45, 46, 47,\n  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,\n  60, 61, 62, "
     "63, 64, 65, 66, 67, 68, 69, 70, 71,\n  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,\n  "
     "84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,\n  96, 97, 98, 99,\n  ... 20 more items\n]"},
    {"console.log({ longkey1: 'aaaaaaaaaaaaaaaaaaaa', longkey2: 'bbbbbbbbbbbbbbbbbbbbbbb', "
     "longkey3: 'cccccccccccccccc' });",
     "{\n  longkey1: 'aaaaaaaaaaaaaaaaaaaa',\n  longkey2: 'bbbbbbbbbbbbbbbbbbbbbbb',\n  longkey3: "
     "'cccccccccccccccc'\n}"},
    {"console.log([undefined, null]);", "[ undefined, null ]"},
    {"console.log(Symbol('x'), [Symbol('y')]);", "Symbol(x) [ Symbol(y) ]"},
    {"console.log(['a', {b: 2}]);", "[ 'a', { b: 2 } ]"},
    {"console.log(new Number(3), new String('ab'), new Boolean(false));",
     "[Number: 3] [String: 'ab'] [Boolean: false]"},
    {"var g = {}; Object.defineProperty(g, 'g', {get: function () { return 1; }, enumerable: "
     "true}); console.log(g);",
     "{ g: [Getter] }"},
    {"console.log(new ArrayBuffer(3));",
     "ArrayBuffer { [Uint8Contents]: <00 00 00>, byteLength: 3 }"},
    {"console.log({a: [{b: [1]}]});", "{ a: [ { b: [Array] } ] }"},
    {"function named() {} named.extra = 1; console.log(named);", "[Function: named] { extra: 1 }"},
    {"console.log([[]], {}, [{}], {a: {}});", "[ [] ] {} [ {} ] { a: {} }"},
    {"console.log({a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, "
     "22, 23, 24, 25, 26, 27]});",
     "{\n  a: [\n     1,  2,  3,  4,  5,  6,  7,  8,\n     9, 10, 11, 12, 13, 14, 15, 16,\n    17, "
     "18, 19, 20, 21, 22, 23, 24,\n    25, 26, 27\n  ]\n}"},
    {"var m = []; for (var i = 0; i < 8; i++) m.push({id: i, name: 'item' + i}); console.log(m);",
     "[\n  { id: 0, name: 'item0' },\n  { id: 1, name: 'item1' },\n  { id: 2, name: 'item2' },\n  "
     "{ id: 3, name: 'item3' },\n  { id: 4, name: 'item4' },\n  { id: 5, name: 'item5' },\n  { id: "
     "6, name: 'item6' },\n  { id: 7, name: 'item7' }\n]"},
    {"console.log('%s', 5, 'end');", "5 end"},
    {"console.log('%d', -0);", "-0"},
    {"console.log(['x', 'y'].concat(new Array(3)));", "[ 'x', 'y', <3 empty items> ]"},
    {"console.log({1: 'a', b: 'c'});", "{ '1': 'a', b: 'c' }"},
    /* the host's log gets UTF-8: a character outside the BMP as one 4-byte sequence */
    {"console.log('\\u{1F600} caf\\u00e9', ['\\u{1F4A9}']);",
     "\xF0\x9F\x98\x80 caf\xC3\xA9 [ '\xF0\x9F\x92\xA9' ]"},
};

TEST(webapi_console_matches_node) {
  int failed = 0;
  for (size_t i = 0; i < sizeof(console_cases) / sizeof(console_cases[0]); i++) {
    char want[4096];
    snprintf(want, sizeof(want), "2|testfn|%s\n", console_cases[i].out);
    const char *got = log_of(console_cases[i].js);
    if (strcmp(got, want) != 0) {
      fprintf(stderr, "console case %zu: %s\n  expected: %s  got:      %s", i, console_cases[i].js,
              want, got);
      failed++;
    }
  }
  ASSERT_EQ(failed, 0);
  return 0;
}

TEST(webapi_console_errors_and_levels) {
  const char *log = log_of("console.error(new Error('boom'));\n"
                           "console.warn(new DOMException('m', 'AbortError'));\n"
                           "console.info({e: new TypeError('inner')});\n");
  ASSERT(strstr(log, "0|testfn|Error: boom\n    at ") != NULL);
  ASSERT(strstr(log, "1|testfn|AbortError: m\n") != NULL);
  ASSERT(strstr(log, "2|testfn|{\n  e: TypeError: inner\n      at ") != NULL);
  return 0;
}

/* Intl.supportedValuesOf lists what this implementation supports; Node's lists differ (V8
 * has more calendars and numbering systems, and its ICU newer data), so the checks are on
 * membership, order and the keys' handling. */
TEST(webapi_intl_supported_values) {
  ASSERT_EQ(
      expect_web("var f = Intl.supportedValuesOf;"
                 "function sorted(a) { return a.slice().sort().join() === a.join(); }"
                 "return JSON.stringify([f('calendar'), f('numberingSystem'), f('collation'),"
                 " f('unit').length, f('unit')[0], f('currency').indexOf('EUR') >= 0,"
                 " f('currency').indexOf('usd') < 0, sorted(f('currency')),"
                 " f('timeZone').indexOf('Asia/Tokyo') >= 0, f('timeZone').indexOf('UTC') < 0,"
                 " sorted(f('timeZone')), f('timeZone').length > 400]);",
                 "[[\"gregory\"],[\"latn\"],[],45,\"acre\",true,true,true,true,true,true,true]"),
      0);
  ASSERT_EQ(expect_web("Intl.supportedValuesOf('bogus');",
                       "threw RangeError: Invalid key : bogus"),
            0);
  return 0;
}
