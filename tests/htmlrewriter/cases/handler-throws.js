// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  try {
    console.log(await run('<p>x</p>', [['p', { element() { throw new Error('boom'); } }]]));
  } catch (e) { console.log('rejected', e.message); }
  try {
    console.log(await run('<p>x</p>', [['p', { async element() { throw new RangeError('late'); } }]]));
  } catch (e) { console.log('rejected', e.constructor.name, e.message); }
})().catch(fail);
