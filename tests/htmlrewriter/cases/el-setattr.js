// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<a href="x" b=\'y\' c=z d>t</a>', [['a', { element(e) { e.setAttribute('e', '"q<&'); e.setAttribute('c', 'new'); } }]]));
})().catch(fail);
