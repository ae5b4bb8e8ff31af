/** Why a file is not taken as a DMARC aggregate report. */
export type DmarcRefusalReason = 'INVALID_XML' | 'WRONG_ENCODING' | 'NOT_A_REPORT' | 'TOO_LARGE' | 'CORRUPT_ARCHIVE' | 'DOMAIN_MISMATCH';

/** A refused report: `reason` is stable (it goes to clients as `extensions.reason`), `message` says what is wrong. */
export class DmarcRefusal extends Error {
  constructor(
    readonly reason: DmarcRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'DmarcRefusal';
  }
}

/** Throws a DmarcRefusal. */
export function refuse(reason: DmarcRefusalReason, message: string): never {
  throw new DmarcRefusal(reason, message);
}
