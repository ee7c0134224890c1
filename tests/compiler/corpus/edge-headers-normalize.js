const raw = [['Content-Type', 'text/html'], ['X-Custom', 'a'], ['x-custom', 'b'], ['SET-COOKIE', 'k=v']];
const headers = raw.reduce((acc, [k, v]) => {
  const key = k.toLowerCase();
  acc[key] = acc[key] ? `${acc[key]}, ${v}` : v;
  return acc;
}, {});
console.log(JSON.stringify(headers));
const { 'content-type': type = 'none', ...restHeaders } = headers;
console.log(type, Object.keys(restHeaders).sort().join(' '));
