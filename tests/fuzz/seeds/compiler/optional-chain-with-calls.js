const api = { users: { get: (id) => ({ id, profile: { name: 'n' + id } }) } };
console.log(api.users?.get(1)?.profile?.name, api.posts?.get(1)?.title, api.users.get?.(2).profile.name);
const maybeFn = null;
console.log(maybeFn?.(1, 2), typeof maybeFn?.call);
