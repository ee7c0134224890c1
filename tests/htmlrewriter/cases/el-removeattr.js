// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<a   href = "x&amp;y"\n  c=d  />t</a>', [['a', { element(e) { console.log(e.getAttribute('href')); e.removeAttribute('href'); } }]]));
})().catch(fail);
