/* Trigger rules: every field and operator, the builder and JSON front ends with their
 * errors, reference counting, concurrent matching, regex limits, and random inputs. */
#include <edgefn/edgefn.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"

/* JSON written with single quotes for readability; they become double quotes. */
static edgefn_rules *load_json(const char *text, edgefn_error_info *err) {
  char *s = strdup(text);
  for (char *p = s; *p; p++)
    if (*p == '\'')
      *p = '"';
  edgefn_rules *r = NULL;
  edgefn_error_info local = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_rules_from_json(&r, s, strlen(s), "rules.json", err ? err : &local);
  if (rc != 0 && !err)
    fprintf(stderr, "rules: %s (line %d col %d)\n", local.message, local.line, local.column);
  free(s);
  return rc == 0 ? r : NULL;
}

/* One rule "f" holding one condition. */
static edgefn_rules *cond1(const char *field, const char *name, const char *op, int caseless,
                           const char *values) {
  char buf[2048];
  snprintf(buf, sizeof(buf),
           "{'rules': [{'function': 'f', 'match': [[{'field': '%s', %s%s%s 'operator': '%s', "
           "'ignoreCase': %s %s%s%s}]]}]}",
           field, name ? "'name': '" : "", name ? name : "", name ? "'," : "", op,
           caseless ? "true" : "false", values ? ", 'values': [" : "", values ? values : "",
           values ? "]" : "");
  return load_json(buf, NULL);
}

typedef struct reqspec {
  const char *method;
  const char *url;
  const edgefn_header *headers;
  size_t header_count;
  const char *ip;
  const edgefn_geo *geo;
} reqspec;

static edgefn_request make(const reqspec *s) {
  edgefn_request r = EDGEFN_REQUEST_INIT;
  r.method = s->method;
  r.method_len = s->method ? strlen(s->method) : 0;
  r.url = s->url;
  r.url_len = strlen(s->url);
  r.headers = s->headers;
  r.header_count = s->header_count;
  r.client_ip = s->ip;
  r.geo = s->geo;
  return r;
}

/* The index of the matching rule, -1 for none, or the error code minus 1000. */
static long which(const edgefn_rules *rules, const reqspec *s) {
  edgefn_request r = make(s);
  size_t idx = 99999;
  const char *fn = NULL;
  int rc = edgefn_rules_match(rules, &r, &fn, &idx);
  if (rc < 0)
    return rc - 1000;
  return rc == 1 ? (long)idx : -1;
}

static int url_hits(const edgefn_rules *rules, const char *url) {
  reqspec s = {.url = url};
  return which(rules, &s) == 0;
}

/* Checks one condition against URLs: "+url" must match, "-url" must not. */
#define EXPECT_URLS(rules, ...)                                                                    \
  do {                                                                                             \
    const char *urls_[] = {__VA_ARGS__};                                                           \
    ASSERT(rules);                                                                                 \
    for (size_t i_ = 0; i_ < sizeof(urls_) / sizeof(urls_[0]); i_++) {                             \
      int want_ = urls_[i_][0] == '+';                                                             \
      if (url_hits(rules, urls_[i_] + 1) != want_) {                                               \
        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, urls_[i_]);                             \
        return 1;                                                                                  \
      }                                                                                            \
    }                                                                                              \
    edgefn_rules_free(rules);                                                                      \
  } while (0)

TEST(rules_builder_basics) {
  ASSERT_EQ(edgefn_rules_builder_new(NULL), EDGEFN_EINVAL);
  edgefn_rules_builder_free(NULL);
  edgefn_rules_free(NULL);
  ASSERT(edgefn_rules_ref(NULL) == NULL);
  ASSERT_EQ(edgefn_rules_count(NULL), 0);

  edgefn_rules_builder *b = NULL;
  ASSERT_EQ(edgefn_rules_builder_new(&b), 0);
  edgefn_rules *r = NULL;
  ASSERT_EQ(edgefn_rules_build(b, &r, NULL), 0);
  ASSERT_EQ(edgefn_rules_count(r), 0);
  reqspec s = {.url = "https://example.com/"};
  ASSERT_EQ(which(r, &s), -1);
  edgefn_rules_free(r);

  /* A rule without conditions matches everything; add_group on a still-empty group reuses
   * it rather than leaving an empty (match-all) group behind. */
  ASSERT_EQ(edgefn_rules_builder_add_rule(b, "never"), 0);
  ASSERT_EQ(edgefn_rules_builder_add_group(b), 0);
  const char *v[] = {"/nope"};
  edgefn_rule_condition c = EDGEFN_RULE_CONDITION_INIT;
  c.field = EDGEFN_RULE_PATH;
  c.op = EDGEFN_RULE_EQUALS;
  c.values = v;
  c.value_count = 1;
  ASSERT_EQ(edgefn_rules_builder_add_condition(b, &c), 0);
  ASSERT_EQ(edgefn_rules_builder_add_rule(b, "all"), 0);
  ASSERT_EQ(edgefn_rules_build(b, &r, NULL), 0);
  ASSERT_EQ(edgefn_rules_count(r), 2);
  edgefn_request q = make(&s);
  const char *fn = NULL;
  size_t idx = 0;
  ASSERT_EQ(edgefn_rules_match(r, &q, &fn, &idx), 1);
  ASSERT_STREQ(fn, "all");
  ASSERT_EQ(idx, 1);
  ASSERT_EQ(edgefn_rules_match(r, &q, NULL, NULL), 1);

  /* The builder may go on after a build; the first set is not affected. */
  edgefn_rules *r2 = NULL;
  ASSERT_EQ(edgefn_rules_builder_add_rule(b, "third"), 0);
  ASSERT_EQ(edgefn_rules_build(b, &r2, NULL), 0);
  ASSERT_EQ(edgefn_rules_count(r), 2);
  ASSERT_EQ(edgefn_rules_count(r2), 3);
  edgefn_rules_builder_free(b);
  /* The sets own copies of everything. */
  ASSERT_EQ(edgefn_rules_match(r, &q, &fn, &idx), 1);
  ASSERT_STREQ(fn, "all");
  edgefn_rules_free(r);
  edgefn_rules_free(r2);
  return 0;
}

TEST(rules_bad_arguments) {
  edgefn_rules *r = load_json("{'rules': [{'function': 'f', 'match': []}]}", NULL);
  ASSERT(r);
  edgefn_request q = EDGEFN_REQUEST_INIT;
  q.url = "https://a/";
  q.url_len = 10;
  ASSERT_EQ(edgefn_rules_match(NULL, &q, NULL, NULL), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_rules_match(r, NULL, NULL, NULL), EDGEFN_EINVAL);
  q.struct_size = 8;
  ASSERT_EQ(edgefn_rules_match(r, &q, NULL, NULL), EDGEFN_EVERSION);
  q.struct_size = sizeof(q);
  q.url = NULL;
  ASSERT_EQ(edgefn_rules_match(r, &q, NULL, NULL), EDGEFN_EINVAL);
  q.url = "https://a/";
  q.header_count = 2;
  ASSERT_EQ(edgefn_rules_match(r, &q, NULL, NULL), EDGEFN_EINVAL);
  q.header_count = 0;
  ASSERT_EQ(edgefn_rules_match(r, &q, NULL, NULL), 1);
  edgefn_rules_free(r);

  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  ASSERT_EQ(edgefn_rules_from_json(NULL, "{}", 2, NULL, &err), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_rules_from_json(&r, NULL, 3, NULL, &err), EDGEFN_EINVAL);
  ASSERT(r == NULL);
  edgefn_rules_builder *b = NULL;
  ASSERT_EQ(edgefn_rules_builder_new(&b), 0);
  ASSERT_EQ(edgefn_rules_build(b, NULL, &err), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_rules_build(NULL, &r, &err), EDGEFN_EINVAL);
  edgefn_rules_builder_free(b);
  return 0;
}

