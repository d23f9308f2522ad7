/**
 * Reply formatting: pure functions from data to Discord message payloads (embeds + components).
 * No client, no I/O: tested alone.
 */
import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
  type APIModalInteractionResponseCallbackData,
} from 'discord.js';
import type { Reading } from '../vision/types.ts';
import type { ForgetReport, LiveStats, ModelInfo, RetrainRun } from '../store/index.ts';
import { NONE, type Assignment } from '../store/assign.ts';
import { encodeFeedbackId, LABEL_INPUT_CHARS, MAX_LABEL_DIGITS, MAX_PICKER_MARKS, MODAL_LABEL_FIELD, NOT_A_DIGIT_VALUE } from './customIds.ts';
import type { Hold } from './holds.ts';

/** The picture formats people are told to send. */
export const READABLE_FORMATS = 'a PNG, JPEG, WebP, GIF or SVG picture';

export const COLOURS = { sure: 0x2ecc71, unsure: 0xf1c40f, none: 0x95a5a6, error: 0xe74c3c, info: 0x5865f2 } as const;

export function percent(p: number | null | undefined, digits = 0): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return `${(p * 100).toFixed(digits)}%`;
}

/** A 10-cell bar for a probability: `███████░░░`. */
export function bar(p: number, width = 10): string {
  const full = Math.max(0, Math.min(width, Math.round(p * width)));
  return '█'.repeat(full) + '░'.repeat(width - full);
}

export interface AnswerInput {
  reading: Reading;
  predictionId: number;
  modelName: string;
  lowConfidence: number;
  /** file name, shown when a message had several pictures */
  filename?: string;
  /** attachment name of the strip of marks read (markStrip.ts), when there is one */
  stripName?: string;
}

export interface MessagePayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  files?: { attachment: Buffer; name: string }[];
}

/** Numbers up to this many digits get a 0-9 menu per digit (Discord allows 5 rows: the buttons + 4 menus). */
export const MENU_DIGITS = 4;

const STRIP_HELP_READ = 'Above: the marks I looked at, as I saw them (green: read as a digit, grey: not a digit). A label teaches me these.';
const STRIP_HELP_NONE = 'Above: the marks I looked at, as I saw them; none looked like a digit to me. A label teaches me these.';

