/**
 * Extensions refused as attachments: programs, scripts, installers, shortcuts and disk images that
 * mail providers block (Gmail's list and MailerSend's, which ask the same), whatever the bytes are.
 */
export const DENIED_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'ade adp apk app appx appxbundle application bat bas cab chm class cmd com cpl crt csh der diagcab diagcfg diagpack dll dmg ex ex_ exe fxp gadget grp ' +
    'hlp hpj hta htc img inf ins iso isp its jar jnlp js jse ksh lib lnk mad maf mag mam maq mar mas mat mau mav maw mcf mda mdb mde mdt mdw mdz mjs msc msh ' +
    'msh1 msh2 mshxml msh1xml msh2xml msi msix msixbundle msp mst nsh ops pcd pif plg prf prg ps1 ps1xml ps2 ps2xml psc1 psc2 pst reg scf scr sct shb shs ' +
    'sys tmp url vb vbe vbp vbs vhd vhdx vsmacros vsw vxd ws wsc wsf wsh xbap xll xnk'
  ).split(' '),
);

/** Media types refused as attachments whatever the name: programs and installers. */
export const DENIED_TYPES: ReadonlySet<string> = new Set([
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-dosexec',
  'application/x-executable',
  'application/x-msi',
  'application/x-ms-installer',
  'application/x-sh',
  'application/x-csh',
  'application/hta',
  'application/x-ms-shortcut',
  'application/java-archive',
  'application/x-java-archive',
  'application/vnd.android.package-archive',
  'application/x-apple-diskimage',
  'application/javascript',
  'text/javascript',
  'application/x-javascript',
  'text/vbscript',
  'application/x-powershell',
]);

/** The media type of common extensions, to check a name against the bytes and to type a file given none. */
export const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  svg: 'image/svg+xml',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  epub: 'application/epub+zip',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  msg: 'application/vnd.ms-outlook',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  '7z': 'application/x-7z-compressed',
  rar: 'application/vnd.rar',
  rtf: 'application/rtf',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  txt: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  htm: 'text/html',
  ics: 'text/calendar',
  vcf: 'text/vcard',
  json: 'application/json',
  xml: 'application/xml',
  md: 'text/markdown',
  eml: 'message/rfc822',
};

/** The lower-cased last extension of a file name ('' when it has none). Pure. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

const MAX_NAME = 200;
// C0 and C1 controls, and the bidirectional marks that make `invoice‮fdp.exe` read as `invoiceexe.pdf`.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A file name fit for a Content-Disposition header: the last path segment only (`/` and `\`), no
 * control or bidirectional characters, `<>:"|?*` as `_`, no leading or trailing dots and spaces, at
 * most 200 characters (cut before the extension, which is kept). '' when nothing is left. Pure.
 */
export function sanitizeFileName(raw: string): string {
  const base = raw.normalize('NFC').replace(INVISIBLE, '').split(/[\\/]/).pop() ?? '';
  const name = base
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if ([...name].length <= MAX_NAME) return name;
  const ext = extensionOf(name);
  const keep = ext && ext.length <= 20 ? `.${name.slice(name.length - ext.length)}` : '';
  return (
    [...name.slice(0, name.length - keep.length)]
      .slice(0, MAX_NAME - keep.length)
      .join('')
      .trimEnd() + keep
  );
}
