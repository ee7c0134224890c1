const listeners = {};
const addListener = (type, fn) => { (listeners[type] ??= []).push(fn); };
addListener('fetch', event => event.respondWith(handle(event.request)));
async function handle(req) {
  const cache = handle.cache ??= new Map();
  if (cache.has(req.url)) return `cached ${cache.get(req.url)}`;
  const v = `fresh ${req.url.length}`;
  cache.set(req.url, v);
  return v;
}
(async () => {
  for (const url of ['/a', '/a', '/bb']) {
    let responded;
    const event = { request: { url }, respondWith(p) { responded = p; } };
    listeners.fetch.forEach(l => l(event));
    console.log(await responded);
  }
})();
