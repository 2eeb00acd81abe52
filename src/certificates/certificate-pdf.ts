import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export interface PrintableCertificate {
  holderName: string;
  certificateName: string;
  trackTitle: string;
  awardedOn: string;
  validUntil: string | null;
  issuerName: string;
  issuerUrl: string;
  verifyUrl: string;
  /** Set when the certificate is revoked, expired or superseded: printed prominently instead of "Valid until". */
  notInForce?: { label: string; detail: string } | null;
  /** The track's badge artwork (PNG), drawn in the top right corner. */
  badgePng?: Buffer;
}

/** A PNG QR code that leads to the certificate's public page. */
export function qrPng(url: string, width = 320): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', width, margin: 2, errorCorrectionLevel: 'M' });
}

/**
 * A one-page landscape A4 certificate. It carries the verification URL and QR code: the PDF itself
 * proves nothing, the page it leads to (and the signed JSON) does.
 */
export async function certificatePdf(c: PrintableCertificate): Promise<Buffer> {
  const qr = await qrPng(c.verifyUrl, 360);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    info: { Title: `${c.certificateName}: ${c.holderName}`, Author: c.issuerName, Subject: c.trackTitle },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 112;
  doc
    .rect(28, 28, doc.page.width - 56, doc.page.height - 56)
    .lineWidth(3)
    .stroke('#1f4e79');
  doc
    .moveDown(2)
    .font('Helvetica')
    .fontSize(14)
    .fillColor('#333333')
    .text(c.issuerName, { align: 'center', width });
  doc
    .moveDown(1)
    .font('Helvetica-Bold')
    .fontSize(30)
    .fillColor('#1f4e79')
    .text(c.certificateName, { align: 'center', width });
  doc
    .moveDown(1)
    .font('Helvetica')
    .fontSize(14)
    .fillColor('#333333')
    .text('awarded to', { align: 'center', width });
  doc
    .moveDown(0.5)
    .font('Helvetica-Bold')
    .fontSize(26)
    .fillColor('#111111')
    .text(c.holderName, { align: 'center', width });
  doc
    .moveDown(0.8)
    .font('Helvetica')
    .fontSize(13)
    .fillColor('#333333')
    .text(`for completing the ${c.trackTitle} track on ${c.awardedOn}.`, { align: 'center', width });
  if (c.notInForce) {
    doc
      .moveDown(0.6)
      .font('Helvetica-Bold')
      .fontSize(22)
      .fillColor('#b00020')
      .text(c.notInForce.label, { align: 'center', width })
      .font('Helvetica')
      .fontSize(13)
      .text(c.notInForce.detail, { align: 'center', width });
  } else if (c.validUntil) {
    doc.moveDown(0.3).text(`Valid until ${c.validUntil}.`, { align: 'center', width });
  }
  if (c.badgePng) doc.image(c.badgePng, doc.page.width - 56 - 110, 48, { width: 110, height: 110 });
  const qrSize = 120;
  const bottom = doc.page.height - 56 - qrSize;
  doc.image(qr, 56 + 8, bottom, { width: qrSize, height: qrSize });
  doc
    .font('Helvetica')
    .fontSize(11)
    .fillColor('#333333')
    .text('Check that this certificate is genuine and still valid:', 56 + qrSize + 24, bottom + 30, {
      width: width - qrSize - 24,
    })
    .fillColor('#1f4e79')
    .text(c.verifyUrl, { link: c.verifyUrl, underline: true, width: width - qrSize - 24 })
    .fillColor('#333333')
    .text(`Issued by ${c.issuerName} (${c.issuerUrl}) as a signed Open Badges 3.0 credential.`, {
      width: width - qrSize - 24,
    });
  doc.end();
  return done;
}
