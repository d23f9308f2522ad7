// Worker threads cannot start from a .ts file under tsx, so this plain module registers the
// TypeScript loader in the worker and then runs the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
