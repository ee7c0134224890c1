// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<a href="/x" TITLE=\'T\' data-q=v disabled>t</a>', [['a', { element(e) { console.log(e.tagName, JSON.stringify([...e.attributes]), e.getAttribute('title'), e.getAttribute('nope'), e.hasAttribute('disabled'), e.hasAttribute('x'), e.namespaceURI, e.removed); } }]]));
})().catch(fail);
