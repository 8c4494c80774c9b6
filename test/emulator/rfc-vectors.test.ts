// RFC 4226 Appendix D and RFC 6238 Appendix B vectors (security-checklist.md Appendix A, EMU-1) against the
// test suite's own hand-written HOTP/TOTP, then the emulator's TOTP against it for a seeded known secret at a set
// virtual time.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { base32Decode, dynamicTruncate, hotp, totp, totpStep } from '../helpers/totp.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const RFC4226_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC4226_HMAC = [
  'cc93cf18508d94934c64b65d8ba7667fb7cde4b0',
  '75a48a19d4cbe100644e8ac1397eea747a2d33ab',
  '0bacb7fa082fef30782211938bc1c5e70416ff44',
  '66c28227d03a2d5529262ff016a1e6ef76557ece',
  'a904c900a64b35909874b33e61c5938a8e15ed1c',
  'a37e783d7b7233c083d4f62926c7a25f238d0316',
  'bc9cd28561042c83f219324d3c607256c03272ae',
  'a4fb960c0bc06e1eabb804e5b397cdc4b45596fa',
  '1b3c89f65e6c9e883012052823443f048b4332db',
  '1637409809a679dc698207310c8c7fc07290d9e5',
];
const RFC4226_TRUNCATED = [1284755224, 1094287082, 137359152, 1726969429, 1640338314, 868254676, 1918287922, 82162583, 673399871, 645520489];
const RFC4226_HOTP = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

const SEEDS = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
} as const;
const BASE32_SEEDS = {
  sha1: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  sha256: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====',
  sha512: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA=',
} as const;
// [time, T (hex), sha1, sha256, sha512]
const RFC6238: [number, string, string, string, string][] = [
  [59, '0000000000000001', '94287082', '46119246', '90693936'],
  [1111111109, '00000000023523EC', '07081804', '68084774', '25091201'],
  [1111111111, '00000000023523ED', '14050471', '67062674', '99943326'],
  [1234567890, '000000000273EF07', '89005924', '91819424', '93441116'],
  [2000000000, '0000000003F940AA', '69279037', '90698825', '38618901'],
  [20000000000, '0000000027BC86AA', '65353130', '77737706', '47863826'],
];
const RFC6238_SHA1_6 = new Map([[59, '287082'], [1111111109, '081804'], [1111111111, '050471'], [1234567890, '005924'], [2000000000, '279037'], [20000000000, '353130']]);

describe('test helper HOTP/TOTP against the RFC vectors', () => {
  test('RFC 4226 Appendix D: HMAC, dynamic truncation and 6-digit HOTP for counts 0..9', () => {
    for (let count = 0; count < 10; count++) {
      const msg = Buffer.alloc(8);
      msg.writeBigUInt64BE(BigInt(count));
      const mac = createHmac('sha1', RFC4226_SECRET).update(msg).digest();
      assert.equal(mac.toString('hex'), RFC4226_HMAC[count], `HMAC count ${count}`);
      assert.equal(dynamicTruncate(mac), RFC4226_TRUNCATED[count], `truncation count ${count}`);
      assert.equal(hotp(RFC4226_SECRET, count), RFC4226_HOTP[count], `HOTP count ${count}`);
    }
  });

  test('RFC 4226 §5.4 truncation example gives 872921', () => {
    const mac = Buffer.from('1f8698690e02ca16618550ef7f19da8e945b555a', 'hex');
    assert.equal(dynamicTruncate(mac), 0x50ef7f19);
    assert.equal(String(dynamicTruncate(mac) % 1e6), '872921');
  });

  test('RFC 4226: 7- and 8-digit codes from the same values', () => {
    assert.equal(hotp(RFC4226_SECRET, 7, 7), '2162583');
    assert.equal(hotp(RFC4226_SECRET, 8, 7), '3399871');
    assert.equal(hotp(RFC4226_SECRET, 7, 8), '82162583');
    assert.equal(hotp(RFC4226_SECRET, 8, 8), '73399871');
  });

  test('base32 decoding of the RFC seeds (with and without padding, any case)', () => {
    for (const alg of ['sha1', 'sha256', 'sha512'] as const) {
      assert.deepEqual(base32Decode(BASE32_SEEDS[alg]), SEEDS[alg], alg);
      assert.deepEqual(base32Decode(BASE32_SEEDS[alg].replace(/=/g, '').toLowerCase()), SEEDS[alg], `${alg} lower/unpadded`);
    }
    assert.throws(() => base32Decode('GEZD1'), /invalid character/);
  });

  test('RFC 6238 Appendix B: 8-digit TOTP for SHA1, SHA256 and SHA512 (per-hash seed lengths)', () => {
    for (const [time, tHex, sha1, sha256, sha512] of RFC6238) {
      assert.equal(totpStep(time).toString(16).toUpperCase().padStart(16, '0'), tHex, `T at ${time}`);
      assert.equal(totp(SEEDS.sha1, time, { digits: 8, algorithm: 'sha1' }), sha1, `SHA1 at ${time}`);
      assert.equal(totp(SEEDS.sha256, time, { digits: 8, algorithm: 'sha256' }), sha256, `SHA256 at ${time}`);
      assert.equal(totp(SEEDS.sha512, time, { digits: 8, algorithm: 'sha512' }), sha512, `SHA512 at ${time}`);
      // the same through the base32 form used in otpauth:// URIs and Okta's sharedSecret
      assert.equal(totp(BASE32_SEEDS.sha512, time, { digits: 8, algorithm: 'sha512' }), sha512, `SHA512 b32 at ${time}`);
    }
  });

  test('RFC 6238: the 20-byte seed with SHA256 does NOT give the published value (the well-known erratum)', () => {
    assert.equal(totp(SEEDS.sha1, 59, { digits: 8, algorithm: 'sha256' }), '32247374');
  });

  test('6-digit SHA1 TOTP (Google Authenticator style) keeps leading zeros', () => {
    for (const [time, code] of RFC6238_SHA1_6) assert.equal(totp(BASE32_SEEDS.sha1, time), code, `at ${time}`);
  });
});

