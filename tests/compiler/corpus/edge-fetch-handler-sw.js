const handlers = [];
const addEventListener = (t, h) => handlers.push(h);
addEventListener('fetch', (event) => {
  event.respondWith((async () => {
    const { searchParams } = new URL(event.request.url);
    const name = searchParams.get('name') ?? 'anon';
    return { body: `hi ${name}`, status: 200 };
  })());
});
const event = { request: { url: 'https://x.test/?name=eo' }, respondWith(p) { p.then(r => console.log(r.status, r.body)); } };
handlers.forEach(h => h(event));
