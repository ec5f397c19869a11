import { X509Certificate, verify } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { isLowS } from './ecdsa-der.js';

/** The identity that signed a message: its MSP and its X.509 certificate. */
export interface SignerIdentity {
  readonly mspId: string;
  readonly certificatePem: string;
  /** The serialized identity exactly as it travelled (a `msp.SerializedIdentity`). */
  readonly serialized: Uint8Array;
}

/** The organisations whose members the peer accepts, each with its root CA certificates (PEM). */
export type TrustedMsps = Readonly<Record<string, readonly string[]>>;

/** Why a signature was refused; the text is the peer's, never the client's secret. */
export type VerifyResult =
  | { readonly ok: true; readonly identity: SignerIdentity }
  | { readonly ok: false; readonly reason: string };

/** Checks that `signature` over `message` was made by the key of the certificate in `serializedIdentity`. */
export interface IdentityVerifier {
  verify(serializedIdentity: Uint8Array, message: Uint8Array, signature: Uint8Array): VerifyResult;
}

/**
 * Creates the verifier the test peer applies to every signed request. When `trusted` is given,
 * the signer's MSP must be listed and its certificate issued by one of that MSP's root CAs and
 * currently valid, as a Fabric MSP requires; without it, any well-formed certificate is accepted.
 */
export function createIdentityVerifier(trusted?: TrustedMsps): IdentityVerifier {
  const roots = new Map(
    Object.entries(trusted ?? {}).map(
      ([mspId, pems]) => [mspId, pems.map((pem) => new X509Certificate(pem))] as const,
    ),
  );
  return {
    verify(serializedIdentity, message, signature) {
      let identity: SignerIdentity;
      let certificate: X509Certificate;
      try {
        const decoded = msp.SerializedIdentity.deserializeBinary(serializedIdentity);
        const certificatePem = Buffer.from(decoded.getIdBytes_asU8()).toString('utf8');
        certificate = new X509Certificate(certificatePem);
        identity = { mspId: decoded.getMspid(), certificatePem, serialized: serializedIdentity };
      } catch {
        return { ok: false, reason: 'creator is malformed' };
      }
      if (identity.mspId === '') return { ok: false, reason: 'creator has no MSP id' };
      if (trusted !== undefined) {
        const problem = checkMembership(roots.get(identity.mspId), certificate);
        if (problem !== undefined)
          return { ok: false, reason: `creator org [${identity.mspId}] ${problem}` };
      }
      if (certificate.publicKey.asymmetricKeyType !== 'ec')
        return { ok: false, reason: 'creator key is not ECDSA' };
      if (!isLowS(signature)) return { ok: false, reason: 'signature is not in low-S form' };
      let valid = false;
      try {
        valid = verify('sha256', message, certificate.publicKey, signature);
      } catch {
        valid = false;
      }
      return valid
        ? { ok: true, identity }
        : { ok: false, reason: "the creator's signature is not valid" };
    },
  };
}

function checkMembership(
  roots: readonly X509Certificate[] | undefined,
  certificate: X509Certificate,
): string | undefined {
  if (roots === undefined) return 'is not a member of the channel';
  const now = Date.now();
  if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now)
    return 'certificate has expired or is not yet valid';
  const issued = roots.some(
    (root) => certificate.checkIssued(root) && certificate.verify(root.publicKey),
  );
  return issued ? undefined : 'certificate was not issued by a trusted CA';
}
