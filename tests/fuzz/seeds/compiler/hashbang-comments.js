#!/usr/bin/env node
// comment
/* block */ console.log("hashbang ok"); <!-- html comment
console.log(1 /* inline */ + 2);
