/**
 * The generator's pictures for docs/synth.md: a contact sheet of 48 random test-split pictures
 * (docs/synth-contact.png) and one example per shown hazard (docs/synth/*.jpg, small thumbnails).
 *
 *   npm run synth-docs -- [--out docs]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { parseCli, runMain } from '../src/cli/args.ts';
import { SPLIT_SEEDS, generatePicture, type SynthHazard, type SynthPicture } from '../src/data/synth/index.ts';
import { checkerboard, contactSheet } from '../src/data/synth/contact.ts';
import { Rng } from '../src/nn/rng.ts';

const USAGE = `Usage: npm run synth-docs -- [--out docs]

Writes docs/synth-contact.png (48 random pictures of the first 2,000 of the test split, seeded)
and docs/synth/<hazard>.jpg examples (the first test-split digit pictures with those hazards).
`;

/** Examples to show: a file name and what the picture must have. */
const EXAMPLES: { name: string; all: SynthHazard[] }[] = [
  { name: 'desk-edge-ruled', all: ['desk-edge', 'ruled'] },
  { name: 'exif-rotated', all: ['exif'] },
  { name: 'pencil-shadow', all: ['pencil', 'shadow-hard'] },
  { name: 'perspective-grid', all: ['perspective', 'grid'] },
  { name: 'transparent', all: ['transparent'] },
  { name: 'discord-grey', all: ['discord-grey'] },
];

/** A thumbnail shown upright, at most 480 px, on a checkerboard when transparent. */
async function thumbnail(p: SynthPicture): Promise<Buffer> {
  const img = await sharp(p.bytes).rotate().resize(480, 480, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  const { width = 1, height = 1 } = await sharp(img).metadata();
  return sharp(checkerboard(width, height)).composite([{ input: img }]).jpeg({ quality: 85 }).toBuffer();
}

runMain(async () => {
  const { values } = parseCli(USAGE, { out: { type: 'string' } });
  const out = resolve(values.out ?? 'docs');
  await mkdir(join(out, 'synth'), { recursive: true });
  const seed = SPLIT_SEEDS.test;
  const indices = new Rng(12345).shuffle(Array.from({ length: 2000 }, (_, i) => i)).slice(0, 48).sort((a, b) => a - b);
  const pics: SynthPicture[] = [];
  for (const i of indices) pics.push(await generatePicture(seed, i));
  const sheet = await contactSheet(pics, { palette: true });
  await writeFile(join(out, 'synth-contact.png'), sheet);
  process.stdout.write(`synth-contact.png: ${pics.length} pictures, ${(sheet.length / 1e6).toFixed(2)} MB\n`);
  for (const ex of EXAMPLES) {
    for (let i = 0; i < 2000; i++) {
      const p = await generatePicture(seed, i);
      if (p.label === null || !ex.all.every((h) => p.hazards.includes(h))) continue;
      if (ex.name === 'transparent' && p.format !== 'png') continue;
      await writeFile(join(out, 'synth', `${ex.name}.jpg`), await thumbnail(p));
      process.stdout.write(`synth/${ex.name}.jpg: ${p.id} (${p.label ?? 'no digit'}; ${p.hazards.join(', ')})\n`);
      break;
    }
  }
});