/** The answer to one picture: what was read, how sure, the alternatives, and the feedback controls. */
export function formatAnswer(a: AnswerInput): MessagePayload {
  const r = a.reading;
  const footer = { text: `model ${a.modelName} · prediction #${a.predictionId}` };
  const author = a.filename ? { name: truncate(a.filename, 200) } : undefined;
  if (r.noDigit || r.digits === '') {
    const why = r.reason ? ` (${r.reason})` : '';
    return {
      embeds: [
        {
          ...(author ? { author } : {}),
          title: 'No digit found',
          description:
            `I could not find a digit I trust in this picture${why}.\n` +
            'Try a single digit or number written large, dark on a plain light background (or light on dark), cropped close.\n' +
            'If there is a number in it, tell me which with the controls below.' +
            (a.stripName ? `\n${STRIP_HELP_NONE}` : ''),
          color: COLOURS.none,
          ...(a.stripName ? { image: { url: `attachment://${a.stripName}` } } : {}),
          footer,
        },
      ],
      components: feedbackComponents({ predictionId: a.predictionId, digits: '', held: false }),
    };
  }
  const unsure = r.confidence < a.lowConfidence;
  const single = r.perDigit.length === 1;
  const fields: APIEmbedField[] = [];
  let description: string;
  if (single) {
    const d = r.perDigit[0]!;
    description = d.top3.map((t) => `\`${t.digit}\` ${bar(t.p)} ${percent(t.p).padStart(4)}`).join('\n');
  } else {
    description = r.perDigit
      .map((d, i) => {
        const alts = d.top3
          .slice(1)
          .filter((t) => t.p >= 0.01)
          .map((t) => `${t.digit} ${percent(t.p)}`)
          .join(', ');
        return `\`${i + 1}.\` **${d.digit}** ${bar(d.confidence)} ${percent(d.confidence)}${alts ? ` · or ${alts}` : ''}`;
      })
      .join('\n');
  }
  if (unsure) {
    fields.push({
      name: 'Not sure',
      value: `I am only ${percent(r.confidence)} sure about this one. If it is wrong, tell me below: it helps me learn.`,
    });
  }
  return {
    embeds: [
      {
        ...(author ? { author } : {}),
        title: `I read: ${r.digits}`,
        description: `${single ? '' : `${r.perDigit.length} digits, `}${percent(r.confidence)} sure\n${description}${a.stripName ? `\n${STRIP_HELP_READ}` : ''}`,
        color: unsure ? COLOURS.unsure : COLOURS.sure,
        ...(fields.length ? { fields } : {}),
        ...(a.stripName ? { image: { url: `attachment://${a.stripName}` } } : {}),
        footer,
      },
    ],
    components: feedbackComponents({ predictionId: a.predictionId, digits: r.digits, held: false }),
  };
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

const button = (label: string, emoji: string, style: ButtonStyle.Success | ButtonStyle.Secondary | ButtonStyle.Danger | ButtonStyle.Primary, custom_id: string) => ({
  type: ComponentType.Button as const,
  style,
  label,
  emoji: { name: emoji },
  custom_id,
});

/**
 * The controls under an answer. Buttons: ✅ Right and ✖ Not a digit (when digits were read),
 * ✏️ type a number, and 🤝 Agree while a label waits for a second opinion. Menus: one 0-9 menu
 * for a single digit or a "no digit" answer; for a number of up to MENU_DIGITS digits, a menu per
 * digit (0-9 or "not a digit"); longer numbers are typed.
 */
export function feedbackComponents(c: { predictionId: number; digits: string; held: boolean; picker?: { digit: number; marks: number } | null }): Row[] {
  const rows = labelComponents(c);
  if (!c.picker || rows.length >= MAX_ROWS) return rows;
  const { digit, marks } = c.picker;
  const options = Array.from({ length: Math.min(marks, MAX_PICKER_MARKS) }, (_, i) => ({ label: `Mark ${i + 1}`, value: String(i + 1) }));
  return [
    ...rows,
    { type: ComponentType.ActionRow, components: [{ type: ComponentType.StringSelect, custom_id: encodeFeedbackId({ kind: 'at', predictionId: c.predictionId, digit }), placeholder: `Which mark shows the ${digit}?`, min_values: 1, max_values: 1, options }] },
  ];
}

/** Discord's limit of component rows on a message. */
const MAX_ROWS = 5;

function labelComponents(c: { predictionId: number; digits: string; held: boolean }): Row[] {
  const id = c.predictionId;
  const n = c.digits.length;
  const buttons: Row = {
    type: ComponentType.ActionRow,
    components: [
      ...(n > 0 ? [button('Right', '✅', ButtonStyle.Success, encodeFeedbackId({ kind: 'confirm', predictionId: id }))] : []),
      ...(n > 0 ? [button('Not a digit', '✖️', ButtonStyle.Secondary, encodeFeedbackId({ kind: 'none', predictionId: id }))] : []),
      button(n <= 1 ? 'It is a number…' : 'Wrong? Type the number', '✏️', ButtonStyle.Secondary, encodeFeedbackId({ kind: 'number', predictionId: id })),
      ...(c.held ? [button('Agree (second opinion)', '🤝', ButtonStyle.Primary, encodeFeedbackId({ kind: 'agree', predictionId: id }))] : []),
    ],
  };
  const digitOptions = Array.from({ length: 10 }, (_, d) => ({ label: String(d), value: String(d) }));
  const menu = (custom_id: string, placeholder: string, options: { label: string; value: string }[]): Row => ({
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.StringSelect, custom_id, placeholder, min_values: 1, max_values: 1, options }],
  });
  if (n <= 1) return [buttons, menu(encodeFeedbackId({ kind: 'pick', predictionId: id }), 'Wrong? Pick the right digit', digitOptions)];
  if (n > MENU_DIGITS) return [buttons];
  return [
    buttons,
    ...[...c.digits].map((d, index) =>
      menu(encodeFeedbackId({ kind: 'mark', predictionId: id, index }), `Digit ${index + 1} (I read ${d}): pick the right one`, [
        ...digitOptions,
        { label: 'not a digit', value: NOT_A_DIGIT_VALUE },
      ]),
    ),
  ];
}

/** The modal that asks for the right number. */
export function labelModal(predictionId: number): APIModalInteractionResponseCallbackData {
  return {
    custom_id: encodeFeedbackId({ kind: 'modal', predictionId }),
    title: 'What does the picture say?',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: MODAL_LABEL_FIELD,
            label: `The digits, left to right (at most ${MAX_LABEL_DIGITS})`,
            style: TextInputStyle.Short,
            min_length: 1,
            max_length: LABEL_INPUT_CHARS,
            placeholder: 'digits and spaces only, e.g. 7 or 2024',
            required: true,
          },
        ],
      },
    ],
  };
}

