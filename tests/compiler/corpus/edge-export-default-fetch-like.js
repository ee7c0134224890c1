const routes = {
  '/': () => ({ status: 200, body: 'home' }),
  '/json': () => ({ status: 200, body: JSON.stringify({ ok: true }) }),
};
const worker = {
  async fetch(request, env = {}, ctx = { waitUntil() {} }) {
    const url = new URL(request.url);
    const handler = routes[url.pathname] ?? (() => ({ status: 404, body: `no route ${url.pathname}` }));
    const { status, body } = handler();
    return { status, body, method: request.method ?? 'GET' };
  },
};
(async () => {
  for (const path of ['/', '/json', '/nope']) {
    const r = await worker.fetch({ url: 'https://example.com' + path });
    console.log(r.status, r.body, r.method);
  }
})();
