async function firstEven(xs) { for (const x of xs) { await null; if (x % 2 === 0) return x; } return -1; }
firstEven([1, 3, 4, 5]).then(v => console.log('even', v));
firstEven([1]).then(v => console.log('none', v));