export const FEEDBACK_FIELD_NAME = 'Feedback';

/** The verdict shown on an answer after feedback. */
export interface VerdictView {
  kind: 'confirmed' | 'corrected';
  /** '' : "not a digit" */
  label: string;
  /** who gave it; null once they used /forget */
  userId: string | null;
  asModerator: boolean;
  /** what the label taught (learningNote); absent: nothing is claimed */
  learning?: string;
}

const ORDINAL = (ps: readonly number[]) => ps.map((p) => p + 1).join(', ').replace(/, (\d+)$/, ' and $1');

/**
 * What a label taught, said truthfully: stored on which marks, held for a second opinion and
 * why, or not used and why. "I will learn from it" only when samples were stored fit to train on.
 */
export function learningNote(a: Assignment, hold: Hold | null): string {
  if (!a.used) return `I will not learn from it: ${a.reason}.`;
  const positions = a.labels.map((l) => l.position);
  const where =
    a.how === 'none'
      ? `${count(positions.length, 'mark')} as not a digit`
      : a.how === 'recut'
        ? `re-cut to ${count(positions.length, 'mark')}: ${positions.length === 1 ? 'mark' : 'marks'} ${ORDINAL(positions)} of the ${a.marks} above, the most digit-like`
        : a.how === 'marks'
          ? `${positions.length === 1 ? 'mark' : 'marks'} ${ORDINAL(positions)} above, digit by digit`
          : a.how === 'at'
            ? pointedAt(a.labels)
            : a.how === 'guided'
              ? lookedAgain(a)
            : a.how === 'single'
              ? `mark ${ORDINAL(a.labels.filter((l) => l.label !== NONE).map((l) => l.position))} above${notDigits(a.labels)}`
              : `${positions.length === 1 ? 'mark' : 'marks'} ${ORDINAL(positions)} above`;
  if (hold) return `⏸️ Kept (${where}) but held for a second opinion: ${hold.why}. I will learn from it once someone else or a moderator agrees (🤝 below).`;
  return `Thanks, I will learn from it: ${where}.`;
}

/** Where a label-guided look put the label: the answer's marks it found again, or marks the answer had not cut. */
function lookedAgain(a: Extract<Assignment, { used: true }>): string {
  const shown = a.labels.filter((l) => l.position < a.marks).map((l) => l.position);
  const found = a.labels.length - shown.length;
  const parts = [
    ...(shown.length > 0 ? [`${shown.length === 1 ? 'mark' : 'marks'} ${ORDINAL(shown)} above`] : []),
    ...(found > 0 ? [`${found === 1 ? 'a mark' : `${found} marks`} I had not cut (not in the strip)`] : []),
  ];
  return `${parts.join(' and ')}, found by looking again knowing the label`;
}

/** The picker's choice: the digit on the mark picked, the other marks read as digits as not digits. */
function pointedAt(labels: readonly { position: number; label: number }[]): string {
  const on = labels.find((l) => l.label !== NONE);
  return `the ${on?.label} on mark ${(on?.position ?? 0) + 1} above, the one you picked${notDigits(labels)}`;
}

/** "; marks 1 and 3 as not a digit" for the marks a one-digit label calls not digits ('' when none). */
function notDigits(labels: readonly { position: number; label: number }[]): string {
  const others = labels.filter((l) => l.label === NONE).map((l) => l.position);
  return others.length === 0 ? '' : `; ${others.length === 1 ? 'mark' : 'marks'} ${ORDINAL(others)} as not a digit`;
}

/**
 * The answer embed after feedback: the verdict as a field (replacing an earlier one), colour
 * and title updated. `embed` is the message's current embed (JSON). Without a `userId` (the
 * labeller used /forget) the verdict names nobody.
 */
export function withFeedback(embed: APIEmbed, f: VerdictView): APIEmbed {
  const fields = (embed.fields ?? []).filter((x) => x.name !== FEEDBACK_FIELD_NAME && x.name !== 'Not sure');
  const who = f.userId ? ` by <@${f.userId}>${f.asModerator ? ' (moderator)' : ''}` : f.asModerator ? ' by a moderator' : '';
  const said = f.kind === 'confirmed' ? `✅ Confirmed${who}.` : f.label === '' ? `✖️ Not a digit, said${who}.` : `✏️ Corrected to **${f.label}**${who}.`;
  const value = `${said} ${f.learning ?? 'Thanks!'}`;
  fields.push({ name: FEEDBACK_FIELD_NAME, value: truncate(value, 1024) });
  return {
    ...embed,
    title: f.kind === 'confirmed' ? embed.title : f.label === '' ? 'It says: no digit' : `It says: ${f.label}`,
    color: f.kind === 'confirmed' ? COLOURS.sure : COLOURS.info,
    fields,
  };
}

