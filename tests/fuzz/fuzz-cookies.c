/* EdgeOne's Cookies class: the input's first byte picks Cookie or Set-Cookie parsing; the
 * first line is the header value, later lines are names, values and attributes for the
 * methods. Every cookie is read back every 16 lines and at the end: after every line, a
 * 4 KiB input of short lines made the driver itself quadratic (0.4 s per input under ASan,
 * over its 2 s budget on a loaded machine, a false "hang"). */
#include "fuzz-js.h"

static const char driver[] =
    "(function (s) {\n"
    "  var set = s.length > 0 && (s.charCodeAt(0) & 1) == 1;\n"
    "  var l = s.split('\\n'), c;\n"
    "  try { c = new Cookies(l[0], set); } catch (e) { return; }\n"
    "  function all() {\n"
    "    var a = c.getAll(), n = 0;\n"
    "    for (var i = 0; a && i < a.length; i++)\n"
    "      for (var k in a[i]) n += k.length + String(a[i][k]).length;\n"
    "    return n;\n"
    "  }\n"
    "  all();\n"
    "  try { c.getAll(l[1]); } catch (e) {}\n"
    "  for (var i = 1; i < l.length; i++) {\n"
    "    try { c.get(l[i]); c.has(l[i]); } catch (e) {}\n"
    "    try { c.set(l[i], l[i - 1], { domain: l[i - 1], path: l[i], maxAge: i, httpOnly:\n"
    "      true, sameSite: l[(i + 1) % l.length] }); } catch (e) {}\n"
    "    if (i % 2) try { c.remove(l[i], l[i - 1], l[0]); } catch (e) {}\n"
    "    if (i % 16 == 0) all();\n"
    "  }\n"
    "  all();\n"
    "})";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_run(driver, data, size, false);
  return 0;
}