TEST(rules_field_host) {
  edgefn_rules *r = cond1("host", NULL, "equals", 0, "'example.com'");
  EXPECT_URLS(r, "+https://example.com/", "+https://EXAMPLE.com:8443/x?y",
              "+http://user:pw@Example.COM", "+https://example.com?q", "+https://example.com#f",
              "-https://example.comx/", "-https://www.example.com/", "-/example.com",
              "-https://example.com.evil/", "-https://evil.com/@example.com");
  r = cond1("host", NULL, "equals", 0, "'[::1]', 'EXAMPLE.ORG'");
  EXPECT_URLS(r, "+http://[::1]:8080/", "+http://[::1]", "+https://example.org", "-http://[::2]/");
  r = cond1("host", NULL, "exists", 0, NULL);
  EXPECT_URLS(r, "+https://a/", "-/relative/path", "-http:///nohost", "-https://:80/");
  r = cond1("host", NULL, "wildcard", 0, "'*.example.com'");
  EXPECT_URLS(r, "+https://api.example.com/", "+https://A.B.EXAMPLE.COM", "-https://example.com/",
              "-https://api.example.com.cn/");
  /* Host regexes ignore case like every other host comparison. */
  r = cond1("host", NULL, "regex", 0, "'^API[0-9]+\\\\.'");
  EXPECT_URLS(r, "+https://api12.example.com/", "-https://api.example.com/");
  return 0;
}

TEST(rules_field_path_url) {
  edgefn_rules *r = cond1("path", NULL, "equals", 0, "'/'");
  EXPECT_URLS(r, "+https://a", "+https://a/", "+https://a?x=1", "+https://a#frag", "-https://a/x");
  r = cond1("path", NULL, "prefix", 0, "'/api/'");
  EXPECT_URLS(r, "+https://a/api/", "+https://a/api/v1?x", "-https://a/API/", "-https://a/api",
              "-https://a/x?/api/", "-https://a/x#/api/");
  r = cond1("path", NULL, "prefix", 1, "'/api/'");
  EXPECT_URLS(r, "+https://a/API/v1", "+https://a/Api/", "-https://a/apix");
  /* Paths are compared as received, percent-encoding included. */
  r = cond1("path", NULL, "equals", 0, "'/a%20b'");
  EXPECT_URLS(r, "+https://a/a%20b", "-https://a/a b", "-https://a/a%2520b");
  r = cond1("path", NULL, "notEquals", 0, "'/a', '/b'");
  EXPECT_URLS(r, "+https://h/c", "+https://h/", "-https://h/a", "-https://h/b?x");
  r = cond1("url", NULL, "equals", 0, "'https://h/x?y=1'");
  EXPECT_URLS(r, "+https://h/x?y=1", "-https://h/x?y=2", "-https://h/x");
  r = cond1("url", NULL, "wildcard", 1, "'HTTPS://*/x?y=*'");
  EXPECT_URLS(r, "+https://h/x?y=1", "+https://other/x?y=", "-https://h/x", "-http://h/x?y=1");
  return 0;
}

TEST(rules_field_filename_extension) {
  edgefn_rules *r = cond1("extension", NULL, "equals", 0, "'jpg', 'png'");
  EXPECT_URLS(r, "+https://h/a.jpg", "+https://h/d/e/f.png?x=1.gif", "+https://h/a.b.jpg",
              "-https://h/a.JPG", "-https://h/jpg", "-https://h/a.jpg/", "-https://h/a.jpgx",
              "-https://h/x.jpg.gz");
  r = cond1("extension", NULL, "equals", 1, "'JPG'");
  EXPECT_URLS(r, "+https://h/a.jpg", "+https://h/a.Jpg");
  /* Names that begin with a dot are hidden files, not extensions; "file." has none. */
  r = cond1("extension", NULL, "exists", 0, NULL);
  EXPECT_URLS(r, "+https://h/a.b", "+https://h/.cfg.bak", "-https://h/.htaccess", "-https://h/..x",
              "-https://h/file.", "-https://h/", "-https://h/dir.d/", "-https://h/noext");
  r = cond1("extension", NULL, "equals", 0, "'gz'");
  EXPECT_URLS(r, "+https://h/archive.tar.gz", "+https://h/.cfg.gz", "-https://h/.gz");
  r = cond1("filename", NULL, "equals", 0, "'index.html'");
  EXPECT_URLS(r, "+https://h/index.html", "+https://h/a/b/index.html?x#y", "-https://h/index.html/",
              "-https://h/xindex.html");
  r = cond1("filename", NULL, "notExists", 0, NULL);
  EXPECT_URLS(r, "+https://h/", "+https://h", "+https://h/dir/", "-https://h/file");
  r = cond1("filename", NULL, "equals", 0, "'.htaccess'");
  EXPECT_URLS(r, "+https://h/x/.htaccess");
  return 0;
}

/* A match call splits only the parts of the URL its rule set tests (match.c, parse_url): a
 * condition must decide the same whether it stands alone or after rules on other fields
 * that never match, whatever those fields make the call parse. */
TEST(rules_url_parts_parsed_on_demand) {
  static const char *const conds[] = {
      "{'field': 'host', 'operator': 'equals', 'values': ['b.example']}",
      "{'field': 'path', 'operator': 'prefix', 'values': ['/a/']}",
      "{'field': 'extension', 'operator': 'equals', 'values': ['txt']}",
      "{'field': 'filename', 'operator': 'exists'}",
      "{'field': 'query', 'name': 'q', 'operator': 'equals', 'values': ['1']}",
      "{'field': 'url', 'operator': 'wildcard', 'values': ['*#f']}",
      "{'field': 'country', 'operator': 'equals', 'values': ['JP']}",
      "{'field': 'method', 'operator': 'equals', 'values': ['GET']}",
  };
  static const char *const fillers[] = {
      "", /* the condition alone */
      "{'function': 'g', 'match': [[{'field': 'host', 'operator': 'equals', 'values': ['n']}]]},",
      "{'function': 'g', 'match': [[{'field': 'path', 'operator': 'equals', 'values': ['/n']}]]},",
      "{'function': 'g', 'match': [[{'field': 'extension', 'operator': 'equals', 'values': "
      "['n']}]]},",
      "{'function': 'g', 'match': [[{'field': 'query', 'name': 'n', 'operator': 'exists'}]]},",
      "{'function': 'g', 'match': [[{'field': 'region', 'operator': 'exists'}]]},",
  };
  static const char *const urls[] = {
      "https://B.Example/a/x.txt?q=1#f", "https://u@b.example:8/a/?q=2", "http://[::1]/a/.txt",
      "https://b.example", "/a/b.txt?q=1", "https://b.example/x.txt#f?q=1", "x:/a/?q=1#f",
  };
  edgefn_geo geo = EDGEFN_GEO_INIT;
  geo.country_alpha2 = "JP";
  for (size_t c = 0; c < sizeof(conds) / sizeof(conds[0]); c++) {
    long alone[sizeof(urls) / sizeof(urls[0])];
    for (size_t f = 0; f < sizeof(fillers) / sizeof(fillers[0]); f++) {
      char json[1024];
      snprintf(json, sizeof(json), "{'rules': [%s{'function': 'f', 'match': [[%s]]}]}",
               fillers[f], conds[c]);
      edgefn_rules *r = load_json(json, NULL);
      ASSERT(r);
      for (size_t u = 0; u < sizeof(urls) / sizeof(urls[0]); u++) {
        reqspec s = {.url = urls[u], .method = "GET", .geo = u % 2 ? &geo : NULL};
        long w = which(r, &s);
        ASSERT(w >= -1);
        if (f == 0) {
          alone[u] = w;
        } else if (w != (alone[u] == 0 ? 1 : -1)) {
          fprintf(stderr, "condition %zu, filler %zu, %s: %ld, alone %ld\n", c, f, urls[u], w,
                  alone[u]);
          edgefn_rules_free(r);
          return 1;
        }
      }
      edgefn_rules_free(r);
    }
  }
  /* Spot checks that the conditions above are not all trivially false. */
  edgefn_rules *r = cond1("extension", NULL, "equals", 0, "'txt'");
  EXPECT_URLS(r, "+https://B.Example/a/x.txt?q=1#f", "-http://[::1]/a/.txt");
  r = cond1("host", NULL, "equals", 0, "'b.example'");
  EXPECT_URLS(r, "+https://u@b.example:8/a/?q=2", "+https://B.Example/a/x.txt?q=1#f");
  return 0;
}

