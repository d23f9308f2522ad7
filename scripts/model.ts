/**
 * npm run model -- list | promote NAME | rollback
 *
 * The models folder: every model with its lineage and the gate's verdict; make one active
 * (atomically, only if it loads); go back to the model served before. A running bot picks the
 * change up by itself (it watches models/active.json).
 */
import dotenv from 'dotenv';
import { fail, parseCli, runMain } from '../src/cli/args.ts';
import { ConfigError, loadScriptConfig } from '../src/config.ts';
import { listVersions, promote, rollback } from '../src/retrain/versions.ts';

const USAGE = `
npm run model -- <command>

  list            every model, newest first: active, lineage, MNIST and held-back accuracy, verdict
  promote NAME    make NAME the active model (it must load)
  rollback        go back to the model that was active before the current one

Reads MODELS_DIR from the environment or .env (default models).
`;

const pct = (x: number | null | undefined) => (typeof x === 'number' ? `${(100 * x).toFixed(2)}%` : '–');

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const { positionals } = parseCli(USAGE, {}, true);
  let modelsDir: string;
  try {
    modelsDir = loadScriptConfig().modelsDir;
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : String(err));
  }
  const [command, name, ...rest] = positionals;
  if (rest.length > 0) fail(`too many arguments\n${USAGE.trim()}`, 2);
  switch (command) {
    case 'list': {
      const versions = await listVersions(modelsDir);
      if (versions.length === 0) return void console.log(`no models in ${modelsDir}`);
      for (const m of versions) {
        const mnist = m.testAccuracy ?? (typeof m.metrics.mnistTestAccuracy === 'number' ? m.metrics.mnistTestAccuracy : null);
        console.log(
          `${m.active ? '*' : ' '} ${m.name}  ${m.arch}  ${m.createdAt.slice(0, 16).replace('T', ' ')}  MNIST ${pct(mnist)}` +
            `${typeof m.metrics.holdoutAccuracy === 'number' ? `  held-back ${pct(m.metrics.holdoutAccuracy)}` : ''}` +
            `${m.parent ? `  parent ${m.parent}` : ''}`,
        );
        if (m.verdict) console.log(`    ${m.verdict.status} (run ${m.verdict.run ?? '–'}): ${m.verdict.reason}`);
      }
      return;
    }
    case 'promote': {
      if (!name) fail('promote needs a model name (see npm run model -- list)', 2);
      const r = await promote(modelsDir, name, 'cli');
      console.log(`active: ${name} (was ${r.previous ?? 'none'})`);
      return;
    }
    case 'rollback': {
      if (name) fail('rollback takes no argument', 2);
      const r = await rollback(modelsDir, 'cli');
      console.log(`rolled back: ${r.from} → ${r.to}`);
      return;
    }
    default:
      fail(`unknown command ${command === undefined ? '(none)' : `"${command}"`}\n${USAGE.trim()}`, 2);
  }
}

runMain(main);
