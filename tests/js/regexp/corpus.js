//// smoke-exec
p(/a(b)?c/.exec("xac"));
p(new RegExp("(?<y>\\d{4})-(?<m>\\d\\d)").exec("on 2024-05-01"));
//// smoke-replace
p("a-b-c".replace(/-/g, "+"), "x".replace(/x/, "$&$&"));
p("2024-05".replace(new RegExp("(?<y>\\d+)-(?<m>\\d+)"), "$<m>/$<y>"));
//// smoke-split
p("a, b ,c".split(/\s*,\s*/), "abc".split(""), "a1b2c".split(/(\d)/));
//// smoke-u
p(new RegExp("^.$", "u").test("\ud83d\ude00"), /^.$/.test("\ud83d\ude00"));
p(new RegExp(".", "gu").exec("a\ud83d\ude00"), "a\ud83d\ude00b".match(new RegExp(".", "gu")));
//// smoke-errors
t(function () { new RegExp("("); });
t(function () { new RegExp("a", "gg"); });
