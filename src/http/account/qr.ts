/**
 * The QR code of an authenticator-app set-up, rendered by the portal (qrcode) as a PNG data: URI for an inline
 * <img> (the CSP's img-src allows data:), so the otpauth:// URI with its secret never goes to a third-party service.
 * Rules: error correction M, 4-module quiet zone, 200 px; only otpauth:// URIs are rendered.
 * qrcode (with pngjs) is imported on the first QR code, not at start-up: most portals never render one, and a
 * first import costs a few ms once.
 */
import type QRCodeModule from 'qrcode';

let qrcode: Promise<typeof QRCodeModule> | null = null;

export async function otpauthQrDataUri(otpauthUri: string): Promise<string | null> {
  if (!otpauthUri.startsWith('otpauth://')) return null;
  qrcode ??= import('qrcode').then((m) => m.default);
  const QRCode = await qrcode;
  return QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 4, width: 200, type: 'image/png' });
}