describe("the emulator's TOTP agrees with the independent implementation", () => {
  // 1234567890 is exactly the start of step 41152263, so the whole step (30 s of real time) is in range.
  const START = 1234567890;
  let emu: TestEmulator;
  let googleFactorId = '';
  let oktaFactorId = '';
  const OTHER_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

  before(async () => {
    emu = await startTestEmulator({
      startTime: START * 1000,
      seed: {
        org: { name: 'RFC vectors' },
        users: [
          {
            login: 'rfc.vectors@example.com',
            firstName: 'Rfc',
            lastName: 'Vectors',
            status: 'ACTIVE',
            password: 'Vectors-Pass-2024!',
            factors: [
              { type: 'google-totp', secret: BASE32_SEEDS.sha1 },
              { type: 'okta-totp', secret: OTHER_SECRET },
            ],
          },
        ],
      },
    });
    const user = await emu.client.userApi.getUser({ userId: 'rfc.vectors@example.com' });
    const factors: { id?: string; provider?: string }[] = [];
    for await (const f of await emu.client.userFactorApi.listFactors({ userId: user.id! })) if (f) factors.push(f);
    googleFactorId = factors.find((f) => f.provider === 'GOOGLE')?.id ?? '';
    oktaFactorId = factors.find((f) => f.provider === 'OKTA')?.id ?? '';
    assert.ok(googleFactorId && oktaFactorId, 'seeded GOOGLE and OKTA totp factors are listed');
  });
  after(() => emu?.close());

  test('GET /_emulator/factors/:id/code at t=1234567890 is the RFC 6238 value 005924 (step 41152263)', async () => {
    const c = await emu.control.totpCode(googleFactorId);
    assert.equal(c.step, 41152263);
    assert.equal(c.code, '005924');
    assert.equal(c.code, totp(BASE32_SEEDS.sha1, c.step * 30));
    assert.ok(c.secondsRemaining > 0 && c.secondsRemaining <= 30, `secondsRemaining ${c.secondsRemaining}`);
  });

  test('after advancing the virtual clock, codes follow the new step for both providers', async () => {
    await emu.control.advance(90);
    const g = await emu.control.totpCode(googleFactorId);
    assert.equal(g.step, 41152263 + 3);
    assert.equal(g.code, hotp(BASE32_SEEDS.sha1, g.step));
    const o = await emu.control.totpCode(oktaFactorId);
    assert.equal(o.step, g.step);
    assert.equal(o.code, hotp(OTHER_SECRET, o.step));
    assert.notEqual(o.code, g.code);
  });
});
