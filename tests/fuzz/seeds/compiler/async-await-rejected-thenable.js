const t = { then(_, rej) { rej(new Error('thenable rejected')); } };
(async () => { try { await t; } catch (e) { console.log(e.message); } })();
