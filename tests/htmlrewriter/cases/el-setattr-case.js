// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<A HREF="x" Href=y>t</A>', [['a', { element(e) { console.log(e.tagName, JSON.stringify([...e.attributes])); e.setAttribute('HREF', 'z'); } }]]));
})().catch(fail);
