// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div><p>x', [['p', { element(e) { e.append('A'); e.after('B'); e.before('C'); } }]]));
})().catch(fail);
