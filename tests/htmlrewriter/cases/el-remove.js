// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div><p>x<b>y</b></p>z</div>', [['p', { element(e) { e.remove(); console.log(e.removed); } }]]));
})().catch(fail);
