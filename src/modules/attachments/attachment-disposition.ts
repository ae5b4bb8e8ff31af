import { registerEnumType } from 'type-graphql';

/** How a mail client shows an attachment. */
export enum AttachmentDisposition {
  ATTACHMENT = 'ATTACHMENT',
  INLINE = 'INLINE',
}
registerEnumType(AttachmentDisposition, {
  name: 'AttachmentDisposition',
  description: 'How a mail client shows an attachment: as a file to open or save, or inline (an image the HTML shows through `cid:`).',
  valuesConfig: {
    ATTACHMENT: { description: 'A file attached to the message (Content-Disposition: attachment).' },
    INLINE: { description: 'Shown inside the HTML, referenced as `<img src="cid:<contentId>">` (Content-Disposition: inline); needs contentId.' },
  },
});