TEST(rules_operators_and_values) {
  edgefn_rules *r = cond1("path", NULL, "wildcard", 0, "'/img/*.png', '/a?c', '*/end', '/x*'");
  EXPECT_URLS(r, "+https://h/img/a/b.png", "+https://h/img/.png", "+https://h/abc",
              "+https://h/a/c", "+https://h/q/end", "+https://h/x", "+https://h/xyz",
              "-https://h/ac", "-https://h/abbc", "-https://h/img/a.png/", "-https://h/end/x",
              "-https://h/y");
  /* '?' takes one character, several bytes in UTF-8. */
  r = cond1("path", NULL, "wildcard", 0, "'/?/*?x'");
  EXPECT_URLS(r, "+https://h/\xc3\xa9/\xe2\x82\xacx", "+https://h/a/bx", "-https://h/\xc3\xa9/x",
              "-https://h/ab/bx");
  r = cond1("path", NULL, "wildcard", 0, "'*a*a*a*a*a*a*a*b'");
  EXPECT_URLS(r, "-https://h/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
              "+https://h/aaaaaaaaaab");
  r = cond1("path", NULL, "wildcard", 1, "'/API/*'");
  EXPECT_URLS(r, "+https://h/api/x", "+https://h/Api/", "-https://h/apix");
  r = cond1("path", NULL, "regex", 0, "'^/v[0-9]+/', 'users$'");
  EXPECT_URLS(r, "+https://h/v1/x", "+https://h/a/users", "-https://h/x/v2/?users",
              "-https://h/V1/x", "-https://h/users/x");
  /* Anchored literal starts are checked before PCRE2 runs; quantifiers, alternation and
   * multi-byte characters must not make that check refuse a real match. */
  r = cond1("path", NULL, "regex", 0,
            "'^/ab+c', '^/x\xc3\xa9+y', '^/q|/w', '^/lit{2}', '^/opt?z', '^/exact/'");
  EXPECT_URLS(r, "+https://h/abbbc", "-https://h/ac/../abc", "+https://h/x\xc3\xa9\xc3\xa9y",
              "+https://h/a/w", "+https://h/litt", "+https://h/opz", "+https://h/exact/1",
              "-https://h/ac", "-https://h/xy", "-https://h/lit", "-https://h/exac");
  r = cond1("path", NULL, "regex", 1, "'^/V[0-9]+/'");
  EXPECT_URLS(r, "+https://h/v1/x", "+https://h/V22/");
  r = cond1("path", NULL, "notEquals", 1, "'/ADMIN'");
  EXPECT_URLS(r, "+https://h/x", "-https://h/admin", "-https://h/Admin");
  r = cond1("path", NULL, "exists", 0, NULL);
  EXPECT_URLS(r, "+https://h", "+https://h/x");
  r = cond1("path", NULL, "notExists", 0, NULL);
  EXPECT_URLS(r, "-https://h", "-https://h/x");
  return 0;
}

TEST(rules_query) {
  edgefn_rules *r = cond1("query", "q", "equals", 0, "'a b'");
  EXPECT_URLS(r, "+https://h/?q=a+b", "+https://h/?q=a%20b", "+https://h/?x=1&q=a%20b&q=zz",
              "+https://h/?%71=a+b", "+https://h/?q=a+b#frag", "-https://h/?q=a+b+",
              "-https://h/?q=zz&q=a+b", "-https://h/?Q=a+b", "-https://h/#?q=a+b",
              "-https://h/?xq=a+b");
  r = cond1("query", "q", "exists", 0, NULL);
  EXPECT_URLS(r, "+https://h/?q=", "+https://h/?q", "+https://h/?a=1&q&b", "-https://h/",
              "-https://h/?", "-https://h/?qq=1", "-https://h/?=q");
  r = cond1("query", "q", "equals", 0, "''");
  EXPECT_URLS(r, "+https://h/?q=", "+https://h/?q&q=1", "-https://h/?q=1", "-https://h/");
  /* A '%' without two hex digits stays itself; decoding happens once. */
  r = cond1("query", "q", "equals", 0, "'100%', '%zz', '%41', '50%2'");
  EXPECT_URLS(r, "+https://h/?q=100%", "+https://h/?q=%zz", "+https://h/?q=%2541",
              "+https://h/?q=50%2", "-https://h/?q=A");
  r = cond1("query", "a b&c", "prefix", 1, "'X'");
  EXPECT_URLS(r, "+https://h/?a+b%26c=xyz", "+https://h/?a%20b%26c=X", "-https://h/?a+b&c=x");
  r = cond1("query", "q", "notEquals", 0, "'1'");
  EXPECT_URLS(r, "+https://h/", "+https://h/?q=2", "-https://h/?q=1");
  r = cond1("query", "q", "regex", 0, "'^\\\\d+$'");
  EXPECT_URLS(r, "+https://h/?q=123", "-https://h/?q=12a", "-https://h/?q=%FF");
  /* Long encoded values go through the per-thread scratch memory. */
  char url[20000] = "https://h/?q=";
  for (int i = 0; i < 4000; i++)
    strcat(url, "%41");
  r = cond1("query", "q", "regex", 0, "'^A{4000}$'");
  ASSERT(r);
  ASSERT(url_hits(r, url));
  edgefn_rules_free(r);
  return 0;
}

