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
  const parts = [];
  const filler = 'lorem ipsum dolor sit amet &amp; consectetur adipiscing elit '.repeat(16);
  for (let i = 0; i < 400; i++) parts.push('<div class="row r' + (i % 7) + '"><a href="/item/' + i + '">Item ' + i + '</a> <span>' + filler + '</span></div>\n');
  const html = '<html><body>' + parts.join('') + '</body></html>';
  let links = 0, texts = 0;
  const out = await new HTMLRewriter()
    .on('div.r3 > a', { element(e) { links++; e.setAttribute('href', e.getAttribute('href') + '?x'); } })
    .on('span', { text(t) { texts++; } })
    .transform(new Response(html)).text();
  console.log(html.length > 300000, out.length - html.length, links, texts > 0);
  console.log(out.slice(0, 300));
})().catch(fail);
