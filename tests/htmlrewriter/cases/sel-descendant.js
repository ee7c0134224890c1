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
  console.log(await run('<!doctype html><html><head><title>T &amp; x</title></head><body><div id="main" class="a b"><p>One <b>two</b></p><p class=x>Three</p><ul><li>1</li><li>2</li><li>3</li><li>4</li></ul></div><!-- c --><span lang="en-US" data-x="Hello World">s</span></body></html>', [['div b', { element(e) { e.setAttribute('data-m', '1'); } }]]));
})().catch(fail);
