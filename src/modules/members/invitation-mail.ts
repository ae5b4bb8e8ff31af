/** What an invitation e-mail says. */
export interface InvitationMail {
  subject: string;
  text: string;
}

/** The link an invitation token is sent in. */
export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
}

/** Composes the invitation e-mail for an account (pure). */
export function invitationMail(accountName: string, link: string, expiresAt: Date): InvitationMail {
  // The account name is chosen by the agency: keep it to one line in the subject.
  const name = accountName.replace(/\s+/g, ' ').trim().slice(0, 100) || 'an agency account';
  return {
    subject: `You are invited to ${name} on Mailroom`,
    text: [
      `You have been invited to join ${name} on Mailroom.`,
      '',
      'Open this link to accept the invitation and choose your password:',
      link,
      '',
      `The link works once and expires on ${expiresAt.toISOString()}.`,
      'If you did not expect this invitation, you can ignore this e-mail.',
      '',
    ].join('\n'),
  };
}
