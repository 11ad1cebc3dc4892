// Verifies an MlLedger Sigstore bundle with sigstore-js (@sigstore/verify), independently of the ledger's code.
// usage: node verify.mjs BUNDLE.json TRUSTED_ROOT.json SIGNER_PUBLIC_KEY.pem
// Prints "verified" and exits 0, or prints the verifier's error and exits 1.
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';

const [bundlePath, rootPath, keyPath] = process.argv.slice(2);
if (!bundlePath || !rootPath || !keyPath) {
  console.error('usage: node verify.mjs BUNDLE.json TRUSTED_ROOT.json SIGNER_PUBLIC_KEY.pem');
  process.exit(2);
}

try {
  const bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));
  const root = TrustedRoot.fromJSON(JSON.parse(readFileSync(rootPath, 'utf8')));
  const spki = createPublicKey(readFileSync(keyPath, 'utf8')).export({ type: 'spki', format: 'der' });
  const hint = bundle.verificationMaterial.content.publicKey.hint;
  const keys = { [hint]: { rawBytes: spki, keyDetails: 'PKIX_ECDSA_P256_SHA_256' } };
  // The log is Rekor-v2-shaped: its entries carry no integrated time, so no timestamp is required here.
  const verifier = new Verifier(toTrustMaterial(root, keys), { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  console.log('verified');
} catch (e) {
  console.log(`not verified: ${e.code ?? e.name}: ${e.message}`);
  process.exit(1);
}
