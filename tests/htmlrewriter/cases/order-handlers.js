// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<p>1</p>', [['p', { element(e) { e.before('1'); console.log('h1'); } }], ['p', { element(e) { e.before('2'); console.log('h2'); } }], ['*', { element(e) { e.before('3'); console.log('h3'); } }]]));
})().catch(fail);
