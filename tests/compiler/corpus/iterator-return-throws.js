const it = { [Symbol.iterator]() { return { next: () => ({ value: 1, done: false }), return() { throw new Error('from return'); } }; } };
try { for (const x of it) break; } catch (e) { console.log('break:', e.message); }
try { for (const x of it) throw new Error('body'); } catch (e) { console.log('throw:', e.message); }
