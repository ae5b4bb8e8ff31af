/** A VERP bounce address split into its parts. */
export interface VerpAddress {
  /** The message's verpToken, as written (tokens are case-sensitive). */
  token: string;
  /** The return-path host, lower case. */
  host: string;
}

const VERP = /^bounce\+([A-Za-z0-9_-]{8,128})@([A-Za-z0-9.-]{1,253})$/i;

/** Parses `bounce+<verpToken>@<return-path host>`; null for any other address. Pure. */
export function parseVerpAddress(address: string): VerpAddress | null {
  const m = VERP.exec(address.trim());
  return m ? { token: m[1], host: m[2].toLowerCase().replace(/\.$/, '') } : null;
}

/** The return-path host of a domain (`<returnPathSubdomain>.<name>`), where its bounces come back. Pure. */
export function returnPathHost(domain: { name: string; returnPathSubdomain: string }): string {
  return `${domain.returnPathSubdomain}.${domain.name}`.toLowerCase();
}
