const o = {
  *ids() { yield 1; yield 2; },
  async load() { return [...this.ids()]; },
  async *stream() { yield* this.ids(); },
};
o.load().then(v => console.log('load', v));
(async () => { const s = []; for await (const x of o.stream()) s.push(x); console.log('stream', s); })();
