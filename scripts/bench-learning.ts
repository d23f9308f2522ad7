/**
 * npm run bench-learning [-- --posted 400 --new 200 --poison 200]
 *
 * The learning loop measured end to end, as a server would live it: a "server style" from the
 * synthetic generator (single digits photographed, written in the dev split's typefaces, which the
 * reader was never trained on), the real bot (in process: discord.js client, store, vision pipeline,
 * the active model of a scratch copy of the models folder) against the Discord emulator.
 *  1. a reader posts M new pictures of the style: accuracy before (answered right = the answer is the label);
 *  2. P posters post N pictures and label every answer through the real components: ✅ when it is
 *     right, the 0-9 menu when it read another digit, ✏️ + the modal for "no digit found"; on a
 *     number read for the one digit drawn, the per-digit menus (the mark the strip shows on the
 *     drawn digit gets the digit, the others "not a digit"), or ✏️ + the modal when no read mark
 *     is on it. After a single-digit correction whose answer offers "Which mark shows the <d>?" and
 *     whose label is not on the drawn digit, the poster picks the stored mark (read or dropped)
 *     whose box matches the drawn digit's box best (onMark). A label held for a second opinion (bot/holds.ts) is seconded with 🤝 Agree by
 *     another member for a share --agree F of them;
 *  3. a manager runs /retrain (a forked child at low priority, the real gate); its time and figures;
 *  4. the reader posts the same M pictures again (never labelled, never trained on): accuracy after
 *     (the model promoted, if it was), and how many answers changed from wrong to right and back.
 * Prints what was stored per kind of label, how many labels were held, agreed and used, how many
 * labelled pictures left a sample fit to train on (trusted, not held) on the drawn digit's mark
 * with its label (its stored box matches the drawn digit's box: onMark), the gate's figures and the
 * outcome. --poison K: then, from a fresh copy and database, one user posts pictures and gives K
 * confident wrong labels (the menu, another digit than the one read right at p ≥ 0.9; nobody
 * seconds them; with --evade, under the flood limit only answers read at p < the hold confidence,
 * so that the labels are not held as contradicted and reach the gate);
 * the retrain must not promote and the served model must not change (poisoning.promoted, .modelMoved).
 * --others K: also reads K pictures of the synthetic test split (all kinds) before and after.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { fail, num, parseCli } from '../src/cli/args.ts';
import { generatePicture, SPLIT_SEEDS, FONT_PARTITION, PEN_KINDS, type PenKind, type SynthPicture } from '../src/data/synth/index.ts';
import { silentLogger } from '../src/log.ts';
import type { DigitClassifier } from '../src/model/classifier.ts';
import { ACTIVE_FILE, activeModelName, loadActiveModel, modelInfo } from '../src/model/registry.ts';
import { defaultRetrainSettings, type RetrainSettings } from '../src/retrain/candidate.ts';
import { forkTrainer } from '../src/retrain/fork.ts';
import { Retrainer } from '../src/retrain/job.ts';
import { encodeFeedbackId, NOT_A_DIGIT_VALUE } from '../src/bot/customIds.ts';
import { NONE } from '../src/store/assign.ts';
import { boxIntersection, type Box } from '../src/vision/raster.ts';
import { readDigits } from '../src/vision/read.ts';
import { lookForLabel } from '../src/vision/guided.ts';
import type { Reading } from '../src/vision/types.ts';
import { ALL_BASIC, DiscordEmulator, type RestCall } from '../test/support/emulator/index.ts';
import { startHarness, type Harness } from '../test/support/botHarness.ts';

const USAGE = `npm run bench-learning -- [options]

The learning loop end to end: a synthetic "server style" (single digits in the dev split's typefaces,
photographed), posted and labelled through the real bot and the Discord emulator, /retrain, and new
pictures of the style read before and after. Small defaults; the issue's size is --posted 400 --new 200.
  --posted N      pictures posted and labelled by the posters (default 60)
  --new M         new pictures read before and again after (default 40)
  --posters P     distinct posters (default 6)
  --agree F       share of held labels a second member seconds with 🤝 Agree (default 0.5)
  --flood N       labels an hour from which a user's labels are held (default: the bot's, 60)
  --poison K      then a poisoning run: one user's K confident wrong labels (default 0: none)
  --evade         the poisoner labels, under the flood limit, only answers read at p < the hold
                  confidence (no label held as contradicted: the gate must stop them)
  --others K      also read K synthetic test-split pictures (all kinds) before and after (default 0)
  --epochs E      retrain epochs (default 2)
  --replay R      MNIST images replayed in the retrain (default 5000)
  --mnist-gate G  MNIST validation images the gate measures (default 8000)
  --threads T     training threads of the retrain child (default 1)
  --cross-fit K   folds of the retrain's cross-fitting (default: the bot's, 2; 0: the gate measures
                  the held-back samples only)
  --max-side PX   long side of the photos (default 1000)
  --pen K         the style's pen: ${PEN_KINDS.join(' | ')} (default: each picture's own, mostly ballpoint;
                  pencil is a style the reader finds harder)
  --start S       the style's pictures are indices S.. of the dev seed (default 0: posted 0..N-1, new
                  N..N+M-1); tune with another range (e.g. 10000) than the one figures are quoted on
  --keep DIR      keep the honest server's database and models folder in DIR (bot.db, models/), e.g. for
                  npm run retrain-kept
  --models-dir D  models folder whose active model is copied (default models)
  --label-only    stop after the labelling: what was stored, and every correction that left no
                  sample on the right mark (why: the bot's words, what was stored where); no retrain
  --json          print the report as one JSON object only`;

const { values } = parseCli(USAGE, {
  posted: { type: 'string', default: '60' },
  new: { type: 'string', default: '40' },
  posters: { type: 'string', default: '6' },
  agree: { type: 'string', default: '0.5' },
  flood: { type: 'string' },
  poison: { type: 'string', default: '0' },
  others: { type: 'string', default: '0' },
  epochs: { type: 'string', default: '2' },
  replay: { type: 'string', default: '5000' },
  'mnist-gate': { type: 'string', default: '8000' },
  threads: { type: 'string', default: '1' },
  'cross-fit': { type: 'string' },
  'max-side': { type: 'string', default: '1000' },
  pen: { type: 'string' },
  'models-dir': { type: 'string', default: 'models' },
  start: { type: 'string', default: '0' },
  keep: { type: 'string' },
  evade: { type: 'boolean', default: false },
  'label-only': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
});
const whole = (n: number) => Number.isInteger(n) && n >= 0;
const POSTED = num(values.posted, 'posted', 60, (n) => whole(n) && n > 0);
const NEW = num(values.new, 'new', 40, (n) => whole(n) && n > 0);
const POSTERS = num(values.posters, 'posters', 6, (n) => whole(n) && n > 0);
const POISON = num(values.poison, 'poison', 0, whole);
const AGREE = num(values.agree, 'agree', 0.5, (n) => n >= 0 && n <= 1);
const FLOOD = values.flood === undefined ? null : num(values.flood, 'flood', 60, whole);
const OTHERS = num(values.others, 'others', 0, whole);
const MAX_SIDE = num(values['max-side'], 'max-side', 1000, (n) => whole(n) && n >= 64);
const isPen = (s: string): s is PenKind => (PEN_KINDS as readonly string[]).includes(s);
const PEN: PenKind | undefined =
  values.pen === undefined || isPen(values.pen) ? values.pen : fail(`--pen must be one of ${PEN_KINDS.join(', ')}, got "${values.pen}"`, 2);
const START = num(values.start, 'start', 0, (n) => whole(n) && n < 100_000);
const KEEP = values.keep === undefined ? null : resolve(values.keep);
const settings = (mode: RetrainSettings['mode']): RetrainSettings => ({
  ...defaultRetrainSettings(mode),
  epochs: num(values.epochs, 'epochs', 2, (n) => whole(n) && n > 0),
  replay: num(values.replay, 'replay', 5000, whole),
  mnistGate: num(values['mnist-gate'], 'mnist-gate', 8000, (n) => whole(n) && n >= 100 && n <= 8000),
  threads: num(values.threads, 'threads', 1, (n) => whole(n) && n > 0),
  ...(values['cross-fit'] === undefined ? {} : { crossFitFolds: num(values['cross-fit'], 'cross-fit', 2, (n) => whole(n) && n <= 5) }),
});
const JSON_ONLY = values.json === true;
const EVADE = values.evade === true;
const LABEL_ONLY = values['label-only'] === true;
const say = (s: string) => void (JSON_ONLY || console.log(s));
const root = resolve(import.meta.dirname, '..');
const sourceModels = resolve(root, values['models-dir']);

/** The style: picture `i` of the dev seed as a photo of one digit in a dev typeface. */
const stylePicture = (i: number, maxSide = MAX_SIDE) => generatePicture(SPLIT_SEEDS.dev, i, { kind: 'photo-font', maxSide, ...(PEN === undefined ? {} : { pen: PEN }) });

