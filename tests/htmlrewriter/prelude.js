// Helpers every HTMLRewriter case uses (tests/htmlrewriter/run.py puts this file before
// each case, for libedgefn and for the lol-html oracle alike).
function run(html, regs, doc) {
  const r = new HTMLRewriter();
  for (const [s, h] of regs) r.on(s, h);
  if (doc) r.onDocument(doc);
  return r.transform(new Response(html)).text();
}
function fail(e) { console.log('ERROR', e && e.constructor && e.constructor.name, String(e && e.message)); }
function chunked(html, n) {
  const b = new TextEncoder().encode(html);
  let i = 0;
  return new ReadableStream({ pull(c) { if (i >= b.length) c.close(); else { c.enqueue(b.slice(i, i + n)); i += n; } } });
}
