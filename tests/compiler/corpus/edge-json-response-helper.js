const json = (data, { status = 200, headers = {} } = {}) => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(data) });
console.log(json({ ok: true }));
console.log(json([1], { status: 201, headers: { 'x-id': '7' } }));