const MANAGE_GUILD = 1n << 5n;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const embedOf = (c: RestCall) => (c.body as { embeds?: APIEmbed[] } | null)?.embeds?.[0];
const customIds = (body: unknown): string[] => {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (typeof o.custom_id === 'string') out.push(o.custom_id);
      if (o.components) walk(o.components);
    }
  };
  // a message (a reply) or an interaction answer that updates it (its data)
  const b = body as { components?: unknown; data?: { components?: unknown } } | null;
  walk(b?.components ?? b?.data?.components);
  return out;
};
const mime = (f: SynthPicture['format']) => (f === 'jpeg' ? 'image/jpeg' : f === 'png' ? 'image/png' : f === 'webp' ? 'image/webp' : 'image/svg+xml');

interface World {
  h: Harness;
  modelsDir: string;
  dir: string;
  /** what the pipeline read in each picture the bot saw (by the bytes' hash) */
  readings: Map<string, Reading>;
  retrainPid: number[];
}

async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'digit-bot-bench-learning-'));
  const modelsDir = join(dir, 'models');
  mkdirSync(modelsDir);
  const active = await activeModelName(sourceModels);
  // never touch the real models folder: the retrain writes and promotes a candidate
  cpSync(join(sourceModels, active), join(modelsDir, active), { recursive: true });
  cpSync(join(sourceModels, ACTIVE_FILE), join(modelsDir, ACTIVE_FILE));
  const readings = new Map<string, Reading>();
  const retrainPid: number[] = [];
  const emu = await DiscordEmulator.start({ heartbeatIntervalMs: 5000 });
  const h = await startHarness({
    emu,
    env: { COOLDOWN_SECONDS: '0', ...(FLOOD === null ? {} : { LABEL_FLOOD_PER_HOUR: String(FLOOD) }) },
    model: await loadActiveModel(modelsDir),
    lookForLabel: (bytes: Buffer, classifier: DigitClassifier, label: string) => lookForLabel(bytes, classifier, label),
    readDigits: async (bytes: Buffer, classifier: DigitClassifier) => {
      const r = await readDigits(bytes, classifier);
      readings.set(sha(bytes), r);
      return r;
    },
    retrainer: (store, models) =>
      new Retrainer({
        store,
        modelsDir,
        settings,
        trainer: forkTrainer({ nice: 10, onSpawn: (pid) => retrainPid.push(pid) }),
        keepModels: 3,
        log: silentLogger,
        onPromoted: (m) => void models.swap({ classifier: m, info: modelInfo(m.manifest) }),
      }),
  });
  return { h, modelsDir, dir, readings, retrainPid };
}

