// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div>a<div>b</div>c</div>d', [['div', { element(e) { e.append('!'); } }]]));
})().catch(fail);