TEST(rules_headers) {
  edgefn_rules *r =
      load_json("{'rules': ["
                "{'function': 'ua', 'match': [[{'field': 'header', 'name': 'User-Agent', "
                "'operator': 'prefix', 'values': ['curl/']}]]},"
                "{'function': 'joined', 'match': [[{'field': 'header', 'name': 'x-tag', "
                "'operator': 'equals', 'values': ['a, b, c']}]]},"
                "{'function': 'noauth', 'match': [[{'field': 'header', 'name': 'authorization', "
                "'operator': 'notExists'}]]}]}",
                NULL);
  ASSERT(r);
  edgefn_header h1[] = {{"USER-AGENT", 10, "curl/8", 6}, {"Authorization", 13, "x", 1}};
  reqspec s = {.url = "https://h/", .headers = h1, .header_count = 2};
  ASSERT_EQ(which(r, &s), 0);
  edgefn_header h2[] = {{"x-tag", 5, "a", 1},
                        {"Authorization", 13, "x", 1},
                        {"X-Tag", 5, "b", 1},
                        {"x-taggy", 7, "z", 1},
                        {"X-TAG", 5, "c", 1}};
  s.headers = h2;
  s.header_count = 5;
  ASSERT_EQ(which(r, &s), 1);
  s.header_count = 3;
  ASSERT_EQ(which(r, &s), -1);
  s.header_count = 0;
  s.headers = NULL;
  ASSERT_EQ(which(r, &s), 2);
  edgefn_header h3[] = {{"user-agent", 10, "Mozilla", 7}, {"x-tag", 5, NULL, 0}};
  s.headers = h3;
  s.header_count = 2;
  ASSERT_EQ(which(r, &s), 2);
  edgefn_rules_free(r);

  /* An empty header value exists and equals "". */
  r = cond1("header", "x-empty", "equals", 0, "''");
  ASSERT(r);
  edgefn_header h4[] = {{"X-Empty", 7, "", 0}};
  s.headers = h4;
  s.header_count = 1;
  ASSERT_EQ(which(r, &s), 0);
  edgefn_rules_free(r);
  r = cond1("header", "accept", "wildcard", 1, "'*TEXT/HTML*'");
  ASSERT(r);
  edgefn_header h5[] = {{"accept", 6, "application/json", 16}, {"Accept", 6, "text/html", 9}};
  s.headers = h5;
  s.header_count = 2;
  ASSERT_EQ(which(r, &s), 0);
  s.header_count = 1;
  ASSERT_EQ(which(r, &s), -1);
  edgefn_rules_free(r);
  return 0;
}

TEST(rules_method_country_region) {
  edgefn_rules *r = load_json(
      "{'rules': ["
      "{'function': 'post', 'match': [[{'field': 'method', 'operator': 'equals', "
      "'values': ['POST', 'PUT']}]]},"
      "{'function': 'jp', 'match': [[{'field': 'country', 'operator': 'equals', "
      "'values': ['JP']}, {'field': 'region', 'operator': 'equals', 'values': ['JP-13']}]]},"
      "{'function': 'nocountry', 'match': [[{'field': 'country', 'operator': 'notExists'}]]},"
      "{'function': 'notcn', 'match': [[{'field': 'country', 'operator': 'notEquals', "
      "'values': ['cn'], 'ignoreCase': true}]]},"
      "{'function': 'get', 'match': [[{'field': 'method', 'operator': 'equals', "
      "'values': ['GET']}]]}]}",
      NULL);
  ASSERT(r);
  reqspec s = {.url = "https://h/", .method = "POST"};
  ASSERT_EQ(which(r, &s), 0);
  s.method = "post";
  ASSERT_EQ(which(r, &s), 2);
  s.method = NULL;
  ASSERT_EQ(which(r, &s), 2);

  edgefn_geo geo = EDGEFN_GEO_INIT;
  geo.country_alpha2 = "JP";
  geo.region_code = "JP-13";
  s.geo = &geo;
  ASSERT_EQ(which(r, &s), 1);
  geo.region_code = "JP-27";
  ASSERT_EQ(which(r, &s), 3);
  geo.country_alpha2 = "CN";
  ASSERT_EQ(which(r, &s), 4);
  geo.country_alpha2 = NULL;
  ASSERT_EQ(which(r, &s), 2);

  /* A geo struct from an older host that ends before country_alpha2: no country. */
  geo.country_alpha2 = "JP";
  geo.region_code = "JP-13";
  geo.struct_size = (uint32_t)offsetof(edgefn_geo, country_alpha2);
  ASSERT_EQ(which(r, &s), 2);
  /* ... and one that ends before region_code: a country but no region. */
  geo.struct_size = (uint32_t)offsetof(edgefn_geo, region_code);
  ASSERT_EQ(which(r, &s), 3);
  geo.struct_size = sizeof(geo);
  ASSERT_EQ(which(r, &s), 1);

  /* A request struct from before geo existed: geo is never read. */
  edgefn_request q = make(&s);
  q.struct_size = (uint32_t)offsetof(edgefn_request, geo);
  size_t idx = 0;
  ASSERT_EQ(edgefn_rules_match(r, &q, NULL, &idx), 1);
  ASSERT_EQ(idx, 2);
  edgefn_rules_free(r);
  return 0;
}

static long ip_which(const edgefn_rules *r, const char *ip) {
  reqspec s = {.url = "https://h/", .ip = ip};
  return which(r, &s);
}

TEST(rules_client_ip) {
  edgefn_rules *r = load_json(
      "{'rules': ["
      "{'function': 'v4', 'match': [[{'field': 'clientIp', 'operator': 'equals', "
      "'values': ['10.0.0.0/8', '192.0.2.7', '198.51.100.0/24']}]]},"
      "{'function': 'v6', 'match': [[{'field': 'client_ip', 'operator': 'equals', "
      "'values': ['2001:db8::/32', '::1/128', 'fe80::1']}]]},"
      "{'function': 'host32', 'match': [[{'field': 'clientIp', 'operator': 'equals', "
      "'values': ['203.0.113.9/32']}]]},"
      "{'function': 'notprivate', 'match': [[{'field': 'clientIp', 'operator': 'notEquals', "
      "'values': ['172.16.0.0/12', '0.0.0.0/0']}]]},"
      "{'function': 'none', 'match': [[{'field': 'clientIp', 'operator': 'notExists'}]]},"
      "{'function': 'all6', 'match': [[{'field': 'clientIp', 'operator': 'equals', "
      "'values': ['::/0']}]]}]}",
      NULL);
  ASSERT(r);
  ASSERT_EQ(ip_which(r, "10.1.2.3"), 0);
  ASSERT_EQ(ip_which(r, "10.255.255.255"), 0);
  ASSERT_EQ(ip_which(r, "11.0.0.0"), 5);
  ASSERT_EQ(ip_which(r, "192.0.2.7"), 0);
  ASSERT_EQ(ip_which(r, "192.0.2.8"), 5);
  ASSERT_EQ(ip_which(r, "198.51.100.255"), 0);
  /* IPv4-mapped IPv6 clients fall into IPv4 blocks. */
  ASSERT_EQ(ip_which(r, "::ffff:10.9.8.7"), 0);
  ASSERT_EQ(ip_which(r, "::FFFF:c000:0207"), 0);
  ASSERT_EQ(ip_which(r, "2001:db8:1::5"), 1);
  ASSERT_EQ(ip_which(r, "2001:db9::"), 3);
  ASSERT_EQ(ip_which(r, "::1"), 1);
  ASSERT_EQ(ip_which(r, "[::1]"), 1);
  ASSERT_EQ(ip_which(r, "::2"), 3);
  ASSERT_EQ(ip_which(r, "fe80::1%eth0"), 1);
  ASSERT_EQ(ip_which(r, "203.0.113.9"), 2);
  ASSERT_EQ(ip_which(r, "203.0.113.10"), 5);
  /* 0.0.0.0/0 holds every IPv4 address and no IPv6 one; ::/0 holds both. */
  ASSERT_EQ(ip_which(r, "172.20.0.1"), 5);
  /* No address (or one that does not parse) is absent: notEquals holds, equals does not. */
  ASSERT_EQ(ip_which(r, NULL), 3);
  ASSERT_EQ(ip_which(r, "not an ip"), 3);
  ASSERT_EQ(ip_which(r, "1.2.3"), 3);
  ASSERT_EQ(ip_which(r, "01.2.3.4"), 3);
  edgefn_rules_free(r);
  r = cond1("clientIp", NULL, "notExists", 0, NULL);
  ASSERT(r);
  ASSERT_EQ(ip_which(r, NULL), 0);
  ASSERT_EQ(ip_which(r, "bogus"), 0);
  ASSERT_EQ(ip_which(r, "1.2.3.4"), -1);
  edgefn_rules_free(r);

  /* Host bits beyond the prefix are ignored; /0 and /128 edges. */
  r = cond1("clientIp", NULL, "equals", 0, "'10.1.2.3/8'");
  ASSERT(r);
  ASSERT_EQ(ip_which(r, "10.200.0.1"), 0);
  edgefn_rules_free(r);
  r = cond1("clientIp", NULL, "equals", 0, "'2001:db8::1/128'");
  ASSERT(r);
  ASSERT_EQ(ip_which(r, "2001:db8::1"), 0);
  ASSERT_EQ(ip_which(r, "2001:db8::0"), -1);
  edgefn_rules_free(r);
  r = cond1("clientIp", NULL, "equals", 0, "'::ffff:0:0/96'");
  ASSERT(r);
  ASSERT_EQ(ip_which(r, "1.2.3.4"), 0);
  ASSERT_EQ(ip_which(r, "::1.2.3.4"), -1);
  edgefn_rules_free(r);
  r = cond1("clientIp", NULL, "equals", 0, "'128.0.0.0/1', '8000::/1'");
  ASSERT(r);
  ASSERT_EQ(ip_which(r, "200.1.1.1"), 0);
  ASSERT_EQ(ip_which(r, "100.1.1.1"), -1);
  ASSERT_EQ(ip_which(r, "ffff::1"), 0);
  ASSERT_EQ(ip_which(r, "7fff::1"), -1);
  edgefn_rules_free(r);
  r = cond1("clientIp", NULL, "equals", 0, "'2001:db8:0:0:8000::/65'");
  ASSERT(r);
  ASSERT_EQ(ip_which(r, "2001:db8::8000:0:0:1"), 0);
  ASSERT_EQ(ip_which(r, "2001:db8::7fff:0:0:1"), -1);
  edgefn_rules_free(r);
  r = cond1("clientIp", NULL, "exists", 0, NULL);
  ASSERT(r);
  ASSERT_EQ(ip_which(r, "::"), 0);
  ASSERT_EQ(ip_which(r, ""), -1);
  edgefn_rules_free(r);
  return 0;
}