async function stopWorld(w: World): Promise<void> {
  await w.h.close();
  rmSync(w.dir, { recursive: true, force: true });
}

interface Posted {
  pic: SynthPicture;
  title: string;
  reply: RestCall;
  predictionId: number | null;
}

/** `user` posts the picture; resolves with the bot's answer. */
async function post(w: World, user: ReturnType<DiscordEmulator['user']>, pic: SynthPicture): Promise<Posted> {
  const { emu } = w.h;
  const m = emu.postMessage({ author: user, channelId: emu.channels.watched.id, attachments: [emu.attachment(pic.bytes, `${pic.id}.${pic.format}`, mime(pic.format))] });
  const reply = await emu.waitForReply(m.id, 60_000);
  const id = customIds(reply.body).map((c) => /^fb:\w+:(\d+)$/.exec(c)?.[1]).find((x) => x !== undefined);
  const predictionId = id === undefined ? null : Number(id);
  if (predictionId !== null) await answerRecorded(w, predictionId, emu.messageFromCall(reply).id);
  return { pic, title: embedOf(reply)?.title ?? '', reply, predictionId };
}

/**
 * A person does not press a button in the millisecond the answer appears: wait (up to 10 s) until
 * the bot has recorded which message is the answer (it does so right after sending it), else a
 * press would be refused as "This control does not belong to this message".
 */
