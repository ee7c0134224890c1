// node >= 24
// URLPattern on 80 pseudo-random pattern strings (seeded; built from pattern syntax, URL
// pieces and escapes), each as a constructor string, with a base URL and as a pathname,
// then exec() on five inputs: every component string, hasRegExpGroups and the groups are
// compared with Node 24 (a larger run, 3000 patterns, differed only as below). Patterns
// with a leading space are left out: the Standard's basic URL parser strips it when
// canonicalizing the protocol, and Node 24 throws instead.
var DATA = "{\"pats\": [\"?|:b_2*[::1]([a-z]+)\", \"..:b_2example.com-:a(\\\\d+)\", \"#*foo(\\\\d+)data:?q=1:b_2\", \"x..\", \"file:///\", \":b_2x:adata:}%20#\", \"[::1]{file:///\", \"data:*([a-z]+)..file:///\", \")([a-z]+)data:*\", \"\\\\\", \":8080[::1]?q=1\\u00e9\", \"..http{s}?://) foo*foo(\\\\d+)\", \"*.:8080::https://%20\", \"{example.com\", \"+::?:8080#:a*\", \"::(//:8080..http{s}?://\", \"(\\\\d+)\\\\*\", \"*:b_2 file:///https://%20[(\", \"http{s}?://\", \"+\\\\{:8080:b_2-\", \"}foo||:8080\", \"+https://\", \"data:\\\\*}?q=1data:\\\\*#\", \"[x?(\\\\d+)*?\", \"x/:8080..\", \"\\\\:%20/\", \"#[::1])\", \"}example.com\\\\:b_2http{s}?://data:\", \"|||([a-z]+)@|:b_2\", \"*-https://+\", \":://\", \"([a-z]+)\", \"file:///\", \"[::1]([a-z]+))\", \"*\", \"\\\\[?\\\\:\", \"//)@{{:8080\", \"@@ (\\\\d+)?([a-z]+)::\\\\:\", \"+*.:id-*.)?[::1]\", \"*.\", \"(\\\\d+)\\\\:*.)+\", \"x[::1][::1]example.com::x\", \"foo|x.\", \"(:id:id\\\\*@\\\\:.//\", \"https://()(\\\\d+)x([a-z]+)\", \"@.::-\", \"\\\\\\\\/@((\\\\d+){[\", \"@*?q=1::\", \"|http{s}?://\", \"(\\\\d+)++}:id?..\", \"?\\\\//@(?data:data:\", \":id/([a-z]+)\", \"?q=1.-\", \"\\\\:\", \"%20example.comfoo..\", \"\\\\:[::1]#}:b_2(\", \"..*.#example.com}[::1]?*.\", \"https://\", \"///?\", \"?@\\\\\", \"data::b_2\", \"*.*.data:@([a-z]+)data:\", \"foo\", \"\\\\*:a([a-z]+)example.com\", \"data::id*https://\\u00e9\\\\example.com//\", \"\\\\*https://example.com[::1]\", \"example.comfoo*.\\\\:data:.https://}\", \"{|https://\\u00e9*foo?q=1\", \"- \", \"?)\", \"\\\\:}http{s}?://\", \"([a-z]+)|:8080+\", \"+?q=1example.com|\", \"#.(\\u00e9(\\\\d+))\", \"::\", \"https://:id[::*.\\\\%20example.com\", \"{x\", \"(\\\\d+)\\\\:\", \":a*\\\\*}?q=1\", \"|?[::1]example.comfile:///\"], \"inputs\": [\"https://example.com/foo/12\", \"http://a.example.com:8080/x/y?q=1#h\", \"/foo/bar\", \"https://[::1]/a\", \"data:text/plain,hi\"]}";
var d = JSON.parse(require_data());
function require_data() { return DATA; }
var keys = ['protocol', 'username', 'password', 'hostname', 'port', 'pathname', 'search', 'hash'];
for (var i = 0; i < d.pats.length; i++) {
  var p = d.pats[i], out = [];
  ['string', 'base', 'pathname'].forEach(function (form) {
    var u;
    try {
      u = form === 'string' ? new URLPattern(p) : form === 'base' ? new URLPattern(p, 'https://base.test/dir/') : new URLPattern({ pathname: p });
    } catch (e) { out.push(form + ':' + e.name); return; }
    out.push(form + ':' + keys.map(function (k) { return u[k]; }).join('|') + '|' + u.hasRegExpGroups);
    d.inputs.forEach(function (inp) {
      var r;
      try { r = u.exec(inp, 'https://base.test/dir/'); } catch (e) { out.push('x:' + e.name); return; }
      out.push(r ? 'm:' + keys.map(function (k) { return JSON.stringify(Object.keys(r[k].groups).sort().map(function (g) { return g + '=' + r[k].groups[g]; })); }).join('') : 'null');
    });
  });
  console.log(i + ' ' + out.join(' '));
}