TEST(rules_structure_and_order) {
  /* rule 0: (host = a AND path ^/x) OR (method = DELETE); rule 1: host = a; rule 2: any. */
  edgefn_rules *r =
      load_json("{'version': 1, 'rules': ["
                "{'function': 'first', 'description': 'two groups', 'match': ["
                "  [{'field': 'path', 'operator': 'prefix', 'values': ['/x']},"
                "   {'field': 'host', 'operator': 'equals', 'values': ['a']}],"
                "  [{'field': 'method', 'operator': 'equals', 'values': ['DELETE']}]]},"
                "{'function': 'second', 'match': [[{'field': 'host', 'operator': 'equals', "
                "'values': ['a']}]]},"
                "{'function': 'second', 'match': [[{'field': 'host', 'operator': 'equals', "
                "'values': ['a']}]]},"
                "{'function': 'rest', 'match': []}]}",
                NULL);
  ASSERT(r);
  ASSERT_EQ(edgefn_rules_count(r), 4);
  reqspec s = {.url = "https://a/x1"};
  ASSERT_EQ(which(r, &s), 0);
  s.url = "https://b/x1";
  ASSERT_EQ(which(r, &s), 3);
  s.method = "DELETE";
  ASSERT_EQ(which(r, &s), 0);
  s.method = "GET";
  s.url = "https://a/y";
  ASSERT_EQ(which(r, &s), 1);
  edgefn_request q = make(&s);
  const char *fn = NULL;
  ASSERT_EQ(edgefn_rules_match(r, &q, &fn, NULL), 1);
  ASSERT_STREQ(fn, "second");
  edgefn_rules_free(r);
  return 0;
}

TEST(rules_json_syntax_errors) {
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  edgefn_rules *r = (edgefn_rules *)1;
  const char *text = "{\n  \"rules\": [\n    {\"function\": \"a\",, }\n  ]\n}";
  ASSERT_EQ(edgefn_rules_from_json(&r, text, strlen(text), "site.json", &err), EDGEFN_EINVAL);
  ASSERT(r == NULL);
  ASSERT_EQ(err.code, EDGEFN_EINVAL);
  ASSERT_EQ(err.line, 3);
  ASSERT(err.column >= 20 && err.column <= 22);
  ASSERT_STREQ(err.file, "site.json");
  ASSERT(err.message[0]);

  err = (edgefn_error_info)EDGEFN_ERROR_INFO_INIT;
  ASSERT_EQ(edgefn_rules_from_json(&r, "", 0, NULL, &err), EDGEFN_EINVAL);
  ASSERT(err.message[0]);
  /* Truncated input, and a duplicate key (the second would otherwise win silently). */
  text = "{\"rules\": [";
  ASSERT_EQ(edgefn_rules_from_json(&r, text, strlen(text), NULL, &err), EDGEFN_EINVAL);
  ASSERT_EQ(err.line, 1);
  text = "{\"rules\": [],\n \"rules\": []}";
  ASSERT_EQ(edgefn_rules_from_json(&r, text, strlen(text), NULL, &err), EDGEFN_EINVAL);
  ASSERT_EQ(err.line, 2);
  ASSERT(strstr(err.message, "duplicate"));
  /* The length is honoured: no NUL terminator is needed. */
  text = "{\"rules\": []}garbage";
  ASSERT_EQ(edgefn_rules_from_json(&r, text, 13, NULL, &err), 0);
  edgefn_rules_free(r);
  /* An old error struct (smaller than today's) is left alone rather than overrun. */
  edgefn_error_info small = EDGEFN_ERROR_INFO_INIT;
  small.struct_size = 8;
  ASSERT_EQ(edgefn_rules_from_json(&r, "[", 1, NULL, &small), EDGEFN_EINVAL);
  ASSERT_EQ(small.line, 0);
  return 0;
}

/* Loads `json` and expects it refused with a message containing `want`. */
static int refused(const char *json, const char *want) {
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  edgefn_rules *r = load_json(json, &err);
  if (r) {
    fprintf(stderr, "accepted: %s\n", json);
    edgefn_rules_free(r);
    return 0;
  }
  if (err.code != EDGEFN_EINVAL || !strstr(err.message, want) || err.line != 0 ||
      strcmp(err.file, "rules.json") != 0) {
    fprintf(stderr, "got \"%s\" (code %d line %d), want \"%s\"\n", err.message, err.code, err.line,
            want);
    return 0;
  }
  return 1;
}

#define RULE0 "{'function': 'ok', 'match': [[{'field': 'path', 'operator': 'exists'}]]}"
#define C(body) "{'rules': [" RULE0 ", " RULE0 ", {'function': 'f', 'match': [" body "]}]}"

