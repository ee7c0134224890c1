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
  const res = new Response('<p>x</p>', { status: 404, statusText: 'Nope', headers: { 'content-type': 'text/html', 'x-a': '1', 'content-length': '8' } });
  const out = new HTMLRewriter().on('p', { element(e) { e.append('!!'); } }).transform(res);
  console.log(out.status, out.statusText, out.headers.get('content-type'), out.headers.get('x-a'), out.headers.get('content-length'));
  console.log(await out.text());
})().catch(fail);
