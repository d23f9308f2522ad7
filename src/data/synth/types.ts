/**
 * The generator's public shapes (re-exported by index.ts; see notes/SYNTH_API.md).
 *
 * Hazard vocabulary — each is set only when the picture really has it:
 *  desk-edge      the desk shows past the paper edge (a darker region touching the border)
 *  ruled / grid   notebook paper with ruled lines / a square grid
 *  shadow-soft    a shadow with a wide penumbra; shadow-hard: one with a sharp edge
 *  uneven-light   light falling off across the page by at least ~15 %
 *  vignette       corners darker than the centre by at least ~12 %
 *  color-cast     white balance off (a channel gain differs by ≥ 6 %)
 *  perspective    a corner moved by ≥ 3 % of the picture size; rotation: ≥ 3° turned
 *  blur           ink blurred by ≥ 1.2 px (σ) at the stored size; noise: clearly visible sensor noise
 *  jpeg-low       JPEG quality < 70; exif: stored rotated with EXIF orientation 3/6/8
 *  ballpoint-black / ballpoint-blue / pencil (grey, grainy) / marker   the pen of a photo
 *  thin-pen       pen width < 7 % of the digit height; thick-pen: > 14 %
 *  transparent    PNG/WebP/SVG with a transparent background (alpha carries the ink)
 *  dark-background a drawing-app canvas darker than its ink; discord-grey: #313338, #2b2d31 or #1e1f22
 *  colour-ink     drawing ink that is neither black nor white nor grey
 *  svg            stored as SVG; tiny: short side ≤ 64 px; large: long side ≥ 2500 px
 *  wide-canvas / tall-canvas   aspect ratio ≥ 2.5 : 1
 *  font / mnist / trajectory   where the digit shapes come from (typeface, re-drawn MNIST, pen path)
 *  slant          the writer slants by ≥ ~9°
 */
export type SynthKind = 'photo-mnist' | 'photo-font' | 'photo-exif' | 'number' | 'drawing' | 'non-digit';
export type SynthSplit = 'train' | 'dev' | 'test';

export const SYNTH_HAZARDS = [
  'desk-edge', 'ruled', 'grid', 'shadow-soft', 'shadow-hard', 'uneven-light', 'vignette', 'color-cast',
  'perspective', 'rotation', 'blur', 'noise', 'jpeg-low', 'exif',
  'ballpoint-black', 'ballpoint-blue', 'pencil', 'marker', 'thin-pen', 'thick-pen',
  'transparent', 'dark-background', 'discord-grey', 'colour-ink', 'svg', 'tiny', 'large', 'wide-canvas', 'tall-canvas',
  'font', 'mnist', 'trajectory', 'slant',
] as const;
export type SynthHazard = (typeof SYNTH_HAZARDS)[number];

export interface SynthMark {
  /** '0'..'9' */
  label: string;
  /** where that digit's ink is, in the DISPLAYED picture (after EXIF orientation is applied), pixels */
  box: { x: number; y: number; width: number; height: number };
}

export interface SynthPicture {
  id: string;
  bytes: Buffer;
  format: 'png' | 'jpeg' | 'webp' | 'svg';
  label: string | null;
  kind: SynthKind;
  hazards: SynthHazard[];
  marks: SynthMark[];
  width: number;
  height: number;
  subject?: string;
}
