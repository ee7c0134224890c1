// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<a>1</a>', [['a', { element(e) { e.before('b1'); e.before('b2'); e.after('a1'); e.after('a2'); e.prepend('p1'); e.prepend('p2'); e.append('x1'); e.append('x2'); } }]]));
})().catch(fail);
