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
  const html = '<!DOCTYPE html><p>hello <b class="x y" data-v=\'1\'>wo€rld 😀</b></p><i><!-- comment --></i><script>if (a < b) x("</p>")</script><p>é</p>';
  const handlers = (r) => r.on('b', { element(e) { e.setAttribute('q', '1'); e.before('<', { html: false }); } }).on('p', { element(e) { e.append('!'); } }).on('i', { comments(c) { c.text = c.text + '+'; } });
  const whole = await handlers(new HTMLRewriter()).transform(new Response(html)).text();
  const parts = await handlers(new HTMLRewriter()).transform(new Response(chunked(html, 1))).text();
  console.log(whole);
  console.log(parts === whole);
})().catch(fail);