TEST(rules_json_semantic_errors) {
  ASSERT(refused("[]", "top level: a rule file is an object"));
  ASSERT(refused("{'rule': []}", "top level: unknown key 'rule'"));
  ASSERT(refused("{}", "rules: missing"));
  ASSERT(refused("{'rules': {}}", "rules: must be an array"));
  ASSERT(refused("{'version': 2, 'rules': []}", "version: only version 1"));
  ASSERT(refused("{'rules': [" RULE0 ", 5]}", "rule 1: a rule is an object"));
  ASSERT(refused("{'rules': [{'funtion': 'f', 'match': []}]}", "rule 0: unknown key 'funtion'"));
  ASSERT(refused("{'rules': [{'match': []}]}", "rule 0: function: missing"));
  ASSERT(refused("{'rules': [{'function': '', 'match': []}]}", "rule 0: function: must be"));
  ASSERT(refused("{'rules': [{'function': 3, 'match': []}]}", "rule 0: function: must be"));
  ASSERT(refused("{'rules': [{'function': 'f', 'description': 1, 'match': []}]}",
                 "rule 0: description: must be a string"));
  ASSERT(refused("{'rules': [{'function': 'f'}]}", "rule 0: match: missing"));
  ASSERT(refused("{'rules': [{'function': 'f', 'match': {}}]}", "rule 0: match: must be an array"));
  ASSERT(refused(C("{}"), "rule 2: match[0]: a group is an array"));
  ASSERT(refused(C("[]"), "rule 2: match[0]: an empty group"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'exists'}], []"), "rule 2: match[1]: an empty"));
  ASSERT(refused(C("['x']"), "rule 2: match[0][0]: a condition is an object"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'exists', 'value': 'x'}]"),
                 "rule 2: match[0][0]: unknown key 'value'"));
  ASSERT(refused(C("[{'operator': 'exists'}]"), "rule 2: match[0][0].field: missing"));
  ASSERT(refused(C("[{'field': 1, 'operator': 'exists'}]"), "rule 2: match[0][0].field: must be"));
  ASSERT(refused(C("[{'field': 'hots', 'operator': 'exists'}]"),
                 "rule 2: match[0][0].field: unknown field 'hots'"));
  ASSERT(refused(C("[{'field': 'host'}]"), "rule 2: match[0][0].operator: missing"));
  ASSERT(refused(C("[{'field': 'host', 'operator': true}]"), "rule 2: match[0][0].operator: must"));
  ASSERT(refused(C("[{'field': 'host', 'operator': 'startswith', 'values': ['a']}]"),
                 "rule 2: match[0][0].operator: unknown operator 'startswith'"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'exists'}, {'field': 'header', "
                   "'operator': 'exists'}]"),
                 "rule 2: match[0][1].name: header conditions need a name"));
  ASSERT(refused(C("[{'field': 'query', 'name': '', 'operator': 'exists'}]"),
                 "rule 2: match[0][0].name: query conditions need a name"));
  ASSERT(refused(C("[{'field': 'header', 'name': 5, 'operator': 'exists'}]"),
                 "rule 2: match[0][0].name: must be a string"));
  ASSERT(refused(C("[{'field': 'header', 'name': 'x y', 'operator': 'exists'}]"),
                 "rule 2: match[0][0].name: 'x y' is not a valid header name"));
  ASSERT(refused(C("[{'field': 'path', 'name': 'x', 'operator': 'exists'}]"),
                 "rule 2: match[0][0].name: only query and header"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'exists', 'ignoreCase': 1}]"),
                 "rule 2: match[0][0].ignoreCase: must be true or false"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'exists', 'values': ['/']}]"),
                 "rule 2: match[0][0].values: exists takes no values"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'not_exists', 'values': ['/']}]"),
                 "rule 2: match[0][0].values: notExists takes no values"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'equals'}]"),
                 "rule 2: match[0][0].values: at least one value"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'equals', 'values': []}]"),
                 "rule 2: match[0][0].values: at least one value"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'equals', 'values': '/'}]"),
                 "rule 2: match[0][0].values: must be an array"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'equals', 'values': ['/', 7]}]"),
                 "rule 2: match[0][0].values[1]: must be a string"));
  ASSERT(refused(C("[{'field': 'path', 'operator': 'equals', 'values': ['/', 'api']}]"),
                 "rule 2: match[0][0].values[1]: 'api': path values begin with '/'"));
  ASSERT(refused(C("[{'field': 'extension', 'operator': 'equals', 'values': ['.jpg']}]"),
                 "rule 2: match[0][0].values[0]: '.jpg': extensions are given without the dot"));
  ASSERT(refused(C("[{'field': 'host', 'operator': 'equals', 'values': ['a.com:80']}]"),
                 "rule 2: match[0][0].values[0]: 'a.com:80': the host field has no port"));
  ASSERT(refused(C("[{'field': 'url', 'operator': 'prefix', 'values': ['']}]"),
                 "rule 2: match[0][0].values[0]: an empty prefix matches everything"));
  ASSERT(refused(C("[{'field': 'url', 'operator': 'regex', 'values': ['']}]"),
                 "rule 2: match[0][0].values[0]: an empty regex matches everything"));
  ASSERT(refused(C("[{'field': 'url', 'operator': 'regex', 'values': ['a', '(b']}]"),
                 "rule 2: match[0][0].values[1]: bad regex at offset 2"));
  ASSERT(refused(C("[{'field': 'clientIp', 'operator': 'equals', 'values': ['10.0.0.0/33']}]"),
                 "rule 2: match[0][0].values[0]: '10.0.0.0/33' is not an IP address"));
  ASSERT(refused(C("[{'field': 'clientIp', 'operator': 'equals', 'values': ['::/129']}]"),
                 "values[0]: '::/129' is not an IP"));
  ASSERT(refused(C("[{'field': 'clientIp', 'operator': 'equals', 'values': ['10.0.0.0/']}]"),
                 "values[0]: '10.0.0.0/' is not an IP"));
  ASSERT(refused(C("[{'field': 'clientIp', 'operator': 'equals', 'values': ['10.0.0.0/+8']}]"),
                 "is not an IP"));
  ASSERT(refused(C("[{'field': 'clientIp', 'operator': 'equals', 'values': ['example.com']}]"),
                 "is not an IP"));
  ASSERT(refused(C("[{'field': 'clientIp', 'operator': 'prefix', 'values': ['10.']}]"),
                 "rule 2: match[0][0].operator: clientIp takes equals or notEquals"));
  /* Everything before the bad condition was fine: the whole file is still refused. */
  ASSERT(refused(C("[{'field': 'path', 'operator': 'exists'}], [{'field': 'path', "
                   "'operator': 'exists'}, {'field': 'method', 'operator': 'regex', "
                   "'values': ['[']}]"),
                 "rule 2: match[1][1].values[0]: bad regex"));
  /* snake_case aliases are accepted. */
  edgefn_rules *r = load_json(
      C("[{'field': 'file_extension', 'operator': 'not_equals', 'values': ['x'], "
        "'ignore_case': true}, {'field': 'request_header', 'name': 'a', 'operator': 'exists'},"
        " {'field': 'file_name', 'operator': 'exists'}]"),
      NULL);
  ASSERT(r);
  edgefn_rules_free(r);
  return 0;
}

