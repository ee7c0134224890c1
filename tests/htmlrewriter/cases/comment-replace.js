// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div><p>x<!--c--></p>z</div>', [['p', { comments(c) { c.replace('<R>'); } }]]));
})().catch(fail);
