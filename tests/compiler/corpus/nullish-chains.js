const cfg = { a: { b: 0, c: null, d: '' } };
console.log(cfg.a.b ?? 1, cfg.a.c ?? 2, cfg.a.d ?? 3, cfg.x?.y ?? 4, cfg?.a?.c?.d ?? 5);
const f = (o) => o?.a?.b?.() ?? 'fallback';
console.log(f(), f({ a: { b: () => 'called' } }), f({ a: {} }));
