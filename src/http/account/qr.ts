/**
 * The QR code of an authenticator-app set-up, rendered by the portal (qrcode) as a PNG data: URI for an inline
 * <img> (the CSP's img-src allows data:), so the otpauth:// URI with its secret never goes to a third-party service.
 * Rules: error correction M, 4-module quiet zone, 200 px; only otpauth:// URIs are rendered.
 */
import QRCode from 'qrcode';

export async function otpauthQrDataUri(otpauthUri: string): Promise<string | null> {
  if (!otpauthUri.startsWith('otpauth://')) return null;
  return QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 4, width: 200, type: 'image/png' });
}
