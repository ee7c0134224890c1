/* TextDecoder and atob on random bytes: the first byte picks a label (the legacy encodings
 * too: their streamed decode must equal the whole one as well) and options, the rest
 * is decoded whole, in streamed pieces (which must give the same text, or fail alike), as a
 * base64 string, and round-tripped. */
#include "fuzz-js.h"

static const char driver[] =
    "(function (b) {\n"
    "  function fail(m) { var e = new Error(m); e.fuzzAssert = true; throw e; }\n"
    "  var labels = ['utf-8', 'utf-16le', 'utf-16be', 'latin1', 'windows-1252', 'utf8',\n"
    "                'unicode-1-1-utf-8', 'ascii', ' UTF-8 ', 'bogus', 'gbk', 'gb18030',\n"
    "                'big5', 'shift_jis', 'euc-jp', 'iso-2022-jp', 'euc-kr', 'windows-1258',\n"
    "                'koi8-u', 'x-user-defined', 'ibm866', 'iso-2022-kr'];\n"
    "  var sel = b.length ? b[0] : 0, bytes = b.subarray(1), d, out = '';\n"
    "  try {\n"
    "    d = new TextDecoder(labels[sel % labels.length],\n"
    "                        { fatal: (sel & 16) != 0, ignoreBOM: (sel & 32) != 0 });\n"
    "    out += d.encoding + d.fatal + d.ignoreBOM;\n"
    "  } catch (e) { d = new TextDecoder(); }\n"
    "  var whole = null, streamed = null;\n"
    "  try { whole = d.decode(bytes); out += whole; } catch (e) {}\n"
    "  try { out += d.decode(bytes.buffer); } catch (e) {}\n"
    "  /* Streamed: the first 256 bytes in pieces of 1 to 4 (every way a sequence can be\n"
    "   * split), the rest at once; the result must be the whole decode's. */\n"
    "  try {\n"
    "    var step = (sel >> 6) + 1, lim = Math.min(bytes.length, 256);\n"
    "    streamed = '';\n"
    "    for (var i = 0; i < lim; i += step)\n"
    "      streamed += d.decode(bytes.subarray(i, Math.min(i + step, lim)), { stream: true });\n"
    "    streamed += d.decode(bytes.subarray(lim), { stream: true });\n"
    "    streamed += d.decode();\n"
    "  } catch (e) { streamed = null; }\n"
    "  if (streamed !== whole) fail('streamed decode differs from the whole decode');\n"
    "  var t = new TextDecoder().decode(bytes);\n"
    "  var bin = String.fromCharCode.apply(null, bytes);\n"
    "  try { out += atob(t); } catch (e) {}\n"
    "  try { out += atob(bin); } catch (e) {}\n"
    "  if (atob(btoa(bin)) !== bin) fail('btoa/atob round trip');\n"
    "  try { out += btoa(t); } catch (e) {}\n"
    "  try { out += atobUTF8(t) + btoaUTF8(t); } catch (e) {}\n"
    "  var enc = new TextEncoder(), u = enc.encode(t);\n"
    "  var into = new Uint8Array(bytes.length);\n"
    "  try { enc.encodeInto(t, into); } catch (e) {}\n"
    "  /* ignoreBOM: a default decoder strips a leading U+FEFF, so t may start with one */\n"
    "  if (new TextDecoder('utf-8', { ignoreBOM: true }).decode(u) !== t)\n"
    "    fail('encode/decode round trip');\n"
    "  return out;\n"
    "})";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_run(driver, data, size, true);
  return 0;
}
