// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<div/>x</div>y', [['div', { element(e) { e.append('!'); e.after('?'); } }]]));
})().catch(fail);
