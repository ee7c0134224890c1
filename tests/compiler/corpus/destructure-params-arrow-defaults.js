const area = ({ w = 1, h = w } = {}, [scale = 1] = []) => w * h * scale;
console.log(area(), area({ w: 3 }), area({ w: 2, h: 5 }, [10]));
const pick = ({ user: { name = 'anon', tags: [firstTag = 'none'] = [] } = {} }) => `${name}:${firstTag}`;
console.log(pick({}), pick({ user: { name: 'bo', tags: ['admin'] } }), pick({ user: { tags: [] } }));