TEST(rules_builder_errors) {
  edgefn_rules_builder *b = NULL;
  ASSERT_EQ(edgefn_rules_builder_new(&b), 0);
  edgefn_rule_condition c = EDGEFN_RULE_CONDITION_INIT;
  c.field = EDGEFN_RULE_PATH;
  c.op = EDGEFN_RULE_EXISTS;
  ASSERT_EQ(edgefn_rules_builder_add_condition(b, &c), EDGEFN_ESTATE);
  ASSERT(strstr(edgefn_rules_builder_last_error(b), "no rule yet"));
  ASSERT_EQ(edgefn_rules_builder_add_group(b), EDGEFN_ESTATE);
  edgefn_rules_builder_free(b);

  /* Each refusal names the rule, group, condition and key, and adds nothing. */
  struct {
    int field, op;
    const char *name;
    uint32_t flags, size;
    const char *v0;
    size_t n;
    int code;
    const char *want;
  } cases[] = {
      {0, EDGEFN_RULE_EXISTS, NULL, 0, 0, NULL, 0, EDGEFN_EINVAL, "match[1][0].field: unknown"},
      {12, EDGEFN_RULE_EXISTS, NULL, 0, 0, NULL, 0, EDGEFN_EINVAL, "field: unknown field 12"},
      {EDGEFN_RULE_PATH, 0, NULL, 0, 0, NULL, 0, EDGEFN_EINVAL, "operator: unknown"},
      {EDGEFN_RULE_PATH, 8, NULL, 0, 0, NULL, 0, EDGEFN_EINVAL, "operator: unknown operator 8"},
      {EDGEFN_RULE_PATH, EDGEFN_RULE_EXISTS, NULL, 6, 0, NULL, 0, EDGEFN_EINVAL, "flags: unknown"},
      {EDGEFN_RULE_PATH, EDGEFN_RULE_EXISTS, NULL, 0, 8, NULL, 0, EDGEFN_EVERSION, "struct_size"},
      {EDGEFN_RULE_HEADER, EDGEFN_RULE_EXISTS, NULL, 0, 0, NULL, 0, EDGEFN_EINVAL, "name:"},
      {EDGEFN_RULE_HEADER, EDGEFN_RULE_EXISTS, "a:b", 0, 0, NULL, 0, EDGEFN_EINVAL, "name: 'a:b'"},
      {EDGEFN_RULE_HOST, EDGEFN_RULE_EXISTS, "x", 0, 0, NULL, 0, EDGEFN_EINVAL, "name: only"},
      {EDGEFN_RULE_HOST, EDGEFN_RULE_EQUALS, NULL, 0, 0, NULL, 0, EDGEFN_EINVAL, "values: at"},
      {EDGEFN_RULE_HOST, EDGEFN_RULE_EQUALS, NULL, 0, 0, NULL, 1, EDGEFN_EINVAL,
       "values[0]: value"},
      {EDGEFN_RULE_HOST, EDGEFN_RULE_EXISTS, NULL, 0, 0, "a", 1, EDGEFN_EINVAL, "takes no values"},
      {EDGEFN_RULE_CLIENT_IP, EDGEFN_RULE_REGEX, NULL, 0, 0, "1", 1, EDGEFN_EINVAL, "clientIp"},
      {EDGEFN_RULE_URL, EDGEFN_RULE_REGEX, NULL, 0, 0, "a)", 1, EDGEFN_EINVAL, "bad regex"},
      {EDGEFN_RULE_URL, EDGEFN_RULE_REGEX, NULL, 0, 0, "\xff", 1, EDGEFN_EINVAL, "bad regex"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    ASSERT_EQ(edgefn_rules_builder_new(&b), 0);
    ASSERT_EQ(edgefn_rules_builder_add_rule(b, "a"), 0);
    ASSERT_EQ(edgefn_rules_builder_add_rule(b, "b"), 0);
    c = (edgefn_rule_condition)EDGEFN_RULE_CONDITION_INIT;
    c.field = EDGEFN_RULE_PATH;
    c.op = EDGEFN_RULE_EXISTS;
    ASSERT_EQ(edgefn_rules_builder_add_condition(b, &c), 0);
    ASSERT_EQ(edgefn_rules_builder_add_group(b), 0);
    c.field = cases[i].field;
    c.op = cases[i].op;
    c.name = cases[i].name;
    c.flags = cases[i].flags;
    if (cases[i].size)
      c.struct_size = cases[i].size;
    const char *vals[] = {cases[i].v0};
    c.values = vals;
    c.value_count = cases[i].n;
    if (edgefn_rules_builder_add_condition(b, &c) != cases[i].code ||
        !strstr(edgefn_rules_builder_last_error(b), cases[i].want) ||
        strncmp(edgefn_rules_builder_last_error(b), "rule 1: match[1][0]", 19) != 0) {
      fprintf(stderr, "case %zu: %s\n", i, edgefn_rules_builder_last_error(b));
      return 1;
    }
    /* The failure sticks: this builder will not build a rule that lost a condition. */
    edgefn_rules *r = NULL;
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    ASSERT_EQ(edgefn_rules_build(b, &r, &err), EDGEFN_ESTATE);
    ASSERT(r == NULL);
    ASSERT(strstr(err.message, cases[i].want));
    edgefn_rules_builder_free(b);
  }

  ASSERT_EQ(edgefn_rules_builder_new(&b), 0);
  ASSERT_EQ(edgefn_rules_builder_add_rule(b, NULL), EDGEFN_EINVAL);
  ASSERT(strstr(edgefn_rules_builder_last_error(b), "rule 0: function"));
  ASSERT_EQ(edgefn_rules_builder_add_rule(b, ""), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_rules_builder_add_rule(b, "x"), 0);
  ASSERT_EQ(edgefn_rules_builder_add_condition(b, NULL), EDGEFN_EINVAL);
  edgefn_rules_builder_free(b);
  ASSERT_EQ(edgefn_rules_builder_add_rule(NULL, "x"), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_rules_builder_add_group(NULL), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_rules_builder_add_condition(NULL, &c), EDGEFN_EINVAL);
  ASSERT(edgefn_rules_builder_last_error(NULL) != NULL);
  return 0;
}

TEST(rules_refcount) {
  edgefn_rules *r = cond1("path", NULL, "regex", 0, "'^/a'");
  ASSERT(r);
  ASSERT(edgefn_rules_ref(r) == r);
  ASSERT(edgefn_rules_ref(r) == r);
  edgefn_rules_free(r);
  edgefn_rules_free(r);
  /* Still alive with one reference (ASan would catch a use after free here). */
  ASSERT(url_hits(r, "https://h/a"));
  edgefn_rules_free(r);
  return 0;
}

/* ---- concurrency ---- */

static edgefn_rules *shared_rules;

typedef struct worker {
  unsigned seed;
  long mismatches;
} worker;

static const char *const thread_urls[] = {
    "https://api.example.com/v1/users?id=7",
    "https://www.example.com/img/a.PNG",
    "https://example.com/private/x",
    "https://other.org/?lang=en+us",
};

/* What the rules below pick for thread_urls[u] with the header present or not. */
static long expected(int u, int with_header) {
  static const long table[4][2] = {{0, 0}, {1, 1}, {3, 2}, {4, 2}};
  return table[u][with_header];
}

static void *worker_main(void *arg) {
  worker *w = arg;
  edgefn_header h[] = {{"X-Secret", 8, "let me in", 9}, {"accept", 6, "*/*", 3}};
  for (int i = 0; i < 100000; i++) {
    int u = (int)(rand_r(&w->seed) % 4), hdr = (int)(rand_r(&w->seed) % 2);
    reqspec s = {.url = thread_urls[u],
                 .headers = h + (hdr ? 0 : 1),
                 .header_count = hdr ? 2 : 1,
                 .ip = "10.0.0.1"};
    if (which(shared_rules, &s) != expected(u, hdr))
      w->mismatches++;
  }
  return NULL;
}

TEST(rules_concurrent_matching) {
  shared_rules = load_json(
      "{'rules': ["
      "{'function': 'api', 'match': [[{'field': 'host', 'operator': 'regex', 'values': "
      "['^api\\\\.']},"
      " {'field': 'query', 'name': 'id', 'operator': 'regex', 'values': ['^[0-9]+$']}]]},"
      "{'function': 'img', 'match': [[{'field': 'extension', 'operator': 'wildcard', "
      "'values': ['p?g'], 'ignoreCase': true}]]},"
      "{'function': 'secret', 'match': [[{'field': 'header', 'name': 'x-secret', "
      "'operator': 'regex', 'values': ['let.*in']}, {'field': 'clientIp', 'operator': "
      "'equals', 'values': ['10.0.0.0/8']}]]},"
      "{'function': 'private', 'match': [[{'field': 'path', 'operator': 'prefix', "
      "'values': ['/private/']}]]},"
      "{'function': 'lang', 'match': [[{'field': 'query', 'name': 'lang', 'operator': 'equals', "
      "'values': ['en us']}]]}]}",
      NULL);
  ASSERT(shared_rules);
  pthread_t t[4];
  worker w[4];
  for (int i = 0; i < 4; i++) {
    w[i] = (worker){.seed = (unsigned)i * 7919u + 1u, .mismatches = 0};
    ASSERT_EQ(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
  }
  long bad = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    bad += w[i].mismatches;
  }
  ASSERT_EQ(bad, 0);
  edgefn_rules_free(shared_rules);
  return 0;
}

TEST(rules_regex_limits) {
  /* Exponential backtracking on a subject that almost matches: the match limit must stop it
   * (and count as no match) in far less time than PCRE2's defaults would take. */
  edgefn_rules *r =
      load_json("{'rules': [{'function': 'evil', 'match': [[{'field': 'query', 'name': 'q', "
                "'operator': 'regex', 'values': ['^(a+)+$', '^(\\\\w+\\\\s?)*$']}]]},"
                "{'function': 'next', 'match': []}]}",
                NULL);
  ASSERT(r);
  char url[256] = "https://h/?q=";
  for (int i = 0; i < 40; i++)
    strcat(url, "a");
  strcat(url, "!");
  reqspec s = {.url = url};
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < 10; i++)
    ASSERT_EQ(which(r, &s), 1);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
  printf("  10 catastrophic matches: %.2f ms\n", ms);
  ASSERT(ms < 1000);
  /* The same patterns still match what they should. */
  s.url = "https://h/?q=aaaa";
  ASSERT_EQ(which(r, &s), 0);
  edgefn_rules_free(r);
  return 0;
}

