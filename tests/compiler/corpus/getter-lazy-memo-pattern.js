let computed = 0;
const obj = {
  get expensive() {
    computed++;
    const value = [1, 2, 3].map(x => x * 2);
    Object.defineProperty(this, 'expensive', { value, writable: false });
    return value;
  },
};
console.log(obj.expensive, obj.expensive, computed);
