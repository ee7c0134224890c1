const out = [];
for (const ch of 'aé€') out.push(ch);
console.log(out.length, out.join(','));
