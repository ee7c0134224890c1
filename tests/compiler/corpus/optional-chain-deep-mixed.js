const data = { user: { profile: { emails: ['a@x'], greet(n) { return 'hi ' + n + ' from ' + this.emails[0]; } } } };
console.log(data?.user?.profile?.emails?.[0], data.user?.missing?.deep.deeper, data.user.profile.greet?.('bob'));
console.log(data.nothing?.[0]?.x, data.user.profile.nope?.(), typeof data?.user?.profile?.greet);
const arr = null;
console.log(arr?.length, arr?.[0], (arr?.x)?.y);
