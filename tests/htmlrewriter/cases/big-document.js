// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
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
