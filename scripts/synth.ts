/**
 * Writes synthetic chat pictures for looking at: the files, manifest.json and contact.png.
 *
 *   npm run synth -- --seed S --n N --out DIR     (or --split dev|test instead of --seed)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fail, num, parseCli, runMain } from '../src/cli/args.ts';
import { SPLIT_SEEDS, SYNTH_KINDS, generatePicture, isSynthKind, splitOfSeed, type SynthPicture } from '../src/data/synth/index.ts';
import { contactSheet } from '../src/data/synth/contact.ts';
import { Rng } from '../src/nn/rng.ts';

const USAGE = `Usage: npm run synth -- [options]

Generates labelled synthetic chat pictures (phone photos, EXIF-rotated photos, numbers,
drawing-app exports, non-digit pictures) and writes them with manifest.json and contact.png.

Options:
  --seed <n>       generator seed (any seed other than the dev/test seeds is a training seed)
  --split <name>   dev | test: use that split's fixed seed instead of --seed
  --n <n>          number of pictures, indices 0..n-1 (default 48)
  --start <i>      first index (default 0)
  --kind <k>       only pictures of this kind (${SYNTH_KINDS.join(', ')}); made with generatePicture's kind option
  --out <dir>      output folder (default out/synth)
  --random <k>     only k indices drawn at random (seeded by --seed/--split) from start..start+n-1
  --no-files       write only manifest.json (and contact.png), not the pictures
  --boxes          outline each digit's mark on the contact sheet
  --contact <n>    thumbnails on the contact sheet, 0 for none (default min(n, 96))
  --help           show this help
`;

runMain(async () => {
  const { values } = parseCli(USAGE, {
    seed: { type: 'string' },
    split: { type: 'string' },
    n: { type: 'string' },
    start: { type: 'string' },
    kind: { type: 'string' },
    out: { type: 'string' },
    boxes: { type: 'boolean' },
    random: { type: 'string' },
    'no-files': { type: 'boolean' },
    contact: { type: 'string' },
  });
  const isInt = (n: number): boolean => Number.isInteger(n) && n >= 0;
  let seed: number;
  if (values.split !== undefined) {
    if (values.split !== 'dev' && values.split !== 'test') fail(`--split must be dev or test, got "${values.split}"`, 2);
    if (values.seed !== undefined) fail('give --seed or --split, not both', 2);
    seed = SPLIT_SEEDS[values.split];
  } else {
    if (values.seed === undefined) fail('give --seed S or --split dev|test (see --help)', 2);
    seed = num(values.seed, 'seed', 0, (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32);
  }
  const n = num(values.n, 'n', 48, (v) => isInt(v) && v >= 1 && v <= 100_000);
  const start = num(values.start, 'start', 0, isInt);
  const kind = values.kind;
  if (kind !== undefined && !isSynthKind(kind)) fail(`--kind must be one of ${SYNTH_KINDS.join(', ')}, got "${kind}"`, 2);
  let indices = Array.from({ length: n }, (_, i) => start + i);
  if (values.random !== undefined) {
    const k = num(values.random, 'random', n, (v) => isInt(v) && v >= 1 && v <= n);
    indices = new Rng(seed ^ 0x5eed).shuffle(indices).slice(0, k).sort((a, b) => a - b);
  }
  const contactN = num(values.contact, 'contact', Math.min(indices.length, 96), isInt);
  const out = resolve(values.out ?? 'out/synth');
  await mkdir(out, { recursive: true });

  const manifest: object[] = [];
  const forSheet: SynthPicture[] = [];
  const kinds = new Map<string, number>();
  const hazards = new Map<string, number>();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let done = 0;
  for (const i of indices) {
    const p = await generatePicture(seed, i, kind === undefined ? {} : { kind });
    const file = `${p.id}.${p.format === 'jpeg' ? 'jpg' : p.format}`;
    if (values['no-files'] !== true) await writeFile(join(out, file), p.bytes);
    manifest.push({ file, label: p.label, kind: p.kind, hazards: p.hazards, marks: p.marks, subject: p.subject, width: p.width, height: p.height, format: p.format });
    if (forSheet.length < contactN) forSheet.push(p);
    kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
    for (const h of p.hazards) hazards.set(h, (hazards.get(h) ?? 0) + 1);
    if (++done % 100 === 0) process.stderr.write(`  ${done}/${indices.length}\r`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const count = indices.length;
  await writeFile(join(out, 'manifest.json'), JSON.stringify({ seed, split: splitOfSeed(seed), start, n, pictures: manifest }, null, 1));
  if (forSheet.length > 0) await writeFile(join(out, 'contact.png'), await contactSheet(forSheet, { boxes: values.boxes === true }));
  const list = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  process.stdout.write(
    `${count} pictures (seed ${seed}, ${splitOfSeed(seed)} split) in ${seconds.toFixed(1)} s = ${(count / seconds).toFixed(2)} pictures/s ` +
      `(${cpuSeconds.toFixed(1)} CPU s, all threads = ${(count / cpuSeconds).toFixed(2)} pictures per CPU second) -> ${out}\n` +
      `kinds: ${list(kinds)}\nhazards: ${list(hazards)}\n`,
  );
});