/** An answer to a picture whose poster used /forget: no name, no link to the stored row. */
export function forgottenAnswer(embed: APIEmbed, verdict: { kind: 'confirmed' | 'corrected'; label: string; asModerator: boolean } | null): APIEmbed {
  const anonymous = verdict ? withFeedback(embed, { ...verdict, userId: null }) : { ...embed, fields: (embed.fields ?? []).filter((x) => x.name !== FEEDBACK_FIELD_NAME) };
  const footer = embed.footer?.text.replace(/\s*·\s*prediction #\d+/, '');
  // the crops of their picture go with it
  const { image: _image, ...rest } = anonymous;
  const description = rest.description?.replace(/\nAbove: the marks I looked at[^\n]*/, '');
  return { ...rest, ...(description !== undefined ? { description } : {}), ...(footer ? { footer: { text: footer } } : {}) };
}

/** `1 answer`, `2 answers`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** What /forget kept, said in /help, docs/bot.md and its reply. */
export const FORGET_KEEPS = 'anonymous counts per day (answers given, confirmed, corrected), with no link to you or your messages';

/** The /forget reply: exactly what was removed and what is kept. */
export function formatForgetReport(r: ForgetReport, edits: { edited: number; failed: number }): string {
  const removed = [
    r.pictures > 0 ? `• ${count(r.pictures, 'answer')} to your pictures: who posted them, where and when, and the links to your messages and my answers` : null,
    r.samples > 0 ? `• ${count(r.samples, 'digit image')} (28×28) I kept from your pictures` : null,
    r.feedback > 0 ? `• ${count(r.feedback, 'feedback entry', 'feedback entries')} (given by you, or on your pictures)` : null,
    r.askedFor > 0 ? `• your name from ${count(r.askedFor, 'answer')} to other people’s pictures you asked me to read` : null,
    r.labelledForOthers > 0 ? `• your name from ${count(r.labelledForOthers, 'label')} you gave on other people’s pictures (the label stays with their picture)` : null,
    r.retrainRuns > 0 ? `• your name from ${count(r.retrainRuns, 'retraining run')} you started` : null,
  ].filter((x) => x !== null);
  const lines = removed.length > 0 ? ['🧹 Done. I removed:', ...removed] : ['🧹 I had nothing stored about you.'];
  if (edits.edited > 0 || edits.failed > 0) {
    const failed = edits.failed > 0 ? ` (${count(edits.failed, 'answer')} could not be edited: deleted, private or out of reach)` : '';
    lines.push(`I edited ${count(edits.edited, 'public answer')} so they no longer name you or link to what I stored${failed}.`);
  }
  lines.push(`What I keep: ${FORGET_KEEPS}.`);
  return lines.join('\n');
}

/** A short, friendly error as an embed (used for private replies and chat answers). */
export function errorEmbed(message: string, title = 'Sorry'): APIEmbed {
  return { title, description: message, color: COLOURS.error };
}

export function cooldownMessage(retryAfterMs: number): string {
  const s = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `⏳ Slow down a little: you can send another picture in ${s} s. Pictures sent before then are not read (I say this once).`;
}

export interface StatsInput {
  model: ModelInfo;
  live: LiveStats;
  lastRun: RetrainRun | null;
  /** the runs before it, newest first (one line each) */
  earlierRuns?: RetrainRun[];
  /** attachment name of the chart, when there is one */
  chartName?: string;
}

/** The /stats embed. */
export function formatStats(s: StatsInput): APIEmbed {
  const l = s.live;
  const labelledDigits = l.perDigit.reduce((a, d) => a + d.total, 0);
  const perDigit = l.perDigit
    .map((d) => `\`${d.digit}\` ${d.total > 0 ? `${percent(d.correct / d.total).padStart(4)} of ${d.total}` : '  – '}`)
    .join('\n');
  const fields: APIEmbedField[] = [
    {
      name: 'Active model',
      value: [
        `**${s.model.name}**`,
        truncate(s.model.arch, 200),
        `trained ${formatDate(s.model.createdAt)}`,
        `MNIST test accuracy (10,000 images, measured once when it was trained${s.model.testAccuracy === null ? '; a retrained model is not re-measured' : ''}): **${percent(s.model.testAccuracy, 2)}**`,
        ...(s.model.parent ? [`fine-tuned from ${s.model.parent}`] : []),
      ].join('\n'),
    },
    {
      name: 'Live accuracy (users’ feedback)',
      value: `all time: **${percent(l.accuracyAll, 1)}** (${count(l.confirmed + l.corrected, 'answer')} rated)\nlast 7 days: **${percent(l.accuracy7d, 1)}** (${count(l.feedback7d, 'answer')} rated)`,
      inline: true,
    },
    {
      name: 'Activity',
      value: `predictions served: **${l.predictions}**\nconfirmed: **${l.confirmed}** · corrected: **${l.corrected}**\nsamples waiting for retraining: **${l.samplesWaiting}**`,
      inline: true,
    },
    { name: `Per-digit live accuracy (${count(labelledDigits, 'labelled digit')})`, value: perDigit || '–', inline: false },
    { name: 'Last retraining', value: formatRun(s.lastRun) },
    ...(s.earlierRuns?.length ? [{ name: 'Earlier retraining runs', value: truncate(s.earlierRuns.map(formatRunLine).join('\n'), 1000) }] : []),
  ];
  return {
    title: 'digit-bot statistics',
    color: COLOURS.info,
    fields,
    ...(s.chartName ? { image: { url: `attachment://${s.chartName}` } } : {}),
    timestamp: undefined,
  };
}

export function formatRun(r: RetrainRun | null): string {
  if (!r) return 'none yet';
  const when = formatDate(r.finishedAt ?? r.startedAt);
  const fig = (a: number | null, b: number | null) => (a === null && b === null ? null : `${percent(a, 2)} → ${percent(b, 2)}`);
  const parts = [
    `**${r.status}** (${r.trigger}, ${when})`,
    r.samplesUsed !== null ? `${r.samplesUsed} samples` : null,
    fig(r.mnistBefore, r.mnistAfter) ? `MNIST ${fig(r.mnistBefore, r.mnistAfter)}` : null,
    fig(r.holdoutBefore, r.holdoutAfter) ? `held-back user samples ${fig(r.holdoutBefore, r.holdoutAfter)}` : null,
    r.candidateModel ? `candidate ${r.candidateModel}` : null,
    r.reason ? truncate(r.reason, 300) : null,
  ];
  return parts.filter((x) => x !== null).join(' · ');
}

/** One line per run: when, what, how many samples, held-back before → after. */
export function formatRunLine(r: RetrainRun): string {
  const held = r.holdoutBefore !== null || r.holdoutAfter !== null ? ` · held-back ${percent(r.holdoutBefore, 1)} → ${percent(r.holdoutAfter, 1)}` : '';
  return `${formatDate(r.startedAt)}: **${r.status}** (${r.trigger})${r.samplesUsed !== null ? ` · ${r.samplesUsed} samples` : ''}${held}`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso || 'unknown' : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

export function helpEmbed(opts: { watched: boolean }): APIEmbed {
  return {
    title: 'digit-bot: I read handwritten digits',
    color: COLOURS.info,
    description: [
      `Post a picture of a handwritten digit or number ${opts.watched ? 'in a watched channel, ' : ''}in a DM, or mention me with the picture, and I answer with what I read, how sure I am and the alternatives.`,
      '',
      '**Commands**',
      '`/predict image:` read an attached picture (add `private:True` to see the answer alone)',
      '**Read digits** (right-click a message › Apps) read the pictures of any message',
      '`/correct digit:` correct your latest answer (for clients without buttons)',
      '`/stats` the model, live accuracy from your feedback, and a chart',
      '`/retrain` (server managers) learn from the corrections now; the new model is used only if it is not worse',
      `\`/forget\` delete what I stored about you: your pictures’ digit images and answers, your feedback, your name and message links. I keep only ${FORGET_KEEPS}.`,
      '`/help` this message',
      '',
      '**Teach me**: each answer shows the marks I looked at (28×28, as I saw them). Under it, ✅ confirms, ✖️ says the picture has no digit, a menu picks the right digit (one menu per digit for numbers up to 4 digits), ✏️ types a number. Only the person who posted the picture (or a moderator) can do it. The label lands on the mark it is about, or I say why I cannot use it. A label I strongly disagree with, or one of very many from one person in an hour, waits until someone else agrees (🤝). I keep the 28×28 images, never your photo.',
    ].join('\n'),
  };
}
