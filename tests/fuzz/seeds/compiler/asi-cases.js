let a = 1
let b = 2
const c = a
+ b
console.log(c)
const f = () => {
  return
}
console.log(f())
let i = 0
i
++
i
console.log(i)
const arr = [1, 2]
;[3, 4].forEach(x => console.log(x))
const t = `x`
console.log(t)
var re = 4 / 2 / 1
console.log(re)