/* ---- random rules against random requests: no crash, no error, no leak ---- */

static const char *pick(unsigned *seed, const char *const *list, size_t n) {
  return list[rand_r(seed) % n];
}

TEST(rules_fuzz) {
  static const char *const vals[] = {
      "/",   "/a",  "a",     "*", "?",   "*a*",    "a?b",      "^a",         "a$",   "JP",
      "GET", "x.y", "/a/b*", "",  "%41", "(a|b)+", "\xc3\xa9", "10.0.0.0/8", "::/0", "1.2.3.4"};
  static const char *const urls[] = {
      "https://a/",         "http://A:1@B:2/a/b.c?d=e&f", "/a/b",         "x",
      "https://[::1]/?a=%", "https://h/a%41?a=%41+&a",    "https://h/.x", "https://h/x.",
      "https://h?#",        "http://h/\xc3\xa9"};
  static const char *const ips[] = {NULL, "10.1.1.1", "::1", "::ffff:10.0.0.1", "bogus", "1.2.3.4"};
  unsigned seed = 12345;
  long matched = 0, built = 0, refusals = 0;
  for (int round = 0; round < 300; round++) {
    edgefn_rules_builder *b = NULL;
    ASSERT_EQ(edgefn_rules_builder_new(&b), 0);
    int nrules = 1 + (int)(rand_r(&seed) % 8);
    for (int i = 0; i < nrules; i++) {
      ASSERT_EQ(edgefn_rules_builder_add_rule(b, "f"), 0);
      int nconds = (int)(rand_r(&seed) % 5);
      for (int c = 0; c < nconds; c++) {
        if (rand_r(&seed) % 3 == 0)
          ASSERT_EQ(edgefn_rules_builder_add_group(b), 0);
        edgefn_rule_condition cond = EDGEFN_RULE_CONDITION_INIT;
        const char *v[3];
        /* Draw until a condition passes a throw-away builder; a refused one would leave
         * the real builder failed for good. */
        for (int tries = 0;; tries++) {
          cond.field = 1 + (int)(rand_r(&seed) % 11);
          cond.op = 1 + (int)(rand_r(&seed) % 7);
          cond.flags = rand_r(&seed) % 2;
          cond.name = NULL;
          if (cond.field == EDGEFN_RULE_QUERY || cond.field == EDGEFN_RULE_HEADER)
            cond.name = rand_r(&seed) % 2 ? "a" : "d";
          cond.value_count = cond.op == EDGEFN_RULE_EXISTS || cond.op == EDGEFN_RULE_NOT_EXISTS
                                 ? 0
                                 : 1 + rand_r(&seed) % 3;
          for (size_t k = 0; k < cond.value_count; k++)
            v[k] = pick(&seed, vals, sizeof(vals) / sizeof(vals[0]));
          cond.values = v;
          edgefn_rules_builder *probe = NULL;
          ASSERT_EQ(edgefn_rules_builder_new(&probe), 0);
          ASSERT_EQ(edgefn_rules_builder_add_rule(probe, "p"), 0);
          int prc = edgefn_rules_builder_add_condition(probe, &cond);
          edgefn_rules_builder_free(probe);
          refusals += prc != 0;
          if (prc == 0)
            break;
          ASSERT(tries < 1000);
        }
        ASSERT_EQ(edgefn_rules_builder_add_condition(b, &cond), 0);
      }
    }
    edgefn_rules *r = NULL;
    int rc = edgefn_rules_build(b, &r, NULL);
    edgefn_rules_builder_free(b);
    ASSERT_EQ(rc, 0);
    built++;
    edgefn_geo geo = EDGEFN_GEO_INIT;
    geo.country_alpha2 = "JP";
    for (int q = 0; q < 200; q++) {
      edgefn_header h[] = {{"A", 1, "x", 1}, {"a", 1, "\xff", 1}, {"D", 1, "", 0}};
      reqspec s = {.url = pick(&seed, urls, sizeof(urls) / sizeof(urls[0])),
                   .method = rand_r(&seed) % 2 ? "GET" : "POST",
                   .headers = h,
                   .header_count = rand_r(&seed) % 4,
                   .ip = ips[rand_r(&seed) % (sizeof(ips) / sizeof(ips[0]))],
                   .geo = rand_r(&seed) % 2 ? &geo : NULL};
      long w = which(r, &s);
      ASSERT(w >= -1);
      matched += w >= 0;
    }
    edgefn_rules_free(r);
  }
  /* Random JSON-ish bytes must be refused cleanly, never crash. */
  static const char alphabet[] = "{}[]\",:'rulesfunctionmatchfieldoperatorvalues 0123 truenull\\";
  for (int i = 0; i < 2000; i++) {
    char text[128];
    size_t n = rand_r(&seed) % sizeof(text);
    for (size_t k = 0; k < n; k++)
      text[k] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
    edgefn_rules *r = NULL;
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    if (edgefn_rules_from_json(&r, text, n, NULL, &err) == 0)
      edgefn_rules_free(r);
  }
  printf("  %ld sets built, %ld matches, %ld conditions refused\n", built, matched, refusals);
  ASSERT(matched > 0 && refusals > 0);
  return 0;
}
