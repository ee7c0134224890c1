// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  const T = { text(t) { console.log(JSON.stringify([t.text, t.lastInTextNode])); } };
  for (const h of ['<script>x</scr ipt>y</script>z', '<style>a<</style><textarea>a<b>c</textarea><title>x<y</title>',
                   '<xmp>a<b></xmp>c<noscript>d<e></noscript>', '<plaintext>a</plaintext><b>', '<svg><style>a<b></b></style></svg>x',
                   '<iframe><p>no</p></iframe><noembed><b></noembed><noframes><i></noframes>']) {
    console.log(await run(h, [['b', { element(e) { e.setAttribute('seen', ''); } }]], T));
  }
})().catch(fail);
