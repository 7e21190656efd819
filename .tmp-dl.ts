import { checkCommand } from './src/core/safety/denyList';
import { writtenPaths } from './src/core/safety/bashWrites';
const mode = process.argv[2];
for (const c of process.argv.slice(3)) {
  const r = mode === 'd' ? checkCommand(c, undefined, { home: '/home/u', workspaceRoot: '/work/main' }) : writtenPaths(c);
  console.log(JSON.stringify(c).padEnd(60), JSON.stringify(r));
}
