const routes = {
  '/': async () => ({ status: 200, body: 'home' }),
  '/api': async ({ q = 'none' } = {}) => ({ status: 200, body: `api:${q}` }),
};
async function handle(path, params) {
  const h = routes[path] ?? (async () => ({ status: 404, body: 'nf' }));
  const { status, body } = await h(params);
  return `${status} ${body}`;
}
(async () => {
  for (const [p, q] of [['/', undefined], ['/api', { q: 'x' }], ['/nope']]) console.log(await handle(p, q));
})();
