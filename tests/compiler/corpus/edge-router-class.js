class Router {
  #routes = [];
  get(path, h) { this.#routes.push({ m: 'GET', path, h }); return this; }
  post(path, h) { this.#routes.push({ m: 'POST', path, h }); return this; }
  async handle({ method, path }) {
    for (const { m, path: p, h } of this.#routes) if (m === method && p === path) return h({ method, path });
    return { status: 404 };
  }
}
const r = new Router().get('/', async () => ({ status: 200, body: 'root' })).post('/x', ({ method }) => ({ status: 201, body: method }));
(async () => {
  for (const req of [{ method: 'GET', path: '/' }, { method: 'POST', path: '/x' }, { method: 'GET', path: '/no' }]) {
    const { status, body = '-' } = await r.handle(req);
    console.log(status, body);
  }
})();
