// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  const html = '<!DOCTYPE html><p>hello <b class="x y" data-v=\'1\'>wo€rld 😀</b></p><i><!-- comment --></i><script>if (a < b) x("</p>")</script><p>é</p>';
  const handlers = (r) => r.on('b', { element(e) { e.setAttribute('q', '1'); e.before('<', { html: false }); } }).on('p', { element(e) { e.append('!'); } }).on('i', { comments(c) { c.text = c.text + '+'; } });
  const whole = await handlers(new HTMLRewriter()).transform(new Response(html)).text();
  const parts = await handlers(new HTMLRewriter()).transform(new Response(chunked(html, 1))).text();
  console.log(whole);
  console.log(parts === whole);
})().catch(fail);
