// HTMLRewriter case (tests/htmlrewriter/run.py runs it after prelude.js): output compared
// with lol-html's.
(async () => {
  for (const d of ['<!doctype html>', '<!DOCTYPE html SYSTEM "about:legacy-compat">', '<!DocType  HTML  >']) {
    const r = new HTMLRewriter().onDocument({ doctype(x) { console.log(x.name, x.publicId, x.systemId); } });
    console.log(await r.transform(new Response(d + '<p>x')).text());
  }
})().catch(fail);
