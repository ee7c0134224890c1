const items = [{ n: 'a', q: 2 }, { n: 'b', q: 0 }];
const html = `<ul>${items.map(({ n, q }) => `<li class="${q ? 'in' : 'out'}">${n}${q ? ` x${q}` : ''}</li>`).join('')}</ul>`;
console.log(html);
console.log(`${1}${2}` + `${`${`deep`}`}`, `a\`b`, `line1
line2`.split('\n').length);
