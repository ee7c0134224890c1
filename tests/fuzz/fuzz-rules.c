/* Rules JSON: the input up to the first NUL is a rule file; what follows describes a
 * request, one field per line (method, URL, client IP, country, region, then "name: value"
 * header lines), which every rule set that loads is matched against. */
#include <edgefn/edgefn.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADERS 16

/* The next line of [*p, end) as a NUL-terminated copy in buf (cut to fit). */
static char *next_line(const char **p, const char *end, char *buf, size_t size) {
  const char *nl = memchr(*p, '\n', (size_t)(end - *p));
  const char *e = nl ? nl : end;
  size_t n = (size_t)(e - *p) < size - 1 ? (size_t)(e - *p) : size - 1;
  memcpy(buf, *p, n);
  buf[n] = '\0';
  *p = nl ? nl + 1 : end;
  return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  const char *in = (const char *)data, *end = in + size;
  const char *nul = memchr(in, '\0', size);
  size_t json_len = nul ? (size_t)(nul - in) : size;
  /* An exact-size copy: ASan then catches a read one past the end (no NUL is promised). */
  char *json = malloc(json_len ? json_len : 1);
  if (!json)
    return 0;
  memcpy(json, in, json_len);
  edgefn_rules *rules = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_rules_from_json(&rules, json, json_len, "fuzz.json", &err);
  free(json);
  if (rc != 0) {
    if (rules || err.code != rc)
      abort();
    return 0;
  }
  for (size_t i = 0; i < edgefn_rules_count(rules); i++)
    if (!edgefn_rules_function(rules, i))
      abort();

  const char *p = nul ? nul + 1 : end;
  char method[64], url[1024], ip[64], country[8], region[16];
  next_line(&p, end, method, sizeof(method));
  next_line(&p, end, url, sizeof(url));
  next_line(&p, end, ip, sizeof(ip));
  next_line(&p, end, country, sizeof(country));
  next_line(&p, end, region, sizeof(region));
  static char lines[MAX_HEADERS][256];
  edgefn_header headers[MAX_HEADERS];
  size_t nh = 0;
  while (p < end && nh < MAX_HEADERS) {
    char *l = next_line(&p, end, lines[nh], sizeof(lines[nh]));
    char *colon = strchr(l, ':');
    size_t ln = strlen(l);
    headers[nh].name = l;
    headers[nh].name_len = colon ? (size_t)(colon - l) : ln;
    headers[nh].value = colon ? colon + 1 : l + ln;
    headers[nh].value_len = colon ? ln - headers[nh].name_len - 1 : 0;
    nh++;
  }
  edgefn_geo geo = EDGEFN_GEO_INIT;
  geo.country_alpha2 = country;
  geo.region_code = region;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = method;
  req.method_len = strlen(method);
  req.url = url;
  req.url_len = strlen(url);
  req.headers = headers;
  req.header_count = nh;
  req.client_ip = ip[0] ? ip : NULL;
  req.geo = country[0] ? &geo : NULL;
  const char *fn = NULL;
  size_t index = 0;
  rc = edgefn_rules_match(rules, &req, &fn, &index);
  if (rc == 1 && (!fn || index >= edgefn_rules_count(rules) ||
                  strcmp(fn, edgefn_rules_function(rules, index)) != 0))
    abort();
  if (rc != 0 && rc != 1 && rc != EDGEFN_EINVAL)
    abort();
  edgefn_rules *second = edgefn_rules_ref(rules);
  edgefn_rules_free(rules);
  edgefn_rules_free(second);
  return 0;
}
