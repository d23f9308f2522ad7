/**
 * npm run predict -- [--json] [--explain DIR] [--model DIR] FILE...
 *
 * Reads the digits in each picture with the active model (or --model DIR) and prints one line
 * per file; with --json one JSON object per line:
 *   {"file", "digits" ("" when none), "confidence", "perDigit": [...], "reason"?, "error"?}
 * --explain DIR writes the 28x28 images the model saw (and an overview of the segmentation).
 * Exit code 0 when it ran, even if some files were refused; 2 for bad usage, 1 if no model loads.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadClassifier } from '../src/model/load.ts';
import type { DigitClassifier } from '../src/model/classifier.ts';
import { readDigits } from '../src/vision/read.ts';
import { decodeImage } from '../src/vision/decode.ts';
import { analyse } from '../src/vision/pipeline.ts';
import { resolveOptions } from '../src/vision/options.ts';
import { digitPng, overviewPng } from '../src/vision/explain.ts';
import { ImageRejectedError, type DigitReading, type Reading } from '../src/vision/types.ts';

const USAGE = 'usage: npm run predict -- [--json] [--explain DIR] [--model DIR] [--touching N] FILE...\n  --touching N  try cutting digits that touch into up to N pieces (experimental; default 1: never)';

/** Vision options from the flags (only --touching for now). */
let visionOptions: { touchingDigits?: number } = {};

interface FileResult {
  file: string;
  digits: string;
  confidence: number;
  perDigit: { digit: number; confidence: number; top3: { digit: number; p: number }[]; box: DigitReading['box'] }[];
  polarity?: string;
  reason?: string;
  error?: string;
  code?: string;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        explain: { type: 'string' },
        model: { type: 'string' },
        touching: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals: files } = args;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (files.length === 0) {
    console.error(USAGE);
    return 2;
  }
  if (values.touching !== undefined) {
    const n = Number(values.touching);
    if (!Number.isInteger(n) || n < 1 || n > 8) {
      console.error(`--touching must be a whole number from 1 to 8\n${USAGE}`);
      return 2;
    }
    visionOptions = { touchingDigits: n };
  }
  let classifier: DigitClassifier;
  const modelDir = values.model ?? 'models';
  try {
    classifier = await loadClassifier(modelDir);
  } catch (err) {
    console.error(`cannot load a model from ${modelDir}: ${(err as Error).message}`);
    return 1;
  }
  if (!values.json) console.log(`model: ${classifier.name}`);
  if (values.explain) await mkdir(values.explain, { recursive: true });

  for (const file of files) {
    const result = await predictFile(file, classifier, values.explain);
    console.log(values.json ? JSON.stringify(result) : formatLine(result));
  }
  return 0;
}

async function predictFile(file: string, classifier: DigitClassifier, explainDir?: string): Promise<FileResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return { file, digits: '', confidence: 0, perDigit: [], error: `Cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, code: 'io' };
  }
  let reading: Reading;
  try {
    reading = await readDigits(bytes, classifier, visionOptions);
  } catch (err) {
    const e = err instanceof ImageRejectedError ? err : new ImageRejectedError(String(err), 'internal');
    return { file, digits: '', confidence: 0, perDigit: [], error: e.message, code: e.code };
  }
  if (explainDir) await explain(file, bytes, reading, explainDir);
  return {
    file,
    digits: reading.digits,
    confidence: round(reading.confidence),
    perDigit: reading.perDigit.map((d) => ({
      digit: d.digit,
      confidence: round(d.confidence),
      top3: d.top3.map((t) => ({ digit: t.digit, p: round(t.p) })),
      box: d.box,
    })),
    polarity: reading.polarity,
    ...(reading.noDigit ? { reason: reading.reason } : {}),
  };
}

/** <name>-<i>-<digit>.png: the 28x28 images as the model saw them; <name>-overview.png: the ink mask and segments. */
async function explain(file: string, bytes: Buffer, reading: Reading, dir: string): Promise<void> {
  const stem = basename(file).replace(/\.[^.]+$/, '');
  const seen = reading.noDigit ? (reading.candidates ?? []) : reading.perDigit;
  await Promise.all(
    seen.map(async (d, i) => writeFile(join(dir, `${stem}-${i}-${d.digit}.png`), await digitPng(d.image))),
  );
  const opts = resolveOptions(visionOptions);
  const analysis = analyse((await decodeImage(bytes, opts)).image, opts);
  await writeFile(join(dir, `${stem}-overview.png`), await overviewPng(analysis));
}

function formatLine(r: FileResult): string {
  if (r.error) return `${r.file}: refused: ${r.error}`;
  if (!r.digits) return `${r.file}: no digit found (${r.reason ?? 'unknown reason'})`;
  const per = r.perDigit.map((d) => `${d.digit} ${(d.confidence * 100).toFixed(1)}%`).join(', ');
  return `${r.file}: ${r.digits}  confidence ${(r.confidence * 100).toFixed(1)}%  [${per}]`;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
