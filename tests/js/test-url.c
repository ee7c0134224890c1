/* URL and URLSearchParams (lib/js/url*.c): what the WPT data files do not cover — the live
 * link between a URL and its searchParams, the URLSearchParams methods, iteration, errors,
 * URL.canParse/URL.parse, and use from a fetch handler through the public API. Expected
 * values follow the URL Standard (and agree with Node 20). */
#include "js/harness.h"
#include "test.h"

TEST(url_search_params_live_link) {
  ASSERT_EQ(js_expect("var u = new URL('https://h/p?a=1&b=2#f'); var sp = u.searchParams;"
                      "sp.append('c', 'x y'); var h1 = u.href;"
                      "u.search = '?z=9'; var g = sp.get('z') + sp.has('a');"
                      "sp.delete('z'); return [h1, g, u.href, sp === u.searchParams].join('|');",
                      "https://h/p?a=1&b=2&c=x+y#f|9false|https://h/p#f|true"),
            0);
  ASSERT_EQ(js_expect("var u = new URL('http://h/?q=%zz+%41');"
                      "return u.searchParams.get('q') + '|' + u.search;",
                      "%zz A|?q=%zz+%41"),
            0);
  ASSERT_EQ(js_expect("var u = new URL('http://h/'); var sp = u.searchParams;"
                      "u.href = 'http://k/?x=1'; return sp.get('x') + u.host;",
                      "1k"),
            0);
  /* An opaque path keeps its encoded trailing space when the query goes away. */
  ASSERT_EQ(js_expect("var u = new URL('data:space ?q'); u.searchParams.delete('q');"
                      "return u.href;",
                      "data:space%20"),
            0);
  return 0;
}

TEST(url_search_params_methods) {
  ASSERT_EQ(js_expect("var p = new URLSearchParams('?a=1&a=2&b=&c');"
                      "return [p.get('a'), p.getAll('a').join(','), p.get('b'), p.get('c'),"
                      " String(p.get('d')), p.has('a', '2'), p.has('a', '3'), p.size].join('|');",
                      "1|1,2|||null|true|false|4"),
            0);
  ASSERT_EQ(js_expect("var p = new URLSearchParams({x: '1', 'y z': '\\u00e9&'});"
                      "p.set('x', '3'); p.append('x', '4'); p.set('x', '5');"
                      "p.delete('q'); return p.toString();",
                      "x=5&y+z=%C3%A9%26"),
            0);
  ASSERT_EQ(js_expect("var p = new URLSearchParams([['a', '1'], ['b', '2'], ['a', '3']]);"
                      "p.delete('a', '3'); var q = new URLSearchParams(p); q.append('c', '*-._~');"
                      "return p + '|' + q;",
                      "a=1&b=2|a=1&b=2&c=*-._%7E"),
            0);
  ASSERT_EQ(js_expect("return new URLSearchParams('a=\\ud800').get('a').charCodeAt(0);", "65533"),
            0);
  return 0;
}

TEST(url_search_params_sort_and_iteration) {
  /* Stable, and by UTF-16 code units: U+FFFD sorts after the surrogate pair of U+1F600. */
  ASSERT_EQ(js_expect("var p = new URLSearchParams('b=1&a=2&b=0'); p.sort(); var out = [];"
                      "p.forEach(function (v, k, o) { out.push(k + v + (o === p)); });"
                      "return out.join(',');",
                      "a2true,b1true,b0true"),
            0);
  ASSERT_EQ(js_expect("var p = new URLSearchParams('z=1&\\ufffd=2&a=3&\\ud83d\\ude00=4&z=0&a=2');"
                      "p.sort(); return p.toString();",
                      "a=3&a=2&z=1&z=0&%F0%9F%98%80=4&%EF%BF%BD=2"),
            0);
  ASSERT_EQ(js_expect("var p = new URLSearchParams('a=1&b=2'); var it = p.entries();"
                      "var x = it.next(); p.append('c', '3'); var out = [x.value.join('=')];"
                      "for (x = it.next(); !x.done; x = it.next()) out.push(x.value.join('='));"
                      "var k = p.keys().next().value, v = p.values().next().value;"
                      "return out.join('&') + '|' + k + v + '|' + it.next().done;",
                      "a=1&b=2&c=3|a1|true"),
            0);
  ASSERT_EQ(js_expect("var p = new URLSearchParams('a=1&b=2');"
                      "if (typeof Symbol !== 'function' || !Symbol.iterator) return 'skip';"
                      "var it = p[Symbol.iterator](); var out = [];"
                      "for (var x = it.next(); !x.done; x = it.next()) out.push(x.value[0]);"
                      "return out.join('') + (it[Symbol.iterator]() === it);",
                      "abtrue"),
            0);
  return 0;
}

