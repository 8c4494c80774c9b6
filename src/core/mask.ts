/**
 * Masked hints for the operator option `showEnrolledMethods` (which gives away enrolment; see the README).
 * Rules: a phone number shows its country prefix (`+1` for NANP, otherwise the first two digits after `+`) and
 * its last four digits, nothing else; short or odd numbers show no digits at all.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '•••';
  const last4 = digits.slice(-4);
  const prefix = phone.trim().startsWith('+') ? (digits.startsWith('1') ? '+1' : `+${digits.slice(0, 2)}`) : '';
  return `${prefix ? `${prefix} ` : ''}••• ••• ${last4}`;
}

/** `j•••@example.com`: the first character of the local part and the domain (the account page, masked email offers). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}
