// HTMLRewriter case (tests/htmlrewriter/run.py): output compared with lol-html's.
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
(async () => {
  for (const d of ['<!doctype html>', '<!DOCTYPE html SYSTEM "about:legacy-compat">', '<!DocType  HTML  >']) {
    const r = new HTMLRewriter().onDocument({ doctype(x) { console.log(x.name, x.publicId, x.systemId); } });
    console.log(await r.transform(new Response(d + '<p>x')).text());
  }
})().catch(fail);
