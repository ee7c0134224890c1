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
  const T = { text(t) { console.log(JSON.stringify([t.text, t.lastInTextNode])); } };
  for (const h of ['<script>x</scr ipt>y</script>z', '<style>a<</style><textarea>a<b>c</textarea><title>x<y</title>',
                   '<xmp>a<b></xmp>c<noscript>d<e></noscript>', '<plaintext>a</plaintext><b>', '<svg><style>a<b></b></style></svg>x',
                   '<iframe><p>no</p></iframe><noembed><b></noembed><noframes><i></noframes>']) {
    console.log(await run(h, [['b', { element(e) { e.setAttribute('seen', ''); } }]], T));
  }
})().catch(fail);