async function answerRecorded(w: World, predictionId: number, messageId: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    if ((await w.h.store.predictions.get(predictionId))?.replyMessageId === messageId) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const answeredRight = (p: Posted) => p.pic.label !== null && p.title === `I read: ${p.pic.label}`;

/** M pictures of the style posted by a reader who does not label: which are answered right. */
async function readNew(w: World, from: number, count: number): Promise<{ right: number; total: number; noDigit: number; rightAt: boolean[] }> {
  const reader = w.h.emu.user('reader');
  const rightAt: boolean[] = [];
  let noDigit = 0;
  for (let i = 0; i < count; i++) {
    const p = await post(w, reader, await stylePicture(from + i));
    rightAt.push(answeredRight(p));
    if (p.title === 'No digit found') noDigit++;
  }
  return { right: rightAt.filter(Boolean).length, total: count, noDigit, rightAt };
}

/** K synthetic test-split pictures (all kinds) read by the served model: right = the digits equal the label, or no digit on a non-digit picture. */
async function readOthers(w: World, count: number): Promise<{ right: number; total: number } | null> {
  if (count === 0) return null;
  const classifier = w.h.models.current().classifier;
  let right = 0;
  for (let i = 0; i < count; i++) {
    const pic = await generatePicture(SPLIT_SEEDS.test, i, { maxSide: MAX_SIDE });
    const r = await readDigits(pic.bytes, classifier).catch(() => null);
    if (r && (pic.label === null ? r.noDigit : !r.noDigit && r.digits === pic.label)) right++;
  }
  return { right, total: count };
}

/** What the answer was: right (confirmed), another digit, "no digit found", or a number (several marks read). */
type LabelKind = 'confirmed' | 'misread' | 'noDigit' | 'number';
type Via = 'button' | 'menu' | 'modal' | 'digit menus' | 'menu + picker' | 'modal + picker';

function answerKind(p: Posted, value: string): LabelKind {
  const read = /^I read: (\d+)$/.exec(p.title)?.[1];
  if (read === value) return 'confirmed';
  if (read === undefined) return 'noDigit';
  return read.length === 1 ? 'misread' : 'number';
}

/**
 * A stored mark shows the drawn digit: their boxes overlap by at least half their union. (Until
 * run 4 the test was "the intersection covers half of the smaller box", which also counted a paper
 * edge or shadow region 20-280 times the digit's size that contains it, and a fragment inside it;
 * their crops are a grey blob or a speck, not the digit, and a person would not pick them.)
 */
function onMark(a: Box, b: Box): boolean {
  const i = boxIntersection(a, b);
  return i >= 0.5 * (a.width * a.height + b.width * b.height - i);
}

/** The bot's words in an interaction answer (names and numbers blanked): the feedback line, else the refusal. */
function verdictOf(answer: RestCall): string {
  const e = (answer.body as { data?: { embeds?: APIEmbed[] } } | null)?.data?.embeds?.[0];
  const said = e?.fields?.at(-1)?.value ?? e?.description ?? '(no answer)';
  return said.replace(/<@\d+>/g, '<@user>').replace(/\*\*\d+\*\*/g, '**N**').replace(/\d+(\.\d+)? %/g, 'N %').replace(/the label says \d+/g, 'the label says N');
}

/**
 * Which of the answer's per-digit menus is on the drawn digit: the read mark whose stored box
 * matches the drawn digit's box best (what the poster sees in the strip of marks read), or null.
 */
async function readMarkOnDigit(w: World, p: Posted): Promise<number | null> {
  const drawn = p.pic.marks[0]?.box;
  if (!drawn || p.predictionId === null) return null;
  const read = (await w.h.store.samples.forPrediction(p.predictionId)).filter((m) => m.kind === 'read').sort((a, b) => a.position - b.position);
  let best: number | null = null;
  let bestArea = 0;
  read.forEach((m, i) => {
    const a = m.box && onMark(m.box, drawn) ? boxIntersection(m.box, drawn) : 0;
    if (a > bestArea) [best, bestArea] = [i, a];
  });
  return best;
}

/** The stored mark (read or dropped) whose box matches the drawn digit's box best, as the picker numbers them; null when none is on it. */
async function markOnDigit(w: World, p: Posted): Promise<{ position: number; label: number | null } | null> {
  const drawn = p.pic.marks[0]?.box;
  if (!drawn || p.predictionId === null) return null;
  let best: { position: number; label: number | null } | null = null;
  let bestArea = 0;
  for (const m of await w.h.store.samples.forPrediction(p.predictionId)) {
    const a = m.box && onMark(m.box, drawn) ? boxIntersection(m.box, drawn) : 0;
    if (a > bestArea) [best, bestArea] = [{ position: m.position, label: m.label }, a];
  }
  return best;
}

interface LabelResult {
  kind: LabelKind;
  via: Via;
  verdict: string;
  /** why the label waits for a second opinion (null: it does not) */
  held: 'contradicted' | 'flood' | null;
  /** the last interaction answer (the answer as updated: its components) */
  last: RestCall;
}

/** Labels one answer through the components the poster sees. */
async function label(w: World, user: ReturnType<DiscordEmulator['user']>, p: Posted, value: string): Promise<LabelResult> {
  const { emu } = w.h;
  const message = emu.messageFromCall(p.reply);
  const ids = customIds(p.reply.body);
  const has = (prefix: string) => ids.find((c) => c.startsWith(prefix));
  const read = /^I read: (\d+)$/.exec(p.title)?.[1];
  const kind = answerKind(p, value);
  const press = (customId: string, values?: string[]) => emu.waitForInteractionAnswer(emu.component({ user, message, customId, ...(values ? { values } : {}) }));
  const modal = async () => {
    const button = has('fb:num:');
    if (button) await emu.waitForInteractionAnswer(emu.component({ user, message, customId: button }));
    return emu.waitForInteractionAnswer(emu.modalSubmit({ user, message, customId: `fb:modal:${p.predictionId}`, fields: { label: value } }));
  };
  let via: Via;
  let answer: RestCall;
  if (read === value && has('fb:ok:')) {
    via = 'button';
    answer = await press(has('fb:ok:')!);
  } else if (kind === 'misread' && /^\d$/.test(value) && has('fb:pick:')) {
    via = 'menu';
    answer = await press(has('fb:pick:')!, [value]);
  } else {
    const onDigit = kind === 'number' && /^\d$/.test(value) && read !== undefined && has('fb:mark:') ? await readMarkOnDigit(w, p) : null;
    if (onDigit === null || read === undefined) {
      via = 'modal';
      answer = await modal();
    } else {
      // the per-digit menus: the mark on the drawn digit gets the digit, every other one "not a digit"
      via = 'digit menus';
      let last: RestCall | null = null;
      for (let i = 0; i < read.length; i++) {
        const want = i === onDigit ? value : NOT_A_DIGIT_VALUE;
        if (read[i] === want) continue;
        const id = encodeFeedbackId({ kind: 'mark', predictionId: p.predictionId!, index: i });
        if (!ids.includes(id)) throw new Error(`the answer has no menu ${id}`);
        last = await press(id, [want]);
      }
      answer = last!;
    }
  }
  // the reply offers "Which mark shows the <d>?" after a single-digit correction: when the label is not on the drawn digit, pick its mark
  const picker = p.predictionId !== null && /^\d$/.test(value) ? customIds(answer.body).find((c) => c === encodeFeedbackId({ kind: 'at', predictionId: p.predictionId!, digit: Number(value) })) : undefined;
  if (picker) {
    const onDigit = await markOnDigit(w, p);
    if (onDigit !== null && onDigit.label !== Number(value)) {
      via = via === 'menu' ? 'menu + picker' : 'modal + picker';
      answer = await press(picker, [String(onDigit.position + 1)]);
    }
  }
  const stored = p.predictionId === null ? null : await w.h.store.predictions.get(p.predictionId);
  return { kind, via, verdict: verdictOf(answer), held: stored?.labelHeld ?? null, last: answer };
}

/** A second member presses 🤝 Agree on a held label (the button the updated answer shows); true when it was taken. */
async function agree(w: World, user: ReturnType<DiscordEmulator['user']>, p: Posted, l: LabelResult): Promise<boolean> {
  const { emu } = w.h;
  const button = customIds(l.last.body).find((c) => c.startsWith('fb:agree:'));
  if (!button) throw new Error(`a held label's answer shows no 🤝 Agree (prediction ${p.predictionId})`);
  await emu.waitForInteractionAnswer(emu.component({ user, message: emu.messageFromCall(p.reply), customId: button }));
  const after = await w.h.store.predictions.get(p.predictionId!);
  return after !== null && after.labelHeld === null && after.trusted;
}

interface Entry {
  p: Posted;
  kind: LabelKind;
  via: Via;
  /** the bot's words after the label (names and numbers blanked) */
  verdict: string;
  held: LabelResult['held'];
  agreed: boolean;
}

/**
 * What the store holds for the labelled pictures, per kind of label: samples labelled, fit to
 * train on (trusted: not held, not untrusted), held, "not a digit" samples, placed by the label-guided look (guided, guidedOnRightMark), on the right mark
 * (fit to train on, the stored box matches the drawn digit's box, the label is that digit), digit
 * labels elsewhere (wrongMark), "not a digit" on the drawn digit (noneOnDigit), held samples that
 * would be on the right mark once agreed (heldOnRightMark); and per picture
 * whether one sample on the right mark exists.
 */
async function storedSamples(w: World, labelled: Map<number, Entry>) {
  const rs = await w.h.store.db.execute('SELECT prediction_id, kind, label, trusted, held, split, assignment, box_x, box_y, box_w, box_h FROM samples WHERE label IS NOT NULL');
  const zero = () => ({ pictures: 0, held: 0, agreed: 0, samples: 0, fit: 0, heldSamples: 0, heldOnRightMark: 0, none: 0, candidates: 0, guided: 0, guidedOnRightMark: 0, onRightMark: 0, wrongMark: 0, noneOnDigit: 0, picturesOnRightMark: 0 });
  const per: Record<LabelKind, ReturnType<typeof zero>> = { confirmed: zero(), misread: zero(), noDigit: zero(), number: zero() };
  for (const e of labelled.values()) {
    per[e.kind].pictures++;
    if (e.held) per[e.kind].held++;
    if (e.agreed) per[e.kind].agreed++;
  }
  const right = new Set<number>();
  /** every stored sample per labelled picture, for the corrections that left none on the right mark (onDigit: its box is on the drawn digit, whatever its label) */
  const byPicture = new Map<number, { label: number; trusted: boolean; held: boolean; assignment: string; box: Box | null; onDigit: boolean }[]>();
  /** digit labels fit to train on that are not on the drawn digit (the first 20): where they landed */
  const wrongMarks: { picture: string; kind: LabelKind; label: string; stored: Box | null; drawn: Box | null }[] = [];
  let heldBack = 0;
  for (const r of rs.rows) {
    const id = Number(r.prediction_id);
    const entry = labelled.get(id);
    if (!entry) continue;
    const t = per[entry.kind];
    t.samples++;
    const mark = entry.p.pic.marks[0];
    const box = r.box_x === null ? null : { x: Number(r.box_x), y: Number(r.box_y), width: Number(r.box_w), height: Number(r.box_h) };
    // right: the crop lies on the drawn digit and carries its label
    const onDrawn = box !== null && mark !== undefined && onMark(box, mark.box);
    const onDigit = onDrawn && String(r.label) === mark!.label;
    const list = byPicture.get(id) ?? [];
    list.push({ label: Number(r.label), trusted: Number(r.trusted) === 1, held: Number(r.held) === 1, assignment: String(r.assignment), box, onDigit: onDrawn });
    byPicture.set(id, list);
    if (Number(r.held) === 1) {
      t.heldSamples++;
      if (onDigit) t.heldOnRightMark++;
    }
    if (Number(r.trusted) !== 1) continue;
    t.fit++;
    if (String(r.kind) === 'candidate') t.candidates++;
    if (Number(r.label) === NONE) t.none++;
    if (String(r.split) === 'holdout') heldBack++;
    // placed by the label-guided look (bot/guidedLook.ts)
    if (String(r.assignment) === 'guided') {
      t.guided++;
      if (onDigit) t.guidedOnRightMark++;
    }
    if (onDigit) {
      t.onRightMark++;
      if (!right.has(id)) t.picturesOnRightMark++;
      right.add(id);
    } else if (Number(r.label) === NONE) {
      // "not a digit" on the drawn digit teaches something false too
      if (onDrawn) t.noneOnDigit++;
    } else {
      t.wrongMark++;
      if (wrongMarks.length < 20) wrongMarks.push({ picture: entry.p.pic.id, kind: entry.kind, label: String(r.label), stored: box, drawn: mark?.box ?? null });
    }
  }
  const all = Object.values(per);
  const corrections = all.filter((_, i) => i > 0);
  const sum = (xs: typeof all, k: keyof ReturnType<typeof zero>) => xs.reduce((a, x) => a + x[k], 0);
  const share = (xs: typeof all) => ({ onRightMark: sum(xs, 'picturesOnRightMark'), of: sum(xs, 'pictures'), share: sum(xs, 'picturesOnRightMark') / Math.max(1, sum(xs, 'pictures')) });
  const missed = [...labelled.entries()]
    .filter(([id, e]) => e.kind !== 'confirmed' && !right.has(id))
    .map(([id, e]) => ({ picture: e.p.pic.id, kind: e.kind, read: e.p.title, label: e.p.pic.label, via: e.via, verdict: e.verdict, held: e.held, agreed: e.agreed, drawn: e.p.pic.marks[0]?.box ?? null, samples: byPicture.get(id) ?? [] }));
  return {
    perKind: per,
    trustedHeldBack: heldBack,
    held: sum(all, 'held'),
    agreed: sum(all, 'agreed'),
    /** labelled pictures that left at least one sample fit to train on */
    used: new Set(rs.rows.filter((r) => Number(r.trusted) === 1 && labelled.has(Number(r.prediction_id))).map((r) => Number(r.prediction_id))).size,
    rightMark: { corrections: share(corrections), all: share(all) },
    wrongMarks,
    /** corrections (not confirmations) that left no sample fit to train on on the drawn digit */
    missed,
  };
}

async function retrain(w: World): Promise<{ seconds: number; title: string; reason: string; fields: Record<string, string> }> {
  const { emu } = w.h;
  const i = emu.slashCommand({ user: emu.user('admin'), name: 'retrain', permissions: ALL_BASIC | MANAGE_GUILD });
  const started = performance.now();
  const token = String(i.token);
  const final = await emu.waitForCall((c) => c.method === 'PATCH' && c.path.includes(token) && /promoted|rejected|failed|Nothing to retrain/.test(embedOf(c)?.title ?? ''), 3_600_000);
  const e = embedOf(final)!;
  return {
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    title: e.title ?? '',
    reason: e.description ?? '',
    fields: Object.fromEntries((e.fields ?? []).map((f) => [f.name, f.value])),
  };
}

const pct = (r: { right: number; total: number } | null) => (r ? `${r.right}/${r.total} (${((100 * r.right) / Math.max(1, r.total)).toFixed(1)}%)` : '–');

// ───────────────────────────── the honest server ─────────────────────────────
const t0 = performance.now();
const w = await startWorld();
const initial = w.h.models.current().info.name;
say(`style: single digits photographed, typefaces ${FONT_PARTITION.dev.join(', ')} (the dev split's; the reader never trained on them), ≤ ${MAX_SIDE} px${PEN === undefined ? '' : `, written in ${PEN}`}`);
say(`model ${w.h.models.current().info.name}; reading ${NEW} new pictures before…`);
// the new pictures are indices START+POSTED..START+POSTED+NEW-1, read before and after: never posted by a poster, never labelled
const before = await readNew(w, START + POSTED, NEW);
const othersBefore = await readOthers(w, OTHERS);
say(`before: ${pct(before)} right; posting and labelling ${POSTED} pictures by ${POSTERS} posters…`);
const posters = Array.from({ length: POSTERS }, (_, i) => w.h.emu.user(`poster${i}`));
const labelled = new Map<number, Entry>();
const verdicts: Record<string, number> = {};
let postedRight = 0;
let heldSeen = 0;
for (let i = 0; i < POSTED; i++) {
  const user = posters[i % POSTERS]!;
  const p = await post(w, user, await stylePicture(START + i));
  if (answeredRight(p)) postedRight++;
  if (p.predictionId === null || p.pic.label === null) continue;
  const l = await label(w, user, p, p.pic.label);
  let agreed = false;
  if (l.held) {
    // the k-th held label is seconded when k·F passes a whole number (F = 0.5: the 1st, 3rd, 5th…; F = 1: all)
    heldSeen++;
    if (Math.ceil(heldSeen * AGREE) > Math.ceil((heldSeen - 1) * AGREE)) agreed = await agree(w, posters[(i + 1) % POSTERS] === user ? w.h.emu.user('member') : posters[(i + 1) % POSTERS]!, p, l);
  }
  labelled.set(p.predictionId, { p, kind: l.kind, via: l.via, verdict: l.verdict, held: l.held, agreed });
  const key = `${l.kind} via ${l.via}: ${l.verdict}${l.held ? ` [held: ${l.held}${agreed ? ', agreed' : ''}]` : ''}`;
  verdicts[key] = (verdicts[key] ?? 0) + 1;
}
const stored = await storedSamples(w, labelled);
const rm = stored.rightMark;
const share = (x: { onRightMark: number; of: number; share: number }) => `${x.onRightMark}/${x.of} (${(100 * x.share).toFixed(1)} %)`;
say(`posted: ${postedRight}/${POSTED} answered right; labels held ${stored.held}, agreed ${stored.agreed} (--agree ${AGREE}; flood from ${w.h.config.labels.floodPerHour}/h, held when contradicted at p ≥ ${w.h.config.labels.holdConfidence}), pictures with a sample fit to train on ${stored.used}/${labelled.size}`);
say(`on the right mark (fit to train on, on the drawn digit, its label): corrections ${share(rm.corrections)}, all labels ${share(rm.all)}`);
const kinds = Object.values(stored.perKind);
say(`placed by the label-guided look: ${kinds.reduce((a, k) => a + k.guided, 0)} samples, ${kinds.reduce((a, k) => a + k.guidedOnRightMark, 0)} of them on the drawn digit`);
if (LABEL_ONLY) {
  const report = { posted: { pictures: POSTED, posters: POSTERS, answeredRight: postedRight }, newBefore: { right: before.right, total: before.total }, labels: stored, replies: verdicts };
  if (JSON_ONLY) console.log(JSON.stringify(report));
  else {
    for (const m of stored.missed) {
      const where = m.samples.map((x) => `${x.label === NONE ? 'none' : x.label}${x.onDigit ? '@digit' : '@elsewhere'}${x.trusted ? '' : ' untrusted'}${x.held ? ' held' : ''} (${x.assignment})`).join(', ');
      console.log(`missed ${m.picture} drawn ${m.label}, ${m.read} → ${m.kind} via ${m.via}${m.held ? ` [held ${m.held}${m.agreed ? ', agreed' : ''}]` : ''}: ${m.verdict}\n  stored: ${where || 'nothing'}`);
    }
    console.log(JSON.stringify(report, null, 2));
  }
  await stopWorld(w);
  process.exit(0);
}
say(`retraining…`);
const run = await retrain(w);
say(`${run.title} in ${run.seconds} s: ${run.reason}`);
const after = await readNew(w, START + POSTED, NEW);
const othersAfter = await readOthers(w, OTHERS);
const served = w.h.models.current().info.name;
if (KEEP) {
  // the store is closed first, so that the copy is whole
  await w.h.close({ keepDb: true });
  const db = w.h.dbUrl.replace(/^file:/, '');
  mkdirSync(KEEP, { recursive: true });
  cpSync(db, join(KEEP, 'bot.db'));
  cpSync(w.modelsDir, join(KEEP, 'models'), { recursive: true });
  rmSync(dirname(db), { recursive: true, force: true });
  rmSync(w.dir, { recursive: true, force: true });
  say(`kept the database and models folder in ${KEEP}`);
} else await stopWorld(w);

// ───────────────────────────── the poisoning run ─────────────────────────────
let poisoning: Record<string, unknown> | null = null;
if (POISON > 0) {
  say(`poisoning: one user gives ${POISON} confident wrong labels${EVADE ? ' (evading the contradiction hold)' : ''}…`);
  const pw = await startWorld();
  const modelBefore = pw.h.models.current().info.name;
  const poisoner = pw.h.emu.user('poisoner');
  let wrongLabels = 0;
  let posts = 0;
  const held = { contradicted: 0, flood: 0 };
  const poisoned = new Map<number, Entry>();
  const { floodPerHour, holdConfidence } = pw.h.config.labels;
  // pictures of the style the model reads right, confidently (p ≥ 0.9), labelled as another digit;
  // nobody seconds them. --evade, the worst case for the gate: while under the flood limit the
  // poisoner labels only answers the model is less than holdConfidence sure of, so that no label is
  // held as contradicted
  for (let i = 0; wrongLabels < POISON && i < (EVADE ? 20 : 4) * POISON; i++) {
    const pic = await stylePicture(100_000 + i);
    const p = await post(pw, poisoner, pic);
    posts++;
    const reading = pw.readings.get(sha(pic.bytes));
    if (!answeredRight(p) || p.predictionId === null || !reading || reading.confidence < 0.9) continue;
    if (EVADE && wrongLabels < floodPerHour && reading.confidence >= holdConfidence) continue;
    const wrong = String((Number(pic.label) + 1 + (i % 9)) % 10);
    const l = await label(pw, poisoner, p, wrong);
    if (l.held) held[l.held]++;
    poisoned.set(p.predictionId, { p, kind: l.kind, via: l.via, verdict: l.verdict, held: l.held, agreed: false });
    wrongLabels++;
  }
  const pstored = await storedSamples(pw, poisoned);
  const prun = await retrain(pw);
  poisoning = {
    evade: EVADE,
    wrongLabels,
    posts,
    held,
    /** wrong labels that left a sample fit to train on (not held) */
    used: pstored.used,
    outcome: prun.title,
    reason: prun.reason,
    promoted: /promoted/.test(prun.title),
    modelMoved: pw.h.models.current().info.name !== modelBefore,
    seconds: prun.seconds,
    figures: prun.fields,
  };
  say(`poisoning: ${wrongLabels} wrong labels, held ${held.contradicted} (contradicted) + ${held.flood} (flood), ${pstored.used} used; ${prun.title}: ${prun.reason}`);
  await stopWorld(pw);
}

const report = {
  style: { split: 'dev', kind: 'photo-font', typefaces: FONT_PARTITION.dev, maxSide: MAX_SIDE, start: START, pen: PEN ?? null },
  model: { before: initial, after: served },
  posted: { pictures: POSTED, posters: POSTERS, answeredRight: postedRight },
  labels: { ...stored, agreeShare: AGREE, floodPerHour: w.h.config.labels.floodPerHour, holdConfidence: w.h.config.labels.holdConfidence },
  replies: verdicts,
  newPictures: {
    before: { right: before.right, total: before.total, noDigit: before.noDigit, accuracy: before.right / before.total },
    after: { right: after.right, total: after.total, noDigit: after.noDigit, accuracy: after.right / after.total },
    wrongToRight: after.rightAt.filter((r, i) => r && !before.rightAt[i]).length,
    rightToWrong: after.rightAt.filter((r, i) => !r && before.rightAt[i]).length,
  },
  others: OTHERS > 0 ? { before: othersBefore, after: othersAfter } : null,
  retrain: { ...run, promoted: /promoted/.test(run.title), settings: { ...settings('finetune'), optimizer: undefined, augment: undefined } },
  poisoning,
  wallSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
};
if (JSON_ONLY) console.log(JSON.stringify(report));
else {
  console.log(`\nnew pictures of the style: before ${pct(before)} → after ${pct(after)} right (model served after: ${served})`);
  if (OTHERS > 0) console.log(`synthetic test split (all kinds): before ${pct(othersBefore)} → after ${pct(othersAfter)}`);
  console.log(`corrections on the right mark: ${share(rm.corrections)}; all labels: ${share(rm.all)}; held ${stored.held}, agreed ${stored.agreed} (--agree ${AGREE})`);
  console.log(JSON.stringify(report, null, 2));
}
process.exit(0);
