// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  for (const s of ['p[', 'a:hover', '::before', 'p:nth-child(', '']) {
    try {
      const r = new HTMLRewriter().on(s, { element() {} });
      console.log(JSON.stringify(s), await r.transform(new Response('<p>x</p>')).text());
    } catch (e) { console.log(JSON.stringify(s), e.constructor.name); }
  }
})().catch(fail);
