// The retrain child process starts here: fork() of a .ts file would depend on the parent's
// flags and working folder, so this plain module registers the TypeScript loader (as
// src/training/worker-entry.mjs does for worker threads) and runs the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./child.ts');
