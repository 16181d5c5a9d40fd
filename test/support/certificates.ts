import { generate } from 'selfsigned';

export interface Pem {
  key: string;
  cert: string;
}

type AltName = { type: 2; value: string } | { type: 6; value: string } | { type: 7; ip: string };

/** A self-signed EC certificate, usable as its own CA, valid for a day: for a TLS server or a TLS client. */
export async function selfSignedCertificate(commonName: string, use: 'serverAuth' | 'clientAuth', altNames: AltName[] = []): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', [use]: true },
      ...(altNames.length ? [{ name: 'subjectAltName' as const, altNames }] : []),
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
