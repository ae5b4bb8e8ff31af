/** What the first bytes of a file say it is: a media type, and whether it runs as a program. */
export interface Sniffed {
  type: string;
  executable: boolean;
}

const starts = (b: Buffer, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (b: Buffer, text: string, at = 0) => b.length >= at + text.length && b.toString('latin1', at, at + text.length) === text;

function isoMedia(b: Buffer): string | null {
  if (!ascii(b, 'ftyp', 4)) return null;
  const brand = b.toString('latin1', 8, 12);
  if (['heic', 'heix', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
  if (brand.startsWith('M4A')) return 'audio/mp4';
  if (brand === 'qt  ') return 'video/quicktime';
  return 'video/mp4';
}

function riff(b: Buffer): string | null {
  if (!ascii(b, 'RIFF')) return null;
  if (ascii(b, 'WEBP', 8)) return 'image/webp';
  if (ascii(b, 'WAVE', 8)) return 'audio/wav';
  if (ascii(b, 'AVI ', 8)) return 'video/x-msvideo';
  return null;
}

const EXECUTABLE_MAGIC: readonly (readonly number[])[] = [
  [0x4d, 0x5a], // MZ: Windows PE / DOS
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe], // Mach-O
  [0xca, 0xfe, 0xba, 0xbe], // Mach-O universal, Java class
];

/** The type of a file by its magic numbers (pdf, images, archives, office containers, audio, video, executables); null when the bytes say nothing (text among others). Pure. */
export function sniff(b: Buffer): Sniffed | null {
  if (EXECUTABLE_MAGIC.some((sig) => starts(b, sig))) return { type: 'application/x-executable', executable: true };
  if (ascii(b, '#!')) return { type: 'text/x-script', executable: true };
  const type = sniffType(b);
  return type ? { type, executable: false } : null;
}

function sniffType(b: Buffer): string | null {
  if (ascii(b, '%PDF-')) return 'application/pdf';
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(b, 'GIF87a') || ascii(b, 'GIF89a')) return 'image/gif';
  if (ascii(b, 'BM') && b.length >= 6 && b.readUInt32LE(2) === b.length) return 'image/bmp';
  if (ascii(b, 'II*\0') || ascii(b, 'MM\0*')) return 'image/tiff';
  if (ascii(b, 'PK\x03\x04') || ascii(b, 'PK\x05\x06')) return 'application/zip';
  if (starts(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-ole-storage';
  if (starts(b, [0x1f, 0x8b])) return 'application/gzip';
  if (starts(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'application/x-7z-compressed';
  if (ascii(b, 'Rar!\x1a\x07')) return 'application/vnd.rar';
  if (ascii(b, 'ID3')) return 'audio/mpeg';
  if (ascii(b, 'OggS')) return 'audio/ogg';
  if (ascii(b, 'fLaC')) return 'audio/flac';
  if (ascii(b, '{\\rtf')) return 'application/rtf';
  if (ascii(b, '%!PS')) return 'application/postscript';
  return riff(b) ?? isoMedia(b);
}

/** Media types each sniffed container also stands for (an .docx is a zip, a .doc an OLE file). */
const FAMILIES: Readonly<Record<string, (declared: string) => boolean>> = {
  'application/zip': (t) =>
    t === 'application/zip' ||
    t === 'application/x-zip-compressed' ||
    t.startsWith('application/vnd.openxmlformats-officedocument.') ||
    t.startsWith('application/vnd.oasis.opendocument.') ||
    t === 'application/epub+zip' ||
    /^application\/vnd\.ms-[a-z]+\.[a-z.]*macroenabled\.12$/.test(t),
  'application/x-ole-storage': (t) => ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint', 'application/vnd.ms-outlook', 'application/x-ole-storage'].includes(t),
  'video/mp4': (t) => t.startsWith('video/') || t === 'audio/mp4' || t === 'audio/x-m4a',
  'audio/mp4': (t) => t === 'audio/mp4' || t === 'audio/x-m4a' || t === 'audio/m4a',
  'video/quicktime': (t) => t.startsWith('video/'),
  'image/heic': (t) => t === 'image/heic' || t === 'image/heif',
  'application/gzip': (t) => ['application/gzip', 'application/x-gzip', 'application/x-compressed-tar'].includes(t),
  'audio/wav': (t) => ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'].includes(t),
};

const ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'application/x-pdf': 'application/pdf',
  'image/x-ms-bmp': 'image/bmp',
  'audio/mp3': 'audio/mpeg',
  'application/x-rar-compressed': 'application/vnd.rar',
  'application/x-rtf': 'application/rtf',
  'text/rtf': 'application/rtf',
};

/** A media type without parameters, lower-cased and with common aliases resolved. Pure. */
export function essence(type: string): string {
  const t = type.split(';')[0].trim().toLowerCase();
  return ALIASES[t] ?? t;
}

/** Whether a declared (or expected) media type fits what the bytes were sniffed as. `application/octet-stream` fits anything. Pure. */
export function fitsSniffed(declared: string, sniffed: string): boolean {
  const t = essence(declared);
  if (t === 'application/octet-stream' || t === sniffed) return true;
  return FAMILIES[sniffed]?.(t) ?? false;
}

/**
 * Whether a type always has magic numbers the sniffer knows: a file declared (or named) as one of them
 * whose bytes sniff as nothing is not what it says. Text types and unknown types never are. Pure.
 */
export function needsMagic(type: string): boolean {
  const t = essence(type);
  if (t === 'application/octet-stream') return false;
  const known = [
    'application/pdf',
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'image/bmp',
    'image/tiff',
    'image/heic',
    'application/gzip',
    'application/x-7z-compressed',
    'application/vnd.rar',
    'audio/flac',
    'audio/ogg',
    'application/rtf',
  ];
  return known.includes(t) || Object.entries(FAMILIES).some(([family, fits]) => fits(t) && family !== 'video/mp4' && family !== 'video/quicktime');
}
