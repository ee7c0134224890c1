const data = { users: [{ id: 1, roles: ['admin', 'dev'] }, { id: 2, roles: [] }] };
const { users: [{ roles: [, secondRole = 'none'] }, { roles: [firstOfSecond = 'empty'] }] } = data;
console.log(secondRole, firstOfSecond);
