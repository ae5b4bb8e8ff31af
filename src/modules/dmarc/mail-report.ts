import { simpleParser } from 'mailparser';
import { refuse } from './refusal';
import { sniffFormat } from './unpack';

/** A report file found in a mail: its name and bytes (still compressed). */
export interface MailReportFile {
  filename: string;
  content: Buffer;
}

const REPORT_NAME = /\.(xml|xml\.gz|gz|zip)$/i;
const REPORT_TYPE = /^(application\/(zip|x-zip-compressed|gzip|x-gzip|xml)|text\/xml)$/i;

/**
 * The DMARC report a mail carries: the first attachment named `.xml`, `.xml.gz`, `.gz` or `.zip` (or
 * typed zip, gzip or XML), else the body itself when it is the XML inline. NOT_A_REPORT when there is
 * none. Parses MIME only (mailparser); no I/O.
 */
export async function reportFileOfMail(raw: Buffer): Promise<MailReportFile> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const attachment = mail.attachments.find((a) => REPORT_NAME.test(a.filename ?? '') || REPORT_TYPE.test(a.contentType) || sniffFormat(a.content) !== 'xml');
  if (attachment) return { filename: attachment.filename ?? 'report', content: attachment.content };
  const body = (mail.text ?? '').trim();
  if (/^(<\?xml|<(\w+:)?feedback[\s>])/.test(body)) return { filename: 'inline.xml', content: Buffer.from(body, 'utf8') };
  refuse('NOT_A_REPORT', 'The mail carries no DMARC report (no .xml, .xml.gz or .zip attachment, no XML body)');
}
