/* Headers: the input's lines are name/value pairs, appended one by one, given to the
 * constructor as a sequence and as a record; then every method runs. */
#include "fuzz-js.h"

static const char driver[] =
    "(function (s) {\n"
    "  var l = s.split('\\n'), pairs = [], rec = {}, h = new Headers(), i;\n"
    "  for (i = 0; i + 1 < l.length; i += 2) {\n"
    "    pairs.push([l[i], l[i + 1]]); rec[l[i]] = l[i + 1];\n"
    "    try { h.append(l[i], l[i + 1]); } catch (e) {}\n"
    "  }\n"
    "  try { new Headers(pairs); } catch (e) {}\n"
    "  try { new Headers(rec); } catch (e) {}\n"
    "  try { new Headers(h); } catch (e) {}\n"
    "  function all(h) {\n"
    "    var n = 0;\n"
    "    h.forEach(function (v, k) { n += k.length + v.length; });\n"
    "    var its = [h.keys(), h.values(), h.entries()];\n"
    "    for (var j = 0; j < its.length; j++)\n"
    "      for (var r = its[j].next(); !r.done; r = its[j].next()) n += r.value.length;\n"
    "    return n + h.getSetCookie().join().length;\n"
    "  }\n"
    "  all(h);\n"
    "  for (i = 0; i < l.length; i++) {\n"
    "    try { h.get(l[i]); h.has(l[i]); } catch (e) {}\n"
    "    try { h.set(l[i], l[(i + 1) % l.length]); } catch (e) {}\n"
    "    if (i % 3 == 2) try { h.delete(l[i]); } catch (e) {}\n"
    "  }\n"
    "  all(h);\n"
    "  try { all(new Response('', { headers: pairs }).headers); } catch (e) {}\n"
    "})";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_run(driver, data, size, false);
  return 0;
}
