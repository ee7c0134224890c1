// An object literal whose __proto__ is a Proxy (itty-router builds its routers this way):
// what the object lacks comes from the Proxy's traps, with the object as the receiver.
const routes = [];
const router = {
  __proto__: new Proxy({}, {
    get: (target, prop, receiver) => (path, ...handlers) => {
      routes.push([String(prop).toUpperCase(), path, handlers.length]);
      return receiver;
    },
    has: (target, prop) => prop === 'magic',
  }),
  routes,
  own: 1,
  get computed() { return this.own + 1; },
};
const chained = router.get('/a', () => 1).post('/b', () => 2, () => 3);
console.log(chained === router, JSON.stringify(routes));
console.log(router.own, router.computed, 'magic' in router, 'own' in router, 'nope' in router);
console.log(Object.keys(router).join(), JSON.stringify({ ...router }.routes));
const copy = { ...router };
console.log(typeof copy.get, copy.own);
// A plain prototype and null are unaffected.
const base = { hello() { return 'hi ' + this.name; } };
const plain = { __proto__: base, name: 'x' };
console.log(plain.hello(), Object.getPrototypeOf(plain) === base);
const bare = { __proto__: null, a: 1 };
console.log(Object.getPrototypeOf(bare), bare.a);
