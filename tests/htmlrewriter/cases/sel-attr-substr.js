// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  console.log(await run('<!doctype html><html><head><title>T &amp; x</title></head><body><div id="main" class="a b"><p>One <b>two</b></p><p class=x>Three</p><ul><li>1</li><li>2</li><li>3</li><li>4</li></ul></div><!-- c --><span lang="en-US" data-x="Hello World">s</span></body></html>', [['[data-x*="o W"]', { element(e) { e.setAttribute('data-m', '1'); } }]]));
})().catch(fail);