TEST(url_errors_and_statics) {
  ASSERT_EQ(js_expect("new URL('nope');", "threw TypeError: Invalid URL"), 0);
  ASSERT_EQ(js_expect("new URL('/a', 'also nope');", "threw TypeError: Invalid URL"), 0);
  ASSERT_EQ(js_expect("URL('http://h/');",
                      "threw TypeError: Failed to construct 'URL': Please use the 'new' operator"),
            0);
  ASSERT_EQ(js_expect("var u = new URL('http://h/'); u.href = 'bad'; return u.href;",
                      "threw TypeError: Invalid URL"),
            0);
  ASSERT_EQ(js_expect("return Object.getOwnPropertyDescriptor(URL.prototype, 'href').get"
                      ".call({});",
                      "threw TypeError: Illegal invocation: not a URL object"),
            0);
  ASSERT_EQ(js_expect("return new URLSearchParams().append('a');",
                      "threw TypeError: Failed to execute 'append' on 'URLSearchParams': 2 "
                      "arguments required, but only 1 present."),
            0);
  ASSERT_EQ(js_expect("new URLSearchParams([['a', 'b', 'c']]);",
                      "threw TypeError: Failed to construct 'URLSearchParams': Sequence "
                      "initializer must only contain pair elements"),
            0);
  ASSERT_EQ(js_expect("return [URL.canParse('http://h'), URL.canParse('x'),"
                      " URL.canParse('x', 'http://h/a/'), URL.parse('x'),"
                      " URL.parse('../y', new URL('http://h/a/b/')).href].join('|');",
                      "true|false|true||http://h/a/y"),
            0);
  ASSERT_EQ(js_expect("var u = new URL('HTTPS://user:pw@EXAMPLE.com:443/a/../b?x#y');"
                      "return [u.href, u.origin, u.host, u.port, u.username, u.password,"
                      " JSON.stringify({u: u}), String(u) === u.toString()].join('|');",
                      "https://user:pw@example.com/b?x#y|https://example.com|example.com||user|"
                      "pw|{\"u\":\"https://user:pw@example.com/b?x#y\"}|true"),
            0);
  return 0;
}

TEST(url_in_fetch_handler) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var u = new URL(e.request.url);\n"
                     "  var name = u.searchParams.get('name') || 'world';\n"
                     "  u.pathname = '/greeted'; u.searchParams.set('n', name);\n"
                     "  e.respondWith(new Response('hello ' + name + ' ' + u.pathname + ' ' +\n"
                     "    u.href + ' ' + typeof URLSearchParams));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://example.com:8080/a?name=%C3%A9l%C3%A8ve", NULL, 0, NULL,
                      &c),
            0);
  ASSERT_STREQ(c.body, "hello \xc3\xa9l\xc3\xa8ve /greeted "
                       "http://example.com:8080/greeted?name=%C3%A9l%C3%A8ve&n=%C3%A9l%C3%A8ve "
                       "function");
  collected_free(&c);
  env_close(&e);
  return 0;
}
