function f() {
  return
  42;
}
let a = 1
let b = a
++b
const c = [1, 2]
;[3, 4].forEach(x => c.push(x))
console.log(f(), a, b, c.join(''))
const t = `x`
console.log(t)
