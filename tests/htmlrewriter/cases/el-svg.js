// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<svg viewBox="0 0 1 1"><path d="M0"/><g><circle r=1></circle></g></svg><math><mi>x</mi></math>', [['*', { element(e) { console.log(e.tagName, e.namespaceURI); e.after('.'); } }]]));
})().catch(fail);
