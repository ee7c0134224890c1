async function onRequest(context) {
  const { request, params: { id = 'none' } = {}, env: { GREETING = 'hi' } = {} } = context;
  return `${GREETING} ${request.method} ${id}`;
}
async function onRequestPost({ request }) {
  const body = await Promise.resolve(request.body);
  return `posted ${body?.length ?? 0} bytes`;
}
(async () => {
  console.log(await onRequest({ request: { method: 'GET' }, params: { id: '42' } }));
  console.log(await onRequest({ request: { method: 'HEAD' }, env: { GREETING: 'yo' } }));
  console.log(await onRequestPost({ request: { body: 'abc' } }), await onRequestPost({ request: {} }));
})();
